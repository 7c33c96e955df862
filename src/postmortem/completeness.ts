// Is a post-mortem ready to commit, and is it late? The review gate: every section people write
// has their words (a section holding only prompts and generated facts is empty), the impact
// carries a number, every action item has an owner and a due date, and "human error" is not
// given as the only cause. Problems carry a 0-based line so the editor can show them as
// diagnostics, each with a quick fix.
import { formatDuration } from '../incidents/cadence';
import { utcLabel } from './format';
import { normalizeEol, readFrontMatter, splitFrontMatter } from './frontMatter';
import { parseRegions } from './regions';
import { POSTMORTEM_STATUSES, PROMPT_CELL, SECTIONS } from './render';

export type ProblemCode =
  | 'missingSection'
  | 'emptySection'
  | 'actionItemsIncomplete'
  | 'impactWithoutNumber'
  | 'humanErrorOnly'
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
  /** For `actionItemsIncomplete`: the columns of that row still to fill. */
  missingColumns?: string[];
}

/** The sections a post-mortem needs before it is more than a draft, and how to recognise their headings. */
export const REQUIRED_SECTIONS: readonly { name: string; heading: RegExp }[] = [
  { name: SECTIONS.summary, heading: /\bsummary\b/i },
  { name: SECTIONS.impact, heading: /\bimpact\b/i },
  { name: SECTIONS.detection, heading: /\bdetect/i },
  { name: SECTIONS.rootCause, heading: /\bcauses?\b/i },
  { name: SECTIONS.resolution, heading: /\bresol|\bmitigat/i },
  { name: SECTIONS.wentWell, heading: /\bwent well\b|\bwhat worked\b/i },
  { name: SECTIONS.improve, heading: /\bimprov|\bwent wrong\b|\bdid not go well\b/i },
  { name: SECTIONS.actionItems, heading: /\baction items?\b|\bfollow[- ]?ups?\b/i },
  { name: SECTIONS.lessons, heading: /\blessons?\b|\blearn/i },
];

/** Blaming a person, as a cause. */
const HUMAN_ERROR = /\b(?:human|operator|user|engineer|manual|admin(?:istrator)?|pilot|people)[ -](?:error|mistake|failure)s?\b|\bhuman factors?\b|\bmistake (?:made )?by\b|\bsomeone (?:made a mistake|messed up|forgot)\b/i;

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
    const own = ownText(section);
    if (!own) {
      problems.push({ code: 'emptySection', severity: 'warning', section: required.name, line: section.line, message: `"${section.heading}" is still empty (only prompts or generated facts).` });
      continue;
    }
    if (required.name === SECTIONS.impact && !/\d/.test(own)) {
      problems.push({
        code: 'impactWithoutNumber', severity: 'warning', section: required.name, line: section.line,
        message: `"${section.heading}" has no number: say how many users, requests, orders or minutes were affected.`,
      });
    }
    if (required.name === SECTIONS.rootCause && humanErrorIsTheOnlyCause(own)) {
      problems.push({
        code: 'humanErrorOnly', severity: 'warning', section: required.name, line: section.line,
        message: `"${section.heading}" gives human error as the only cause: say what in the systems, tools or process made the mistake possible or its effect so large.`,
      });
    }
  }
  return problems;
}

/** True when the text names human error and says nothing else of substance. */
export function humanErrorIsTheOnlyCause(text: string): boolean {
  if (!HUMAN_ERROR.test(text)) return false;
  const sentences = text.split(/(?<=[.!?;])\s+|\n+/).map((s) => s.replace(/^[\s>*_#-]+|[\s*_]+$/g, '')).filter(Boolean);
  const others = sentences.filter((s) => !HUMAN_ERROR.test(s));
  return others.join(' ').replace(/[^A-Za-z]/g, '').length < 25;
}

function ownText(section: Section): string {
  return stripComments(section.own.map((l) => l.text).join('\n')).trim();
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

/** Splits a table row on unescaped pipes. */
function cells(row: string): string[] {
  const inner = row.trim().replace(/^\|/, '').replace(/\|$/, '');
  return inner.split(/(?<!\\)\|/).map((c) => c.trim());
}

/** The section's own lines outside HTML comments (prompts), with their line numbers. */
function visibleLines(section: Section): { text: string; line: number }[] {
  const out: { text: string; line: number }[] = [];
  let inComment = false;
  for (const l of section.own) {
    let text = l.text;
    if (inComment) {
      const end = text.indexOf('-->');
      if (end < 0) continue;
      text = text.slice(end + 3);
      inComment = false;
    }
    text = text.replace(/<!--[\s\S]*?-->/g, '');
    const open = text.indexOf('<!--');
    if (open >= 0) {
      inComment = true;
      text = text.slice(0, open);
    }
    out.push({ text, line: l.line });
  }
  return out;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const NOBODY = /^(?:tbd|tbc|\?+|-+|—|n\/?a|none|nobody|someone|todo)$/i;

/** What a row still lacks, by column name. */
function missingInRow(row: string[], header: string[]): string[] {
  const missing: string[] = [];
  row.forEach((cell, i) => {
    const column = header[i] || `column ${i + 1}`;
    const isDue = /due|date|when/.test(column);
    const named = isDue ? `${column} (YYYY-MM-DD)` : column;
    if (PROMPT_CELL.test(cell) || cell === '') missing.push(named);
    else if (/owner|who/.test(column) && NOBODY.test(cell)) missing.push(named);
    else if (isDue && (!DATE.test(cell) || Number.isNaN(Date.parse(cell)))) missing.push(named);
  });
  // A table without an owner or due column cannot say who does what by when.
  if (!header.some((h) => /owner|who/.test(h))) missing.push('owner');
  if (!header.some((h) => /due|date|when/.test(h))) missing.push('due');
  return missing;
}

function actionItemProblems(section: Section, name: string): PostmortemProblem[] {
  const lines = visibleLines(section);
  const tableRows = lines.filter((l) => l.text.trim().startsWith('|'));
  const other = lines.filter((l) => !l.text.trim().startsWith('|')).map((l) => l.text).join('\n').trim();
  const header = tableRows[0] ? cells(tableRows[0].text).map((c) => c.toLowerCase()) : [];
  const rows = tableRows.slice(1).filter((r) => !/^\|?\s*:?-{3,}/.test(r.text.trim()));
  const real = rows.map((r) => ({ cells: cells(r.text), line: r.line })).filter((r) => r.cells[0] !== undefined && r.cells[0] !== '' && !PROMPT_CELL.test(r.cells[0]));
  if (real.length === 0 && !other) {
    return [{ code: 'emptySection', severity: 'warning', section: name, line: section.line, message: `"${section.heading}" has no action items yet (write "None" if there are none).` }];
  }
  const problems: PostmortemProblem[] = [];
  for (const row of real) {
    const missing = missingInRow(row.cells, header);
    if (missing.length === 0) continue;
    problems.push({
      code: 'actionItemsIncomplete',
      severity: 'warning',
      section: name,
      line: row.line,
      missingColumns: missing,
      message: `Action item "${row.cells[0]}" still needs: ${missing.join(', ')}.`,
    });
  }
  return problems;
}
