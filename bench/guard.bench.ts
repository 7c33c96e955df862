// The parse guard: crafted 1.2 MB markdown files (test/fixtures/runbooks/crafted.ts), each
//  1. in this process, the way the extension host handles a changed file: the index reads it,
//     hashes it, gives it its quick model, hands it to the worker pool and takes the verdict
//     back. Reported: the longest task on this thread (event-loop delay) and the index's own
//     longest synchronous step, next to the worker's time to a verdict;
//  2. in the real editor (code-server): the integration test "Parse guard" opens such files and
//     a plain 1.2 MB control, recording the extension host's longest task and a CPU profile,
//     which says who ran during the longest tasks (`--no-editor` skips this part).
//
// Run: node --import tsx bench/guard.bench.ts [--no-editor]
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as esbuild from 'esbuild';
import { crafted } from '../test/fixtures/runbooks/crafted';
import { MemoryModelCache } from '../src/runbooks/cache';
import { RunbookIndex } from '../src/runbooks/index';
import { ParsePool } from '../src/runbooks/parsePool';
import { nodeSource } from '../src/runbooks/source';
import { indexTaskTimes } from '../src/runbooks/yieldable';
import { describeRun, summarizeProfile } from './cpuProfile';

const project = resolve(__dirname, '..');
const log = (s: string) => process.stderr.write(`[guard.bench] ${s}\n`);
const SIZE = 1_200_000;
const ms = (x: number) => `${x.toFixed(x < 10 ? 1 : 0)} ms`;

async function workerPath(): Promise<string> {
  const built = join(project, 'dist', 'parseWorker.js');
  if (existsSync(built)) return built;
  const out = join(project, 'bench', 'out', 'parseWorker.js');
  await esbuild.build({ entryPoints: [join(project, 'src/runbooks/parseWorker.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', mainFields: ['module', 'main'], outfile: out, logLevel: 'warning' });
  return out;
}

/** Part 1: each crafted file through the index and the pool, as the extension host does it. */
async function inProcess(lines: string[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'oncall-guard-bench-'));
  const pool = new ParsePool({ workerPath: await workerPath(), size: 1 });
  const index = new RunbookIndex({ source: nodeSource, parser: pool, roots: [dir], cache: new MemoryModelCache() });
  try {
    writeFileSync(join(dir, 'warm.md'), '# Warm up\n\n```bash\necho the worker is loaded\n```\n');
    await index.build();
    lines.push(
      '### Crafted 1.2 MB files through the index and the worker pool (this process as the extension host)',
      '',
      '| crafted file | verdict | worker: file to verdict | longest task on this thread | index\'s longest step on this thread |',
      '|---|---|---|---|---|',
    );
    for (const [kind, make] of Object.entries(crafted)) {
      const file = join(dir, `${kind.replace(/\W+/g, '-')}.md`);
      writeFileSync(file, make(SIZE));
      indexTaskTimes.reset();
      const delay = monitorEventLoopDelay({ resolution: 1 });
      delay.enable();
      const t = performance.now();
      await index.update([file]);
      const total = performance.now() - t;
      delay.disable();
      const model = index.get(file);
      const verdict = model?.parseStatus === 'failed' ? `not parsed: ${(model.problems.at(-1)?.message ?? '').replace(/;.*$|:.*$/, '').slice(0, 70)}` : (model?.parseStatus ?? 'missing');
      const own = Object.entries(indexTaskTimes.report()).sort((a, b) => b[1] - a[1])[0];
      lines.push(`| ${kind} | ${verdict} | ${ms(total)} | ${ms(delay.max / 1e6)} | ${own ? `${ms(own[1])} (${own[0]})` : '—'} |`);
      log(`${kind}: ${verdict.slice(0, 40)} in ${ms(total)}, longest task ${ms(delay.max / 1e6)}`);
    }
    lines.push('');
  } finally {
    pool.dispose();
    index.dispose();
    rmSync(dir, { recursive: true, force: true });
  }
}

interface HostReport {
  longestTaskMs: number;
  p99TaskMs: number;
  ownWorkMs: Record<string, number>;
  sizeBytes: number;
}

/** Part 2: the real editor, through the integration test that records the host's tasks. */
function inTheEditor(lines: string[]): void {
  log('real editor: node test/harness/run-integration.mjs --grep "Parse guard"');
  const r = spawnSync(process.execPath, ['test/harness/run-integration.mjs', '--grep', 'Parse guard'], { cwd: project, encoding: 'utf8', timeout: 20 * 60_000 });
  const out = join(project, 'test-output');
  const reportFile = join(out, 'host-tasks.json');
  if (r.status !== 0 || !existsSync(reportFile)) {
    lines.push(`Real editor: the integration run failed (exit ${r.status}); see test-output/integration-Parse_guard.log.`, '');
    return;
  }
  const reports = JSON.parse(readFileSync(reportFile, 'utf8')) as Record<string, HostReport>;
  lines.push(
    '### Crafted 1.2 MB files opened in the real editor (code-server, the integration test "Parse guard")',
    '',
    'From opening the file to its diagnostic, then one edit and the CodeLens request. The longest task is the extension host\'s longest event-loop delay, whoever caused it; ' +
      'the CPU profile of the same stretch says who ran in the longest task, and how much of any one task was this extension.',
    '',
    '| file | longest extension-host task | who ran in it (CPU profile) | this extension\'s most in one task (profile) | the index\'s longest step (own timer) |',
    '|---|---|---|---|---|',
  );
  for (const [name, report] of Object.entries(reports)) {
    const profileFile = join(out, `host-${name.replace(/\W+/g, '-')}.cpuprofile`);
    const summary = existsSync(profileFile) ? summarizeProfile(profileFile, join(project, 'dist') + '/') : undefined;
    const own = Object.entries(report.ownWorkMs).sort((a, b) => b[1] - a[1])[0];
    lines.push(
      `| ${name} | ${ms(report.longestTaskMs)} | ${summary?.runs[0] ? describeRun(summary.runs[0]) : '—'} | ${summary ? ms(summary.oursLongestMs) : '—'} | ${own ? `${ms(own[1])} (${own[0]})` : '—'} |`,
    );
  }
  lines.push('');
}

async function main(): Promise<void> {
  const lines = [
    '## Parse guard (bench/guard.bench.ts)',
    '',
    'Every crafted file must end "not parsed" quickly, and the thread that owns the index (the extension host) must never be held more than 50 ms by one file.',
    '',
  ];
  await inProcess(lines);
  if (!process.argv.includes('--no-editor')) inTheEditor(lines);
  process.stdout.write(`${lines.join('\n')}\n`);
}

void main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
