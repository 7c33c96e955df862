// One writer's events of one incident as they travel through the team's remote, and the checks
// a fetched copy must pass before any of it is believed.
//
// A writer's tree holds `writer.json` — `{"format":1,"incidentId":…,"writer":…,"name":…}`, the
// writer's claim of who they are — and `events.jsonl`, the journal records (checksummed
// canonical JSON, one per line) of every event that writer recorded for the incident.
//
// What a teammate's copy cannot do: be bigger than the limit (refused whole, never read), claim
// to be another writer or another incident (refused whole), carry a record whose checksum
// fails or that is not an event (that line quarantined), or carry an event stamped with another
// writer's id or another incident (that event quarantined). What passes is only ever data:
// shown as text, merged by id, never run. Authorship is what each writer claims.
import { createHash } from 'node:crypto';
import { encodeRecord, scanSegment } from './journal';
import { isIncidentId, isWriterId } from './ids';
import { compareEvents } from './eventSchema';
import type { TimelineEvent } from './model';
import { isRecord } from './shape';

export const SEGMENT_FORMAT = 1;
/** A teammate's events file bigger than this is refused without being read. */
export const MAX_SHARED_SEGMENT_BYTES = 16 * 1024 * 1024;
export const MAX_WRITER_FILE_BYTES = 4 * 1024;
const MAX_CLAIMED_NAME = 200;

export interface WriterClaim {
  format: number;
  incidentId: string;
  writer: string;
  name: string;
}

export interface EncodedSegment {
  events: Buffer;
  writer: Buffer;
  count: number;
}

/** The two files of this writer's tree for an incident. */
export function encodeWriterSegment(incidentId: string, writer: string, name: string, events: readonly TimelineEvent[]): EncodedSegment {
  const sorted = [...events].sort(compareEvents);
  const claim: WriterClaim = { format: SEGMENT_FORMAT, incidentId, writer, name: name.slice(0, MAX_CLAIMED_NAME) };
  return {
    events: Buffer.concat(sorted.map(encodeRecord)),
    writer: Buffer.from(`${JSON.stringify(claim)}\n`, 'utf8'),
    count: sorted.length,
  };
}

/** The id git gives a blob with these bytes (SHA-1 object format). */
export function gitBlobId(bytes: Uint8Array): string {
  return createHash('sha1').update(`blob ${bytes.byteLength}\0`).update(bytes).digest('hex');
}

export type SegmentProblemKind = 'huge' | 'malformed' | 'forgedWriter' | 'wrongIncident' | 'badRecord' | 'changedEvent';

export interface SegmentProblem {
  kind: SegmentProblemKind;
  /** 1-based line of events.jsonl (0: the whole segment). */
  line: number;
  reason: string;
}

export interface CheckedSegment {
  /** Events that passed every check. */
  events: TimelineEvent[];
  problems: SegmentProblem[];
  /** The bytes that were set aside (bad lines), for the quarantine file. */
  quarantined: Buffer;
  /** True when nothing of the segment was taken (too big, or the claim is wrong). */
  refused: boolean;
  /** The name the writer claims, when the claim could be read. */
  claimedName?: string;
}

export interface FetchedSegment {
  /** From the ref name: the incident and writer this segment must belong to. */
  incidentId: string;
  writer: string;
  /** The events file: its bytes, or only its size when it was too big to read. */
  events: { size: number; content?: Uint8Array } | undefined;
  writerFile: { size: number; content?: Uint8Array } | undefined;
  maxBytes?: number;
}

/** Checks a fetched writer segment; never throws. */
export function checkWriterSegment(input: FetchedSegment): CheckedSegment {
  const refused = (kind: SegmentProblemKind, reason: string): CheckedSegment => ({ events: [], problems: [{ kind, line: 0, reason }], quarantined: Buffer.alloc(0), refused: true });
  const max = input.maxBytes ?? MAX_SHARED_SEGMENT_BYTES;
  if (!input.events || !input.writerFile) return refused('malformed', 'the writer commit lacks events.jsonl or writer.json');
  if (input.events.size > max || !input.events.content) return refused('huge', `events.jsonl is ${input.events.size} bytes, over the limit of ${max}; it was not read`);
  if (input.writerFile.size > MAX_WRITER_FILE_BYTES || !input.writerFile.content) return refused('malformed', 'writer.json is too big');
  const claim = parseClaim(input.writerFile.content);
  if (typeof claim === 'string') return refused('malformed', `writer.json: ${claim}`);
  if (claim.writer !== input.writer) return refused('forgedWriter', `writer.json claims writer ${claim.writer}, but the ref belongs to ${input.writer}`);
  if (claim.incidentId !== input.incidentId) return refused('wrongIncident', `writer.json claims incident ${claim.incidentId}, but the ref is for ${input.incidentId}`);

  const scan = scanSegment(input.events.content);
  const problems: SegmentProblem[] = [];
  const bad: Buffer[] = [];
  for (const b of scan.bad) {
    problems.push({ kind: 'badRecord', line: b.line.line, reason: b.reason });
    bad.push(b.line.bytes);
  }
  const events: TimelineEvent[] = [];
  const seen = new Set<string>();
  for (const { line, event } of scan.records) {
    let reason: string | undefined;
    let kind: SegmentProblemKind = 'forgedWriter';
    if (event.writer !== undefined && event.writer !== input.writer) reason = `the event claims writer ${String(event.writer).slice(0, 40)}, but this segment belongs to ${input.writer}`;
    else if (event.incidentId !== input.incidentId) {
      kind = 'wrongIncident';
      reason = `the event belongs to ${String(event.incidentId).slice(0, 60)}, not ${input.incidentId}`;
    } else if (seen.has(event.id)) {
      kind = 'badRecord';
      reason = `event ${event.id.slice(0, 60)} appears twice`;
    }
    if (reason) {
      problems.push({ kind, line: line.line, reason });
      bad.push(line.bytes);
      continue;
    }
    seen.add(event.id);
    events.push(event);
  }
  return { events, problems, quarantined: Buffer.concat(bad.flatMap((b) => [b, Buffer.from('\n')])), refused: false, claimedName: claim.name };
}

function parseClaim(bytes: Uint8Array): WriterClaim | string {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return 'not JSON';
  }
  if (!isRecord(raw)) return 'not an object';
  if (raw.format !== SEGMENT_FORMAT) return `format ${JSON.stringify(raw.format)?.slice(0, 20)} is not one this version reads`;
  if (typeof raw.incidentId !== 'string' || !isIncidentId(raw.incidentId)) return 'no valid incidentId';
  if (!isWriterId(raw.writer)) return 'no valid writer';
  if (typeof raw.name !== 'string' || raw.name.length > MAX_CLAIMED_NAME) return 'no valid name';
  return { format: SEGMENT_FORMAT, incidentId: raw.incidentId, writer: raw.writer, name: raw.name };
}

/**
 * Merges a newly fetched copy into what was taken from the same writer before: nothing taken
 * is ever dropped (a rewritten history cannot delete events), and an event whose content
 * changed keeps its first copy, with a problem saying so.
 */
export function mergeWithPrevious(previous: readonly TimelineEvent[], fetched: readonly TimelineEvent[]): { events: TimelineEvent[]; added: number; problems: SegmentProblem[] } {
  const byId = new Map(previous.map((e) => [e.id, e]));
  const problems: SegmentProblem[] = [];
  let added = 0;
  for (const e of fetched) {
    const old = byId.get(e.id);
    if (!old) {
      byId.set(e.id, e);
      added += 1;
    } else if (!encodeRecord(old).equals(encodeRecord(e))) {
      problems.push({ kind: 'changedEvent', line: 0, reason: `event ${e.id.slice(0, 60)} was changed after it was shared; the first copy is kept` });
    }
  }
  return { events: [...byId.values()].sort(compareEvents), added, problems };
}
