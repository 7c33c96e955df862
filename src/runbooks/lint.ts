// Staleness and completeness rules. Each has a stable id and a default severity, both
// configurable; the clock and the other runbooks (for links) are passed in.
import { isAlertLikeName } from './alerts';
import type { Problem, ProblemSeverity, Runbook, Section } from './model';
import { baseName } from './text';

export type RuleLevel = ProblemSeverity | 'off';

export interface LintRule {
  id: string;
  defaultSeverity: ProblemSeverity;
  description: string;
}

export const LINT_RULES: readonly LintRule[] = [
  { id: 'stale', defaultSeverity: 'warning', description: 'Last reviewed longer ago than the configured number of days.' },
  { id: 'missing-review-date', defaultSeverity: 'warning', description: 'No `last_reviewed` date in the front matter.' },
  { id: 'missing-owner', defaultSeverity: 'warning', description: 'No `owner` in the front matter.' },
  { id: 'missing-alerts', defaultSeverity: 'warning', description: 'No alert named in the front matter, the file name or the headings.' },
  { id: 'missing-section', defaultSeverity: 'warning', description: 'A required section (Diagnosis, Mitigation …) is missing.' },
  { id: 'unlabeled-fence', defaultSeverity: 'info', description: 'A code block without a language.' },
  { id: 'unexplained-placeholder', defaultSeverity: 'warning', description: 'A placeholder that the text never explains.' },
  { id: 'danger-without-warning', defaultSeverity: 'warning', description: 'A dangerous command with no warning text near it.' },
  { id: 'broken-link', defaultSeverity: 'warning', description: 'A relative link to a missing runbook or heading.' },
];

export interface LintConfig {
  /** Days after `last_reviewed` when a runbook counts as stale (default 90). */
  staleAfterDays: number;
  /** Headings every runbook needs, matched case-insensitively by words. */
  requiredSections: readonly string[];
  /** Severity per rule id; `off` turns a rule off. */
  rules: Readonly<Record<string, RuleLevel>>;
}

export const DEFAULT_LINT_CONFIG: LintConfig = { staleAfterDays: 90, requiredSections: ['diagnosis', 'mitigation'], rules: {} };

/** What the linter may ask about the rest of the repository. */
export interface LintContext {
  /** Today, as `YYYY-MM-DD` (injected so results do not depend on the machine's clock). */
  today: string;
  /** The indexed runbook at this absolute path, if any (READMEs included). */
  runbookAt(path: string): Pick<Runbook, 'sections' | 'parseStatus'> | undefined;
  /** Whether a non-markdown file exists (optional: such links are not checked without it). */
  fileExists?(path: string): boolean;
}

/** Lint problems of one runbook (parse problems are in `runbook.problems` and not repeated here). */
export function lintRunbook(runbook: Runbook, context: LintContext, config: LintConfig = DEFAULT_LINT_CONFIG): Problem[] {
  const problems: Problem[] = [];
  const level = (id: string): RuleLevel => config.rules[id] ?? LINT_RULES.find((r) => r.id === id)?.defaultSeverity ?? 'warning';
  const report = (ruleId: string, message: string, line: number, endLine?: number) => {
    const severity = level(ruleId);
    if (severity === 'off') return;
    problems.push(endLine === undefined ? { ruleId, severity, message, line } : { ruleId, severity, message, line, endLine });
  };
  const metaLine = 0;
  const meta = runbook.metadata;

  // READMEs describe a folder; only their links are checked.
  if (!runbook.isReadme) {
    if (meta.lastReviewed === undefined) {
      report('missing-review-date', 'This runbook has no `last_reviewed` date: nobody has confirmed it still works.', metaLine);
    } else {
      const age = daysBetween(meta.lastReviewed, context.today);
      if (age > config.staleAfterDays) {
        report('stale', `Last reviewed ${age} days ago (${meta.lastReviewed}); review it and bump the date (limit: ${config.staleAfterDays} days).`, metaLine);
      }
    }
    if (!meta.owner) report('missing-owner', 'No `owner`: say which team keeps this runbook current.', metaLine);
    if (!hasExplicitAlert(runbook)) {
      report('missing-alerts', 'No alert is named (front matter `alerts:`, a file named after the alert, or an alert heading).', metaLine);
    }
    // A runbook that could not be parsed has no sections we know of: reporting them missing would mislead.
    if (runbook.parseStatus === 'full') {
      for (const required of config.requiredSections) {
        if (!runbook.sections.some((s) => headingMatches(s.title, required))) {
          report('missing-section', `No "${required}" section.`, metaLine);
        }
      }
    }
  }

  for (const block of runbook.codeBlocks) {
    if (block.lang === null) {
      report(
        'unlabeled-fence',
        block.fence === 'indented'
          ? 'Indented code has no language: use a fence with one (```bash).'
          : 'This code block has no language: label it (```bash, ```sql …) so it gets the right actions.',
        block.startLine,
      );
    }
    const reported = new Set<string>();
    for (const p of block.placeholders) {
      if (p.explained !== false || reported.has(p.name)) continue;
      reported.add(p.name);
      report('unexplained-placeholder', `Placeholder ${p.raw} is not explained anywhere in the text.`, block.startLine, block.endLine);
    }
    if ((block.danger.length > 0 || block.markedDangerous) && block.warningNearby === false) {
      const why = block.danger[0]?.reason ?? 'marked dangerous';
      report('danger-without-warning', `Dangerous command (${why}) with no warning text near it.`, block.startLine, block.endLine);
    }
  }

  for (const link of runbook.links) {
    const broken = checkLink(runbook, link.url, context);
    if (broken) report('broken-link', broken, link.line);
  }
  return problems;
}

function hasExplicitAlert(runbook: Runbook): boolean {
  // A kebab-case file name is turned into an alert candidate for lookups, but it is not evidence
  // that the author named an alert: only an exact CamelCase file name counts.
  const fileName = baseName(runbook.path).replace(/\.(md|markdown)$/i, '');
  return runbook.alerts.some((a) => a.source !== 'fileName' || isAlertLikeName(fileName));
}

/** Word-wise, case-insensitive, tolerant of endings: "diagnosis" matches "## Diagnose the lag". */
export function headingMatches(heading: string, required: string): boolean {
  const words = heading.toLowerCase().split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  return required
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean)
    .every((r) => words.some((w) => sameStem(w, r)));
}

function sameStem(a: string, b: string): boolean {
  if (a === b) return true;
  let common = 0;
  while (common < a.length && common < b.length && a[common] === b[common]) common++;
  return common >= 5 && common >= Math.min(a.length, b.length) - 3;
}

export function daysBetween(from: string, to: string): number {
  const ms = Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`);
  return Math.round(ms / 86_400_000);
}

/** Why a link is broken, or undefined when it is fine (or not ours to check). */
function checkLink(runbook: Runbook, url: string, context: LintContext): string | undefined {
  if (url === '' || /^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('//')) return undefined;
  const hash = url.indexOf('#');
  const pathPart = safeDecode(hash === -1 ? url : url.slice(0, hash)).replace(/\?.*$/, '');
  const anchor = hash === -1 ? '' : safeDecode(url.slice(hash + 1));
  let sections: readonly Section[] | undefined;
  if (pathPart !== '') {
    if (pathPart.startsWith('/')) return undefined; // site-absolute: depends on the site generator
    const target = joinPath(dirName(runbook.path), pathPart);
    if (/\.(md|markdown)$/i.test(pathPart)) {
      const other = context.runbookAt(target);
      if (!other) return `Link to ${pathPart}: no such runbook.`;
      if (other.parseStatus !== 'full') return undefined;
      sections = other.sections;
    } else {
      if (context.fileExists && !context.fileExists(target)) return `Link to ${pathPart}: no such file.`;
      return undefined;
    }
  } else {
    if (runbook.parseStatus !== 'full') return undefined;
    sections = runbook.sections;
  }
  if (anchor !== '' && sections && !sections.some((s) => s.slug === anchor.toLowerCase())) {
    return `Link to ${url}: no heading with the anchor #${anchor}.`;
  }
  return undefined;
}

/** Absolute paths of the runbooks this one links to (relative markdown links only). */
export function linkTargets(runbook: Pick<Runbook, 'path' | 'links'>): string[] {
  const targets = new Set<string>();
  for (const link of runbook.links) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(link.url) || link.url.startsWith('/') || link.url.startsWith('//')) continue;
    const pathPart = safeDecode(link.url.replace(/[#?].*$/, ''));
    if (/\.(md|markdown)$/i.test(pathPart)) targets.add(joinPath(dirName(runbook.path), pathPart));
  }
  return [...targets];
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function dirName(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i <= 0 ? path.slice(0, i + 1) : path.slice(0, i);
}

/** Joins and normalises `.`/`..` segments, keeping the separator style of `base`. */
export function joinPath(base: string, relative: string): string {
  const sep = base.includes('\\') && !base.includes('/') ? '\\' : '/';
  const parts = `${base}${sep}${relative}`.split(/[\\/]+/);
  const out: string[] = [];
  for (const part of parts) {
    if (part === '.') continue;
    if (part === '..') {
      if (out.length > 1 || (out.length === 1 && out[0] !== '')) out.pop();
      continue;
    }
    out.push(part);
  }
  return out.join(sep);
}
