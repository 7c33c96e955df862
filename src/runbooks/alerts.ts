// Which alerts a runbook answers: named in front matter, by the file name (`HighErrorRate.md`,
// `high-error-rate.md`), by the H1, or by several headings each named after one alert.
// Every candidate is kept with its source; lookups match names case-insensitively.
import type { AlertCandidate, AlertSource, Runbook } from './model';

/** Product names that look like CamelCase alert names but are not. */
const NOT_ALERTS = new Set(
  [
    'PostgreSQL', 'MySQL', 'GitHub', 'GitLab', 'PagerDuty', 'OpsGenie', 'MongoDB', 'DynamoDB', 'BigQuery', 'JavaScript',
    'TypeScript', 'PgBouncer', 'RabbitMQ', 'CloudWatch', 'CloudFront', 'OpenSearch', 'ElasticSearch', 'StatusPage',
    'VictoriaMetrics', 'AlertManager', 'CoreDNS', 'NodeJS', 'FastAPI', 'GraphQL', 'WebSocket', 'LaunchDarkly',
    'HashiCorp', 'OpenTelemetry', 'CockroachDB', 'ClickHouse', 'MariaDB', 'YouTube', 'LinkedIn', 'iPhone', 'MacOS',
  ].map((s) => s.toLowerCase()),
);

/** An identifier in CamelCase with at least two words, as Prometheus alert names are written. */
export function isAlertLikeName(name: string): boolean {
  if (!/^[A-Z][A-Za-z0-9]{2,}$/.test(name)) return false;
  if (NOT_ALERTS.has(name.toLowerCase())) return false;
  const humps = name.match(/[A-Z]+[a-z0-9]+|[A-Z]{2,}(?![a-z])/g) ?? [];
  return humps.length >= 2 && /[a-z]/.test(name);
}

/** The alert a heading names: `HighErrorRate`, `` `HighErrorRate` ``, `Alert: HighErrorRate — …`. */
export function alertInHeading(text: string): string | undefined {
  let t = text.trim().replace(/^alert(?:name)?\s*[:\-–—]\s*/i, '');
  const quoted = /^`([^`\s]+)`/.exec(t);
  if (quoted) return /^[A-Za-z][\w:.-]*$/.test(quoted[1] as string) ? (quoted[1] as string) : undefined;
  t = (t.split(/\s+[-–—:(]\s*|:\s+|\s+\(/)[0] ?? '').trim();
  return isAlertLikeName(t) ? t : undefined;
}

/** The alert a file name names: `HighErrorRate.md` as is; `high-error-rate.md` → `HighErrorRate`. */
export function alertInFileName(fileName: string): string | undefined {
  const base = fileName.replace(/\.(md|markdown)$/i, '');
  if (isAlertLikeName(base)) return base;
  const words = base.split(/[-_]/);
  if (words.length < 2 || !words.every((w) => /^[a-z0-9]+$/i.test(w)) || !/^[a-z]/i.test(base)) return undefined;
  return words.map((w) => w.charAt(0).toUpperCase() + w.slice(1).toLowerCase()).join('');
}

export interface AlertInputs {
  frontMatter: readonly string[];
  fileName: string;
  isReadme: boolean;
  /** The first H1's text, if any. */
  h1?: string;
  /** Headings below H1 with their section index. */
  headings: ReadonlyArray<{ text: string; depth: number; section: number }>;
}

export function alertCandidates(input: AlertInputs): AlertCandidate[] {
  const out: AlertCandidate[] = [];
  const seen = new Set<string>();
  const add = (name: string, source: AlertSource, section?: number) => {
    const key = `${source}\u0000${name.toLowerCase()}\u0000${section ?? ''}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(section === undefined ? { name, source } : { name, source, section });
  };
  for (const a of input.frontMatter) add(a, 'frontMatter');
  if (input.h1 !== undefined) {
    const fromTitle = alertInHeading(input.h1);
    if (fromTitle) add(fromTitle, 'title');
  }
  for (const h of input.headings) {
    if (h.depth < 2) continue;
    const name = alertInHeading(h.text);
    if (name) add(name, 'heading', h.section);
  }
  if (!input.isReadme) {
    // A CamelCase file name is a deliberate alert name; a kebab-case one (`high-error-rate.md`)
    // is only a guess, used when nothing else names an alert.
    const stem = input.fileName.replace(/\.(md|markdown)$/i, '');
    const fromFile = alertInFileName(input.fileName);
    if (fromFile && (isAlertLikeName(stem) || out.length === 0)) add(fromFile, 'fileName');
  }
  return out;
}

const SOURCE_RANK: Record<AlertSource, number> = { frontMatter: 0, heading: 1, title: 2, fileName: 3 };

/** How well a runbook answers `alert` (lower is better), or undefined when it does not. */
export function alertMatchRank(runbook: Pick<Runbook, 'alerts'>, alert: string): number | undefined {
  const wanted = alert.trim().toLowerCase();
  let best: number | undefined;
  for (const c of runbook.alerts) {
    if (c.name.toLowerCase() !== wanted) continue;
    const rank = SOURCE_RANK[c.source];
    if (best === undefined || rank < best) best = rank;
  }
  return best;
}
