// Runbook index benchmark: generated repositories of 1,000 and 10,000 realistic runbooks
// (3-12 KB, front matter, tables, 3-15 fences). Every figure is printed next to a reference
// measured in the same run: reading the files (the floor), and a single-threaded
// remark + remark-gfm + yaml parse of the same files. Prints a markdown section to stdout.
//
// Run: node --expose-gc --import tsx bench/index.bench.ts [sizes…]   (default: 1000 10000)
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir, cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as esbuild from 'esbuild';
import MarkdownIt from 'markdown-it';
import { remark } from 'remark';
import remarkGfm from 'remark-gfm';
import { parseDocument } from 'yaml';
import { generateRepo } from '../test/fixtures/runbooks/generate';
import { DebouncedSaveCache, FileModelCache, MemoryModelCache, cacheFileName } from '../src/runbooks/cache';
import { RunbookIndex } from '../src/runbooks/index';
import { lintRunbook } from '../src/runbooks/lint';
import type { Runbook } from '../src/runbooks/model';
import { ParsePool } from '../src/runbooks/parsePool';
import { nodeSource } from '../src/runbooks/source';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const log = (s: string) => process.stderr.write(`[index.bench] ${s}\n`);

const project = resolve(__dirname, '..');
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);
if (sizes.length === 0) sizes.push(1000, 10000);

function listMarkdown(dir: string): string[] {
  const out: string[] = [];
  const stack = [dir];
  while (stack.length) {
    const d = stack.pop() as string;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (e.name.endsWith('.md')) out.push(p);
    }
  }
  return out.sort();
}

const ms = (x: number) => (x >= 10_000 ? `${(x / 1000).toFixed(1)} s` : x >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(x < 10 ? 2 : 0)} ms`);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
function quantile(values: number[], q: number): number {
  const s = [...values].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(q * s.length))] as number;
}
const median = (v: number[]) => quantile(v, 0.5);

async function workerPath(): Promise<string> {
  const built = join(project, 'dist', 'parseWorker.js');
  if (existsSync(built)) return built;
  const out = join(project, 'bench', 'out', 'parseWorker.js');
  await esbuild.build({ entryPoints: [join(project, 'src/runbooks/parseWorker.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', mainFields: ['module', 'main'], outfile: out, logLevel: 'warning' });
  return out;
}

/** The read floor: every file read as text, 16 at a time (what the index does). */
async function readAll(files: string[]): Promise<number> {
  const t = performance.now();
  for (let i = 0; i < files.length; i += 16) await Promise.all(files.slice(i, i + 16).map((f) => readFile(f, 'utf8')));
  return performance.now() - t;
}

/** Reference: remark + all of remark-gfm + yaml, one file after the other on one thread. */
function referenceParse(texts: string[]): number {
  const processor = remark().use(remarkGfm).freeze();
  const t = performance.now();
  for (const text of texts) {
    const m = /^---\n([\s\S]*?)\n---\n/.exec(text);
    if (m) parseDocument(m[1] as string).toJS();
    processor.parse(m ? text.slice(m[0].length) : text);
  }
  return performance.now() - t;
}

/** Longest task on this thread, sampled while `work` runs. */
async function longestTask<T>(work: () => Promise<T>): Promise<{ value: T; maxMs: number; p99Ms: number }> {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  const value = await work();
  h.disable();
  return { value, maxMs: h.max / 1e6, p99Ms: h.percentile(99) / 1e6 };
}

async function benchSize(count: number, lines: string[]): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), `oncall-bench-${count}-`));
  const cacheDir = join(dir, '.cache');
  try {
    log(`generating ${count} runbooks`);
    const repo = join(dir, 'repo');
    generateRepo(repo, count, 1234);
    const files = listMarkdown(repo);
    const bytes = files.reduce((n, f) => n + statSync(f).size, 0);
    const texts = files.map((f) => readFileSync(f, 'utf8'));
    const fileCount = texts.length;

    // Reference floors.
    await readAll(files); // warm the page cache: every later figure reads warm files too
    const floors: number[] = [];
    for (let i = 0; i < 5; i++) floors.push(await readAll(files));
    const floor = median(floors);

    log('markdown-it reference and count agreement');
    const md = new MarkdownIt();
    const t0 = performance.now();
    let mdBlocks = 0;
    for (const text of texts) {
      const body = text.replace(/^---\n[\s\S]*?\n---\n/, (m) => m.replace(/[^\n]/g, ''));
      mdBlocks += md.parse(body, {}).filter((tk) => tk.type === 'fence' || tk.type === 'code_block').length;
    }
    const markdownIt = performance.now() - t0;

    // The single-threaded remark reference: all files for 1,000; an evenly spread fifth for more
    // (scaled up), to keep the 10,000 run within a few minutes.
    const step = count > 2000 ? 5 : 1;
    const sample = texts.filter((_, i) => i % step === 0);
    log(`remark reference on ${sample.length} files`);
    const reference = (referenceParse(sample) * fileCount) / sample.length;

    // The references are done: drop the texts so they do not weigh on the index's heap and GC.
    texts.length = 0;
    sample.length = 0;

    // Cold start: quick pass (first complete tree), then the full model through one worker.
    const wp = await workerPath();
    gc();
    const heapBefore = process.memoryUsage().heapUsed;
    const pool = new ParsePool({ workerPath: wp, size: 1 });
    const cache = await FileModelCache.open(cacheDir, [repo]);
    const index = new RunbookIndex({ source: nodeSource, parser: pool, roots: [repo], cache, parseConcurrency: 3 });
    let firstTree = 0;
    const start = performance.now();
    index.onProgress((p) => {
      if (!firstTree && p.phase === 'titles' && p.done === p.total) firstTree = performance.now() - start;
    });
    log('cold index');
    const cold = await longestTask(() => index.build());
    const coldMs = performance.now() - start;
    await cache.save();
    const all = index.all();
    const runbooks = all.filter((r) => !r.isReadme);
    const ourBlocks = runbooks.reduce((n, r) => n + r.codeBlocks.length, 0);
    const failed = all.filter((r) => r.parseStatus !== 'full').length;

    // The same cold build with two workers (small sizes only: the machine has two cores).
    let twoWorkers: number | undefined;
    if (count <= 2000) {
      log('cold index, 2 workers');
      const pool2w = new ParsePool({ workerPath: wp, size: 2 });
      const index2 = new RunbookIndex({ source: nodeSource, parser: pool2w, roots: [repo], cache: new MemoryModelCache(), parseConcurrency: 4 });
      const t2 = performance.now();
      await index2.build();
      twoWorkers = performance.now() - t2;
      pool2w.dispose();
      index2.dispose();
    }

    // Retained memory of the index (the worker's heap is its own and is not counted).
    gc();
    await new Promise((r) => setTimeout(r, 50));
    gc();
    const retained = process.memoryUsage().heapUsed - heapBefore;

    // Warm start: a new index over the same files with the cache file from the cold run.
    log('warm start');
    const warmRuns: number[] = [];
    let warmTask = { maxMs: 0, p99Ms: 0 };
    let warmParsed = -1;
    for (let run = 0; run < 3; run++) {
      gc();
      const pool3 = new ParsePool({ workerPath: wp, size: 1 });
      let parsedCount = 0;
      const counting = { parse: (input: Parameters<ParsePool['parse']>[0]) => (parsedCount++, pool3.parse(input)), dispose: () => pool3.dispose() };
      const t = performance.now();
      const measured = await longestTask(async () => {
        const warmCache = await FileModelCache.open(cacheDir, [repo]);
        const warm = new RunbookIndex({ source: nodeSource, parser: counting, roots: [repo], cache: warmCache });
        await warm.build();
        return warm;
      });
      warmRuns.push(performance.now() - t);
      warmTask = measured;
      warmParsed = parsedCount;
      counting.dispose();
    }
    const warmMs = median(warmRuns);

    // One changed file: re-read, parsed in the worker, models and lint updated, listeners told.
    log('single-file updates');
    // The cold index (and its worker) goes on serving: no second full build. As in the editor,
    // cache writes are debounced rather than done for every change.
    const live = index;
    const debounced = new DebouncedSaveCache(cache, 60_000);
    live.setCache(debounced);
    const updates: number[] = [];
    const n = 60;
    for (let i = 0; i < n; i++) {
      const file = files[(i * 97) % files.length] as string;
      writeFileSync(file, `${readFileSync(file, 'utf8')}\nEdit ${i}.\n`);
      const t = performance.now();
      let viewsUpdated = 0;
      const off = live.onDidChange((c) => {
        // What the views do with a change: lint the runbook and rebuild its tree rows' data.
        for (const p of c.updated) {
          const r = live.get(p) as Runbook;
          lintRunbook(r, { today: '2025-01-01', runbookAt: (x) => live.get(x) });
        }
        // The tree's refresh: every runbook, grouped into areas.
        const areas = new Map<string, number>();
        for (const r of live.all()) areas.set(r.area, (areas.get(r.area) ?? 0) + 1);
        viewsUpdated = performance.now() - t;
      });
      await live.update([file]);
      off();
      if (i >= 5) updates.push(viewsUpdated); // the first few warm the worker's JIT
    }
    pool.dispose();
    live.dispose();
    await debounced.flush();

    // The alternative cache layout: one JSON file per model in a folder.
    log('cache layout comparison');
    const perFileDir = join(dir, '.cache-per-file');
    mkdirSync(perFileDir);
    for (const r of all) writeFileSync(join(perFileDir, `${r.contentHash}.json`), JSON.stringify(r));
    const tDir = performance.now();
    const names = readdirSync(perFileDir);
    for (let i = 0; i < names.length; i += 16) {
      await Promise.all(names.slice(i, i + 16).map(async (f) => JSON.parse(await readFile(join(perFileDir, f), 'utf8'))));
    }
    const perFileLoad = performance.now() - tDir;
    const tOne = performance.now();
    await FileModelCache.open(cacheDir, [repo]);
    const oneFileLoad = performance.now() - tOne;
    const cacheBytes = statSync(join(cacheDir, cacheFileName([repo]))).size;

    lines.push(
      `### ${count.toLocaleString('en')} runbooks (${mb(bytes)}, ${ourBlocks.toLocaleString('en')} code blocks)`,
      '',
      '| measure | result | reference (same run) | ratio | target |',
      '|---|---|---|---|---|',
      `| first complete tree, cold (quick pass: titles of every file) | ${ms(firstTree)} | read floor ${ms(floor)} | ${ratio(firstTree, floor)} | ≤ 10x floor |`,
      `| warm start from the cache (median of 3 runs, ${warmParsed} files parsed) | ${ms(warmMs)} | read floor ${ms(floor)} | ${ratio(warmMs, floor)} | ≤ 3x floor |`,
      `| full cold index (1 worker) | ${ms(coldMs)} | remark + remark-gfm + yaml, 1 thread${step > 1 ? ` (1/${step} sample, scaled)` : ''}: ${ms(reference)} | ${ratio(coldMs, reference)} | ≤ 0.6x |`,
      ...(twoWorkers !== undefined ? [`| full cold index (2 workers) | ${ms(twoWorkers)} | remark reference: ${ms(reference)} | ${ratio(twoWorkers, reference)} | ≤ 0.6x |`] : []),
      `| one changed file re-indexed, views updated (n=${updates.length}) | median ${ms(median(updates))}, p99 ${ms(quantile(updates, 0.99))} | remark reference per file: ${ms(reference / fileCount)} | ${ratio(median(updates), reference / fileCount)} | median < 10 ms, p99 < 25 ms |`,
      `| retained heap of the index | ${mb(retained)} | corpus ${mb(bytes)} | ${ratio(retained, bytes)} | < 30 MB at 10,000 |`,
      `| longest task on the indexing thread, cold / warm | ${ms(cold.maxMs)} / ${ms(warmTask.maxMs)} (p99 ${ms(cold.p99Ms)} / ${ms(warmTask.p99Ms)}) | — | — | ≤ 50 ms |`,
      `| cache load: one JSON Lines file (${mb(cacheBytes)}) vs a folder of one JSON per model | ${ms(oneFileLoad)} | folder: ${ms(perFileLoad)} | ${ratio(oneFileLoad, perFileLoad)} | — |`,
      `| markdown-it parse (for scale) | ${ms(markdownIt)} | read floor ${ms(floor)} | ${ratio(markdownIt, floor)} | — |`,
      `| agreement with markdown-it | ${runbooks.length} runbooks, ${ourBlocks} code blocks | markdown-it: ${files.length - 8} files, ${mdBlocks} blocks | ${ourBlocks === mdBlocks && runbooks.length === files.length - 8 ? 'equal' : 'DIFFERENT'} | equal |`,
      `| files not fully parsed | ${failed} | — | — | 0 |`,
      '',
    );
    log(`done ${count}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const lines: string[] = [
    '## Runbook index (bench/index.bench.ts)',
    '',
    `Generated runbooks (3-12 KB, front matter, tables, lists, 3-15 fences); ${cpus().length} cores shared with other work. ` +
      'Cold figures use the parse worker pool and a fresh cache; "views updated" includes re-linting the file and regrouping the tree\'s areas.',
    '',
  ];
  for (const size of sizes) await benchSize(size, lines);
  process.stdout.write(`${lines.join('\n')}\n`);
}

void main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
