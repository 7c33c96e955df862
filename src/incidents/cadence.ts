// When the next status update is due. Everything is computed from the journal's events (the
// declaration, posted updates, severity changes, snoozes), so a reload or a crash changes
// nothing: there is no timer state to lose.
import { SEVERITIES } from '../runbooks/model';
import { compareEvents } from './eventSchema';
import type { Incident, Severity, TimelineEvent } from './model';
import { foldIncident } from './state';

export interface CadenceRule {
  /** Minutes from declaring (or raising the severity) to the first update. */
  firstMinutes: number;
  /** Minutes between updates after one was posted. */
  everyMinutes: number;
}

/** `null`: no reminders at that level. */
export type CadenceConfig = Record<Severity, CadenceRule | null>;

/**
 * Defaults, from the update rhythms in the guides in the seeds (practice.md, "Update cadence"),
 * taking the middle where they disagree:
 * - SEV1: first within 15 min (004's first status-page update, 002's initial response), then
 *   every 15 min (002; the low end of 001's 15–30; between 003's 5–10 and 000's 30).
 * - SEV2: first within 30 min (004, 002's initial response), then every 30 min (002; the top
 *   of 001's 15–30; between 003's and 000's hourly).
 * - SEV3: internal updates only (000, 004): first after 2 h (003's response time, the middle of
 *   002/004's 1 h and 000's 4 h), then daily (002, the only guide that gives a number).
 * - SEV4: none (000 keeps it in the bug tracker; 002 "as needed").
 * package.json's `oncall.incidents.updateCadence` default must say the same.
 */
export const DEFAULT_CADENCE: CadenceConfig = {
  SEV1: { firstMinutes: 15, everyMinutes: 15 },
  SEV2: { firstMinutes: 30, everyMinutes: 30 },
  SEV3: { firstMinutes: 120, everyMinutes: 1440 },
  SEV4: null,
};

const MAX_MINUTES = 7 * 24 * 60;

function validMinutes(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 && v <= MAX_MINUTES;
}

/**
 * Reads the setting. Each level is taken from the setting when it is valid (`null` turns it
 * off) and from the defaults otherwise; `problems` says what was ignored.
 */
export function parseCadence(raw: unknown): { config: CadenceConfig; problems: string[] } {
  const config: CadenceConfig = { ...DEFAULT_CADENCE };
  const problems: string[] = [];
  if (raw === undefined || raw === null) return { config, problems };
  if (typeof raw !== 'object' || Array.isArray(raw)) {
    return { config, problems: ['the update cadence setting is not an object; using the defaults'] };
  }
  const obj = raw as Record<string, unknown>;
  for (const level of SEVERITIES) {
    if (!(level in obj)) continue;
    const v = obj[level];
    if (v === null) {
      config[level] = null;
    } else if (typeof v === 'object' && validMinutes((v as CadenceRule).firstMinutes) && validMinutes((v as CadenceRule).everyMinutes)) {
      config[level] = { firstMinutes: (v as CadenceRule).firstMinutes, everyMinutes: (v as CadenceRule).everyMinutes };
    } else {
      problems.push(`${level}: expected { firstMinutes, everyMinutes } in minutes (1–${MAX_MINUTES}) or null; using the default`);
    }
  }
  return { config, problems };
}

export interface UpdateSchedule {
  /** `off`: no reminders at this severity; `resolved`: none needed any more. */
  state: 'off' | 'resolved' | 'scheduled' | 'overdue';
  /** When the next update is due (after any snooze). */
  dueAt?: string;
  /** Milliseconds until due (negative when overdue). */
  msUntilDue?: number;
  lastPostedAt?: string;
  snoozedUntil?: string;
  snoozeReason?: string;
}

const RANK: Record<Severity, number> = { SEV1: 1, SEV2: 2, SEV3: 3, SEV4: 4 };
const MINUTE = 60_000;

/** The update schedule of an incident at `now` (ms since the epoch). */
export function updateSchedule(
  events: readonly TimelineEvent[],
  config: CadenceConfig,
  now: number,
  incident: Incident = foldIncident(events),
): UpdateSchedule {
  const sorted = [...events].sort(compareEvents);
  let lastPosted: string | undefined;
  let promised: string | undefined;
  for (const e of sorted) {
    if (e.type === 'statusUpdate' && e.state === 'posted') {
      lastPosted = e.time;
      promised = e.nextUpdateAt;
    }
  }
  const base: UpdateSchedule = lastPosted ? { state: 'scheduled', lastPostedAt: lastPosted } : { state: 'scheduled' };
  if (incident.status === 'resolved') return { ...base, state: 'resolved' };
  const rule = config[incident.severity];
  if (!rule) return { ...base, state: 'off' };

  const anchor = Date.parse(lastPosted ?? incident.declaredAt);
  // A posted update that named the time of the next one is kept to its word.
  let due = promised && Number.isFinite(Date.parse(promised)) ? Date.parse(promised) : anchor + (lastPosted ? rule.everyMinutes : rule.firstMinutes) * MINUTE;
  let snoozedUntil: number | undefined;
  let snoozeReason: string | undefined;
  for (const e of sorted) {
    const t = Date.parse(e.time);
    if (t <= anchor) continue;
    if (e.type === 'severityChanged' && RANK[e.to] < RANK[e.from]) {
      // Raising the severity starts that level's first-update clock, unless one is due sooner.
      const raised = config[e.to];
      if (raised) due = Math.min(due, t + raised.firstMinutes * MINUTE);
    } else if (e.type === 'reminderSnoozed') {
      snoozedUntil = t + e.minutes * MINUTE;
      snoozeReason = e.reason;
    }
  }
  const result: UpdateSchedule = { ...base };
  if (snoozedUntil !== undefined && snoozedUntil > due) {
    due = snoozedUntil;
    result.snoozedUntil = new Date(snoozedUntil).toISOString();
    result.snoozeReason = snoozeReason;
  }
  result.dueAt = new Date(due).toISOString();
  result.msUntilDue = due - now;
  result.state = now >= due ? 'overdue' : 'scheduled';
  return result;
}

export { formatDuration } from './duration';
