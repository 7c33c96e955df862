// Response metrics from milestones, as defined in practice.md ("Metrics", from guides 000 §7
// and 002): time to detect = impact started → detected; time to acknowledge = detected →
// response started (acknowledged); time to mitigate = acknowledged → mitigated; time to
// resolve = detected → resolved.
import { MILESTONE_NAMES } from './names';
import type { Incident, Milestone, Severity } from './model';
import { RESPOND_WITHIN_MINUTES } from './severity';

export type MetricName = 'timeToDetect' | 'timeToAcknowledge' | 'timeToMitigate' | 'timeToResolve';

export interface Metric {
  name: MetricName;
  from: Milestone;
  to: Milestone;
  /** Duration in ms; absent when a milestone is missing or the order is impossible. */
  ms?: number;
  /** Why there is no value. */
  missing?: string;
  /** True when a milestone was taken from the incident itself (declared / resolved time) rather than marked. */
  estimated?: boolean;
  /** The guide's goal for this severity (000), when it gives one. */
  goalMs?: number;
  withinGoal?: boolean;
}

const DEFINITIONS: { name: MetricName; from: Milestone; to: Milestone }[] = [
  { name: 'timeToDetect', from: 'impactStarted', to: 'detected' },
  { name: 'timeToAcknowledge', from: 'detected', to: 'acknowledged' },
  { name: 'timeToMitigate', from: 'acknowledged', to: 'mitigated' },
  { name: 'timeToResolve', from: 'detected', to: 'resolved' },
];

const MIN = 60_000;
const HOUR = 60 * MIN;
/**
 * Goals for SEV1 and SEV2 (none for lower levels). Detect, mitigate and resolve follow guide 000
 * (§7); acknowledge follows the severity's own definition (severity.ts), which is what people
 * saw in the picker when they declared.
 */
const GOALS: Partial<Record<Severity, Partial<Record<MetricName, number>>>> = {
  SEV1: { timeToDetect: 5 * MIN, timeToAcknowledge: (RESPOND_WITHIN_MINUTES.SEV1 ?? 15) * MIN, timeToMitigate: HOUR, timeToResolve: 4 * HOUR },
  SEV2: { timeToDetect: 5 * MIN, timeToAcknowledge: (RESPOND_WITHIN_MINUTES.SEV2 ?? 30) * MIN, timeToMitigate: 4 * HOUR, timeToResolve: 8 * HOUR },
};

export const METRIC_LABELS: Record<MetricName, string> = {
  timeToDetect: 'Time to detect',
  timeToAcknowledge: 'Time to acknowledge',
  timeToMitigate: 'Time to mitigate',
  timeToResolve: 'Time to resolve',
};

/**
 * The four metrics of an incident. A missing `detected` milestone falls back to the time the
 * incident was declared, and a missing `resolved` one to the time its status became resolved;
 * such values are marked `estimated`.
 */
export function incidentMetrics(incident: Incident): Metric[] {
  const at = (m: Milestone): { time?: number; estimated: boolean } => {
    const marked = incident.milestones[m];
    if (marked) return { time: Date.parse(marked), estimated: false };
    if (m === 'detected') return { time: Date.parse(incident.declaredAt), estimated: true };
    if (m === 'resolved' && incident.resolvedAt) return { time: Date.parse(incident.resolvedAt), estimated: true };
    return { estimated: false };
  };
  return DEFINITIONS.map((d) => {
    const metric: Metric = { ...d };
    const goal = GOALS[incident.severity]?.[d.name];
    if (goal !== undefined) metric.goalMs = goal;
    const from = at(d.from);
    const to = at(d.to);
    const name = (m: Milestone) => `“${MILESTONE_NAMES[m].toLowerCase()}”`;
    if (from.time === undefined || Number.isNaN(from.time)) return { ...metric, missing: `no ${name(d.from)} milestone` };
    if (to.time === undefined || Number.isNaN(to.time)) return { ...metric, missing: `no ${name(d.to)} milestone` };
    if (to.time < from.time) return { ...metric, missing: `${name(d.to)} is before ${name(d.from)}` };
    metric.ms = to.time - from.time;
    if (from.estimated || to.estimated) metric.estimated = true;
    if (goal !== undefined) metric.withinGoal = metric.ms <= goal;
    return metric;
  });
}
