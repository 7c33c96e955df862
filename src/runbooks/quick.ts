// The quick first pass: front matter, headings and fences found by the linear block scanner
// (blocks.ts) — no remark. It lets a cold tree show every runbook with its title long before
// the full parse is done, and it is what a file that cannot be parsed is shown with. It runs on
// the extension host's thread, so its work is bounded for any file: it reads the first 64 KB
// (the title is there), small front matter only, and nothing in it can backtrack.
import { alertCandidates, isAreaDocumentName } from './alerts';
import { scanBlocks } from './blocks';
import { readFrontMatter, MAX_FRONT_MATTER_BYTES } from './frontMatter';
import { isBinaryText } from './guard';
import type { Problem, Runbook } from './model';
import type { ParseInput } from './parse';
import { baseName, contentHash, detach, normalizeText, placeInRoot, titleFromFileName } from './text';

/**
 * Front matter read by the quick pass on the extension host (measured: YAML takes up to ~4 µs a
 * byte on hostile input, warm; real blocks are a few hundred bytes).
 */
export const QUICK_FRONT_MATTER_BYTES = 4 * 1024;
/**
 * The quick pass reads the head of a file only: enough for the title in any real runbook, and a
 * bound on this thread's work for any file (the full parse, in a worker, reads everything).
 */
export const QUICK_SCAN_CHARS = 64 * 1024;
/** The quick scan reads no further than this container depth. */
const QUICK_MAX_NESTING = 100;
/** Heading text longer than this is cut for the title. */
const MAX_TITLE_CHARS = 500;

export interface QuickOptions {
  /** The content hash, when the caller computed it already. */
  hash?: string;
  /** Front matter larger than this is left to the full parse (default QUICK_FRONT_MATTER_BYTES). */
  maxFrontMatterBytes?: number;
}

/** Lines of a text as normalizeText + split would count them (LF, CRLF or a lone CR end a line). */
function countLines(text: string): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
  for (let i = text.indexOf('\r'); i !== -1; i = text.indexOf('\r', i + 1)) if (text[i + 1] !== '\n') n++;
  return n;
}

/** Strips the commonest inline markup from heading text: code ticks, emphasis, links. */
function stripInline(text: string): string {
  return text
    .slice(0, MAX_TITLE_CHARS)
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*]|(^|\s)_+|_+(\s|$)/g, '$1$2')
    .replace(/~~/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

const noDetails = (): Pick<Runbook, 'sections' | 'codeBlocks' | 'links'> => ({ sections: [], codeBlocks: [], links: [] });

export const BINARY_MESSAGE = 'The file holds NUL bytes: it is binary, not markdown, so it was not indexed as a runbook.';

/** The quick model of a file. A binary file gets a failed model that says so. */
export function quickScan(input: ParseInput, options: QuickOptions | string = {}): Runbook {
  const { hash, maxFrontMatterBytes } = typeof options === 'string' ? { hash: options, maxFrontMatterBytes: undefined } : options;
  const fileName = baseName(input.path);
  const areaDocument = isAreaDocumentName(fileName);
  const place = placeInRoot(input.root, input.path);
  const where = { path: input.path, root: input.root, relPath: place.relPath, area: place.area };
  const hashOf = () => hash ?? contentHash(input.text, fileName);
  if (isBinaryText(input.text)) {
    const problem: Problem = { ruleId: 'parse-failed', severity: 'error', message: BINARY_MESSAGE, line: 0 };
    return {
      ...where,
      isReadme: areaDocument,
      title: fileName,
      metadata: { alerts: [], tags: [], extra: {} },
      alerts: [],
      ...noDetails(),
      problems: [problem],
      parseStatus: 'failed',
      contentHash: hashOf(),
      lineCount: 0,
      fenceCount: 0,
    };
  }
  const truncated = input.text.length > QUICK_SCAN_CHARS;
  const lines = normalizeText(truncated ? input.text.slice(0, QUICK_SCAN_CHARS) : input.text).split('\n');
  if (truncated) lines.pop(); // a partial last line
  const frontMatter = readFrontMatter(lines, Math.min(maxFrontMatterBytes ?? QUICK_FRONT_MATTER_BYTES, MAX_FRONT_MATTER_BYTES));
  // Deeper than any file the full parse accepts: past it the scan stops (its cost grows with depth).
  const scan = scanBlocks(lines, frontMatter.endLine + 1, { maxNesting: QUICK_MAX_NESTING });
  const headings = scan.headings.map((h) => ({ text: stripInline(h.text), depth: h.depth })).filter((h) => h.text !== '');
  const h1 = headings.find((h) => h.depth === 1)?.text;
  const title = frontMatter.metadata.title ?? h1 ?? headings[0]?.text ?? titleFromFileName(fileName);
  // Heading candidates need section indexes from the full parse; the quick pass keeps the rest.
  const alerts = alertCandidates({ frontMatter: frontMatter.metadata.alerts, fileName, isReadme: areaDocument, h1, title: frontMatter.metadata.title, headings: [] });
  return {
    ...where,
    isReadme: areaDocument && alerts.length === 0,
    title: detach(title),
    metadata: frontMatter.metadata,
    alerts,
    ...noDetails(),
    problems: frontMatter.problems,
    parseStatus: 'quick',
    contentHash: hashOf(),
    lineCount: truncated ? countLines(input.text) : lines.length,
    ...(frontMatter.reviewedKey !== undefined ? { reviewedKey: frontMatter.reviewedKey } : {}),
    fenceCount: scan.fences.length,
  };
}
