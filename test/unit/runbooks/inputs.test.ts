// Inputs however a runbook writes them, what the runbook says about them, filling them from an
// alert's labels, and which blocks run. Fixtures are written for this test.
import { strict as assert } from 'node:assert';
import type { Placeholder } from '../../../src/runbooks/model';
import { alertLabelIn, explainInput, fillInputs, findPlaceholders } from '../../../src/runbooks/placeholders';
import { blockKind, isRunnable } from '../../../src/runbooks/runnable';
import { parseText } from './helpers';

const found = (text: string, lang: string | null = 'bash') => findPlaceholders(text, lang).map((p) => [p.raw, p.style, p.name]);

describe('runbooks/inputs', () => {
  describe('written as', () => {
    it('a few words: `<value of X from alert>`, with the alert label it names', () => {
      const [p] = findPlaceholders('df -h <value of mountpoint label from alert>', 'bash');
      assert.deepEqual(p, {
        name: 'value of mountpoint label from alert', style: 'angle', raw: '<value of mountpoint label from alert>', offset: 6, quoted: null, explained: true, label: 'mountpoint',
      });
      assert.equal(alertLabelIn('the instance label'), 'instance');
      assert.equal(alertLabelIn('value of pod from the alert'), 'pod');
      assert.equal(alertLabelIn('name of the new primary'), undefined);
      assert.deepEqual(found('sort <in file >out'), [], 'a redirect with spaces is not an input');
      assert.deepEqual(found('curl "<a href>"'), [], 'an HTML tag with an attribute is not an input');
    });

    it('alternatives: `<a|b>` is a pick list', () => {
      const [p] = findPlaceholders('kubectl --context <cellsdev | cellsprod> get nodes', 'bash');
      assert.equal(p?.name, 'cellsdev|cellsprod');
      assert.deepEqual(p?.options, ['cellsdev', 'cellsprod']);
      assert.equal(p?.explained, true);
    });

    it('upper case in brackets in command text: `[POD_NAME]`, not log levels, indexes, globs or quoted patterns', () => {
      assert.deepEqual(found('kubectl logs [POD_NAME] -n [NAMESPACE]'), [
        ['[POD_NAME]', 'bracket', 'POD_NAME'],
        ['[NAMESPACE]', 'bracket', 'NAMESPACE'],
      ]);
      assert.deepEqual(found("grep '[ERROR]' app.log; echo [OK] ${arr[IDX]} ls file[ABC] [ -f x ]"), []);
      assert.deepEqual(found('[POD_NAME] is in the output', 'promql'), [], 'only in shell');
    });

    it('variables a block uses but never sets: `$NAME`', () => {
      assert.deepEqual(found('kubectl -n $NAMESPACE get pods "$POD"'), [
        ['$NAMESPACE', 'variable', 'NAMESPACE'],
        ['$POD', 'variable', 'POD'],
      ]);
      assert.deepEqual(found('NS=x\necho $NS $HOME $1 $? $lower'), [], 'set here, the shell\'s own, positional, lower case');
      assert.deepEqual(found("echo '$LITERAL' `echo $IN_BACKTICKS` $((COUNT + $STEP)) ${X:-$DEFAULT}"), [], 'where no value can replace it');
    });

    it('a variable set by another block of the runbook is not an input', () => {
      const r = parseText('a/x.md', '# T\n\n```bash\nexport NAMESPACE=payments\n```\n\n```bash\nkubectl -n $NAMESPACE get pods -l app=${APP}\n```\n');
      assert.deepEqual(r.codeBlocks[1]?.placeholders.map((p) => p.raw), ['${APP}']);
    });
  });

  describe('explainInput', () => {
    const md = [
      '---',
      'placeholders:',
      '  cluster: the cluster from the page, e.g. eu-1',
      '---',
      '# Queue backlog',
      '',
      'Every consumer runs in its own namespace.',
      '',
      '- `NAMESPACE`: the namespace of the consumer that fell behind (see the alert).',
      '- `POD_NAME` is the pod with the oldest offset.',
      '',
      '```bash',
      'kubectl -n $NAMESPACE logs [POD_NAME] --context {{cluster}}',
      '```',
      '',
      'Later: the namespace again, far below.',
    ].join('\n');
    const p = (name: string, raw: string) => ({ name, raw }) as Pick<Placeholder, 'name' | 'raw'>;

    it('finds the list item or sentence that explains an input, the nearest before the block first', () => {
      assert.equal(explainInput(md, p('NAMESPACE', '$NAMESPACE'), 11), 'NAMESPACE: the namespace of the consumer that fell behind (see the alert).');
      assert.equal(explainInput(md, p('POD_NAME', '[POD_NAME]'), 11), 'POD_NAME is the pod with the oldest offset.');
    });
    it('explains alternatives by the sentence that names them all', () => {
      const text = '# T\n\nPick the cell the page came from: cellsdev for staging, cellsprod for production.\n\n```bash\necho <cellsdev|cellsprod>\n```\n';
      const [choice] = findPlaceholders('echo <cellsdev|cellsprod>', 'bash');
      assert.equal(explainInput(text, choice!, 4), 'Pick the cell the page came from: cellsdev for staging, cellsprod for production.');
    });
    it('prefers the front matter entry, and says nothing rather than something unrelated', () => {
      assert.equal(explainInput(md, p('cluster', '{{cluster}}'), 11), 'the cluster from the page, e.g. eu-1');
      assert.equal(explainInput(md, p('REPLICA', '$REPLICA'), 11), undefined);
    });
  });

  describe('fillInputs (values from an alert\'s labels)', () => {
    it('matches names exactly, case-insensitively, as words, and by the label a worded input names', () => {
      const inputs = [
        ...findPlaceholders('kubectl -n <namespace> logs [POD_NAME] -c $CONTAINER_NAME', 'bash'),
        ...findPlaceholders('df -h <value of mountpoint label from alert> --context <cellsdev|cellsprod>', 'bash'),
      ];
      const labels = { Namespace: 'payments', pod: 'x', pod_name: 'api-7d9', containerName: 'app', mountpoint: '/var/lib', context: 'cellsdev', cellsdev: 'no' };
      assert.deepEqual(fillInputs(inputs, labels), {
        namespace: 'payments',
        POD_NAME: 'api-7d9',
        CONTAINER_NAME: 'app',
        'value of mountpoint label from alert': '/var/lib',
      });
      assert.deepEqual(fillInputs(findPlaceholders('use <dev|prod>', 'bash'), { 'dev|prod': 'staging' }), {}, 'a value outside the alternatives is not taken');
    });
  });

  describe('which blocks run', () => {
    const langs = ['sh', 'bash', 'shell', 'zsh', 'console'];
    const block = (lang: string | null, text: string) => ({ lang, text, looksLikeShell: false });
    it('a console block without prompts is commands when its lines are commands, output otherwise', () => {
      assert.equal(blockKind(block('console', 'kubectl get pods -A\nkubectl top nodes')), 'commands');
      assert.equal(isRunnable(block('console', 'kubectl get pods -A'), langs), true);
      assert.equal(blockKind(block('console', 'NAME     READY   STATUS\napi-1    1/1     Running')), 'output');
      assert.equal(isRunnable(block('console', 'NAME READY\napi 1/1'), langs), false);
      assert.equal(blockKind(block('shell-session', '$ kubectl get pods\nNAME READY')), 'transcript');
      assert.equal(blockKind(block('console', '# systemctl restart nginx\n● nginx.service active')), 'transcript', 'a root prompt');
    });
    it('PromQL, SQL, YAML and JSON get Copy, not Run, whatever their label', () => {
      assert.equal(blockKind(block('console', 'sum by (pod) (rate(http_requests_total{job="api"}[5m]))')), 'promql');
      assert.equal(blockKind(block('bash', 'histogram_quantile(0.99, sum by (le) (rate(latency_bucket[5m])))')), 'promql');
      assert.equal(blockKind(block('console', 'SELECT pid, state FROM pg_stat_activity WHERE state = \'active\';')), 'sql');
      assert.equal(blockKind(block(null, 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x')), 'yaml');
      assert.equal(blockKind(block('console', '{ "status": "ok" }')), 'json');
      for (const text of ['rate(x{a="b"}[5m])', 'SELECT 1 FROM t', 'a: b\nc: d', '{"a":1}']) assert.equal(isRunnable(block('bash', text), langs), false, text);
    });
    it('a bash block is commands unless it clearly is something else: the label is trusted', () => {
      assert.equal(blockKind(block('bash', 'my-internal-tool --drain node-7')), 'commands');
      assert.equal(blockKind(block('bash', 'echo "rate(x[5m])" | promtool query instant http://prom - ')), 'commands');
      assert.equal(blockKind(block('bash', 'psql -c "SELECT 1 FROM t"')), 'commands');
    });
  });
});
