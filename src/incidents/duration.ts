// Compact durations for the status bar, the timeline header and post-mortems. Shared by the
// host and the webview (pure, no imports), so both say "12 min" the same way.

/**
 * `12 min`, `1 h 05 min`, `2 d 3 h`, `40 s`. With `seconds`, minutes carry their seconds too
 * (`12 min 05 s`), for a header that ticks every second.
 */
export function formatDuration(ms: number, options: { seconds?: boolean } = {}): string {
  const neg = ms < 0;
  let s = Math.floor(Math.abs(ms) / 1000);
  const d = Math.floor(s / 86400);
  s -= d * 86400;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  const two = (n: number) => String(n).padStart(2, '0');
  let text: string;
  if (d > 0) text = `${d} d ${h} h`;
  else if (h > 0) text = `${h} h ${two(m)} min`;
  else if (m > 0) text = options.seconds ? `${m} min ${two(s)} s` : `${m} min`;
  else text = `${s} s`;
  return neg ? `-${text}` : text;
}

/** What `incidentSpan` measures from and to. */
export interface IncidentSpan {
  ms: number;
  from: 'impact start' | 'declaration';
  to: 'resolution' | 'now';
}

/**
 * How long the incident lasted (or has lasted so far), measured the same way everywhere — the
 * timeline panel, the status bar and the post-mortem: from the impact-started milestone (or the
 * declaration when it is not marked) to the resolved milestone (or the resolved status; `now`
 * while the incident is open). Undefined when the end is before the start, or open without `now`.
 */
export function incidentSpan(
  incident: { milestones: { impactStarted?: string; resolved?: string }; declaredAt: string; resolvedAt?: string },
  now?: number,
): IncidentSpan | undefined {
  const start = incident.milestones.impactStarted ?? incident.declaredAt;
  const resolved = incident.milestones.resolved ?? incident.resolvedAt;
  const end = resolved ? Date.parse(resolved) : now;
  const from = Date.parse(start);
  if (end === undefined || Number.isNaN(end) || Number.isNaN(from) || end < from) return undefined;
  return { ms: end - from, from: incident.milestones.impactStarted ? 'impact start' : 'declaration', to: resolved ? 'resolution' : 'now' };
}
