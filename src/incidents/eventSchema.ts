// What a timeline event must look like, checked at runtime: records read back from a journal
// (possibly written by a newer or older version) and events crossing into the webview.
// A record that does not fit a known type is kept as an `unknown` event, never dropped.
import { SEVERITIES } from '../runbooks/model';
import { MILESTONES, ROLES, STATUSES, type EventType, type TimelineEvent } from './model';
import { arrayOf, bool, int, isRecord, isoTime, nullable, num, object, oneOf, str, type Check } from './shape';

const TEXT = str({ max: 1_000_000 });
const NAME = str({ max: 10_000 });
const SHA = str({ pattern: /^[0-9a-f]{40,64}$/ });

/** A plain object of string values (alert labels), bounded. */
const stringRecord = (maxKeys: number, maxValue: number): Check => (v) => {
  if (!isRecord(v)) return 'not an object';
  const entries = Object.entries(v);
  if (entries.length > maxKeys) return `more than ${maxKeys} entries`;
  for (const [k, value] of entries) {
    if (k.length > 200) return 'a key is too long';
    if (typeof value !== 'string' || value.length > maxValue) return `${k.slice(0, 40)}: not a string of at most ${maxValue} characters`;
  }
  return undefined;
};

const ALERT = object({ name: NAME, labels: stringRecord(100, 10_000) }, { link: TEXT, runbookPath: TEXT });
const RUN_OUTPUT = object(
  { head: arrayOf(TEXT, 100), tail: arrayOf(TEXT, 100), lines: int({ min: 0 }), bytes: int({ min: 0 }) },
  { file: str({ pattern: /^outputs\/[A-Za-z0-9._-]+\.txt$/ }), sha256: SHA, truncated: bool, masked: int({ min: 0 }) },
);
const CHANGE = object(
  { repo: NAME, sha: SHA, kind: oneOf(['commit', 'tag']), author: NAME, at: isoTime, subject: TEXT },
  { ref: NAME },
);

export const EVENT_BASE: Record<string, Check> = {
  id: str({ min: 1, max: 200 }),
  incidentId: str({ min: 1, max: 200 }),
  time: isoTime,
  author: NAME,
};

/** Optional on every event: the writer that recorded it (see ids.ts). */
export const EVENT_BASE_OPTIONAL: Record<string, Check> = {
  writer: str({ min: 1, max: 40, pattern: /^w[0-9a-z]{10}$/ }),
};

/** Fields of each known event type beyond the base (required, optional). */
export const EVENT_FIELDS: Record<Exclude<EventType, 'unknown'>, [Record<string, Check>, Record<string, Check>]> = {
  declared: [
    { title: TEXT, severity: oneOf(SEVERITIES), summary: TEXT, services: arrayOf(NAME) },
    { commander: NAME, alert: ALERT },
  ],
  note: [{ text: TEXT }, { runbookPath: TEXT, blockIndex: int({ min: 0 }), about: str({ min: 1, max: 200 }) }],
  statusChanged: [{ from: oneOf(STATUSES), to: oneOf(STATUSES) }, { summary: TEXT }],
  severityChanged: [{ from: oneOf(SEVERITIES), to: oneOf(SEVERITIES) }, { reason: TEXT }],
  roleAssigned: [{ role: oneOf(ROLES), person: NAME }, { previous: NAME }],
  milestone: [{ milestone: oneOf(MILESTONES), at: isoTime }, { reason: TEXT }],
  commandRun: [
    {
      runbookPath: TEXT,
      runbookTitle: TEXT,
      blockIndex: int({ min: 0 }),
      command: TEXT,
      exitCode: nullable(int()),
      durationMs: num({ min: 0 }),
    },
    { outputTail: TEXT, unknownReason: TEXT, output: RUN_OUTPUT, service: NAME, startedAt: isoTime, attached: bool, target: TEXT },
  ],
  statusUpdate: [{ audience: oneOf(['internal', 'external']), text: TEXT, state: oneOf(['drafted', 'posted']) }, { nextUpdateAt: isoTime }],
  reminderSnoozed: [{ minutes: num({ min: 0, max: 7 * 24 * 60 }), reason: TEXT }, {}],
  summaryChanged: [{ summary: TEXT }, { services: arrayOf(NAME) }],
  customerSummaryChanged: [{ text: TEXT }, {}],
  pinned: [{ target: str({ min: 1, max: 200 }), pinned: bool }, {}],
  correction: [{ target: str({ min: 1, max: 200 }), text: TEXT }, {}],
  evidencePinned: [
    { target: str({ min: 1, max: 200 }), pinned: bool },
    { fromLine: int({ min: 1 }), toLine: int({ min: 1 }), text: TEXT },
  ],
  changesObserved: [
    { windowStart: isoTime, windowEnd: isoTime, repos: arrayOf(NAME, 100), changes: arrayOf(CHANGE, 1_000) },
    { problems: arrayOf(TEXT, 100) },
  ],
  joined: [{}, { role: oneOf(ROLES) }],
};

const KNOWN = new Set(Object.keys(EVENT_FIELDS));

const checkers = new Map<string, Check>(
  Object.entries(EVENT_FIELDS).map(([type, [req, opt]]) => [
    type,
    object({ ...EVENT_BASE, type: oneOf([type]), ...req }, { ...EVENT_BASE_OPTIONAL, ...opt }, false),
  ]),
);

const unknownChecker = object(
  { ...EVENT_BASE, type: oneOf(['unknown']), originalType: str({ max: 200 }), raw: (v) => (isRecord(v) ? undefined : 'not an object') },
  EVENT_BASE_OPTIONAL,
  false,
);

/** Why this value is not a valid event (of a known type, or an `unknown` wrapper), or undefined. */
export function eventProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return 'not an object';
  const check = value.type === 'unknown' ? unknownChecker : checkers.get(String(value.type));
  if (!check) return `unknown event type ${JSON.stringify(value.type)}`;
  return check(value);
}

/**
 * Turns a parsed journal record into an event. Records of a known type with the fields that
 * type needs are returned as they are (extra fields from a newer version are kept); anything
 * else that still has the base fields becomes an `unknown` event carrying the whole record.
 * Returns undefined only when even the base fields (id, incidentId, time, author) are missing.
 */
export function toTimelineEvent(record: unknown): TimelineEvent | undefined {
  if (!isRecord(record)) return undefined;
  if (object(EVENT_BASE, {}, false)(record)) return undefined;
  const type = typeof record.type === 'string' ? record.type : '';
  if (KNOWN.has(type) && !checkers.get(type)!(record)) return record as unknown as TimelineEvent;
  if (type === 'unknown' && !unknownChecker(record)) return record as unknown as TimelineEvent;
  return {
    id: record.id as string,
    incidentId: record.incidentId as string,
    time: record.time as string,
    author: record.author as string,
    ...(typeof record.writer === 'string' && !EVENT_BASE_OPTIONAL.writer(record.writer) ? { writer: record.writer } : {}),
    type: 'unknown',
    originalType: type,
    raw: record,
  };
}

/** Order of events on a timeline: by recording time, then by id (ids sort by creation). */
export function compareEvents(a: { time: string; id: string }, b: { time: string; id: string }): number {
  if (a.time !== b.time) return a.time < b.time ? -1 : 1;
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
