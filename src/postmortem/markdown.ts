// Putting text people typed during an incident into markdown so it reads as exactly what they
// typed: no accidental emphasis, links, headings, raw HTML, or broken table rows.

// Characters that start inline markdown (emphasis, code, links, strikethrough, autolinks) or
// end a table cell. Backslash-escaping any ASCII punctuation is valid CommonMark, so the only
// cost of escaping one too many is a backslash in the raw file.
const INLINE_SPECIAL = /[\\`*_[\]|~]/g;
// `&` only matters when it would start an entity such as `&lt;` or `&#124;`.
const ENTITY_LIKE = /&(?=#?[A-Za-z0-9]+;)/g;
// At the start of a line these make a heading, quote, list, thematic break or setext underline.
const LINE_START = /^(\s*)(?:([#>+=-])|(\d+)([.)]))/;

/**
 * One line of inline markdown showing `text` literally. Newlines become `<br>` (the only HTML we
 * emit), so the result never starts a new block and is safe inside a table cell.
 */
export function escapeInline(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  return lines
    .map((line) =>
      line
        .replace(ENTITY_LIKE, '&amp;')
        .replace(/</g, '&lt;')
        .replace(/>/g, '&gt;')
        .replace(INLINE_SPECIAL, (c) => `\\${c}`)
        .replace(LINE_START, (_m, space: string, marker?: string, digits?: string, dot?: string) =>
          marker ? `${space}\\${marker}` : `${space}${digits}\\${dot}`,
        ),
    )
    .join('<br>');
}

/**
 * `text` as a code span (for commands): shown verbatim, with a backtick fence longer than any
 * run inside it; `|` is escaped, which GFM tables require even inside code spans. Multi-line
 * text is reduced to its first line plus a count, since a code span cannot hold a line break.
 */
export function codeSpan(text: string, { inTable = true }: { inTable?: boolean } = {}): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  while (lines.length > 1 && lines[lines.length - 1].trim() === '') lines.pop();
  const first = lines[0] ?? '';
  // Only for callers that want one line; commands are shown whole with `codeLines`.
  const extra = lines.length > 1 ? ` (+${lines.length - 1} more line${lines.length > 2 ? 's' : ''})` : '';
  if (first.trim() === '') return `(empty)${extra}`;
  let longest = 0;
  for (const run of first.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(longest + 1);
  const pad = first.startsWith('`') || first.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${inTable ? first.replace(/\|/g, '\\|') : first}${pad}${fence}${extra}`;
}

/** A markdown table: header cells and rows of already-escaped cells. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const line = (cells: readonly string[]) => `| ${cells.map((c) => (c === '' ? ' ' : c)).join(' | ')} |`;
  return [line(header), line(header.map(() => '---')), ...rows.map(line)].join('\n');
}

/**
 * A command shown whole inside a table cell: each line its own code span, joined by `<br>`
 * (a code span cannot hold a line break). Blank lines are dropped.
 */
export function codeLines(text: string): string {
  const lines = text.replace(/\r\n?/g, '\n').split('\n').filter((line) => line.trim() !== '');
  return (lines.length ? lines : ['']).map((line) => codeSpan(line)).join('<br>');
}

/**
 * A fenced code block showing `lines` verbatim: the fence is longer than any backtick run in
 * them, and a line that reads like a generated-region marker is neutralised by `neutralize`.
 */
export function fencedBlock(lines: readonly string[], neutralize: (line: string) => string, info = 'text'): string {
  let longest = 2;
  for (const line of lines) for (const run of line.match(/`{3,}/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(longest + 1);
  return [`${fence}${info}`, ...lines.map(neutralize), fence].join('\n');
}
