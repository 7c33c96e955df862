// The limits every markdown parse runs under, wherever it runs (a worker of the pool, or this
// thread with `--workers 0`). remark (micromark) has inputs on which it is slow or hungry:
// containers nested thousands deep, and paragraphs with thousands of unmatched emphasis or
// link delimiters, cost time quadratic in their size (measured: 24 KB of nested `![` took 11 s),
// and one large document needs about 100-500 bytes of heap per byte of text. So before remark
// sees a file, one linear scan (blocks.ts) checks
//   - its size,
//   - how deep block quotes and list items nest (containers only: indentation inside code
//     does not count), and how much work opening and continuing them is,
//   - the delimiters of each paragraph, heading and table row, one by one and in sum,
// and plans where to cut it into pieces of a few dozen KB that remark parses one at a time, so
// memory stays bounded by a piece, not by the file. What the scan cannot foresee is caught by
// time: a worker is stopped after the time limit (parsePool.ts), and a parse on this thread runs
// under the same limit (`withinTime`).
import { Script, createContext } from 'node:vm';
import { scanBlocks, type BlockScan } from './blocks';

export interface ParseLimits {
  /** Files larger than this (characters) are not given to remark. */
  maxBytes: number;
  /** Deeper container nesting (block quotes, list items) is not given to remark. */
  maxNesting: number;
  /** Most container work (blocks.ts: containers continued and opened, weighted by depth). */
  maxContainerWork: number;
  /** Most `*`, `_`, `[`, `]` in one paragraph, heading or table row. */
  maxDelimiters: number;
  /** Most delimiters squared, summed over the file (the worst-case inline parsing work). */
  maxDelimiterCost: number;
  /** remark parses the file in pieces of about this size, or this many containers … */
  pieceChars: number;
  pieceContainers: number;
  /** … and refuses a part that cannot be cut and is larger than this. */
  maxPieceChars: number;
  maxPieceContainers: number;
  /** A parse taking longer than this is stopped. */
  timeoutMs: number;
  /** Heap limit of a parse worker, in MB. */
  maxHeapMb: number;
}

export const DEFAULT_LIMITS: ParseLimits = {
  maxBytes: 2 * 1024 * 1024,
  maxNesting: 20,
  maxContainerWork: 1_000_000,
  maxDelimiters: 2_000,
  maxDelimiterCost: 16_000_000,
  pieceChars: 64 * 1024,
  pieceContainers: 300,
  maxPieceChars: 256 * 1024,
  maxPieceContainers: 3_000,
  timeoutMs: 10_000,
  maxHeapMb: 256,
};

/** A part of the file's lines, [startLine, endLine), parsed on its own. */
export interface Piece {
  startLine: number;
  endLine: number;
}

export type ShapeCheck = { ok: true; pieces: Piece[]; scan: BlockScan } | { ok: false; reason: string };

const count = (n: number) => n.toLocaleString('en');
const kb = (chars: number) => `${Math.round(chars / 1024)} KB`;

/** The size limit, checked before anything else reads the text. */
export function sizeProblem(text: string, limits: Pick<ParseLimits, 'maxBytes'>): string | undefined {
  if (text.length <= limits.maxBytes) return undefined;
  return `The file is larger than ${kb(limits.maxBytes)} (${kb(text.length)}); it was not parsed, only its title and front matter are indexed.`;
}

/** Whether `text` holds NUL characters: a binary file, not markdown. */
export function isBinaryText(text: string): boolean {
  return text.indexOf('\u0000') !== -1;
}

/** Checks the shape of `lines` from `from` (after front matter) and plans the pieces. */
export function checkShape(lines: readonly string[], from: number, limits: ParseLimits): ShapeCheck {
  const scan = scanBlocks(lines, from, { maxNesting: limits.maxNesting, countDelimiters: true });
  if (scan.stopped === 'nesting') {
    return {
      ok: false,
      reason: `Block quotes or list items are nested more than ${limits.maxNesting} levels deep (line ${scan.maxDepthLine + 1}); the file was not parsed.`,
    };
  }
  if (scan.containerWork > limits.maxContainerWork) {
    return {
      ok: false,
      reason:
        `Block quotes and list items are opened and continued too often (${count(scan.containerWork)} container steps, at most ` +
        `${count(limits.maxContainerWork)}; e.g. thousands of lines that each open deep lists) to parse in reasonable time; the file was not parsed.`,
    };
  }
  if (scan.maxDelimiters > limits.maxDelimiters) {
    return {
      ok: false,
      reason:
        `The paragraph at line ${scan.maxDelimitersLine + 1} holds ${count(scan.maxDelimiters)} emphasis and link delimiters (*, _, [, ]; at most ` +
        `${count(limits.maxDelimiters)}): markdown parsers slow down quadratically on such text, so the file was not parsed.`,
    };
  }
  if (scan.delimiterCost > limits.maxDelimiterCost) {
    return {
      ok: false,
      reason: 'The file has too many paragraphs dense with emphasis and link delimiters (*, _, [, ]) to parse in reasonable time; it was not parsed.',
    };
  }
  const planned = planPieces(lines, from, scan, limits);
  if ('tooLarge' in planned) {
    const { startLine, endLine, chars, containers } = planned.tooLarge;
    return {
      ok: false,
      reason:
        `Lines ${startLine + 1}-${endLine} form one block (${kb(chars)}, ${count(containers)} list items or block quotes) that cannot be split ` +
        `into parts of at most ${kb(limits.maxPieceChars)} and ${count(limits.maxPieceContainers)} containers ` +
        '(a paragraph, list or block quote with no blank line to cut at); the file was not parsed.',
    };
  }
  return { ok: true, pieces: planned.pieces, scan };
}

/** Where the scanner allows a cut, and the containers opened before each cut (blocks.ts). */
export type CutPlan = Pick<BlockScan, 'cuts' | 'containersBefore' | 'containers'>;

type PieceLimits = Pick<ParseLimits, 'pieceChars' | 'pieceContainers' | 'maxPieceChars' | 'maxPieceContainers'>;

/**
 * Groups the lines into pieces, cut only at the plan's cuts: a piece ends at the first cut after
 * it reaches `pieceChars` characters or `pieceContainers` containers (micromark's time grows
 * faster than linearly with the containers it opens and closes in one document). Fails when the
 * stretch between two cuts is larger than the `maxPiece…` limits.
 */
export function planPieces(
  lines: readonly string[],
  from: number,
  plan: CutPlan,
  limits: PieceLimits,
): { pieces: Piece[] } | { tooLarge: Piece & { chars: number; containers: number } } {
  const pieces: Piece[] = [];
  // Where pieces may end, with the containers opened before each: the cuts, then the file's end.
  const boundaries: number[] = [];
  const openedBefore: number[] = [];
  plan.cuts.forEach((cut, i) => {
    if (cut <= from || cut >= lines.length) return;
    boundaries.push(cut);
    openedBefore.push(plan.containersBefore[i] as number);
  });
  boundaries.push(lines.length);
  openedBefore.push(plan.containers);
  let start = from;
  let line = from;
  let chars = 0;
  let containers = 0;
  let previousContainers = 0;
  for (let k = 0; k < boundaries.length; k++) {
    const end = boundaries[k] as number;
    let stretchChars = 0;
    for (; line < end; line++) stretchChars += (lines[line] as string).length + 1;
    const here = openedBefore[k] as number;
    const stretchContainers = here - previousContainers;
    previousContainers = here;
    if (stretchChars > limits.maxPieceChars || stretchContainers > limits.maxPieceContainers) {
      const stretchStart = k === 0 ? from : (boundaries[k - 1] as number);
      return { tooLarge: { startLine: stretchStart, endLine: end, chars: stretchChars, containers: stretchContainers } };
    }
    chars += stretchChars;
    containers += stretchContainers;
    if (chars >= limits.pieceChars || containers >= limits.pieceContainers || k === boundaries.length - 1) {
      pieces.push({ startLine: start, endLine: Math.max(start, end) });
      start = end;
      chars = 0;
      containers = 0;
    }
  }
  return { pieces };
}

export class ParseTimeout extends Error {}

const runScript = new Script('run()');
let runContext: { run?: () => unknown } | undefined;

/**
 * Runs `work` on this thread but stops it after `timeoutMs` (V8 terminates the running
 * JavaScript, wherever it is), throwing ParseTimeout. For parses that cannot go to a worker.
 */
export function withinTime<T>(timeoutMs: number, work: () => T): T {
  const context = (runContext ??= createContext({}) as { run?: () => unknown });
  context.run = work;
  try {
    return runScript.runInContext(context, { timeout: Math.max(1, Math.round(timeoutMs)) }) as T;
  } catch (err) {
    if ((err as NodeJS.ErrnoException | undefined)?.code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') throw new ParseTimeout(timeLimitMessage(timeoutMs));
    throw err;
  } finally {
    context.run = undefined;
  }
}

export function timeLimitMessage(timeoutMs: number): string {
  const limit = timeoutMs >= 1000 ? `${Math.round(timeoutMs / 1000)} s` : `${timeoutMs} ms`;
  return `Parsing took longer than ${limit} and was stopped.`;
}
