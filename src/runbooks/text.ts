// Small text helpers shared by the full parser and the quick first pass.
import { createHash } from 'node:crypto';

/**
 * Bumped whenever the extracted model changes shape or meaning: cached models made by an older
 * parser are then parsed again.
 */
export const PARSER_VERSION = 4;

/** Removes a BOM and turns CRLF / lone CR into LF. Line numbers are unchanged. */
export function normalizeText(text: string): string {
  const noBom = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  return noBom.includes('\r') ? noBom.replace(/\r\n?/g, '\n') : noBom;
}

/** The cache key of a file's model: its content, its name (titles and alerts use it) and the parser version. */
export function contentHash(text: string, fileName: string): string {
  return createHash('sha256').update(`${PARSER_VERSION}\u0000${fileName}\u0000`).update(text).digest('hex').slice(0, 40);
}

export function baseName(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i === -1 ? path : path.slice(i + 1);
}

/** `README.md` in any case (and `.markdown`) describes its folder. */
export function isReadmeName(fileName: string): boolean {
  return /^readme\.(md|markdown)$/i.test(fileName);
}

export function isMarkdownName(fileName: string): boolean {
  return /\.(md|markdown)$/i.test(fileName);
}

/** The file name as a title: without the extension, unless nothing would be left (a file named `.md`). */
export function titleFromFileName(fileName: string): string {
  const stem = fileName.replace(/\.(md|markdown)$/i, '');
  return stem === '' ? fileName : stem;
}

/** Copies a string so it does not keep a larger parent string alive (V8 sliced strings). */
export function detach(s: string): string {
  return s.length === 0 ? '' : (' ' + s).slice(1);
}

/**
 * Relative path and area of a file under a root (both absolute, same separator style).
 * The area is the top folder under the root; '' for files directly in it.
 */
export function placeInRoot(root: string, path: string): { relPath: string; area: string } {
  const rel = path.startsWith(root) ? path.slice(root.length).replace(/^[\\/]+/, '') : path;
  const relPath = rel.split('\\').join('/');
  const slash = relPath.indexOf('/');
  return { relPath, area: slash === -1 ? '' : relPath.slice(0, slash) };
}

/** GitHub-style heading anchors: lower case, punctuation dropped, spaces to `-`, repeats numbered. */
export class Slugger {
  private readonly seen = new Map<string, number>();

  slug(text: string): string {
    const base = text
      .toLowerCase()
      .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, '')
      .replace(/ /g, '-');
    let slug = base;
    while (this.seen.has(slug)) {
      const n = (this.seen.get(base) ?? 0) + 1;
      this.seen.set(base, n);
      slug = `${base}-${n}`;
    }
    this.seen.set(slug, 0);
    return slug;
  }
}
