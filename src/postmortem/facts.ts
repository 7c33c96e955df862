// Facts a post-mortem derives once from the journal: times, the duration (measured as the
// timeline panel measures it), metrics, the services touched, the runs, the due date.
import { incidentSpan } from '../incidents/duration';
import { incidentMetrics, type Metric } from '../incidents/metrics';
import type { AlertInfo, Incident, Severity, TimelineEvent } from '../incidents/model';
import { postmortemDue, type PostmortemPolicy, type PostmortemRequirement } from './policy';

export type CommandRunEvent = Extract<TimelineEvent, { type: 'commandRun' }>;

export interface IncidentFacts {
  metrics: Metric[];
  impactStarted?: string;
  mitigated?: string;
  resolved?: string;
  /** Impact start (or declaration) to resolution: the same number the timeline panel shows. */
  durationMs?: number;
  durationFrom?: 'impact start' | 'declaration';
  due?: string;
  requirement: PostmortemRequirement;
  severityHistory: Severity[];
  commandRuns: CommandRunEvent[];
  /** Services named during the incident, by the runbooks used, and by the alert's labels. */
  services: string[];
  alert?: AlertInfo;
}

/** Alert labels that name a service. */
const SERVICE_LABELS = ['service', 'app', 'application', 'app_kubernetes_io_name', 'app.kubernetes.io/name'];

export function servicesFromAlert(alert: AlertInfo | undefined): string[] {
  if (!alert) return [];
  const out: string[] = [];
  for (const [name, value] of Object.entries(alert.labels)) {
    if (SERVICE_LABELS.includes(name.toLowerCase()) && value.trim()) out.push(value.trim());
  }
  return out;
}

/** The incident's services, then those of the runbooks used and the alert, each once (case-insensitively), in that order. */
export function incidentServices(incident: Incident, runs: readonly CommandRunEvent[], alert: AlertInfo | undefined): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const s of [...incident.services, ...runs.map((r) => r.service ?? ''), ...servicesFromAlert(alert)]) {
    const name = s.trim();
    if (!name || seen.has(name.toLowerCase())) continue;
    seen.add(name.toLowerCase());
    out.push(name);
  }
  return out;
}

export function incidentFacts(incident: Incident, sorted: readonly TimelineEvent[], policy: PostmortemPolicy): IncidentFacts {
  const resolved = incident.milestones.resolved ?? incident.resolvedAt;
  const span = incidentSpan(incident);
  const severityHistory: Severity[] = [];
  let alert: AlertInfo | undefined;
  for (const e of sorted) {
    if (e.type === 'declared' && severityHistory.length === 0) {
      severityHistory.push(e.severity);
      alert = e.alert;
    }
    if (e.type === 'severityChanged') severityHistory.push(e.to);
  }
  const commandRuns = sorted.filter((e): e is CommandRunEvent => e.type === 'commandRun');
  return {
    metrics: incidentMetrics(incident),
    impactStarted: incident.milestones.impactStarted,
    mitigated: incident.milestones.mitigated,
    resolved,
    durationMs: span?.ms,
    durationFrom: span?.from,
    due: postmortemDue(incident.severity, resolved, policy),
    requirement: policy[incident.severity].requirement,
    severityHistory,
    commandRuns,
    services: incidentServices(incident, commandRuns, alert),
    ...(alert ? { alert } : {}),
  };
}

/** When a run happened: an attached run carries its own start time; the others were recorded as they ended. */
export function runTime(e: CommandRunEvent): string {
  return e.attached && e.startedAt ? e.startedAt : e.time;
}

/** A runbook path as a post-mortem shows it: never absolute (an absolute one shows its file name only). */
export function displayPath(p: string): string {
  const normalized = p.replace(/\\/g, '/');
  if (/^(?:[A-Za-z]:)?\//.test(normalized)) return normalized.split('/').filter(Boolean).pop() ?? normalized;
  return normalized;
}
