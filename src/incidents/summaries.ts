// The summary cache of a store: for each incident, the folded state and the size and time of
// each of its event files when that state was computed. At startup a resolved incident whose
// files are unchanged is listed from here and its journal is read only when someone opens it,
// so a store with a thousand past incidents does not read a thousand journals before it is
// ready. The cache is derived data: anything odd in it means "read the journal".
import { SEVERITIES } from '../runbooks/model';
import type { FileStamp } from './journal';
import { STATUSES, type Incident } from './model';
import { isRecord, isoTime, object, oneOf, str, type Check } from './shape';

export const SUMMARY_FILE = 'summaries.json';
const VERSION = 1;

export interface CachedIncident {
  /** Event file name → [size, mtimeMs] when `incident` was folded. */
  stamps: Record<string, [number, number]>;
  shared: boolean;
  incident: Incident;
}

const incidentShape: Check = object(
  {
    id: str({ min: 1, max: 200 }),
    title: str({ max: 100_000 }),
    severity: oneOf(SEVERITIES),
    status: oneOf(STATUSES),
    declaredAt: isoTime,
    summary: str({ max: 1_000_000 }),
    roles: (v) => (isRecord(v) ? undefined : 'not an object'),
    milestones: (v) => (isRecord(v) ? undefined : 'not an object'),
    services: (v) => (Array.isArray(v) ? undefined : 'not an array'),
    pinned: (v) => (Array.isArray(v) ? undefined : 'not an array'),
    followUps: (v) => (Array.isArray(v) ? undefined : 'not an array'),
  },
  { resolvedAt: isoTime },
  false,
);

const stampsShape: Check = (v) =>
  isRecord(v) && Object.values(v).every((s) => Array.isArray(s) && s.length === 2 && s.every((n) => typeof n === 'number' && Number.isFinite(n)))
    ? undefined
    : 'bad stamps';

/** The cache as read from disk; entries that do not look right are left out (their journal is read instead). */
export function parseSummaries(bytes: Uint8Array | undefined): Map<string, CachedIncident> {
  const out = new Map<string, CachedIncident>();
  if (!bytes) return out;
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return out;
  }
  if (!isRecord(raw) || raw.version !== VERSION || !isRecord(raw.incidents)) return out;
  for (const [id, entry] of Object.entries(raw.incidents)) {
    if (!isRecord(entry) || stampsShape(entry.stamps) || incidentShape(entry.incident) || typeof entry.shared !== 'boolean') continue;
    const incident = entry.incident as unknown as Incident;
    if (incident.id !== id) continue;
    out.set(id, { stamps: entry.stamps as CachedIncident['stamps'], shared: entry.shared, incident });
  }
  return out;
}

export function encodeSummaries(entries: Map<string, CachedIncident>): Buffer {
  const incidents: Record<string, CachedIncident> = {};
  for (const [id, entry] of [...entries].sort(([a], [b]) => (a < b ? -1 : 1))) incidents[id] = entry;
  return Buffer.from(JSON.stringify({ version: VERSION, incidents }), 'utf8');
}

export function toStampRecord(stamps: Map<string, FileStamp>): Record<string, [number, number]> {
  const out: Record<string, [number, number]> = {};
  for (const [name, s] of stamps) out[name] = [s.size, s.mtimeMs];
  return out;
}

/** Whether the files are exactly those the cached summary was folded from. */
export function sameStamps(cached: Record<string, [number, number]>, now: Map<string, FileStamp>): boolean {
  const names = Object.keys(cached);
  if (names.length !== now.size) return false;
  return names.every((name) => {
    const s = now.get(name);
    return s !== undefined && s.size === cached[name][0] && s.mtimeMs === cached[name][1];
  });
}
