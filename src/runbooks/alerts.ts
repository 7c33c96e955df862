// Which alerts a runbook answers, and how a name is looked up.
//
// What a file says on its own (parse time):
// - front matter (`alerts:`, `alert:`, `alertname:` …): always an alert;
// - the H1 (`title`): when it is an alert-shaped name (below), alone or before a ` — description`;
// - headings of a multi-alert file (`heading`): an alert-shaped name that is one of a family of
//   such headings (two or more siblings, or three or more in the file), or any heading written
//   `Alert: X`, `Alert Name: "X"`, `Alertname: X`, `Title: X`;
// - rows of a table whose header has an `Alert` / `Alert name` / `Name` column (`table`);
// - the file name (`fileName`): only when the file itself agrees (its H1, front matter title or
//   alert is the same name). Other file names become alerts in the index, by the folder's
//   convention (see `fileNameConventions`), never from a kebab-case slug.
// Alert-shaped names: one token (no spaces) that is CamelCase (`HighErrorRate`, `SSPDown`,
// `KubeAPIDown`), lower camelCase (`etcdNoLeader`), snake_case or mixed
// (`gcp_quota_limit`, `ComponentResourceRunningOut_disk_space`), or mixed case with punctuation
// inside (`MysqlTooManyConnections(>80%)`, `Backdoor:EC2/C&CActivity.B!DNS`), plus the
// `service: snake_name` form of generated alert references. A single capitalised word
// (`Watchdog`) counts only with more evidence (front matter, an `Alert:` prefix, its own file
// name, or a heading family that is mostly alerts). Product and resource words (`PostgreSQL`,
// `PrometheusRule`, `ChefSpec` …) never count on their own.
import type { AlertCandidate, AlertSource, Runbook } from './model';

/** Product, tool and resource words that look like CamelCase alert names but are not. */
const NOT_ALERTS = new Set(
  [
    'PostgreSQL', 'MySQL', 'GitHub', 'GitLab', 'PagerDuty', 'OpsGenie', 'MongoDB', 'DynamoDB', 'BigQuery', 'JavaScript',
    'TypeScript', 'PgBouncer', 'RabbitMQ', 'CloudWatch', 'CloudFront', 'CloudTrail', 'OpenSearch', 'ElasticSearch', 'StatusPage',
    'VictoriaMetrics', 'AlertManager', 'CoreDNS', 'NodeJS', 'FastAPI', 'GraphQL', 'WebSocket', 'LaunchDarkly',
    'HashiCorp', 'OpenTelemetry', 'CockroachDB', 'ClickHouse', 'MariaDB', 'YouTube', 'LinkedIn', 'iPhone', 'MacOS', 'iOS',
    'ChefSpec', 'InSpec', 'ServerSpec', 'TestKitchen', 'PowerShell', 'DevOps', 'GitOps', 'ChatOps', 'SecOps', 'OAuth', 'OpenID',
    'OpenShift', 'OpenStack', 'DigitalOcean', 'SendGrid', 'PyPI', 'NuGet', 'WordPress', 'PhpMyAdmin', 'VMware', 'VirtualBox',
    'PrometheusRule', 'ServiceMonitor', 'PodMonitor', 'ConfigMap', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'CronJob',
    'PersistentVolume', 'PersistentVolumeClaim', 'StorageClass', 'ClusterRole', 'ClusterRoleBinding', 'RoleBinding',
    'ServiceAccount', 'NetworkPolicy', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'CustomResourceDefinition',
    'ResourceQuota', 'LimitRange', 'IngressClass', 'EndpointSlice', 'AlertmanagerConfig', 'ThanosRuler', 'ScrapeConfig',
  ].map((s) => s.toLowerCase()),
);

/** Words joined by dashes (`high-error-rate`, `Disk-Almost-Full`): a file or anchor slug, never an alert. */
const KEBAB_SLUG = /^[A-Za-z0-9][a-z0-9]*(?:-[A-Za-z0-9][a-z0-9]*)+$/;

export type NameShape = 'camel' | 'lowerCamel' | 'snake' | 'punctuated' | 'qualified' | 'word';

/** The shape of a one-token name, or undefined when it does not look like an alert name at all. */
export function nameShape(token: string): NameShape | undefined {
  if (token.length < 3 || token.length > 120 || /\s/.test(token) || !/^[A-Za-z]/.test(token)) return undefined;
  if (KEBAB_SLUG.test(token)) return undefined;
  if (/^[A-Za-z][A-Za-z0-9]*$/.test(token)) {
    if (!/[A-Z]/.test(token) || !/[a-z]/.test(token)) return undefined; // `overview`, `k8s`, `FAQ`, `TODO`
    if (/^[A-Z][a-z0-9]+$/.test(token)) return 'word';
    return /^[a-z]/.test(token) ? 'lowerCamel' : 'camel';
  }
  if (/^[A-Za-z][A-Za-z0-9]*(?:_[A-Za-z0-9]+)+$/.test(token)) return 'snake';
  // Punctuation inside (not just a final `!`), and a change of case that a sentence word lacks.
  if (/^[A-Za-z][\w.:/&!()<>%+@=-]*[\w)!%]$/.test(token) && /[A-Za-z0-9][.:/&!()<>%+@=-]+[\w(>]/.test(token) && /[a-z][A-Z]|[.:/&!(-][A-Z]/.test(token)) {
    return 'punctuated';
  }
  return undefined;
}

/** Shapes a file name or an H1 can have as an alert: punctuated and qualified names live in headings and tables only. */
function isTitleShape(shape: NameShape | undefined): boolean {
  return shape === 'camel' || shape === 'lowerCamel' || shape === 'snake' || shape === 'word';
}

/** Strong shapes name an alert on their own (in the right place); a single word needs more evidence. */
export function isStrongShape(shape: NameShape | undefined): boolean {
  return shape !== undefined && shape !== 'word';
}

function isProductWord(name: string): boolean {
  return NOT_ALERTS.has(name.toLowerCase());
}

/** An identifier in CamelCase with at least two words, as Prometheus alert names are usually written. */
export function isAlertLikeName(name: string): boolean {
  const shape = nameShape(name);
  return (shape === 'camel' || shape === 'lowerCamel') && !isProductWord(name);
}

export interface HeadingName {
  name: string;
  /** Written `Alert: X`, `Alert Name: "X"`, `Title: X`: the author says it is an alert. */
  explicit: boolean;
  shape: NameShape | undefined;
  /** A Hugo heading id (`## X {#id}`), which is the heading's anchor on the site. */
  customId?: string;
}

const EXPLICIT_PREFIX = /^(?:alert(?:[ _-]?name)?|title)\s*[:=]\s*/i;
const HUGO_ID = /\s*\{#([\w.:-]+)\}\s*$/;
const QUOTED = /^(["'`“‘])(.+?)(["'`”’])(?=$|\s|[:—–-])/;
/** `frontend: 99th_percentile_search_request_duration` (a service, then a snake_case alert). */
const QUALIFIED = /^([a-z][\w-]*):\s([a-z0-9]\w*)$/;

/** The alert name a heading's text holds, if any; whether it counts is decided by its context. */
export function nameInHeading(text: string): HeadingName | undefined {
  let t = text.trim();
  let customId: string | undefined;
  const hugo = HUGO_ID.exec(t);
  if (hugo) {
    customId = hugo[1];
    t = t.slice(0, hugo.index).trim();
  }
  const withId = (h: HeadingName): HeadingName => (customId === undefined ? h : { ...h, customId });
  let explicit = false;
  const prefix = EXPLICIT_PREFIX.exec(t);
  if (prefix) {
    explicit = true;
    t = t.slice(prefix[0].length).trim();
  }
  const quoted = QUOTED.exec(t);
  if (quoted) {
    const inner = (quoted[2] as string).trim();
    const shape = nameShape(inner);
    // A quoted phrase is a name only after an explicit prefix (Grafana alert names have spaces).
    if (shape === undefined && !(explicit && inner.length <= 120 && /^[\w(]/.test(inner))) return undefined;
    return withId({ name: inner, explicit, shape });
  }
  const qualified = QUALIFIED.exec(t);
  if (qualified) return withId({ name: t, explicit, shape: 'qualified' });
  const first = (t.split(/\s+[-–—|(]\s*|:\s+|\s+\(/)[0] ?? '').trim();
  const shape = nameShape(first);
  if (shape !== undefined) return withId({ name: first, explicit, shape });
  if (explicit && first !== '' && first.length <= 120 && /^[A-Za-z]/.test(first)) return withId({ name: first, explicit, shape: undefined });
  return undefined;
}

/** The alert a heading names, ignoring its context (kept for callers that test one heading). */
export function alertInHeading(text: string): string | undefined {
  const h = nameInHeading(text);
  if (!h) return undefined;
  return h.explicit || (isStrongShape(h.shape) && !isProductWord(h.name)) ? h.name : undefined;
}

/** A file name's stem when it could name an alert (`HighErrorRate.md`, `etcdNoLeader.md`, `Watchdog.md`); never a slug. */
export function alertInFileName(fileName: string): string | undefined {
  const stem = fileName.replace(/\.(md|markdown)$/i, '');
  return isTitleShape(nameShape(stem)) && !isProductWord(stem) ? stem : undefined;
}

/**
 * README, `_index.md` and `index.md` describe their folder (area documents); a repository's own
 * papers (CONTRIBUTING, CHANGELOG, CODE_OF_CONDUCT, LICENSE …) are documents too, not runbooks.
 */
export function isAreaDocumentName(fileName: string): boolean {
  return /^(?:readme|_index|index|contributing|changelog|changes|code[_-]of[_-]conduct|license|licence|authors|maintainers|governance|pull_request_template|issue_template)\.(md|markdown)$/i.test(fileName);
}

export interface AlertHeading {
  text: string;
  depth: number;
  /** Index of the section the heading opens. */
  section: number;
  /** The section's anchor slug. */
  slug?: string;
  /** 0-based line of the heading. */
  line?: number;
  /** Index of the enclosing section, -1 at the top. */
  parent?: number;
}

export interface AlertInputs {
  frontMatter: readonly string[];
  fileName: string;
  /** An area document (README, `_index.md`, `index.md`): its file name is never an alert. */
  isReadme: boolean;
  /** The first H1's text, if any. */
  h1?: string;
  /** The front matter `title`, if any (a file named after its title agrees with it). */
  title?: string;
  /** Every heading (H1 included or not) with its section index. */
  headings: readonly AlertHeading[];
  /** The file's lines, for tables of alerts (optional: the quick pass has no tables). */
  lines?: readonly string[];
}

/** Names compared loosely: case, spaces, `_`, `-` and `:` ignored. */
export function normalizeAlertName(name: string): string {
  return name.toLowerCase().replace(/[\s_:-]+/g, '');
}

export function alertCandidates(input: AlertInputs): AlertCandidate[] {
  const out: AlertCandidate[] = [];
  const seen = new Set<string>();
  const add = (c: AlertCandidate) => {
    const key = `${c.source}\u0000${c.name.toLowerCase()}\u0000${c.section ?? ''}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(c);
  };
  for (const a of input.frontMatter) add({ name: a, source: 'frontMatter' });

  const stem = input.isReadme ? undefined : alertInFileName(input.fileName);
  const h1Name = input.h1 === undefined ? undefined : nameInHeading(input.h1);
  const agrees = (name: string | undefined) => name !== undefined && stem !== undefined && normalizeAlertName(name) === normalizeAlertName(stem);
  const h1Counts = h1Name !== undefined && (h1Name.explicit || isTitleShape(h1Name.shape)) && !isProductWord(h1Name.name);
  if (h1Name && h1Counts && (h1Name.explicit || isStrongShape(h1Name.shape) || agrees(h1Name.name))) {
    add({ name: h1Name.name, source: 'title' });
  }
  for (const c of headingAlerts(input.headings)) add(c);
  if (input.lines) for (const c of tableAlerts(input.lines, input.headings)) add(c);
  // The file name, when the file itself says the same name (its H1, title or an alert).
  if (stem !== undefined && (agrees(input.h1?.trim()) || agrees(h1Name?.name) || agrees(input.title) || input.frontMatter.some(agrees))) {
    add({ name: stem, source: 'fileName' });
  }
  return out;
}

/** Alert headings below H1, by the family rule (see the top of this file). */
function headingAlerts(headings: readonly AlertHeading[]): AlertCandidate[] {
  // The first H1 is the title (see alertCandidates); any later heading may be an alert.
  const titleIndex = headings.findIndex((h) => h.depth === 1);
  const named = headings.map((h, i) => ({ h, n: i !== titleIndex ? nameInHeading(h.text) : undefined }));
  const strong = (n: HeadingName | undefined) => n !== undefined && isStrongShape(n.shape) && !isProductWord(n.name);
  const groupOf = (h: AlertHeading) => `${h.parent ?? -1}:${h.depth}`;
  const groupSize = new Map<string, number>();
  const groupStrong = new Map<string, number>();
  let fileStrong = 0;
  for (const [i, { h, n }] of named.entries()) {
    if (i === titleIndex) continue;
    const g = groupOf(h);
    groupSize.set(g, (groupSize.get(g) ?? 0) + 1);
    if (strong(n) || n?.explicit) {
      groupStrong.set(g, (groupStrong.get(g) ?? 0) + 1);
      fileStrong++;
    }
  }
  const out: AlertCandidate[] = [];
  for (const { h, n } of named) {
    if (!n) continue;
    const g = groupOf(h);
    const inGroup = groupStrong.get(g) ?? 0;
    const size = groupSize.get(g) ?? 0;
    const accepted =
      n.explicit ||
      (strong(n) && (inGroup >= 2 || fileStrong >= 3)) ||
      (n.shape === 'word' && !isProductWord(n.name) && inGroup >= 3 && inGroup * 3 >= size * 2);
    if (!accepted) continue;
    const c: AlertCandidate = { name: n.name, source: 'heading', section: h.section };
    const anchor = n.customId ?? h.slug;
    if (anchor !== undefined) c.anchor = anchor;
    if (h.line !== undefined) c.line = h.line;
    out.push(c);
  }
  return out;
}

const TABLE_DELIMITER = /^\s*\|?\s*:?-+:?\s*(?:\|\s*:?-+:?\s*)*\|?\s*$/;
const FENCE_LINE = /^\s{0,3}(?:>\s?)*(`{3,}|~{3,})/;

function tableCells(line: string): string[] {
  const cells = line.trim().replace(/^\|/, '').replace(/\|$/, '').split(/(?<!\\)\|/);
  return cells.map((c) => c.trim());
}

/** The name in a table cell: markup and a link around it dropped. */
function cellName(cell: string): string {
  return cell
    .replace(/^\[([^\]]*)\]\([^)]*\)$/, '$1')
    .replace(/^[*_`]+|[*_`]+$/g, '')
    .replace(/\\([|_*])/g, '$1')
    .trim();
}

/** Alerts listed in a table with an `Alert`, `Alert name`, `Alertname` or `Name` column. */
export function tableAlerts(lines: readonly string[], headings: readonly AlertHeading[] = []): AlertCandidate[] {
  const out: AlertCandidate[] = [];
  let fence: string | null = null;
  for (let i = 0; i + 1 < lines.length; i++) {
    const line = lines[i] as string;
    const f = line.includes('``') || line.includes('~~') ? FENCE_LINE.exec(line) : null;
    if (f) {
      const mark = f[1] as string;
      if (fence === null) fence = mark;
      else if (mark[0] === fence[0] && mark.length >= fence.length) fence = null;
      continue;
    }
    if (fence !== null || !line.includes('|') || !TABLE_DELIMITER.test(lines[i + 1] as string)) continue;
    const header = tableCells(line).map((c) => cellName(c).toLowerCase());
    let column = header.findIndex((c) => /^alert(?:[ _-]?names?)?s?$/.test(c));
    const alertColumn = column !== -1;
    if (!alertColumn) column = header.findIndex((c) => c === 'name');
    if (column === -1) continue;
    let row = i + 2;
    for (; row < lines.length && (lines[row] as string).includes('|') && (lines[row] as string).trim() !== ''; row++) {
      const name = cellName(tableCells(lines[row] as string)[column] ?? '');
      const shape = nameShape(name);
      if (isProductWord(name) || !(isStrongShape(shape) || (alertColumn && shape === 'word'))) continue;
      const section = sectionAt(headings, row);
      const c: AlertCandidate = { name, source: 'table', line: row };
      if (section) {
        c.section = section.section;
        const anchor = nameInHeading(section.text)?.customId ?? section.slug;
        if (anchor !== undefined) c.anchor = anchor;
      }
      out.push(c);
    }
    i = row - 1;
  }
  return out;
}

function sectionAt(headings: readonly AlertHeading[], line: number): AlertHeading | undefined {
  let found: AlertHeading | undefined;
  for (const h of headings) {
    if (h.line === undefined || h.line > line) break;
    found = h;
  }
  return found;
}

// ---- file names by the folder's convention -----------------------------------------------------

export interface ConventionInput {
  path: string;
  /** The folder holding the file (absolute). */
  dir: string;
  /** The runbook root it belongs to. */
  root: string;
  fileName: string;
  isReadme: boolean;
  /** The candidates the file itself gave (no convention-added ones). */
  alerts: readonly AlertCandidate[];
}

/**
 * Which file names are alert names by the repository's own convention: path → alert name.
 * - A folder names its files after alerts when at least two of its files, and at least half of
 *   the files whose name could be an alert, agree with their own content (H1, title, front
 *   matter alert): then every such file name in the folder is an alert.
 * - In a repository that names alerts at all (some runbook under the same root has one), a
 *   CamelCase file name (`PostgresReplicationLagHigh.md`) of a runbook that names no alert
 *   itself is its alert.
 * A kebab-case slug never is.
 */
export function fileNameConventions(files: Iterable<ConventionInput>, rootNamesAlerts?: (root: string) => boolean): Map<string, string> {
  const byDir = new Map<string, ConventionInput[]>();
  const rootsNamingAlerts = new Set<string>();
  for (const f of files) {
    if (f.isReadme) continue;
    let list = byDir.get(f.dir);
    if (!list) byDir.set(f.dir, (list = []));
    list.push(f);
    if (f.alerts.some((a) => !a.byConvention)) rootsNamingAlerts.add(f.root);
  }
  const namesAlerts = rootNamesAlerts ?? ((root: string) => rootsNamingAlerts.has(root));
  const out = new Map<string, string>();
  for (const list of byDir.values()) {
    const eligible = list.map((f) => ({ f, stem: alertInFileName(f.fileName) })).filter((x): x is { f: ConventionInput; stem: string } => x.stem !== undefined);
    const agreeing = eligible.filter(({ f }) => f.alerts.some((a) => a.source === 'fileName' && !a.byConvention)).length;
    const folderConvention = agreeing >= 2 && agreeing * 2 >= eligible.length;
    for (const { f, stem } of eligible) {
      if (f.alerts.some((a) => a.source === 'fileName' && !a.byConvention)) continue;
      const ownAlerts = f.alerts.some((a) => !a.byConvention);
      const shape = nameShape(stem);
      const loneCamel = !ownAlerts && namesAlerts(f.root) && (shape === 'camel' || shape === 'lowerCamel');
      if (folderConvention || loneCamel) out.set(f.path, stem);
    }
  }
  return out;
}

// ---- lookup --------------------------------------------------------------------------------

/** Dedicated files first (front matter, H1, file name), then a heading in a multi-alert file, then a table row. */
const SOURCE_RANK: Record<AlertSource, number> = { frontMatter: 0, title: 1, fileName: 1, heading: 2, table: 3 };

export type AlertMatchKind = 'exact' | 'caseInsensitive' | 'normalized';
const KIND_RANK: Record<AlertMatchKind, number> = { exact: 0, caseInsensitive: 1, normalized: 2 };

/** Severity words some systems put before the alert name (`warning_frontend_…`). */
const LEVEL_PREFIX = /^(?:critical|warning|warn|info|page|ticket)[_:-]+/i;

/** The lookup keys of a query: its normalized form, and the same without a leading severity word. */
export function alertLookupKeys(query: string): string[] {
  const key = normalizeAlertName(query.trim());
  const stripped = normalizeAlertName(query.trim().replace(LEVEL_PREFIX, ''));
  return stripped !== key && stripped !== '' ? [key, stripped] : [key];
}

export function matchKind(name: string, query: string): AlertMatchKind | undefined {
  const q = query.trim();
  if (name === q) return 'exact';
  if (name.toLowerCase() === q.toLowerCase()) return 'caseInsensitive';
  const n = normalizeAlertName(name);
  return alertLookupKeys(q).includes(n) ? 'normalized' : undefined;
}

export interface AlertMatch {
  candidate: AlertCandidate;
  kind: AlertMatchKind;
  /** Lower is better: match kind first, then where the name came from. */
  rank: number;
}

/** The best candidate of a runbook for `query`: exact before case-insensitive before normalized, then by source. */
export function bestAlertMatch(runbook: Pick<Runbook, 'alerts'>, query: string): AlertMatch | undefined {
  let best: AlertMatch | undefined;
  for (const candidate of runbook.alerts) {
    const kind = matchKind(candidate.name, query);
    if (!kind) continue;
    const rank = KIND_RANK[kind] * 10 + SOURCE_RANK[candidate.source];
    if (!best || rank < best.rank) best = { candidate, kind, rank };
  }
  return best;
}

/** How well a runbook answers `alert` (lower is better), or undefined when it does not. */
export function alertMatchRank(runbook: Pick<Runbook, 'alerts'>, alert: string): number | undefined {
  return bestAlertMatch(runbook, alert)?.rank;
}

/** Words for where a name came from, as the CLI and the editor say it. */
export function describeAlertSource(candidate: AlertCandidate): string {
  switch (candidate.source) {
    case 'frontMatter':
      return 'front matter';
    case 'fileName':
      return candidate.byConvention ? 'file name (the folder names files after alerts)' : 'file name';
    case 'title':
      return 'H1 title';
    case 'heading':
      return `heading${candidate.anchor ? ` #${candidate.anchor}` : ''}`;
    case 'table':
      return `table row${candidate.anchor ? ` under #${candidate.anchor}` : ''}`;
  }
}
