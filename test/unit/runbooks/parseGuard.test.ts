// The limits every parse runs under (guard.ts), the block scanner they rest on (blocks.ts), and
// the quick pass that runs on the extension host's thread: crafted inputs on which remark (or a
// backtracking regular expression) would be slow are refused quickly with a clear reason, real
// runbooks are not, and parsing a large file in pieces gives the same model as parsing it whole.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { Heading, Nodes, Root } from 'mdast';
import remarkParse from 'remark-parse';
import remarkGfm from 'remark-gfm';
import { unified } from 'unified';
import { spawnSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { crafted } from '../../fixtures/runbooks/crafted';
import { generateRunbook } from '../../fixtures/runbooks/generate';
import { scanBlocks } from '../../../src/runbooks/blocks';
import { checkShape, DEFAULT_LIMITS, planPieces, ParseTimeout, withinTime } from '../../../src/runbooks/guard';
import { InlineParser } from '../../../src/runbooks/parsePool';
import { parseRunbook } from '../../../src/runbooks/parse';
import { BINARY_MESSAGE, quickScan } from '../../../src/runbooks/quick';
import { FIXTURES, SAMPLE_REPO, parseText, runbookText } from './helpers';

function markdownFiles(dir: string): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...markdownFiles(path));
    else if (/\.(md|markdown)$/i.test(name)) out.push(path);
  }
  return out.sort();
}

/** mulberry32, for generated runbooks that are the same on every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Hand-written markdown that exercises the block rules the scanner must get right. */
const TRICKY = [
  '# Tricky blocks\n\n- a list item\n  ```bash\n  echo inside the item\n  ```\n- next item\n\n```\nunclosed in a list? no, top level\n```\n',
  '> quote\n> ```sh\n> echo in quote\n> ```\nlazy line\n\n> # heading in quote\n',
  '<!--\n```bash\necho not code\n```\n\n-->\n\n```bash\necho code\n```\n',
  '<div>\n```bash\necho html, not code\n```\n</div>\n\n```bash\necho code\n```\n',
  'para\n<div>\n```\nstill html\n```\n\n## After\n',
  '<custom-tag attr="x" other=y>\n```\nhtml kind 7\n```\n\nText\n<custom-tag>\n```\nfence after paragraph\n```\n',
  'Setext one\n===\n\nSetext two\n---\n\n- - -\n\nText\n- - -\n',
  '| a | b |\n|---|---|\n| [x](y) | *z* |\n- list after table\n\n~~~~\n```\nstill tilde fence\n~~~~\n',
  '1. one\n\n   ```bash\n   echo in ordered item\n   ```\n\n2. two\n\n    indented code after blank?\n\ntext\n\n    indented code\n\n  spaced text\n',
  '- a\n  - b\n    - c\n      ```\n      deep fence\n      ```\n- d\n\n10) ten\n11) eleven\n\n2. cannot interrupt\nthis paragraph\n',
  '```js\nconst a = "```";\n```\n\n````md\n```bash\nnested fence\n```\n````\n\n``` not`a fence\n\n  ```\n  indented fence\n   ```\n',
  '<pre>\n\n# not a heading\n\n</pre>\n\n<script>x</script>\n# real heading\n\n<?php\n\n?>\n\n<![CDATA[\n\n]]>\n',
  '> a\n>\n> - b\n>   ```\n>   code\n>   ```\n\n>> double\n',
  '* * *\n***bold italic***\n\n#no heading\n#\n# \n## Closed ##\n### Trailing #s ###   \n',
  '- [ ] task\n- [x] done\n\n| only header |\n|---|\n\nA | B\n-|-\n1 | 2\n',
];

/** Every fenced code block and heading remark finds, with 0-based lines. */
function remarkBlocks(text: string): { fences: number[]; headings: Array<[number, number]> } {
  const tree = unified().use(remarkParse).use(remarkGfm).parse(text) as Root;
  const fences: number[] = [];
  const headings: Array<[number, number]> = [];
  const stack: Nodes[] = [tree];
  while (stack.length > 0) {
    const node = stack.pop() as Nodes;
    const line = (node.position?.start.line ?? 1) - 1;
    if (node.type === 'code') {
      const opening = text.split('\n')[line] ?? '';
      if (/^[\s>*+\-\d.)]*(`{3,}|~{3,})/.test(opening)) fences.push(line);
    }
    if (node.type === 'heading') headings.push([line, (node as Heading).depth]);
    if ('children' in node) for (const child of [...(node.children as Nodes[])].reverse()) stack.push(child);
  }
  return { fences: fences.sort((a, b) => a - b), headings: headings.sort((a, b) => a[0] - b[0]) };
}

function corpus(): Array<{ name: string; text: string }> {
  const files = [...markdownFiles(FIXTURES), ...markdownFiles(SAMPLE_REPO)].map((f) => ({ name: relative(FIXTURES, f), text: readFileSync(f, 'utf8') }));
  const rand = prng(7);
  for (let i = 0; i < 40; i++) files.push({ name: `generated-${i}.md`, text: generateRunbook(rand, i, 'area').text });
  TRICKY.forEach((text, i) => files.push({ name: `tricky-${i}.md`, text }));
  return files;
}

describe('runbooks/parse guard', () => {
  describe('block scanner', () => {
    it('finds the fences and headings remark finds, on fixtures, samples, generated and tricky files', () => {
      for (const { name, text } of corpus()) {
        const lines = text.replace(/\r\n?/g, '\n').split('\n');
        // Front matter reads as a thematic break and a setext heading to remark: compare the body only.
        const body = lines[0] === '---' ? lines.indexOf('---', 1) + 1 : 0;
        const scan = scanBlocks(lines, body);
        const expected = remarkBlocks(lines.join('\n'));
        assert.deepEqual(
          scan.fences.map((f) => f.startLine).filter((l) => l >= body),
          expected.fences.filter((l) => l >= body),
          `fences of ${name}`,
        );
        assert.deepEqual(
          scan.headings.filter((h) => h.line >= body).map((h) => [h.line, h.depth]),
          expected.headings.filter(([l]) => l >= body),
          `headings of ${name}`,
        );
      }
    });

    it('counts containers, not indentation: a fence of pstree output 145 spaces deep is depth 0', () => {
      const tree = Array.from({ length: 80 }, (_, i) => `${' '.repeat(Math.min(145, i * 2))}\\_ worker-${i}`).join('\n');
      const text = runbookText(`# Process tree\n\n\`\`\`text\n${tree}\n\`\`\`\n\n- in a list\n\n  \`\`\`\n${tree.replace(/^/gm, '  ')}\n  \`\`\`\n`);
      const lines = text.split('\n');
      assert.equal(scanBlocks(lines).maxDepth, 1);
      const r = parseText('pstree.md', text);
      assert.equal(r.parseStatus, 'full');
      assert.equal(r.codeBlocks.length, 2);
      assert.equal(scanBlocks(['> > > - 1. x']).maxDepth, 5);
      assert.equal(scanBlocks(['- a', '  - b', '    - c', '      > d', 'lazy']).maxDepth, 4);
      assert.equal(scanBlocks(['- a', '', '        deep indented text is code in the item, not nesting']).maxDepth, 1);
    });
  });

  describe('refused before remark sees them, with the quick model kept', () => {
    const refused = (name: string, body: string, reason: RegExp) => {
      const r = parseText(`${name}.md`, runbookText(`# Crafted\n\n${body}`));
      assert.equal(r.parseStatus, 'failed', name);
      assert.equal(r.title, 'T', 'the front matter title is kept');
      assert.deepEqual(r.metadata.alerts, ['SomethingBroke']);
      const problem = r.problems.at(-1);
      assert.equal(problem?.ruleId, 'parse-failed');
      assert.equal(problem?.severity, 'error');
      assert.match(problem?.message ?? '', reason, name);
    };

    it('containers nested thousands deep, on one line or by indentation', () => {
      refused('one-line', `${'- '.repeat(3000)}x\n`, /nested more than 20 levels deep \(line 9\)/);
      refused('quotes', `${'> '.repeat(3000)}x\n`, /nested more than 20 levels/);
      refused('indented', Array.from({ length: 60 }, (_, i) => `${'  '.repeat(i)}- level ${i}`).join('\n'), /nested more than 20 levels deep \(line 29\)/);
    });

    it('thousands of lines that each open deep lists (each costs remark ~d² container steps)', () => {
      refused('work', `${'- '.repeat(15)}x\n`.repeat(10_000), /opened and continued too often \(1,\d{3},\d{3} container steps, at most 1,000,000/);
    });

    it('a paragraph dense with unmatched emphasis or link delimiters', () => {
      refused('images', `${'!['.repeat(3000)}a${'](b)'.repeat(3000)}\n`, /paragraph at line 9 holds 6,000 emphasis and link delimiters/);
      refused('emphasis', `${'*a_ '.repeat(5000)}\n`, /holds 10,000/);
      refused('lazy', `> ${'*a '.repeat(1000)}\n${'a* '.repeat(1500)}\n`, /holds 2,500/);
      refused('heading', `## ${'[a '.repeat(2500)}\n`, /line 9 holds 2,500/);
    });

    it('many dense paragraphs whose sum is too much work', () => {
      const dense = `${'*a '.repeat(1900)}\n\n`;
      refused('sum', dense.repeat(6), /too many paragraphs dense with/);
    });

    it('one block too large to cut into pieces', () => {
      // Items of a top-level list can be cut apart; lines of one block quote cannot.
      const quote = Array.from({ length: 12_000 }, (_, i) => `> line ${i} of one long block quote without a break`).join('\n');
      refused('quote', quote, /Lines 9-12008 form one block \(\d+ KB, 1 list items or block quotes\) that cannot be split/);
      const items = `- one top-level item\n${Array.from({ length: 4000 }, (_, i) => `  - nested item ${i}`).join('\n')}\n`;
      refused('items', items, /Lines 9-4010 form one block \(\d+ KB, 4,001 list items/);
    });

    it('a file above the size limit', () => {
      const r = parseText('huge.md', '# Huge\n' + 'x'.repeat(3000), { maxBytes: 1000 });
      assert.equal(r.parseStatus, 'failed');
      assert.equal(r.title, 'Huge');
      assert.match(r.problems.at(-1)?.message ?? '', /larger than 1 KB \(3 KB\)/);
    });

    it('a binary file (NUL bytes), in the quick pass too', () => {
      const text = `# Looks like markdown\u0000\u0001\u0002 but is not\n`;
      for (const r of [parseText('image.md', text), quickScan({ path: '/repo/image.md', root: '/repo', text })]) {
        assert.equal(r.parseStatus, 'failed');
        assert.equal(r.title, 'image.md');
        assert.deepEqual(r.problems, [{ ruleId: 'parse-failed', severity: 'error', message: BINARY_MESSAGE, line: 0 }]);
      }
    });
  });

  describe('real runbooks pass', () => {
    it('tables of links are read a row at a time, and a busy paragraph is fine', () => {
      const table = '| alert | runbook |\n|---|---|\n' + Array.from({ length: 800 }, (_, i) => `| [Alert${i}](a${i}.md) | [*runbook*](r${i}.md) |`).join('\n');
      const r = parseText('index.md', runbookText(`# Index\n\n${table}\n\n${'Some *emphasis* and [a link](x) and `code`. '.repeat(100)}\n`));
      assert.equal(r.parseStatus, 'full');
      assert.equal(r.links.length, 1600 + 100);
    });

    it('every fixture and sample runbook parses in full', () => {
      for (const file of [...markdownFiles(FIXTURES), ...markdownFiles(SAMPLE_REPO)]) {
        const r = parseText(relative(FIXTURES, file), readFileSync(file, 'utf8'));
        assert.notEqual(r.parseStatus, 'failed', file);
      }
    });
  });

  describe('pieces', () => {
    const WHOLE = { pieceChars: Infinity, pieceContainers: Infinity, maxPieceChars: Infinity, maxPieceContainers: Infinity };
    it('parsing at every possible cut gives the model of parsing whole', () => {
      for (const { name, text } of corpus()) {
        const whole = parseText(name, text, WHOLE);
        const cut = parseText(name, text, { pieceChars: 1, pieceContainers: 1 });
        assert.deepEqual(cut, whole, name);
      }
    });

    it('a large runbook is cut into pieces of about the piece size, and parses to the same model', () => {
      const rand = prng(3);
      const parts: string[] = ['# Large runbook', ''];
      for (let i = 0; parts.join('\n').length < 300_000; i++) parts.push(generateRunbook(rand, i, 'area').text.replace(/^---[\s\S]*?\n---\n/, ''));
      const text = parts.join('\n');
      const lines = text.split('\n');
      const shape = checkShape(lines, 0, DEFAULT_LIMITS);
      assert.ok(shape.ok);
      assert.ok(shape.pieces.length >= 4, `${shape.pieces.length} pieces`);
      for (const p of shape.pieces.slice(0, -1)) {
        const chars = lines.slice(p.startLine, p.endLine).join('\n').length;
        assert.ok(chars >= DEFAULT_LIMITS.pieceChars && chars < DEFAULT_LIMITS.pieceChars + 20_000, `piece of ${chars}`);
      }
      const model = parseText('large.md', text);
      assert.equal(model.parseStatus, 'full');
      assert.deepEqual(model, parseText('large.md', text, WHOLE));
    });

    it('plans pieces only at cuts, by size and by containers, and reports a stretch that is too large', () => {
      const lines = ['a', 'b', 'c', 'd', 'e', 'f'];
      const plan = { cuts: [2, 4], containersBefore: [0, 0], containers: 0 };
      const limits = { pieceChars: 3, pieceContainers: 100, maxPieceChars: 100, maxPieceContainers: 100 };
      assert.deepEqual(planPieces(lines, 0, plan, limits), {
        pieces: [
          { startLine: 0, endLine: 2 },
          { startLine: 2, endLine: 4 },
          { startLine: 4, endLine: 6 },
        ],
      });
      assert.deepEqual(planPieces(lines, 1, plan, { ...limits, pieceChars: 100 }), { pieces: [{ startLine: 1, endLine: 6 }] });
      assert.deepEqual(planPieces(lines, 0, plan, { ...limits, pieceChars: 1, maxPieceChars: 3 }), { tooLarge: { startLine: 0, endLine: 2, chars: 4, containers: 0 } });
      // Containers: 5 before line 2, 6 before line 4, 40 in all.
      const dense = { cuts: [2, 4], containersBefore: [5, 6], containers: 40 };
      assert.deepEqual(planPieces(lines, 0, dense, { ...limits, pieceChars: 100, pieceContainers: 5 }), {
        pieces: [
          { startLine: 0, endLine: 2 },
          { startLine: 2, endLine: 6 },
        ],
      });
      assert.deepEqual(planPieces(lines, 0, dense, { ...limits, maxPieceContainers: 30 }), { tooLarge: { startLine: 4, endLine: 6, chars: 4, containers: 34 } });
    });
  });

  describe('memory', function () {
    this.timeout(180_000);
    /** Parses `text` in a worker whose heap is capped at `heapMb`: its status, or the worker's error code. */
    const parseUnderHeap = (text: string, heapMb: number, options: object) =>
      new Promise<string>((done) => {
        const worker = new Worker(resolve(__dirname, 'parseInWorker.cjs'), { workerData: { text, options }, resourceLimits: { maxOldGenerationSizeMb: heapMb } });
        worker.on('message', (m: { parseStatus: string }) => {
          done(m.parseStatus);
          void worker.terminate();
        });
        worker.on('error', (err: NodeJS.ErrnoException) => done(err.code ?? err.message));
      });

    it('a large runbook parses in pieces within a heap that the whole document would not fit', async () => {
      const rand = prng(11);
      const parts: string[] = ['# One large runbook', ''];
      for (let i = 0; parts.join('\n').length < 1_000_000; i++) parts.push(generateRunbook(rand, i, 'area').text.replace(/^---[\s\S]*?\n---\n/, ''));
      const text = parts.join('\n');
      assert.equal(await parseUnderHeap(text, 64, {}), 'full');
      assert.equal(await parseUnderHeap(text, 64, { pieceChars: Infinity, pieceContainers: Infinity, maxPieceChars: Infinity, maxPieceContainers: Infinity }), 'ERR_WORKER_OUT_OF_MEMORY');
    });
  });

  describe('time', () => {
    // With the delimiter checks off, this paragraph takes remark many seconds (quadratic).
    const slow = runbookText(`# Slow\n\n${'!['.repeat(6000)}a${'](b)'.repeat(6000)}\n`);
    const unchecked = { maxDelimiters: Infinity, maxDelimiterCost: Infinity };

    it('stops work on this thread after the time limit', () => {
      assert.throws(() => withinTime(200, () => parseRunbook({ path: '/r/slow.md', root: '/r', text: slow }, unchecked)), ParseTimeout);
      assert.equal(withinTime(1000, () => 42), 42, 'work within the limit returns its value');
    });

    it('the inline parser (the CLI with --workers 0) fails a slow file with a reason and carries on', async () => {
      const parser = new InlineParser(unchecked, 1000);
      const r = await parser.parse({ path: '/r/slow.md', root: '/r', text: slow });
      assert.equal(r.parseStatus, 'failed');
      assert.equal(r.title, 'T');
      assert.match(r.problems.at(-1)?.message ?? '', /took longer than 1 s/);
      const next = await parser.parse({ path: '/r/next.md', root: '/r', text: '# Next\n' });
      assert.equal(next.parseStatus, 'full');
    });
  });

  describe('the CLI with --workers 0', function () {
    this.timeout(300_000);
    it('indexes a folder of crafted 1.2 MB files on its own thread, each reported as not parsed', () => {
      const dir = mkdtempSync(join(tmpdir(), 'oncall-crafted-'));
      try {
        const names = Object.keys(crafted).map((kind, i) => {
          const name = `crafted-${i}.md`;
          writeFileSync(join(dir, name), (crafted[kind] as (n: number) => string)(1_200_000));
          return name;
        });
        writeFileSync(join(dir, 'normal.md'), runbookText('# Normal\n\n```bash\necho fine\n```\n'));
        const cli = resolve(__dirname, '../../../src/cli/main.ts');
        const r = spawnSync(process.execPath, ['--import', 'tsx', cli, 'index', dir, '--json', '--no-cache', '--workers', '0'], { encoding: 'utf8', timeout: 240_000 });
        assert.equal(r.status, 0, r.stderr);
        const out = JSON.parse(r.stdout) as { runbooks: Array<{ path: string; parseStatus: string; problems: Array<{ ruleId: string }> }> };
        const status = new Map(out.runbooks.map((x) => [x.path, x]));
        assert.equal(status.get('normal.md')?.parseStatus, 'full');
        for (const name of names) {
          assert.equal(status.get(name)?.parseStatus, 'failed', name);
          assert.ok(status.get(name)?.problems.some((p) => p.ruleId === 'parse-failed'), name);
        }
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });

  describe('the quick pass on the extension host', () => {
    it('reads crafted lines in linear time (no backtracking regular expressions)', () => {
      const crafted = [
        `- ${' -  '.repeat(40)}x\`\``, // exponential for the old fence pattern
        `# a${' #'.repeat(50_000)} x`,
        `${'-  '.repeat(50_000)}\`\` x`,
        `<a${' b=c'.repeat(50_000)}`,
        `${'> '.repeat(50_000)}\`\`\``,
      ].join('\n');
      const r = quickScan({ path: '/r/x.md', root: '/r', text: crafted });
      assert.equal(r.parseStatus, 'quick');
    });

    it('leaves large front matter to the full parse', () => {
      const keys = Array.from({ length: 600 }, (_, i) => `key${i}: value number ${i}`).join('\n');
      const text = runbookText('# Big metadata\n', `title: Big\n${keys}`);
      const quick = quickScan({ path: '/r/x.md', root: '/r', text });
      assert.equal(quick.title, 'Big metadata', 'not read on the host');
      assert.match(quick.problems[0]?.message ?? '', /larger than 4 KB/);
      assert.equal(parseText('x.md', text).title, 'Big', 'read by the full parse');
    });

    it('does not give deeply nested front matter to the YAML parser (it recurses, and has crashed the process)', () => {
      for (const fm of [`title: Deep\nx: ${'['.repeat(2000)}`, `title: Deep\nx: ${'{a: '.repeat(40)}`, Array.from({ length: 200 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n')]) {
        const r = parseText('deep.md', runbookText('# Deep\n', fm));
        assert.equal(r.title, 'Deep', 'the H1: the front matter was not read');
        assert.match(r.problems[0]?.message ?? '', /nests deeper than 32 levels \(line \d+\) and was not read/);
      }
      assert.equal(parseText('ok.md', runbookText('# H\n', 'title: Fine\nx: [[1, 2], {a: [3]}]')).title, 'Fine');
    });
  });
});

