import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
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
    assert.equal(typeof out.files, 'number');
    assert.equal(out.files, out.runbooks.length);
    assert.equal(out.codeBlocks, out.runbooks.reduce((n: number, x: { codeBlocks: number }) => n + x.codeBlocks, 0));
    const nodeAlerts = out.runbooks.find((x: { path: string }) => x.path === 'area-b/node-alerts.md');
    assert.deepEqual(
      { path: nodeAlerts.path, area: nodeAlerts.area, title: nodeAlerts.title, alerts: nodeAlerts.alerts, codeBlocks: nodeAlerts.codeBlocks },
      { path: 'area-b/node-alerts.md', area: 'area-b', title: 'Node pressure', alerts: ['NodeMemoryPressure', 'NodeDiskPressure', 'NodePIDPressure'], codeBlocks: 2 },
    );
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
    assert.deepEqual(Object.keys(report), ['files', 'errors', 'warnings', 'infos', 'problems']);
    assert.equal(report.errors, 0);

    writeFileSync(join(dir, 'database', 'orphan.md'), '# Orphan\n\n## Diagnosis\n## Mitigation\n');
    const failing = cli('lint', dir, '--no-cache', '--today', '2024-12-01', '--rule', 'missing-owner=error');
    assert.equal(failing.code, 1);
    assert.match(failing.stdout, /database\/orphan\.md:1: error \[missing-owner\]/);
    const off = cli('lint', dir, '--no-cache', '--today', '2024-12-01', '--rule', 'missing-owner=off');
    assert.equal(off.code, 0);
    assert.doesNotMatch(off.stdout, /missing-owner/);
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
