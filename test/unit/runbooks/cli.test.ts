import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import MarkdownIt from 'markdown-it';
import { generateRepo } from '../../fixtures/runbooks/generate';
import { FIXTURES, SAMPLE_REPO } from './helpers';

const CLI = resolve(__dirname, '../../../src/cli/main.ts');

function cli(...args: string[]): { code: number; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Counts runbooks and code blocks with markdown-it, independently of our parser. */
function countWithMarkdownIt(root: string): { files: number; codeBlocks: number } {
  const md = new MarkdownIt();
  let files = 0;
  let codeBlocks = 0;
  const stack = [root];
  while (stack.length > 0) {
    const dir = stack.pop() as string;
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      if (name === 'node_modules' || name === '.git') continue;
      if (statSync(path).isDirectory()) stack.push(path);
      else if (/\.(md|markdown)$/i.test(name) && !/^readme\.(md|markdown)$/i.test(name)) {
        files++;
        // Front matter is metadata, not markdown: blank it (keeping lines) before counting.
        const text = readFileSync(path, 'utf8').replace(/^---\r?\n[\s\S]*?\r?\n---\r?\n/, (m) => m.replace(/[^\n]/g, ''));
        codeBlocks += md.parse(text, {}).filter((t) => t.type === 'fence' || t.type === 'code_block').length;
      }
    }
  }
  return { files, codeBlocks };
}

describe('runbooks/cli', function () {
  this.timeout(180_000);
  let tmp: string;
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'oncall-cli-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('prints the index as JSON in the documented shape', () => {
    const r = cli('index', FIXTURES, '--json', '--no-cache');
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.schemaVersion, 1);
    assert.equal(typeof out.files, 'number');
    assert.equal(out.files, out.runbooks.length);
    assert.equal(out.codeBlocks, out.runbooks.reduce((n: number, x: { codeBlocks: number }) => n + x.codeBlocks, 0));
    const nodeAlerts = out.runbooks.find((x: { path: string }) => x.path === 'area-b/node-alerts.md');
    assert.deepEqual(
      { path: nodeAlerts.path, area: nodeAlerts.area, title: nodeAlerts.title, codeBlocks: nodeAlerts.codeBlocks },
      { path: 'area-b/node-alerts.md', area: 'area-b', title: 'Node pressure', codeBlocks: 2 },
    );
    assert.deepEqual(nodeAlerts.alerts, [
      { name: 'NodeMemoryPressure', source: 'frontMatter' },
      { name: 'NodeMemoryPressure', source: 'heading', anchor: 'nodememorypressure', line: 12 },
      { name: 'NodeDiskPressure', source: 'heading', anchor: 'nodediskpressure', line: 18 },
      { name: 'NodePIDPressure', source: 'heading', anchor: 'alert-nodepidpressure', line: 24 },
    ]);
    assert.deepEqual(nodeAlerts.sections[1], { title: 'NodeMemoryPressure', anchor: 'nodememorypressure', depth: 2, line: 12 });
    assert.equal(nodeAlerts.blocks.length, 2);
    for (const b of nodeAlerts.blocks) assert.deepEqual(Object.keys(b), ['index', 'lang', 'line', 'endLine', 'kind', 'runs', 'inputs', 'danger']);
    const malformed = out.runbooks.find((x: { path: string }) => x.path === 'area-a/malformed-yaml.md');
    assert.equal(malformed.problems[0].ruleId, 'front-matter-invalid');
    assert.ok(malformed.problems[0].line >= 2, 'lines are 1-based');
    assert.ok(!out.runbooks.some((x: { path: string }) => /readme/i.test(x.path)), 'READMEs are not runbooks');
  });

  it('agrees with markdown-it on the number of runbooks and code blocks in the sample repository', function () {
    if (!existsSync(SAMPLE_REPO)) this.skip();
    const out = JSON.parse(cli('index', SAMPLE_REPO, '--json', '--no-cache').stdout);
    const reference = countWithMarkdownIt(SAMPLE_REPO);
    assert.ok(reference.files > 0);
    assert.deepEqual({ files: out.files, codeBlocks: out.codeBlocks }, reference);
  });

  it('agrees with markdown-it on a generated repository', () => {
    const dir = join(tmp, 'generated');
    generateRepo(dir, 200, 11);
    const out = JSON.parse(cli('index', dir, '--json', '--no-cache').stdout);
    assert.deepEqual({ files: out.files, codeBlocks: out.codeBlocks }, countWithMarkdownIt(dir));
    assert.equal(out.files, 200);
  });

  it('writes the persistent cache and gives the same answer from it', () => {
    const cacheDir = join(tmp, 'cache');
    const first = cli('index', FIXTURES, '--json', '--cache-dir', cacheDir);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(readdirSync(cacheDir).filter((f) => f.endsWith('.json')).length, 1);
    const second = cli('index', FIXTURES, '--json', '--cache-dir', cacheDir);
    assert.equal(second.stdout, first.stdout);
  });

  it('lints with a non-zero exit code only when a rule at error level fails', () => {
    const dir = join(tmp, 'lint');
    generateRepo(dir, 3, 5);
    const ok = cli('lint', dir, '--json', '--no-cache', '--today', '2024-12-01');
    assert.equal(ok.code, 0, ok.stderr);
    const report = JSON.parse(ok.stdout);
    assert.deepEqual(Object.keys(report), ['schemaVersion', 'files', 'errors', 'warnings', 'infos', 'problems', 'suggestions', 'requiredSections']);
    assert.equal(report.errors, 0);

    writeFileSync(join(dir, 'database', 'orphan.md'), '# Orphan\n\n## Diagnosis\n## Mitigation\n');
    const failing = cli('lint', dir, '--no-cache', '--today', '2024-12-01', '--rule', 'missing-owner=error');
    assert.equal(failing.code, 1);
    assert.match(failing.stdout, /database\/orphan\.md:1: error \[missing-owner\]/);
    const off = cli('lint', dir, '--no-cache', '--today', '2024-12-01', '--rule', 'missing-owner=off');
    assert.equal(off.code, 0);
    assert.doesNotMatch(off.stdout, /missing-owner/);
  });

  it('describes each code block: kind, whether it runs, inputs (with options and labels) and danger findings', () => {
    const dir = join(tmp, 'blocks');
    mkdirSync(join(dir, 'queue'), { recursive: true });
    writeFileSync(
      join(dir, 'queue', 'QueueDepthHigh.md'),
      [
        '# QueueDepthHigh',
        '',
        '```console',
        'kubectl -n <cellsdev|cellsprod> get pods',
        '```',
        '',
        '```console',
        'rate(queue_depth{queue="<value of queue label from alert>"}[5m])',
        '```',
        '',
        '```bash',
        'kubectl delete pod [POD_NAME] -n $NAMESPACE',
        '```',
        '',
      ].join('\n'),
    );
    const out = JSON.parse(cli('index', dir, '--json', '--no-cache').stdout);
    const [commands, query, dangerous] = out.runbooks[0].blocks;
    assert.deepEqual([commands.kind, commands.runs, query.kind, query.runs, dangerous.kind, dangerous.runs], ['commands', true, 'promql', false, 'commands', true]);
    assert.deepEqual(commands.inputs, [{ name: 'cellsdev|cellsprod', style: 'angle', raw: '<cellsdev|cellsprod>', options: ['cellsdev', 'cellsprod'], explained: true }]);
    assert.deepEqual(query.inputs.map((i: { label?: string }) => i.label), ['queue']);
    assert.deepEqual(dangerous.inputs.map((i: { raw: string; style: string }) => [i.raw, i.style]), [['[POD_NAME]', 'bracket'], ['$NAMESPACE', 'variable']]);
    assert.ok(dangerous.danger.length > 0, 'kubectl delete is a danger finding');
  });

  it('answers `alert <name> [dir]` with the best match and where the name came from; exit 1 when none', () => {
    const text = cli('alert', 'nodediskpressure', FIXTURES, '--no-cache');
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stdout, /^area-b\/node-alerts\.md#nodediskpressure:18 {2}“Node pressure” — NodeDiskPressure from the heading #nodediskpressure, case-insensitive match/);
    const json = JSON.parse(cli('alert', 'Node_Disk_Pressure', FIXTURES, '--no-cache', '--json').stdout);
    assert.deepEqual(json.match, {
      path: 'area-b/node-alerts.md', title: 'Node pressure', alert: 'NodeDiskPressure', source: 'heading', from: 'heading #nodediskpressure',
      match: 'normalized', anchor: 'nodediskpressure', line: 18,
    });
    assert.equal(json.schemaVersion, 1);
    const none = cli('alert', 'NoSuchAlertAnywhere', FIXTURES, '--no-cache', '--json');
    assert.equal(none.code, 1);
    assert.equal(JSON.parse(none.stdout).match, null);
    assert.equal(cli('alert', '--no-cache').code, 2, 'a name is required');
  });

  it('prints lint results as SARIF 2.1.0 and as GitHub annotations', () => {
    const dir = join(tmp, 'formats');
    mkdirSync(join(dir, 'a'), { recursive: true });
    writeFileSync(join(dir, 'a', 'x.md'), '# QueueDepthHigh\n\n```\nunlabeled, with a % and a\n```\n\n[gone](missing.md)\n');
    const sarifRun = cli('lint', dir, '--no-cache', '--format', 'sarif');
    assert.equal(sarifRun.code, 0, sarifRun.stderr);
    const log = JSON.parse(sarifRun.stdout);
    assert.equal(log.version, '2.1.0');
    const run = log.runs[0];
    assert.equal(run.tool.driver.name, 'oncall-runbooks');
    const results = run.results.map((r: { ruleId: string; level: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }> }) => [
      r.ruleId, r.level, r.locations[0]?.physicalLocation.artifactLocation.uri.endsWith('a/x.md'), r.locations[0]?.physicalLocation.region.startLine,
    ]);
    assert.deepEqual(results, [['unlabeled-fence', 'note', true, 3], ['broken-link', 'warning', true, 7]]);
    for (const r of run.results) assert.equal(run.tool.driver.rules[r.ruleIndex].id, r.ruleId);
    assert.ok(run.invocations[0].toolConfigurationNotifications.some((n: { descriptor: { id: string } }) => n.descriptor.id === 'missing-owner'), 'suggestions are notifications');

    const gh = cli('lint', dir, '--no-cache', '--format', 'github').stdout.trim().split('\n');
    assert.match(gh[0] as string, /^::notice file=[^,]*a\/x\.md,line=3,title=unlabeled-fence::/);
    assert.match(gh[1] as string, /^::warning file=[^,]*a\/x\.md,line=7,title=broken-link::Link to missing\.md%3A|^::warning file=[^,]*a\/x\.md,line=7,title=broken-link::Link to missing\.md: no such runbook\.$/);
    assert.ok(gh.some((l) => l.startsWith('::notice title=missing-owner::')));
    assert.equal(cli('index', dir, '--format', 'sarif').code, 2, 'sarif is for lint');
  });

  it('explains bad input in one sentence, without a stack trace', () => {
    const cases: Array<[string[], RegExp]> = [
      [['index', join(tmp, 'nope')], /no such directory/],
      [['index', CLI], /not a directory/],
      [['lint'], /lint needs a directory/],
      [['frobnicate', '.'], /unknown command "frobnicate"/],
      [['index', '.', '--bogus'], /unknown option --bogus/],
      [['lint', '.', '--rule', 'nope=error'], /unknown rule "nope"/],
      [['lint', '.', '--stale-days', 'soon'], /--stale-days must be/],
      [['index', '.', '--cache-dir'], /--cache-dir needs a value/],
    ];
    for (const [args, message] of cases) {
      const r = cli(...args);
      assert.equal(r.code, 2, args.join(' '));
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
    assert.match(cli('--help').stdout, /Usage:/);
  });
});
