// The review gate's quick fixes, as text edits: put a missing section back where it belongs,
// add the engineer's answer to a section (below what was generated there), fill the owner and
// due date of an action item. Edits are insertions or one-line replacements at 0-based lines of
// the LF-normalised text, so the editor applies them as a normal, undoable edit.
import { normalizeEol, splitFrontMatter } from './frontMatter';
import { escapeInline } from './markdown';
import { parseRegions } from './regions';
import { prompt, PROMPTS, SECTIONS } from './render';

export interface LineEdit {
  /** 0-based line; the text is inserted before it (`replace: false`) or replaces it. */
  line: number;
  replace: boolean;
  text: string;
}

type SectionKey = keyof typeof SECTIONS;

function keyOf(name: string): SectionKey | undefined {
  return (Object.keys(SECTIONS) as SectionKey[]).find((k) => SECTIONS[k] === name);
}

/** Level-2 headings of the body (outside fences), with their whole-file lines. */
function headings(text: string): { title: string; line: number }[] {
  const { body, bodyLine } = splitFrontMatter(normalizeEol(text));
  const out: { title: string; line: number }[] = [];
  let fence: string | undefined;
  body.split('\n').forEach((line, i) => {
    const f = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (f) {
      if (!fence) fence = f[1];
      else if (f[1][0] === fence[0] && f[1].length >= fence.length) fence = undefined;
      return;
    }
    const h = !fence ? /^\s{0,3}##\s+(.*?)\s*#*\s*$/.exec(line) : null;
    if (h) out.push({ title: h[1], line: bodyLine + i });
  });
  return out;
}

/** A missing section, inserted before the first section that comes after it in the template (or at the end). */
export function insertSectionEdit(text: string, name: string): LineEdit {
  const key = keyOf(name);
  const order = Object.values(SECTIONS) as string[];
  const after = order.slice(order.indexOf(name) + 1);
  const next = headings(text).find((h) => after.some((n) => h.title.toLowerCase() === n.toLowerCase()));
  const lines = normalizeEol(text).split('\n');
  const block = [`## ${name}`, '', ...(key ? [prompt(PROMPTS[key]), ''] : [])].join('\n');
  if (next) return { line: next.line, replace: false, text: `${block}\n` };
  const end = lines.length - (lines[lines.length - 1] === '' ? 1 : 0);
  return { line: end, replace: false, text: `\n${block}` };
}

/**
 * The engineer's paragraph for a section: after the heading and after what was generated right
 * below it, so it reads after the facts and before the prompt. Undefined when the heading is gone.
 */
export function addToSectionEdit(text: string, heading: RegExp, paragraph: string): LineEdit | undefined {
  const all = headings(text);
  const index = all.findIndex((h) => heading.test(h.title));
  if (index < 0) return undefined;
  const start = all[index].line;
  const end = index + 1 < all.length ? all[index + 1].line : Number.MAX_SAFE_INTEGER;
  const { body, bodyLine } = splitFrontMatter(normalizeEol(text));
  let at = start + 1;
  for (const r of parseRegions(body).regions) {
    const regionEnd = bodyLine + r.endLine;
    if (bodyLine + r.startLine > start && regionEnd < end) at = Math.max(at, regionEnd + 1);
  }
  const clean = normalizeEol(paragraph).trim();
  return { line: at, replace: false, text: `\n${clean}\n` };
}

/** A table cell for text someone typed: one line, pipes and markdown shown as typed. */
export function cellText(value: string): string {
  return escapeInline(value.replace(/\s+/g, ' ').trim());
}

/** The row at `line` with its cells for `values` (by lower-case column header) replaced. */
export function fillRowEdit(text: string, line: number, values: Readonly<Record<string, string>>): LineEdit | undefined {
  const lines = normalizeEol(text).split('\n');
  const row = lines[line];
  if (row === undefined || !row.trim().startsWith('|')) return undefined;
  // The header is the first table line above this row.
  let top = line;
  while (top > 0 && lines[top - 1].trim().startsWith('|')) top -= 1;
  const split = (r: string) => r.trim().replace(/^\|/, '').replace(/\|$/, '').split(/(?<!\\)\|/).map((c) => c.trim());
  const header = split(lines[top]).map((h) => h.toLowerCase());
  const cells = split(row);
  let changed = false;
  header.forEach((h, i) => {
    if (Object.prototype.hasOwnProperty.call(values, h)) {
      cells[i] = cellText(values[h]);
      changed = true;
    }
  });
  if (!changed) return undefined;
  return { line, replace: true, text: `| ${cells.map((c) => (c === '' ? ' ' : c)).join(' | ')} |` };
}

/** Applies one edit to LF text (for tests and for callers without an editor). */
export function applyLineEdit(text: string, edit: LineEdit): string {
  const lines = normalizeEol(text).split('\n');
  const added = edit.text.split('\n');
  if (edit.replace) lines.splice(edit.line, 1, ...added);
  else if (edit.text.endsWith('\n')) lines.splice(edit.line, 0, ...added.slice(0, -1));
  else lines.splice(edit.line, 0, ...added);
  return lines.join('\n');
}
