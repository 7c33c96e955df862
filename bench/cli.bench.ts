// The CLI as whole processes (node start included), on generated repositories of 2,000 and
// 10,000 runbooks: a cold index (empty cache, every file parsed) against a one-thread
// remark + remark-gfm + yaml process over the same files, and a warm index (the cache from the
// cold run) against a process that only reads every file. Medians of interleaved runs.
//
// Run: node --import tsx bench/cli.bench.ts [sizes…]   (default: 2000 10000)
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as esbuild from 'esbuild';
import { generateRepo } from '../test/fixtures/runbooks/generate';

const project = resolve(__dirname, '..');
const log = (s: string) => process.stderr.write(`[cli.bench] ${s}\n`);
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
if (sizes.length === 0) sizes.push(2000, 10000);

const median = (v: number[]) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)] as number;
const s = (ms: number) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : `${(ms / 1000).toFixed(2)} s`);
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;

/** Runs a node process to the end; its wall time in ms. */
function timed(args: string[]): number {
  const t = performance.now();
  const r = spawnSync(process.execPath, args, { cwd: project, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return ms;
}

async function main(): Promise<void> {
  const reference = join(project, 'bench', 'out', 'cliReference.js');
  await esbuild.build({ entryPoints: [join(project, 'bench', 'cliReference.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', mainFields: ['module', 'main'], outfile: reference, logLevel: 'warning' });
  const cli = join(project, 'dist', 'cli.js');
  const lines = [
    '## The CLI as whole processes (bench/cli.bench.ts)',
    '',
    'Each figure is the wall time of a whole `node` process (start-up included), median of interleaved runs; references run in the same bench, ' +
      'bundled like the CLI. Cold: `index --json` with an empty cache directory (default workers); warm: the same with the cache the cold run wrote.',
    '',
    '| runbooks | cold index | remark + remark-gfm + yaml, 1 thread | ratio (target ≤ 0.6x) | warm index | read every file | ratio (target ≤ 3x) |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const count of sizes) {
    const dir = mkdtempSync(join(tmpdir(), `oncall-cli-bench-${count}-`));
    try {
      const repo = join(dir, 'repo');
      log(`generating ${count} runbooks`);
      generateRepo(repo, count, 1234);
      timed([reference, repo, '--read-only']); // warm the page cache
      const runs = count > 5000 ? 2 : 3;
      const cold: number[] = [];
      const ref: number[] = [];
      const warm: number[] = [];
      const read: number[] = [];
      for (let i = 0; i < runs; i++) {
        const cache = join(dir, `cache-${i}`);
        log(`${count}: run ${i + 1}/${runs}: cold`);
        cold.push(timed([cli, 'index', repo, '--json', '--cache-dir', cache]));
        log(`${count}: run ${i + 1}/${runs}: reference`);
        ref.push(timed([reference, repo]));
        for (let k = 0; k < 3; k++) {
          warm.push(timed([cli, 'index', repo, '--json', '--cache-dir', cache]));
          read.push(timed([reference, repo, '--read-only']));
        }
      }
      const [c, r, w, f] = [median(cold), median(ref), median(warm), median(read)];
      lines.push(`| ${count.toLocaleString('en')} | ${s(c)} | ${s(r)} | ${ratio(c, r)} | ${s(w)} | ${s(f)} | ${ratio(w, f)} |`);
      log(`${count}: cold ${s(c)} vs ${s(r)} (${ratio(c, r)}), warm ${s(w)} vs ${s(f)} (${ratio(w, f)})`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  process.stdout.write(`${lines.join('\n')}\n\n`);
}

void main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
