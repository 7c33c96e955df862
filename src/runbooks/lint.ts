// Staleness and completeness rules. Each has a stable id and a default severity, both
// configurable; the clock and the other runbooks (for links) are passed in.
//
// Two kinds of rules. Defects are wrong whatever the team's habits (an unclosed fence, a fence
// "closed" by a fence with an info string, an unlabeled fence, a link to a file that is not
// there). Conventions are our idea of a good runbook (an owner, a review date, named alerts,
// required sections, explained placeholders, warnings next to dangerous commands, anchors that
// resolve). lintRepository fits the conventions to the repository: a convention rule that most of
// its runbooks do not follow is not reported file by file but as one repository-level suggestion
// (unless its level is set explicitly), and the required sections default to the ones most of
// the repository's runbooks share.
import type { Problem, ProblemSeverity, Runbook, Section } from './model';

export type RuleLevel = ProblemSeverity | 'off';

export interface LintRule {
  id: string;
  defaultSeverity: ProblemSeverity;
  description: string;
  /** `defect`: wrong in any repository; `convention`: fitted to the repository by lintRepository. */
  kind: 'defect' | 'convention';
  /** For the repository-level suggestion: what a runbook that follows the rule does. */
  followed?: string;
  /** For the repository-level suggestion: how to follow it. */
  advice?: string;
}

export const LINT_RULES: readonly LintRule[] = [
  { id: 'stale', defaultSeverity: 'warning', kind: 'convention', description: 'Last reviewed longer ago than the configured number of days.', followed: 'were reviewed recently', advice: 'review them and bump `last_reviewed`, or raise `oncall.lint.staleAfterDays`' },
  { id: 'missing-review-date', defaultSeverity: 'warning', kind: 'convention', description: 'No `last_reviewed` date in the front matter.', followed: 'have a review date', advice: 'add `last_reviewed: YYYY-MM-DD` to their front matter' },
  { id: 'missing-owner', defaultSeverity: 'warning', kind: 'convention', description: 'No `owner` in the front matter.', followed: 'name an owner', advice: 'add `owner:` to their front matter' },
  { id: 'missing-alerts', defaultSeverity: 'warning', kind: 'convention', description: 'No alert named in the front matter, the file name or the headings.', followed: 'name the alert they answer', advice: 'add `alerts:` to their front matter or name files after alerts' },
  { id: 'missing-section', defaultSeverity: 'warning', kind: 'convention', description: 'A required section (by default: the sections most of the repository\'s runbooks share) is missing.', followed: 'have the required sections', advice: 'add the sections, or set `oncall.lint.requiredSections`' },
  { id: 'unlabeled-fence', defaultSeverity: 'info', kind: 'defect', description: 'A code block without a language.' },
  { id: 'fence-closed-by-info-string', defaultSeverity: 'warning', kind: 'defect', description: 'A code block "closed" by a fence with an info string, which opens nothing and closes nothing: the text after it is still code.' },
  { id: 'unexplained-placeholder', defaultSeverity: 'warning', kind: 'convention', description: 'A placeholder that the text never explains.', followed: 'explain their placeholders', advice: 'say in the text what each placeholder is' },
  { id: 'danger-without-warning', defaultSeverity: 'warning', kind: 'convention', description: 'A dangerous command with no warning text near it.', followed: 'warn next to their dangerous commands', advice: 'add a warning sentence above dangerous blocks' },
  { id: 'broken-link', defaultSeverity: 'warning', kind: 'defect', description: 'A relative link to a runbook or file that is not there.' },
  { id: 'broken-anchor', defaultSeverity: 'warning', kind: 'convention', description: 'A link to a heading (#anchor) that the target does not have.', followed: 'link to headings that exist', advice: 'fix the anchors' },
];

export interface LintConfig {
  /** Days after `last_reviewed` when a runbook counts as stale (default 90). */
  staleAfterDays: number;
  /**
   * Headings every runbook needs, matched case-insensitively by words. Empty (the default): in
   * lintRepository, the sections most of the repository's runbooks share; in lintRunbook, none.
   */
  requiredSections: readonly string[];
  /** Severity per rule id, as configured; `off` turns a rule off. A rule set here is never fitted to the repository. */
  rules: Readonly<Record<string, RuleLevel>>;
}

export const DEFAULT_LINT_CONFIG: LintConfig = { staleAfterDays: 90, requiredSections: [], rules: {} };

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
    const infoClose = infoStringClose(block.text, block.fence);
    if (infoClose) {
      report(
        'fence-closed-by-info-string',
        `Line ${block.startLine + 2 + infoClose.offset} (\`${infoClose.line.trim()}\`) looks like it ends this block, but a closing fence cannot have an info string: everything up to line ${block.endLine + 1} is read as code. Close the block with a bare fence first.`,
        block.startLine + 1 + infoClose.offset,
      );
    }
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
    if (broken) report(broken.kind === 'file' ? 'broken-link' : 'broken-anchor', broken.message, link.line);
  }
  return problems;
}

function hasExplicitAlert(runbook: Runbook): boolean {
  return runbook.alerts.length > 0;
}

/** A line inside a fenced block that is a fence of the same kind with an info string (```` ```bash ````). */
function infoStringClose(text: string, fence: 'backtick' | 'tilde' | 'indented'): { line: string; offset: number } | undefined {
  if (fence === 'indented') return undefined;
  const pattern = fence === 'backtick' ? /^\s{0,3}`{3,}\s*[^\s`]/ : /^\s{0,3}~{3,}\s*\S/;
  const lines = text.split('\n');
  const offset = lines.findIndex((l) => pattern.test(l));
  return offset === -1 ? undefined : { line: lines[offset] as string, offset };
}

// ---- fitted to the repository ------------------------------------------------------------------

/** A rule most of the repository's runbooks do not follow, reported once instead of per file. */
export interface RepositorySuggestion {
  ruleId: string;
  message: string;
  /** Runbooks that follow the rule, of `total`. */
  followed: number;
  total: number;
}

export interface RepositoryLint {
  /** Problems per runbook path (parse problems not repeated; READMEs included, links only). */
  problems: Map<string, Problem[]>;
  suggestions: RepositorySuggestion[];
  /** The required sections used: configured, or shared by most runbooks. */
  requiredSections: readonly string[];
  /** Convention rules reported as suggestions instead of per file. */
  demoted: ReadonlySet<string>;
}

/** A convention rule followed by fewer than this share of the runbooks becomes a suggestion. */
export const ADOPTION_THRESHOLD = 0.5;
/** A section is required by default when at least this share of the runbooks has it. */
export const SHARED_SECTION_SHARE = 0.75;
/** Fewer runbooks than this say nothing about which sections the team shares. */
const MIN_RUNBOOKS_FOR_SECTIONS = 3;

/** A section title as words: numbering, markup, a Hugo `{#id}` and punctuation dropped. */
export function sectionWords(title: string): string {
  return title
    .replace(/\s*\{#[\w.:-]+\}\s*$/, '')
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w !== '' && !/^\d+$/.test(w))
    .join(' ');
}

/** The H2 sections at least `share` of the runbooks have (fully parsed runbooks only). */
export function sharedSections(runbooks: readonly Runbook[], share = SHARED_SECTION_SHARE): string[] {
  const parsed = runbooks.filter((r) => !r.isReadme && r.parseStatus === 'full');
  if (parsed.length < MIN_RUNBOOKS_FOR_SECTIONS) return [];
  const counts = new Map<string, number>();
  for (const r of parsed) {
    const titles = new Set(r.sections.filter((s) => s.depth === 2).map((s) => sectionWords(s.title)).filter(Boolean));
    for (const t of titles) counts.set(t, (counts.get(t) ?? 0) + 1);
  }
  return [...counts.entries()]
    .filter(([, n]) => n >= share * parsed.length)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .map(([t]) => t);
}

/**
 * Lints every runbook with the conventions fitted to the repository (see the top of this file).
 * `config.rules` holds only explicitly configured levels: those rules are reported as configured.
 */
export function lintRepository(runbooks: readonly Runbook[], context: LintContext, config: LintConfig = DEFAULT_LINT_CONFIG): RepositoryLint {
  const requiredSections = config.requiredSections.length > 0 ? config.requiredSections : sharedSections(runbooks);
  const fitted: LintConfig = { ...config, requiredSections };
  const problems = new Map<string, Problem[]>();
  const violating = new Map<string, number>();
  let total = 0;
  for (const r of runbooks) {
    const found = lintRunbook(r, context, fitted);
    problems.set(r.path, found);
    if (r.isReadme) continue;
    total++;
    for (const id of new Set(found.map((p) => p.ruleId))) violating.set(id, (violating.get(id) ?? 0) + 1);
  }
  const demoted = new Set<string>();
  const suggestions: RepositorySuggestion[] = [];
  for (const rule of LINT_RULES) {
    if (rule.kind !== 'convention' || config.rules[rule.id] !== undefined) continue;
    const bad = violating.get(rule.id) ?? 0;
    if (total === 0 || bad === 0 || total - bad >= ADOPTION_THRESHOLD * total) continue;
    demoted.add(rule.id);
    const what = rule.id === 'missing-section' ? ` (${requiredSections.map((s) => `“${s}”`).join(', ')})` : '';
    suggestions.push({
      ruleId: rule.id,
      followed: total - bad,
      total,
      message:
        `${total - bad} of ${total} runbooks ${rule.followed ?? 'follow this rule'}${what} — ${rule.advice ?? 'fix them'}, ` +
        `or turn the rule off; set its level (oncall.lint.rules / --rule ${rule.id}=warning) to see it per file.`,
    });
  }
  if (demoted.size > 0) {
    for (const [path, found] of problems) problems.set(path, found.filter((p) => !demoted.has(p.ruleId)));
  }
  return { problems, suggestions, requiredSections, demoted };
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

/** A template expression (Liquid, Jinja, Hugo, Go templates): resolved by the site generator, not checkable here. */
const TEMPLATE_EXPRESSION = /\{\{|\{%|%7B%7B|%7B%25/i;
/** A Hugo `ref` / `relref` shortcode: the path it names (relative to the page, or to the content folder). */
const HUGO_REF = /^\{\{[<%]\s*(?:rel)?ref\s+"([^"]+)"\s*[>%]\}\}$/;

/** The anchors a section answers to: its slug, and a Hugo `{#id}` written after its title. */
function sectionAnchors(s: Section): string[] {
  const custom = /\{#([\w.:-]+)\}\s*$/.exec(s.title);
  return custom ? [s.slug, (custom[1] as string).toLowerCase()] : [s.slug];
}

/** Why a link is broken (a missing file is a defect, a missing heading a convention), or undefined. */
function checkLink(runbook: Runbook, rawUrl: string, context: LintContext): { kind: 'file' | 'anchor'; message: string } | undefined {
  const hugo = HUGO_REF.exec(rawUrl.trim());
  const url = hugo ? (hugo[1] as string) : rawUrl;
  if (url === '' || /^[a-z][a-z0-9+.-]*:/i.test(url) || url.startsWith('//') || TEMPLATE_EXPRESSION.test(url)) return undefined;
  const hash = url.indexOf('#');
  const pathPart = safeDecode(hash === -1 ? url : url.slice(0, hash)).replace(/\?.*$/, '');
  const anchor = hash === -1 ? '' : safeDecode(url.slice(hash + 1));
  let sections: readonly Section[] | undefined;
  if (pathPart !== '') {
    if (pathPart.startsWith('/')) return undefined; // site-absolute: depends on the site generator
    const target = joinPath(dirName(runbook.path), pathPart);
    if (/\.(md|markdown)$/i.test(pathPart)) {
      const other = context.runbookAt(target);
      if (!other) {
        // Hugo resolves a `ref` against the content folder too: not ours to say it is missing.
        if (hugo) return undefined;
        // A markdown file outside the index (excluded, or outside the runbook roots) is still there.
        if (context.fileExists?.(target)) return undefined;
        return { kind: 'file', message: `Link to ${pathPart}: no such runbook.` };
      }
      if (other.parseStatus !== 'full') return undefined;
      sections = other.sections;
    } else {
      const page = prettyUrlTarget(target, context);
      if (page === 'none') return { kind: 'file', message: `Link to ${pathPart}: no such file.` };
      if (page === 'unknown') return undefined;
      sections = page.sections;
    }
  } else {
    if (runbook.parseStatus !== 'full') return undefined;
    sections = runbook.sections;
  }
  if (anchor !== '' && sections && !sections.some((s) => sectionAnchors(s).includes(anchor.toLowerCase()))) {
    return { kind: 'anchor', message: `Link to ${url}: no heading with the anchor #${anchor}.` };
  }
  return undefined;
}

/**
 * A link without a markdown extension: a file, or a site's "pretty URL" of a page
 * (`../etcdNoLeader/` → `etcdNoLeader.md`, `_index.md`, `index.md`, `README.md`).
 */
function prettyUrlTarget(target: string, context: LintContext): Pick<Runbook, 'sections' | 'parseStatus'> | 'none' | 'unknown' {
  const bare = target.replace(/[\\/]+$/, '');
  for (const candidate of [`${bare}.md`, joinPath(bare, '_index.md'), joinPath(bare, 'index.md'), joinPath(bare, 'README.md')]) {
    const page = context.runbookAt(candidate);
    if (page) return page.parseStatus === 'full' ? page : 'unknown';
  }
  if (!context.fileExists) return 'unknown';
  return context.fileExists(target) || context.fileExists(bare) ? 'unknown' : 'none';
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
