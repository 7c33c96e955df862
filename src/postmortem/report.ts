// Past incidents as their post-mortems describe them: a lookup for the Incidents view, and a
// report by severity and month with median times to mitigate and resolve, all from front matter
// (so it works on committed post-mortems without their journals).
import { SEVERITIES } from '../runbooks/model';
import type { Severity } from '../incidents/model';
import { formatDuration } from '../incidents/cadence';
import { utcDay, utcLabel } from './format';
import { readFrontMatter } from './frontMatter';
import { escapeInline, table } from './markdown';
import { overdueBy } from './completeness';

export interface PostmortemInfo {
  /** Path as given (workspace-relative or absolute). */
  path: string;
  incidentId: string;
  title: string;
  severity?: Severity;
  status: string;
  declared?: string;
  resolved?: string;
  due?: string;
  /** How long past due (ms) at `now`, when overdue. */
  overdueMs?: number;
  timeToMitigateMinutes?: number;
  timeToResolveMinutes?: number;
}

/**
 * The post-mortems among `files` (those whose front matter names an incident), one per
 * incident: when several files name the same incident, the one declared latest in path order
 * wins, so the lookup is deterministic.
 */
export function findPostmortems(files: readonly { path: string; text: string }[], now?: Date): PostmortemInfo[] {
  const byIncident = new Map<string, PostmortemInfo>();
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const meta = readFrontMatter(file.text);
    if (!meta || typeof meta.incident !== 'string' || !meta.incident.trim()) continue;
    const metrics = (meta.metrics_minutes && typeof meta.metrics_minutes === 'object' ? meta.metrics_minutes : {}) as Record<string, unknown>;
    const info: PostmortemInfo = {
      path: file.path,
      incidentId: meta.incident,
      title: typeof meta.title === 'string' ? meta.title : meta.incident,
      status: typeof meta.status === 'string' ? meta.status : 'draft',
    };
    if (typeof meta.severity === 'string' && (SEVERITIES as readonly string[]).includes(meta.severity)) info.severity = meta.severity as Severity;
    if (isTime(meta.declared)) info.declared = meta.declared;
    if (isTime(meta.resolved)) info.resolved = meta.resolved;
    if (isTime(meta.postmortem_due)) info.due = meta.postmortem_due;
    if (isMinutes(metrics.time_to_mitigate)) info.timeToMitigateMinutes = metrics.time_to_mitigate;
    if (isMinutes(metrics.time_to_resolve)) info.timeToResolveMinutes = metrics.time_to_resolve;
    if (now) {
      const late = overdueBy(meta, now);
      if (late !== undefined) info.overdueMs = late;
    }
    byIncident.set(info.incidentId, info);
  }
  return [...byIncident.values()].sort((a, b) => (a.declared ?? '').localeCompare(b.declared ?? '') || a.incidentId.localeCompare(b.incidentId));
}

/** The post-mortem of one incident, if any. */
export function postmortemFor(infos: readonly PostmortemInfo[], incidentId: string): PostmortemInfo | undefined {
  return infos.find((i) => i.incidentId === incidentId);
}

export interface ReportRow {
  month: string;
  severity: Severity | 'unknown';
  incidents: number;
  final: number;
  medianTimeToMitigateMinutes?: number;
  medianTimeToResolveMinutes?: number;
}

/** Groups post-mortems by month of declaration (UTC) and severity. */
export function summarizePostmortems(infos: readonly PostmortemInfo[]): ReportRow[] {
  const groups = new Map<string, PostmortemInfo[]>();
  for (const info of infos) {
    const month = info.declared ? (utcDay(info.declared)?.slice(0, 7) ?? 'unknown') : 'unknown';
    const key = `${month}\u0000${info.severity ?? 'unknown'}`;
    const list = groups.get(key) ?? [];
    list.push(info);
    groups.set(key, list);
  }
  const order = (s: string) => (SEVERITIES as readonly string[]).indexOf(s) >>> 0;
  return [...groups.entries()]
    .map(([key, list]) => {
      const [month, severity] = key.split('\u0000');
      const row: ReportRow = {
        month,
        severity: severity as ReportRow['severity'],
        incidents: list.length,
        final: list.filter((i) => i.status === 'final').length,
      };
      const ttm = median(list.map((i) => i.timeToMitigateMinutes));
      const ttr = median(list.map((i) => i.timeToResolveMinutes));
      if (ttm !== undefined) row.medianTimeToMitigateMinutes = ttm;
      if (ttr !== undefined) row.medianTimeToResolveMinutes = ttr;
      return row;
    })
    .sort((a, b) => (a.month < b.month ? 1 : a.month > b.month ? -1 : order(a.severity) - order(b.severity)));
}

/** The report as markdown (newest month first). `now` only names when it was made. */
export function renderReport(infos: readonly PostmortemInfo[], now: Date): string {
  const rows = summarizePostmortems(infos);
  const minutesText = (m?: number) => (m === undefined ? '—' : formatDuration(m * 60_000));
  const lines = [
    '# Incidents by severity and month',
    '',
    `Made ${utcLabel(now.toISOString())} from the front matter of ${infos.length} post-mortem${infos.length === 1 ? '' : 's'}. ` +
      'Months are UTC, by declaration. Time to mitigate runs from acknowledgement to mitigation; time to resolve from detection to resolution. ' +
      'Medians count only post-mortems that recorded the metric.',
    '',
  ];
  if (rows.length === 0) {
    lines.push('_No post-mortems found. Draft one from a resolved incident with "On-Call: Draft Post-Mortem"._');
  } else {
    lines.push(
      table(
        ['Month', 'Severity', 'Incidents', 'Final', 'Median time to mitigate', 'Median time to resolve'],
        rows.map((r) => [r.month, r.severity, String(r.incidents), String(r.final), minutesText(r.medianTimeToMitigateMinutes), minutesText(r.medianTimeToResolveMinutes)]),
      ),
    );
    const late = infos.filter((i) => i.overdueMs !== undefined);
    if (late.length > 0) {
      lines.push('', '## Overdue post-mortems', '');
      for (const i of late) lines.push(`- ${escapeInline(i.incidentId)} ${escapeInline(i.title)} (${i.severity ?? 'no severity'}): due ${utcLabel(i.due)}, status ${escapeInline(i.status)}`);
    }
  }
  return `${lines.join('\n')}\n`;
}

export function median(values: readonly (number | undefined)[]): number | undefined {
  const known = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v)).sort((a, b) => a - b);
  if (known.length === 0) return undefined;
  const mid = Math.floor(known.length / 2);
  return known.length % 2 === 1 ? known[mid] : (known[mid - 1] + known[mid]) / 2;
}

function isTime(v: unknown): v is string {
  return typeof v === 'string' && !Number.isNaN(Date.parse(v));
}

function isMinutes(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v >= 0;
}
