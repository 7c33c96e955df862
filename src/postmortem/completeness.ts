// Is a post-mortem ready to commit, and is it late? A required section counts as empty while it
// holds only prompts (HTML comments) and generated facts: the engineer's own words are what
// make it complete. Problems carry a 0-based line so the editor can show them as diagnostics.
import { formatDuration } from '../incidents/cadence';
import { utcLabel } from './format';
import { normalizeEol, readFrontMatter, splitFrontMatter } from './frontMatter';
import { parseRegions } from './regions';
import { POSTMORTEM_STATUSES, PROMPT_CELL, SECTIONS } from './render';

export type ProblemCode =
  | 'missingSection'
  | 'emptySection'
  | 'actionItemsIncomplete'
  | 'overdue'
  | 'unknownStatus'
  | 'brokenRegion'
  | 'editedRegion';

export interface PostmortemProblem {
  code: ProblemCode;
  message: string;
  /** 0-based line in the whole file. */
  line: number;
  severity: 'error' | 'warning' | 'info';
  section?: string;
}

/** The sections a post-mortem needs before it is more than a draft, and how to recognise their headings. */
export const REQUIRED_SECTIONS: readonly { name: string; heading: RegExp }[] = [
  { name: SECTIONS.summary, heading: /\bsummary\b/i },
  { name: SECTIONS.impact, heading: /\bimpact\b/i },
  { name: SECTIONS.detection, heading: /\bdetect/i },
  { name: SECTIONS.rootCause, heading: /\bcauses?\b/i },
  { name: SECTIONS.resolution, heading: /\bresol|\bmitigat/i },
  { name: SECTIONS.actionItems, heading: /\baction items?\b|\bfollow[- ]?ups?\b/i },
];

interface Section {
  heading: string;
  line: number;
  /** Lines of the section that are not generated, with their 0-based line numbers. */
  own: { text: string; line: number }[];
}

/** What stops this post-mortem from being complete (empty when it is). */
export function missingForCommit(text: string): PostmortemProblem[] {
  const doc = readSections(text);
  const problems: PostmortemProblem[] = [];
  for (const required of REQUIRED_SECTIONS) {
    const section = doc.sections.find((s) => required.heading.test(s.heading));
    if (!section) {
      problems.push({ code: 'missingSection', severity: 'warning', section: required.name, line: doc.firstBodyLine, message: `The "${required.name}" section is missing.` });
      continue;
    }
    if (required.name === SECTIONS.actionItems) {
      problems.push(...actionItemProblems(section, required.name));
      continue;
    }
    if (!hasOwnText(section.own.map((l) => l.text))) {
      problems.push({ code: 'emptySection', severity: 'warning', section: required.name, line: section.line, message: `"${section.heading}" is still empty (only prompts or generated facts).` });
    }
  }
  return problems;
}

/** Every problem worth a diagnostic: incomplete sections, a missed due date, broken or edited generated regions. */
export function postmortemProblems(text: string, now: Date): PostmortemProblem[] {
  const normalized = normalizeEol(text);
  const problems = missingForCommit(normalized);
  const meta = readFrontMatter(normalized) ?? {};
  const lines = normalized.split('\n');
  const keyLine = (key: string) => Math.max(0, lines.findIndex((l) => l.startsWith(`${key}:`)));
  const status = typeof meta.status === 'string' ? meta.status : undefined;
  if (status !== undefined && !(POSTMORTEM_STATUSES as readonly string[]).includes(status)) {
    problems.push({ code: 'unknownStatus', severity: 'warning', line: keyLine('status'), message: `Status "${status}" is not one of: ${POSTMORTEM_STATUSES.join(', ')}.` });
  }
  const overdue = overdueBy(meta, now);
  if (overdue !== undefined) {
    problems.push({
      code: 'overdue',
      severity: 'warning',
      line: keyLine('postmortem_due'),
      message: `This ${String(meta.severity ?? '')} post-mortem was due ${utcLabel(String(meta.postmortem_due))} (${formatDuration(overdue)} ago) and is still "${status ?? 'draft'}".`.replace('This  ', 'This '),
    });
  }
  const { body, bodyLine } = splitFrontMatter(normalized);
  const regions = parseRegions(body);
  for (const m of regions.malformed) {
    problems.push({ code: 'brokenRegion', severity: 'warning', line: bodyLine + m.line, message: `Generated block "${m.name}": ${m.reason}. Drafting again will leave it alone.` });
  }
  for (const r of regions.regions) {
    if (r.edited) {
      problems.push({ code: 'editedRegion', severity: 'info', line: bodyLine + r.startLine, message: `Generated block "${r.name}" was edited. Drafting again will ask before replacing it; to keep your text, move it outside the block.` });
    }
  }
  return problems;
}

/** How long past its due date a post-mortem is (ms), when it is due, not final, and late. */
export function overdueBy(meta: Record<string, unknown>, now: Date): number | undefined {
  if (meta.status === 'final' || typeof meta.postmortem_due !== 'string') return undefined;
  const due = Date.parse(meta.postmortem_due);
  if (Number.isNaN(due) || now.getTime() <= due) return undefined;
  return now.getTime() - due;
}

// ---------------------------------------------------------------------------------------------

function readSections(text: string): { sections: Section[]; firstBodyLine: number } {
  const normalized = normalizeEol(text);
  const { body, bodyLine } = splitFrontMatter(normalized);
  const parsed = parseRegions(body);
  const generated = new Set<number>();
  for (const r of parsed.regions) for (let i = r.startLine; i <= r.endLine; i += 1) generated.add(i);
  const sections: Section[] = [];
  let current: Section | undefined;
  let fence: string | undefined;
  parsed.lines.forEach((line, i) => {
    const fenceMatch = /^\s{0,3}(`{3,}|~{3,})/.exec(line);
    if (fenceMatch) {
      if (!fence) fence = fenceMatch[1];
      else if (fenceMatch[1][0] === fence[0] && fenceMatch[1].length >= fence.length) fence = undefined;
    }
    const heading = !fence && !generated.has(i) ? /^\s{0,3}(#{1,2})\s+(.*?)\s*#*\s*$/.exec(line) : null;
    if (heading) {
      current = heading[1].length === 2 ? { heading: heading[2], line: bodyLine + i, own: [] } : undefined;
      if (current) sections.push(current);
      return;
    }
    if (current && !generated.has(i)) current.own.push({ text: line, line: bodyLine + i });
  });
  return { sections, firstBodyLine: bodyLine };
}

function stripComments(text: string): string {
  return text.replace(/<!--[\s\S]*?-->/g, '');
}

function hasOwnText(lines: readonly string[]): boolean {
  return stripComments(lines.join('\n')).trim().length > 0;
}

/** Splits a table row on unescaped pipes. */
function cells(row: string): string[] {
  const inner = row.trim().replace(/^\|/, '').replace(/\|$/, '');
  return inner.split(/(?<!\\)\|/).map((c) => c.trim());
}

function actionItemProblems(section: Section, name: string): PostmortemProblem[] {
  const text = stripComments(section.own.map((l) => l.text).join('\n'));
  const lines = text.split('\n');
  const tableRows = lines.filter((l) => l.trim().startsWith('|'));
  const other = lines.filter((l) => !l.trim().startsWith('|')).join('\n').trim();
  const header = tableRows[0] ? cells(tableRows[0]).map((c) => c.toLowerCase()) : [];
  const rows = tableRows.slice(1).filter((r) => !/^\|?\s*:?-{3,}/.test(r.trim()));
  const real = rows.map(cells).filter((c) => c[0] !== undefined && c[0] !== '' && !PROMPT_CELL.test(c[0]));
  if (real.length === 0 && !other) {
    return [{ code: 'emptySection', severity: 'warning', section: name, line: section.line, message: `"${section.heading}" has no action items yet (write "None" if there are none).` }];
  }
  const unfilled: string[] = [];
  for (const row of real) {
    const missing = row
      .map((cell, i) => (PROMPT_CELL.test(cell) || cell === '' ? header[i] || `column ${i + 1}` : undefined))
      .filter((x): x is string => x !== undefined);
    if (missing.length > 0) unfilled.push(`"${row[0]}" (${missing.join(', ')})`);
  }
  if (unfilled.length === 0) return [];
  return [
    {
      code: 'actionItemsIncomplete',
      severity: 'warning',
      section: name,
      line: section.line,
      message: `${unfilled.length} action item${unfilled.length === 1 ? '' : 's'} still need${unfilled.length === 1 ? 's' : ''}: ${unfilled.join('; ')}.`,
    },
  ];
}
