// The limits every markdown parse runs under, wherever it runs (a worker of the pool, or this
// thread with `--workers 0`). remark (micromark) has inputs on which it is slow or hungry:
// containers nested thousands deep, and paragraphs with thousands of unmatched emphasis or
// link delimiters, cost time quadratic in their size (measured: 24 KB of nested `![` took 11 s),
// and one large document needs about 100-500 bytes of heap per byte of text. So before remark
// sees a file, one linear scan (blocks.ts) checks
//   - its size,
//   - how deep block quotes and list items nest (containers only: indentation inside code
//     does not count),
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
  /** Most `*`, `_`, `[`, `]` in one paragraph, heading or table row. */
  maxDelimiters: number;
  /** Most delimiters squared, summed over the file (the worst-case inline parsing work). */
  maxDelimiterCost: number;
  /** remark parses the file in pieces of about this size … */
  pieceChars: number;
  /** … and refuses a part that cannot be cut and is larger than this. */
  maxPieceChars: number;
  /** A parse taking longer than this is stopped. */
  timeoutMs: number;
  /** Heap limit of a parse worker, in MB. */
  maxHeapMb: number;
}

export const DEFAULT_LIMITS: ParseLimits = {
  maxBytes: 2 * 1024 * 1024,
  maxNesting: 40,
  maxDelimiters: 2_000,
  maxDelimiterCost: 16_000_000,
  pieceChars: 64 * 1024,
  maxPieceChars: 256 * 1024,
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
  const planned = planPieces(lines, from, scan.cuts, limits);
  if ('tooLarge' in planned) {
    const { startLine, endLine, chars } = planned.tooLarge;
    return {
      ok: false,
      reason:
        `Lines ${startLine + 1}-${endLine} form one block of ${kb(chars)} that cannot be split (more than ${kb(limits.maxPieceChars)}, ` +
        'e.g. one list or block quote without a blank line between its items); the file was not parsed.',
    };
  }
  return { ok: true, pieces: planned.pieces, scan };
}

/**
 * Groups the lines into pieces of at least `pieceChars`, cut only at `cuts` (ascending). Fails
 * when the stretch between two cuts is larger than `maxPieceChars`.
 */
export function planPieces(
  lines: readonly string[],
  from: number,
  cuts: readonly number[],
  limits: Pick<ParseLimits, 'pieceChars' | 'maxPieceChars'>,
): { pieces: Piece[] } | { tooLarge: Piece & { chars: number } } {
  const pieces: Piece[] = [];
  let start = from;
  let pieceChars = 0;
  let stretchStart = from;
  let stretchChars = 0;
  let next = 0;
  for (let i = from; i <= lines.length; i++) {
    const atCut = i === lines.length || (next < cuts.length && cuts[next] === i);
    if (atCut) {
      if (i < lines.length) next++;
      if (stretchChars > limits.maxPieceChars) return { tooLarge: { startLine: stretchStart, endLine: i, chars: stretchChars } };
      if ((pieceChars >= limits.pieceChars || i === lines.length) && i > start) {
        pieces.push({ startLine: start, endLine: i });
        start = i;
        pieceChars = 0;
      }
      stretchStart = i;
      stretchChars = 0;
    }
    if (i < lines.length) {
      const size = (lines[i] as string).length + 1;
      pieceChars += size;
      stretchChars += size;
    }
  }
  if (pieces.length === 0) pieces.push({ startLine: from, endLine: Math.max(from, lines.length) });
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
