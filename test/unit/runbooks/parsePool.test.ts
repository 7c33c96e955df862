import { strict as assert } from 'node:assert';
import { resolve } from 'node:path';
import { parseRunbook } from '../../../src/runbooks/parse';
import { ParsePool } from '../../../src/runbooks/parsePool';
import { fixtureText } from './helpers';

const workerPath = resolve(__dirname, 'tsWorker.cjs');

describe('runbooks/parsePool', function () {
  // Each worker loads TypeScript through tsx, which takes a moment on a busy machine.
  this.timeout(60_000);
  const pools: ParsePool[] = [];
  const pool = (options: Partial<ConstructorParameters<typeof ParsePool>[0]> = {}) => {
    const p = new ParsePool({ workerPath, timeoutMs: 30_000, ...options });
    pools.push(p);
    return p;
  };
  afterEach(() => {
    for (const p of pools.splice(0)) p.dispose();
  });

  it('parses in a worker thread into the same model as the inline parser', async () => {
    const input = { path: '/repo/area-b/fences.md', root: '/repo', text: fixtureText('area-b/fences.md') };
    const fromWorker = await pool({ size: 2 }).parse(input);
    assert.deepEqual(fromWorker, parseRunbook(input));
  });

  it('stops a file whose parse is genuinely slow, says so, and carries on with a new worker', async () => {
    // The shape checks off, so remark gets a paragraph of 12,000 nested image delimiters: its
    // inline parsing is quadratic and takes far longer than the limit (minutes, unguarded).
    const p = pool({ timeoutMs: 1500, parseOptions: { maxDelimiters: Infinity, maxDelimiterCost: Infinity } });
    const text = `# Slow\n\n${'!['.repeat(6000)}a${'](b)'.repeat(6000)}\n`;
    const slow = await p.parse({ path: '/r/slow.md', root: '/r', text });
    assert.equal(slow.parseStatus, 'failed');
    assert.equal(slow.title, 'Slow', 'the quick model is kept');
    assert.match(slow.problems.at(-1)?.message ?? '', /took longer than 2 s and was stopped/);
    assert.equal(p.restarts, 1);
    const next = await p.parse({ path: '/r/next.md', root: '/r', text: '# Next\n' });
    assert.equal(next.parseStatus, 'full');
  });

  it("does not count a worker's start-up against a file's time limit", async () => {
    // Loading the TypeScript worker through tsx takes seconds here; parsing this file, a few ms.
    const p = pool({ timeoutMs: 200 });
    const r = await p.parse({ path: '/r/small.md', root: '/r', text: '# Small\n\n```bash\necho hi\n```\n' });
    assert.equal(r.parseStatus, 'full');
    assert.equal(r.codeBlocks.length, 1);
    assert.equal(p.restarts, 0);
  });

  it('stops a file that needs too much memory and carries on', async () => {
    const p = pool({ maxHeapMb: 16 });
    const big = Array.from({ length: 20_000 }, (_, i) => `- item ${i} with [link](x${i}) and *emphasis* \`code\``).join('\n');
    const failed = await p.parse({ path: '/r/big.md', root: '/r', text: big });
    assert.equal(failed.parseStatus, 'failed');
    assert.match(failed.problems.at(-1)?.message ?? '', /more than 16 MB of memory/);
    const next = await p.parse({ path: '/r/next.md', root: '/r', text: '# Next\n' });
    assert.equal(next.parseStatus, 'full');
    assert.equal(next.title, 'Next');
  });

  it('fails every file with a clear reason when the worker cannot start', async () => {
    const p = pool({ workerPath: resolve(__dirname, 'no-such-worker.js') });
    const results = await Promise.all([1, 2, 3, 4].map((i) => p.parse({ path: `/r/${i}.md`, root: '/r', text: `# T${i}\n` })));
    assert.ok(results.every((r) => r.parseStatus === 'failed'));
    assert.match(results[3]!.problems.at(-1)!.message, /could not start|stopped while reading/);
  });

  it('fails with a reason, not an exception, when the worker path is unusable', async () => {
    const r = await pool({ workerPath: 'relative/worker.js' }).parse({ path: '/r/x.md', root: '/r', text: '# X\n' });
    assert.equal(r.parseStatus, 'failed');
    assert.match(r.problems.at(-1)!.message, /could not start/);
    assert.equal(r.title, 'X');
  });

  it('resolves pending work as failed when disposed', async () => {
    const p = pool();
    const pending = p.parse({ path: '/r/x.md', root: '/r', text: '# X\n' });
    p.dispose();
    const r = await pending;
    assert.equal(r.parseStatus, 'failed');
    assert.match(r.problems.at(-1)!.message, /shut down/);
  });
});
