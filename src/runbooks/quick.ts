// The quick first pass: front matter, headings found by a line scan, and a fence count — no
// remark. It lets a cold tree show every runbook with its title long before the full parse is
// done, and it is what a file that cannot be parsed is shown with.
import { alertCandidates, isAreaDocumentName } from './alerts';
import { readFrontMatter } from './frontMatter';
import type { Runbook } from './model';
import type { ParseInput } from './parse';
import { baseName, contentHash, detach, normalizeText, placeInRoot, titleFromFileName } from './text';

const FENCE = /^[ \t]{0,3}(?:>[ \t]?)*(?:[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]+)*[ \t]*(`{3,}|~{3,})(.*)$/;
const ATX = /^[ \t]{0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$/;
const SETEXT_H1 = /^[ \t]{0,3}=+[ \t]*$/;

/** Strips the commonest inline markup from heading text: code ticks, emphasis, links. */
function stripInline(text: string): string {
  return text
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/[`*]|(^|\s)_+|_+(\s|$)/g, '$1$2')
    .replace(/~~/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The quick model of a file; `hash` may be passed when the caller already computed it. */
export function quickScan(input: ParseInput, hash?: string): Runbook {
  const fileName = baseName(input.path);
  const areaDocument = isAreaDocumentName(fileName);
  const text = normalizeText(input.text);
  const lines = text.split('\n');
  const frontMatter = readFrontMatter(lines);

  let fenceCount = 0;
  let open: string | null = null;
  let h1: string | undefined;
  let firstHeading: string | undefined;
  let previous = '';
  for (let i = frontMatter.endLine + 1; i < lines.length; i++) {
    const line = lines[i] as string;
    // Cheap tests first: most lines are prose and match nothing.
    const fence = line.includes('``') || line.includes('~~') ? FENCE.exec(line) : null;
    if (open !== null) {
      if (fence && (fence[1] as string)[0] === open[0] && (fence[1] as string).length >= open.length && (fence[2] as string).trim() === '') {
        open = null;
      }
    } else if (fence && !((fence[1] as string)[0] === '`' && (fence[2] as string).includes('`'))) {
      open = fence[1] as string;
      fenceCount++;
    } else if (h1 === undefined) {
      // Headings matter only until the first H1 is known (the title rule).
      const atx = line.includes('#') ? ATX.exec(line) : null;
      let heading: { text: string; depth: number } | undefined;
      if (atx) heading = { text: stripInline(atx[2] ?? ''), depth: (atx[1] as string).length };
      else if (line.includes('=') && SETEXT_H1.test(line) && previous.trim() !== '') heading = { text: stripInline(previous), depth: 1 };
      if (heading && heading.text !== '') {
        firstHeading ??= heading.text;
        if (heading.depth === 1) h1 = heading.text;
      }
    }
    previous = line;
  }

  const place = placeInRoot(input.root, input.path);
  const title = frontMatter.metadata.title ?? h1 ?? firstHeading ?? titleFromFileName(fileName);
  // Heading candidates need section indexes from the full parse; the quick pass keeps the rest.
  const alerts = alertCandidates({ frontMatter: frontMatter.metadata.alerts, fileName, isReadme: areaDocument, h1, title: frontMatter.metadata.title, headings: [] });
  return {
    path: input.path,
    root: input.root,
    relPath: place.relPath,
    area: place.area,
    isReadme: areaDocument && alerts.length === 0,
    title: detach(title),
    metadata: frontMatter.metadata,
    alerts,
    sections: [],
    codeBlocks: [],
    links: [],
    problems: frontMatter.problems,
    parseStatus: 'quick',
    contentHash: hash ?? contentHash(input.text, fileName),
    lineCount: lines.length,
    ...(frontMatter.reviewedKey !== undefined ? { reviewedKey: frontMatter.reviewedKey } : {}),
    fenceCount,
  };
}
