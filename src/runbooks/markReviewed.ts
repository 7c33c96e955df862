// "Mark reviewed today": one text edit that touches only the review date in the front matter,
// adds the key when it is missing, or adds a front matter block when there is none. Quotes,
// comments, key spelling, line endings and every other byte of the file stay as they were.

export interface TextEdit {
  /** Offset in the text given (a BOM, if present, counts as one character). */
  offset: number;
  /** Characters replaced. */
  length: number;
  newText: string;
}

const REVIEWED_KEY = /^(last_reviewed|lastReviewed|last-reviewed|reviewed)([ \t]*)([:=])([ \t]*)(.*)$/;

/**
 * The edit that sets the review date to `today` (`YYYY-MM-DD`), or undefined when the file's
 * front matter is opened but never closed (editing it would guess at its intent).
 */
export function markReviewedEdit(text: string, today: string): TextEdit | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(today)) throw new Error(`Not a YYYY-MM-DD date: ${today}`);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const start = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  const firstEnd = lineEnd(text, start);
  const first = text.slice(start, firstEnd);
  const kind = /^---[ \t]*$/.test(first) ? 'yaml' : /^\+\+\+[ \t]*$/.test(first) ? 'toml' : null;
  if (kind === null || firstEnd === text.length) {
    return { offset: start, length: 0, newText: `---${eol}last_reviewed: ${today}${eol}---${eol}` };
  }
  const close = kind === 'yaml' ? /^(?:---|\.\.\.)[ \t]*$/ : /^\+\+\+[ \t]*$/;
  let pos = nextLine(text, firstEnd);
  while (pos <= text.length) {
    const end = lineEnd(text, pos);
    const line = text.slice(pos, end);
    if (close.test(line)) {
      const entry = kind === 'yaml' ? `last_reviewed: ${today}` : `last_reviewed = ${today}`;
      return { offset: pos, length: 0, newText: `${entry}${eol}` };
    }
    const m = REVIEWED_KEY.exec(line);
    if (m && (kind === 'yaml' ? m[3] === ':' : m[3] === '=')) {
      const valueStart = pos + (m[1] as string).length + (m[2] as string).length + 1 + (m[4] as string).length;
      const value = m[5] as string;
      // The whole value up to a trailing comment, or the quoted string when it is quoted.
      const token = /^(["'])[^"']*\1/.exec(value)?.[0] ?? value.replace(/\s+#.*$/, '').trimEnd();
      const quote = token.startsWith('"') || token.startsWith("'") ? (token[0] as string) : '';
      const separator = (m[4] as string) === '' ? ' ' : '';
      return { offset: valueStart, length: token.length, newText: `${separator}${quote}${today}${quote}` };
    }
    if (end >= text.length) break;
    pos = nextLine(text, end);
  }
  return undefined;
}

/** Applies an edit to a string (for tests and the CLI). */
export function applyEdit(text: string, edit: TextEdit): string {
  return text.slice(0, edit.offset) + edit.newText + text.slice(edit.offset + edit.length);
}

function lineEnd(text: string, from: number): number {
  const nl = text.indexOf('\n', from);
  if (nl === -1) return text.length;
  return nl > from && text[nl - 1] === '\r' ? nl - 1 : nl;
}

function nextLine(text: string, end: number): number {
  if (text[end] === '\r') return end + 2;
  return end + 1;
}
