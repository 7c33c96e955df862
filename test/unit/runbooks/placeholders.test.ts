import { strict as assert } from 'node:assert';
import { commandMask } from '../../../src/shell/transcript';
import { findPlaceholders, looksLikeShell } from '../../../src/runbooks/placeholders';
import { isRunnable } from '../../../src/runbooks/runnable';
import { parseFixture } from './helpers';

const raws = (text: string, lang: string | null = 'bash') => findPlaceholders(text, lang).map((p) => p.raw);

describe('runbooks/placeholders', () => {
  it('finds the three styles with their offsets', () => {
    const text = 'kubectl -n <namespace> logs ${POD} --context {{cluster}} {{ zone }}';
    assert.deepEqual(findPlaceholders(text, 'bash'), [
      { name: 'namespace', style: 'angle', raw: '<namespace>', offset: 11, quoted: null },
      { name: 'POD', style: 'dollar', raw: '${POD}', offset: 28, quoted: null },
      { name: 'cluster', style: 'mustache', raw: '{{cluster}}', offset: 45, quoted: null },
      { name: 'zone', style: 'mustache', raw: '{{ zone }}', offset: 57, quoted: null },
    ]);
    for (const p of findPlaceholders(text, 'bash')) assert.equal(text.slice(p.offset, p.offset + p.raw.length), p.raw);
  });

  it('tells placeholders from redirects and here-docs', () => {
    assert.deepEqual(raws('sort <input.txt >out.txt 2>&1'), []);
    assert.deepEqual(raws('cat <<EOF>file\nx\nEOF'), []);
    assert.deepEqual(raws('diff <(ls a) <(ls b)'), []);
    assert.deepEqual(raws('psql <db> < dump.sql'), ['<db>']);
  });

  it('tells placeholders from HTML, generics, regex groups and tool output', () => {
    assert.deepEqual(raws('echo "<b>bold</b>" "<br>" "<kbd>x"'), ['<kbd>'], 'an unclosed non-void tag name is a placeholder');
    assert.deepEqual(raws('psql -c "select * from <table>"'), ['<table>'], 'an HTML name used alone is a placeholder');
    assert.deepEqual(raws('List<String> x = new ArrayList<>();', 'java'), []);
    assert.deepEqual(raws("grep -P '(?<year>\\d{4})'"), []);
    assert.deepEqual(raws('node-1 Ready <none> 12d <unknown>', null), []);
    assert.deepEqual(raws('<div><p>x</p></div>', 'html'), []);
    assert.deepEqual(raws('mail <user@example.com> <https://x.example>'), []);
  });

  it('skips ${NAME} when the block sets NAME, when every shell has it, or when escaped', () => {
    const text = [
      'POD=$(kubectl get pods -o name | head -1)',
      'export REGION=eu-west-1',
      'read -r ANSWER',
      'for NODE in a b; do echo ${NODE}; done',
      'echo ${POD} ${REGION} ${ANSWER} ${HOME} ${PATH} \\${ESC} $${MAKE} ${WITH:-x} ${MISSING}',
    ].join('\n');
    assert.deepEqual(raws(text), ['${MISSING}']);
  });

  it('skips {{ }} that belongs to a template the command itself uses', () => {
    assert.deepEqual(raws("docker ps --format '{{.Names}}' {{name}}"), [], 'same command uses Go templates');
    assert.deepEqual(raws("docker ps --format '{{.Names}}'\nkubectl get {{kind}}"), ['{{kind}}'], 'another command does not');
    assert.deepEqual(raws('helm upgrade x --set a={{ .Values.a }}'), []);
    assert.deepEqual(raws("kubectl get pods -o go-template='{{range .items}}{{.metadata.name}}{{end}}'"), []);
    assert.deepEqual(raws('echo {{ $x }} {{ name | upper }}'), []);
    assert.deepEqual(raws('run: echo ${{ secrets.TOKEN }} ${{ github.sha }}', null), []);
    assert.deepEqual(raws('{{< highlight bash >}}\n{{% notice %}}', null), [], 'Hugo shortcodes');
    assert.deepEqual(raws('replicas: {{ replicas }}', 'yaml'), [], 'the whole block is a template');
    assert.deepEqual(raws('name: <name>', 'yaml'), ['<name>']);
  });

  it('reports the quote context of each placeholder', () => {
    const found = findPlaceholders(`echo <a> '<b>' "<c>" "it's <d>" 'x "<e>"' \\'<f>`, 'bash');
    assert.deepEqual(
      found.map((p) => [p.name, p.quoted]),
      [
        ['a', null],
        ['b', 'single'],
        ['c', 'double'],
        ['d', 'double'],
        ['e', 'single'],
        ['f', null],
      ],
    );
  });

  it('ignores placeholders in shell comments, but not in the command after them', () => {
    assert.deepEqual(raws('# set <ns> first\nkubectl -n <ns> get pods # <not-this>\necho a#<b>'), ['<ns>', '<b>']);
  });

  it('only reads the command lines of a transcript, continuations included', () => {
    const transcript = '$ kubectl -n <ns> get pods \\\n    -l app=<app>\nNAME   READY\n<pod>  1/1\n$ echo done';
    assert.deepEqual(raws(transcript, 'console'), ['<ns>', '<app>']);
    const masked = commandMask(transcript, 'console');
    assert.equal(masked.length, transcript.length);
    assert.ok(!masked.includes('NAME'));
    assert.ok(!masked.includes('$ '));
    assert.deepEqual(raws('$ ls <dir>\n<output-here>', null), ['<dir>'], 'prompts make an unlabeled block a transcript');
  });

  it('implements every case of the placeholder fixture', () => {
    const r = parseFixture('area-b/placeholders.md');
    assert.deepEqual(
      r.codeBlocks.map((b) => b.placeholders.map((p) => p.raw)),
      [
        ['<namespace>', '${POD_NAME}', '{{cluster}}', '<namespace>', '{{ deployment }}', '${UNSET_THING}', '<inside-double>', '<inside-single>', '${ALSO_DOUBLE}'],
        ['<name>'],
        [],
      ],
    );
  });

  describe('looksLikeShell', () => {
    it('accepts commands, prompts, assignments and continuations', () => {
      assert.equal(looksLikeShell('kubectl get pods -A'), true);
      assert.equal(looksLikeShell('$ anything at all\noutput'), true);
      assert.equal(looksLikeShell('NS=prod\nkubectl -n "$NS" get pods \\\n  -o wide'), true);
      assert.equal(looksLikeShell('# comment first\nsudo systemctl restart nginx'), true);
      assert.equal(looksLikeShell('./scripts/failover.sh --dry-run'), true);
    });
    it('rejects JSON, YAML, SQL, PromQL and logs', () => {
      assert.equal(looksLikeShell('{ "a": 1 }'), false);
      assert.equal(looksLikeShell('apiVersion: v1\nkind: Pod'), false);
      assert.equal(looksLikeShell('SELECT * FROM users;'), false);
      assert.equal(looksLikeShell('sum(rate(http_requests_total[5m]))'), false);
      assert.equal(looksLikeShell('2024-01-05T10:00:00Z ERROR timeout'), false);
      assert.equal(looksLikeShell(''), false);
    });
    it('needs most lines to be commands', () => {
      assert.equal(looksLikeShell('kubectl get pods\nthis is prose\nand more prose\nstill prose'), false);
    });
  });

  describe('isRunnable', () => {
    const languages = ['sh', 'bash', 'shell', 'zsh', 'console'];
    const cmd = 'kubectl get pods';
    it('runs configured languages, case-insensitively', () => {
      assert.equal(isRunnable({ lang: 'bash', looksLikeShell: false, text: cmd }, languages), true);
      assert.equal(isRunnable({ lang: 'BASH', looksLikeShell: false, text: cmd }, languages), true);
      assert.equal(isRunnable({ lang: 'sql', looksLikeShell: false, text: cmd }, languages), false);
    });
    it('runs unlabeled (or `text`) blocks only when they look like shell', () => {
      assert.equal(isRunnable({ lang: null, looksLikeShell: true, text: cmd }, languages), true);
      assert.equal(isRunnable({ lang: null, looksLikeShell: false, text: cmd }, languages), false);
      assert.equal(isRunnable({ lang: 'text', looksLikeShell: true, text: cmd }, languages), true);
      assert.equal(isRunnable({ lang: 'text', looksLikeShell: false, text: cmd }, languages), false);
      assert.equal(isRunnable({ lang: 'sql', looksLikeShell: true, text: cmd }, languages), false, 'a real language decides');
    });
  });
});
