// The runbook model: plain data extracted from one markdown file. No syntax trees are kept;
// every string here is copied out of the source so the index stays small.
// Lines are 0-based (as in VS Code); the CLI prints them 1-based.
import type { RunOutput } from '../incidents/runOutput';

export type Severity = 'SEV1' | 'SEV2' | 'SEV3' | 'SEV4';
export const SEVERITIES: readonly Severity[] = ['SEV1', 'SEV2', 'SEV3', 'SEV4'];

export type ProblemSeverity = 'error' | 'warning' | 'info';

/** Something wrong with a runbook, found while parsing or by a lint rule. */
export interface Problem {
  /** Stable rule id, e.g. `stale`, `missing-owner`, `front-matter-invalid`. */
  ruleId: string;
  severity: ProblemSeverity;
  message: string;
  line: number;
  endLine?: number;
}

/**
 * How a placeholder is written: `<name>` (also `<value of X from alert>` and `<a|b>`), `${NAME}`,
 * `{{name}}`, `[POD_NAME]` (upper case in brackets), or `$NAME`, a variable the block uses but
 * the runbook never sets (left empty, the terminal's own value is used).
 */
export type PlaceholderStyle = 'angle' | 'dollar' | 'mustache' | 'bracket' | 'variable';

/** A value the engineer must supply before a block runs, e.g. `<namespace>` or `${POD}`. */
export interface Placeholder {
  name: string;
  style: PlaceholderStyle;
  /** Exactly as written in the block, e.g. `<namespace>`. */
  raw: string;
  /** Offset of `raw` in the block text. */
  offset: number;
  /** The quote context the placeholder sits in, in the runbook's own text. */
  quoted: 'single' | 'double' | null;
  /** The runbook's prose (or a `placeholders:` front matter key) mentions this name. */
  explained?: boolean;
  /** Written as alternatives (`<cellsdev|cellsprod>`): the values to pick from. */
  options?: string[];
  /** Written as `<value of X from alert>` / `<X label>`: the alert label that holds the value. */
  label?: string;
}

/** A danger rule that matched a command. */
export interface DangerFinding {
  ruleId: string;
  /** Human-readable reason, e.g. "deletes Kubernetes resources". */
  reason: string;
  /** The matched text. */
  match: string;
}

export interface CodeBlock {
  /** 0-based position among the runbook's code blocks (the `index` of oncall.runCodeBlock). */
  index: number;
  /** The fence's info string's first word, lower-cased; null when unlabeled. */
  lang: string | null;
  /** The rest of the info string (e.g. `{danger}` or `allow-dash`), as written. */
  meta: string | null;
  fence: 'backtick' | 'tilde' | 'indented';
  /** The block's content without the fences. */
  text: string;
  /** First line of the block (the opening fence, or the first indented line). */
  startLine: number;
  /** Last line of the block (the closing fence when there is one). */
  endLine: number;
  /** Index into `Runbook.sections` of the section that contains the block; -1 before any heading. */
  section: number;
  placeholders: Placeholder[];
  danger: DangerFinding[];
  /** The runbook marks this block dangerous itself (info string `danger` / `dangerous`). */
  markedDangerous: boolean;
  /** The runbook allows placeholder values that start with `-` (info string `allow-dash`). */
  allowDashValues: boolean;
  /** Unlabeled (or `text`) content that looks like shell commands. */
  looksLikeShell: boolean;
  /** Warning text (warning, caution, irreversible, ⚠ …) sits in the prose just above or below the block. */
  warningNearby?: boolean;
}

export interface Section {
  title: string;
  /** GitHub-style anchor slug, unique within the runbook. */
  slug: string;
  depth: number;
  startLine: number;
  /** Last line before the next heading of the same or a higher level (or the end of file). */
  endLine: number;
  /** Index of the enclosing section, -1 at the top. */
  parent: number;
}

export interface Link {
  url: string;
  text: string;
  line: number;
}

/**
 * Where an alert name came from: front matter, the file name, the H1 (`title`), a heading in a
 * multi-alert file, or a row of a table of alerts.
 */
export type AlertSource = 'frontMatter' | 'fileName' | 'title' | 'heading' | 'table';

export interface AlertCandidate {
  name: string;
  source: AlertSource;
  /** For `heading` and `table`: the section that is about this alert (or holds the table). */
  section?: number;
  /** For `heading` and `table`: the anchor of that section (a Hugo `{#id}` when it has one). */
  anchor?: string;
  /** For `heading` and `table`: the 0-based line that names the alert. */
  line?: number;
  /** A file-name alert added by the index because the folder's convention names files after alerts. */
  byConvention?: boolean;
}

export interface RunbookMetadata {
  title?: string;
  owner?: string;
  severity?: Severity;
  alerts: string[];
  tags: string[];
  service?: string;
  /** `YYYY-MM-DD` when valid. */
  lastReviewed?: string;
  /** Every other front matter key, as parsed. */
  extra: Record<string, unknown>;
}

export interface Runbook {
  /** Absolute file system path. */
  path: string;
  /** The runbook root this file belongs to (absolute). */
  root: string;
  /** Path relative to the root, with `/` separators. */
  relPath: string;
  /** Top folder under the root; `''` for files directly in the root. */
  area: string;
  /** A README describes its folder; it is searchable but not counted as a runbook. */
  isReadme: boolean;
  title: string;
  metadata: RunbookMetadata;
  alerts: AlertCandidate[];
  sections: Section[];
  codeBlocks: CodeBlock[];
  links: Link[];
  /** Problems found while parsing (lint problems are computed separately). */
  problems: Problem[];
  /** `full`: remark model; `quick`: cheap first pass only; `failed`: could not be parsed. */
  parseStatus: 'full' | 'quick' | 'failed';
  /** Hash of the file content (and parser version), for the cache. */
  contentHash: string;
  lineCount: number;
  /** The front matter key that holds the review date, as spelled in the file (`last_reviewed`, `reviewed` …). */
  reviewedKey?: string;
  /** Quick pass only: fences counted by a line scan, until the full model replaces it. */
  fenceCount?: number;
}

/** What a run of a code block produced. `command` is as sent, with secrets masked. */
export interface RunRecord {
  runbookPath: string;
  runbookTitle: string;
  blockIndex: number;
  command: string;
  /** A number, or null when unknown (no shell integration, watchdog, terminal closed). */
  exitCode: number | null;
  durationMs: number;
  terminalName: string;
  /** ISO time the command was sent. */
  startedAt: string;
  /** The last lines of output, bounded, when shell integration provided them. */
  outputTail?: string;
  /** Why the exit code is unknown, when it is. */
  unknownReason?: string;
  /** In a block of several commands: the one that failed or ended unknown (secrets masked); later ones did not run. */
  failedCommand?: string;
  /** The output as evidence: first and last lines (masked), size, and the file holding the whole of it. */
  output?: RunOutput;
  /** The runbook's `service` (front matter), so a post-mortem knows which services the runbooks used touch. */
  service?: string;
  /** What the command acted on, as read locally before it ran: "Kubernetes context prod-eu, namespace payments …; ssh host db1". */
  target?: string;
}
