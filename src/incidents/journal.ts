// The incident journal: the source of truth of every timeline.
//
// Layout: `<root>/<incidentId>/` holds append-only JSON Lines segments (`s-….jsonl`). Each
// writer (one per window and incident) creates its own segment, so two windows never append
// to one file; reading merges every segment by event id. One line is one record:
//
//   {"sha256":"<64 hex>","event":<canonical JSON of the event>}\n
//
// The checksum covers exactly the bytes of the event as written, so any changed byte is caught.
//
// Durability: an append is acknowledged (its promise resolves) only after the bytes were
// written and `fdatasync` returned. Appends that arrive while a flush is running are grouped
// into the next write + flush. A handle whose write or flush failed is never used again (after
// a failed fsync the kernel may have dropped the dirty pages and a retry could "succeed"
// without the data): the unconfirmed events go to a new segment, and the state stays
// `notSaved` until a flush succeeds.
//
// Recovery on load keeps every complete record, moves torn or corrupt lines aside into
// `<incidentId>/quarantine/` (never deleting a byte) and reports what it did. Records of a type
// this version does not know are kept as `unknown` events.
import { createHash, randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { describeFsError, isNotFound } from '../fsErrors';
import { canonicalJson } from './canonical';
import { compareEvents, toTimelineEvent } from './eventSchema';
import type { SaveState, TimelineEvent } from './model';

export type { SaveState };

// ---------------------------------------------------------------------------------------------
// The file system, injected so tests can fail any call.

export interface JournalFileHandle {
  /** Writes all of `data` (or throws). */
  write(data: Uint8Array): Promise<void>;
  datasync(): Promise<void>;
  close(): Promise<void>;
}

export interface JournalFs {
  /** `wx`: create a new file, fail if it exists. `ax`: the same, opened for appending. */
  open(path: string, flags: 'wx' | 'ax'): Promise<JournalFileHandle>;
  /** Creates a folder and its parents; fine when it exists. */
  mkdir(path: string): Promise<void>;
  /** Creates one new folder (parent must exist); false when it already exists. */
  createDir(path: string): Promise<boolean>;
  /** Names in a folder; throws ENOENT-like errors when it does not exist. */
  readdir(path: string): Promise<string[]>;
  isDirectory(path: string): Promise<boolean>;
  readFile(path: string): Promise<Uint8Array>;
  rename(from: string, to: string): Promise<void>;
  /** Makes a folder's entries (new and renamed files) durable; may be a no-op where unsupported. */
  syncDir(path: string): Promise<void>;
  /** Size and modification time of a file. */
  stat(path: string): Promise<FileStamp>;
  /** The bytes of a file from `start` to its current end. */
  readFrom(path: string, start: number): Promise<Uint8Array>;
}

export interface FileStamp {
  size: number;
  mtimeMs: number;
}

// ---------------------------------------------------------------------------------------------
// Records

const PREFIX = Buffer.from('{"sha256":"', 'utf8');
const MIDDLE = Buffer.from('","event":', 'utf8');
const PAYLOAD_START = PREFIX.length + 64 + MIDDLE.length;
const NEWLINE = 0x0a;
const CLOSE_BRACE = 0x7d;
const HEX = /^[0-9a-f]{64}$/;

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** One journal line (with its newline) for an event. */
export function encodeRecord(event: TimelineEvent): Buffer {
  const payload = Buffer.from(canonicalJson(event), 'utf8');
  return Buffer.concat([PREFIX, Buffer.from(sha256Hex(payload), 'ascii'), MIDDLE, payload, Buffer.from('}\n', 'ascii')]);
}

export type DecodedLine = { ok: true; event: TimelineEvent } | { ok: false; reason: string };

/** Checks and parses one line (without its newline). Never throws. */
export function decodeRecord(line: Uint8Array): DecodedLine {
  const buf = Buffer.from(line.buffer, line.byteOffset, line.byteLength);
  if (buf.length < PAYLOAD_START + 2) return { ok: false, reason: 'too short to be a record' };
  if (!buf.subarray(0, PREFIX.length).equals(PREFIX)) return { ok: false, reason: 'does not start like a record' };
  const sum = buf.subarray(PREFIX.length, PREFIX.length + 64).toString('latin1');
  if (!HEX.test(sum)) return { ok: false, reason: 'checksum is not hex' };
  if (!buf.subarray(PREFIX.length + 64, PAYLOAD_START).equals(MIDDLE)) return { ok: false, reason: 'malformed record header' };
  if (buf[buf.length - 1] !== CLOSE_BRACE) return { ok: false, reason: 'record is not closed' };
  const payload = buf.subarray(PAYLOAD_START, buf.length - 1);
  if (sha256Hex(payload) !== sum) return { ok: false, reason: 'checksum mismatch' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload.toString('utf8'));
  } catch {
    return { ok: false, reason: 'checksum matches but the event is not JSON' };
  }
  const event = toTimelineEvent(parsed);
  if (!event) return { ok: false, reason: 'record lacks id, incidentId, time or author' };
  return { ok: true, event };
}

export interface ScannedLine {
  /** 1-based line number in the segment. */
  line: number;
  /** Byte offset of the line's first byte. */
  offset: number;
  bytes: Buffer;
  /** Whether the line ended with a newline (false only for the last line). */
  terminated: boolean;
}

export interface SegmentScan {
  records: { line: ScannedLine; event: TimelineEvent }[];
  bad: { line: ScannedLine; kind: 'torn' | 'corrupt'; reason: string }[];
}

/** Splits a segment into valid records and bad lines. Never throws. */
export function scanSegment(data: Uint8Array): SegmentScan {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const scan: SegmentScan = { records: [], bad: [] };
  let start = 0;
  let lineNo = 0;
  while (start < buf.length) {
    const nl = buf.indexOf(NEWLINE, start);
    const end = nl === -1 ? buf.length : nl;
    lineNo += 1;
    const line: ScannedLine = { line: lineNo, offset: start, bytes: buf.subarray(start, end), terminated: nl !== -1 };
    start = end + 1;
    // An empty line carries nothing to keep or move aside.
    if (line.bytes.length === 0) continue;
    const decoded = decodeRecord(line.bytes);
    if (decoded.ok) {
      scan.records.push({ line, event: decoded.event });
      continue;
    }
    // A damaged line may hide whole records (a lost newline joins two lines): resynchronise at
    // every record start inside it and judge each piece on its own.
    const starts = [0];
    for (let at = line.bytes.indexOf(PREFIX, 1); at !== -1; at = line.bytes.indexOf(PREFIX, at + 1)) starts.push(at);
    starts.forEach((from, i) => {
      const to = i + 1 < starts.length ? starts[i + 1] : line.bytes.length;
      const piece: ScannedLine = { ...line, offset: line.offset + from, bytes: line.bytes.subarray(from, to), terminated: line.terminated || to < line.bytes.length };
      const d = starts.length === 1 ? decoded : decodeRecord(piece.bytes);
      if (d.ok) scan.records.push({ line: piece, event: d.event });
      else scan.bad.push({ line: piece, kind: piece.terminated ? 'corrupt' : 'torn', reason: d.reason });
    });
  }
  return scan;
}

// ---------------------------------------------------------------------------------------------
// Segment names and liveness

const SEGMENT = /^s-([0-9a-f]{12})-(\d+)-([0-9a-f]+)\.jsonl$/;

export function segmentName(nowMs: number, pid: number, randomHex: string): string {
  return `s-${Math.max(0, Math.floor(nowMs)).toString(16).padStart(12, '0')}-${pid}-${randomHex}.jsonl`;
}

export function isSegmentName(name: string): boolean {
  return SEGMENT.test(name);
}

// A shared copy holds the events of one writer of another installation (a teammate, or this
// engineer's own events recovered from the remote), as fetched: `t-<writerId>.jsonl`. It is
// replaced whole (write, flush, rename), never appended to, and read like a segment.
const SHARED_COPY = /^t-(w[0-9a-z]{10})\.jsonl$/;

export function sharedCopyName(writer: string): string {
  return `t-${writer}.jsonl`;
}

export function isSharedCopyName(name: string): boolean {
  return SHARED_COPY.test(name);
}

/** The writer whose events a shared copy holds. */
export function sharedCopyWriter(name: string): string | undefined {
  return SHARED_COPY.exec(name)?.[1];
}

/** Files of an incident folder that hold events: this store's segments, then shared copies. */
export function isEventFileName(name: string): boolean {
  return isSegmentName(name) || isSharedCopyName(name);
}

/** The process id a segment's writer ran in, from its name. */
export function segmentPid(name: string): number | undefined {
  const m = SEGMENT.exec(name);
  return m ? Number(m[2]) : undefined;
}

/** Segments that a writer in this process currently has open (absolute paths). */
const openSegments = new Set<string>();

/**
 * Whether a segment may still be appended to: a writer in this process has it open, or it was
 * written by another process that is still running. Recovery never rewrites such a segment;
 * its unfinished last line is simply not read yet.
 */
export function defaultIsSegmentActive(path: string, name: string): boolean {
  if (openSegments.has(path)) return true;
  const pid = segmentPid(name);
  if (pid === undefined) return false;
  if (pid === process.pid) return false;
  return processAlive(pid);
}

/** Whether a process with this id runs (one we may not signal counts as running). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// ---------------------------------------------------------------------------------------------
// Reading and recovery

export interface JournalProblem {
  /** Empty for a problem with the journal folder itself. */
  incidentId: string;
  /** The segment's (or draft's) file name; empty for a problem with a whole folder. */
  segment: string;
  /** 1-based line in the segment (0 for problems with the whole segment or folder). */
  line: number;
  kind: 'torn' | 'corrupt' | 'conflict' | 'unreadable';
  reason: string;
  /** Where the bad bytes were moved; absent when they were left in place (segment still active). */
  quarantinedTo?: string;
  /** The file or folder that could not be read (for `unreadable`). */
  path?: string;
}

/** Thrown when an incident's journal (its folder or a segment) cannot be read: what is there is unknown. */
export class JournalReadError extends Error {
  constructor(
    readonly incidentId: string,
    readonly problems: readonly JournalProblem[],
  ) {
    super(`The journal of ${incidentId} could not be read: ${problems.map(describeJournalProblem).join('; ')}`);
    this.name = 'JournalReadError';
  }
}

/** One line for the log or a message: where, what, and where the bad bytes went. */
export function describeJournalProblem(p: JournalProblem): string {
  const where = p.segment ? `${p.incidentId}/${p.segment}${p.line > 0 ? `:${p.line}` : ''}` : p.path ?? (p.incidentId || 'the journal folder');
  return `${where}: ${p.kind}: ${p.reason}${p.quarantinedTo ? ` (moved to ${p.quarantinedTo})` : ''}`;
}

export interface IncidentLoad {
  incidentId: string;
  /** Every intact event, merged across segments by id, in timeline order. */
  events: TimelineEvent[];
  problems: JournalProblem[];
  segments: string[];
  /** Event id → the file its kept copy came from (a segment of this store, or a shared copy). */
  origins: Map<string, string>;
  /** Where reading stopped in each file, to read only what was added since (`readNew`). */
  cursor: JournalCursor;
}

/** Per event file: how far it was read (segments) or how it looked (shared copies). */
export type JournalCursor = Map<string, { offset: number; size: number; mtimeMs: number }>;

export interface JournalChanges {
  /** Events found since the cursor (possibly some already known: merge by id). */
  events: TimelineEvent[];
  origins: Map<string, string>;
  cursor: JournalCursor;
  /** Whether anything changed at all (a file appeared, grew, shrank or was replaced). */
  changed: boolean;
}

export interface JournalOptions {
  fs: JournalFs;
  root: string;
  clock?: () => number;
  /** Random hex digits for file names (crypto randomness in production). */
  randomHex?: (digits: number) => string;
  pid?: number;
  isSegmentActive?: (path: string, name: string) => boolean;
  log?: (message: string) => void;
  /**
   * Problems found outside a load (a note draft that cannot be read), for the editor to show;
   * problems found while loading are returned by `load` and `listIncidents` instead.
   */
  reportProblem?: (problem: JournalProblem) => void;
  /** Delay before retrying unconfirmed events after two failed attempts in a row. */
  retryDelayMs?: number;
  setTimer?: (fn: () => void, ms: number) => { cancel(): void };
}

const QUARANTINE = 'quarantine';

export class Journal {
  readonly root: string;
  private readonly fs: JournalFs;
  private readonly clock: () => number;
  private readonly randomHex: (digits: number) => string;
  private readonly pid: number;
  private readonly isSegmentActive: (path: string, name: string) => boolean;
  private readonly log: (message: string) => void;
  private readonly writers = new Map<string, SegmentWriter>();

  constructor(private readonly options: JournalOptions) {
    this.fs = options.fs;
    this.root = options.root;
    this.clock = options.clock ?? Date.now;
    this.randomHex = options.randomHex ?? defaultRandomHex;
    this.pid = options.pid ?? process.pid;
    this.isSegmentActive = options.isSegmentActive ?? defaultIsSegmentActive;
    this.log = options.log ?? (() => {});
  }

  incidentDir(incidentId: string): string {
    return join(this.root, incidentId);
  }

  /** Folders under the root that hold an incident (named like an incident id). */
  async incidentIds(): Promise<string[]> {
    return (await this.listIncidents()).ids;
  }

  /**
   * The incident folders under the root, and what could not be read: a root that does not exist
   * yet holds no incidents; a root (or an entry) that cannot be read is a problem, never an
   * empty list without a word.
   */
  async listIncidents(): Promise<{ ids: string[]; problems: JournalProblem[] }> {
    const problems: JournalProblem[] = [];
    let names: string[];
    try {
      names = await this.fs.readdir(this.root);
    } catch (err) {
      if (!isNotFound(err)) problems.push(unreadable('', '', this.root, err));
      this.logProblems(problems);
      return { ids: [], problems };
    }
    const ids: string[] = [];
    for (const name of names) {
      if (!/^[A-Za-z0-9][A-Za-z0-9._-]*$/.test(name) || name === QUARANTINE) continue;
      const path = join(this.root, name);
      try {
        if (await this.fs.isDirectory(path)) ids.push(name);
      } catch (err) {
        // Gone between listing and looking: nothing to read. Anything else: say so.
        if (!isNotFound(err)) problems.push(unreadable(name, '', path, err));
      }
    }
    this.logProblems(problems);
    return { ids: ids.sort(), problems };
  }

  private logProblems(problems: readonly JournalProblem[]): void {
    for (const p of problems) this.log(`journal ${describeJournalProblem(p)}`);
  }

  /** Reads every segment of an incident; with `recover` (default) quarantines bad lines of finished segments. */
  async load(incidentId: string, { recover = true }: { recover?: boolean } = {}): Promise<IncidentLoad> {
    const dir = this.incidentDir(incidentId);
    const result: IncidentLoad = { incidentId, events: [], problems: [], segments: [], origins: new Map(), cursor: new Map() };
    let names: string[];
    try {
      names = (await this.fs.readdir(dir)).filter(isEventFileName).sort();
    } catch (err) {
      // No folder: no journal for this incident here. A folder that cannot be read: a problem.
      if (!isNotFound(err)) result.problems.push(unreadable(incidentId, '', dir, err));
      this.logProblems(result.problems);
      return result;
    }
    const byId = new Map<string, { event: TimelineEvent; bytes: Buffer; segment: string }>();
    for (const name of names) {
      const path = join(dir, name);
      let data: Uint8Array;
      try {
        data = await this.fs.readFile(path);
      } catch (err) {
        result.problems.push(unreadable(incidentId, name, path, err));
        continue;
      }
      result.segments.push(name);
      const stamp = await this.fs.stat(path).catch(() => ({ size: data.byteLength, mtimeMs: 0 }));
      result.cursor.set(name, { offset: completeLength(data), size: stamp.size, mtimeMs: stamp.mtimeMs });
      const scan = scanSegment(data);
      for (const { line, event } of scan.records) {
        const seen = byId.get(event.id);
        if (!seen) {
          byId.set(event.id, { event, bytes: line.bytes, segment: name });
          result.origins.set(event.id, name);
        } else if (!seen.bytes.equals(line.bytes)) {
          // Same id, different content: keep the first (segment order) and say so.
          result.problems.push({
            incidentId, segment: name, line: line.line, kind: 'conflict',
            reason: `event ${event.id} differs from the copy in ${seen.segment}; the first copy is kept`,
          });
        }
      }
      if (scan.bad.length === 0) continue;
      const active = this.isSegmentActive(path, name);
      // The unfinished last line of a segment that is still being written is not a problem yet.
      const bad = active ? scan.bad.filter((b) => b.kind !== 'torn') : scan.bad;
      let quarantinedTo: string | undefined;
      if (recover && !active) {
        try {
          quarantinedTo = await this.quarantine(dir, name, scan);
          // The file now holds only its good lines: read on from their end.
          const goodLength = scan.records.reduce((n, r) => n + r.line.bytes.length + 1, 0);
          const after = await this.fs.stat(path).catch(() => ({ size: goodLength, mtimeMs: 0 }));
          result.cursor.set(name, { offset: goodLength, size: after.size, mtimeMs: after.mtimeMs });
        } catch (err) {
          this.log(`could not move bad lines of ${incidentId}/${name} aside: ${errorText(err)}`);
        }
      }
      for (const b of bad) {
        result.problems.push({ incidentId, segment: name, line: b.line.line, kind: b.kind, reason: b.reason, ...(quarantinedTo ? { quarantinedTo } : {}) });
      }
    }
    result.events = [...byId.values()].map((v) => v.event).sort(compareEvents);
    this.logProblems(result.problems);
    return result;
  }

  /**
   * Moves a finished segment's bad lines into a quarantine file and replaces the segment with
   * its good lines. Order matters for a crash at any point: the quarantine copy is durable
   * before the segment is replaced (atomically, by rename), so every byte exists somewhere.
   */
  private async quarantine(dir: string, name: string, scan: SegmentScan): Promise<string> {
    const qdir = join(dir, QUARANTINE);
    await this.fs.mkdir(qdir);
    const stamp = `${Math.floor(this.clock()).toString(16)}-${this.randomHex(6)}`;
    const qname = `${name}.${stamp}.bad`;
    const badBytes = Buffer.concat(scan.bad.flatMap((b) => [b.line.bytes, Buffer.from('\n')]));
    await writeDurably(this.fs, join(qdir, qname), badBytes);
    await this.fs.syncDir(qdir);
    const good = [...scan.records].sort((a, b) => a.line.offset - b.line.offset);
    const goodBytes = Buffer.concat(good.flatMap((r) => [r.line.bytes, Buffer.from('\n')]));
    const tmp = join(dir, `${name}.${stamp}.tmp`);
    await writeDurably(this.fs, tmp, goodBytes);
    await this.fs.rename(tmp, join(dir, name));
    await this.fs.syncDir(dir);
    return `${QUARANTINE}/${qname}`;
  }

  /**
   * Reads what was added to an incident's files since `cursor` (another window appended, a
   * sync replaced a shared copy). Segments are read from where reading stopped, up to their
   * last complete line; a shared copy that changed is read whole. Nothing is moved aside here:
   * a damaged line is skipped and logged, and the next full load quarantines it.
   */
  async readNew(incidentId: string, cursor: JournalCursor): Promise<JournalChanges> {
    const dir = this.incidentDir(incidentId);
    const out: JournalChanges = { events: [], origins: new Map(), cursor: new Map(cursor), changed: false };
    let names: string[];
    try {
      names = (await this.fs.readdir(dir)).filter(isEventFileName).sort();
    } catch (err) {
      if (!isNotFound(err)) this.log(`could not follow ${incidentId}: ${describeFsError(err)}`);
      return out;
    }
    for (const name of names) {
      const path = join(dir, name);
      const before = cursor.get(name);
      let stamp: FileStamp;
      try {
        stamp = await this.fs.stat(path);
      } catch (err) {
        // Gone between listing and looking (a shared copy being replaced): the next look reads it.
        if (!isNotFound(err)) this.log(`could not follow ${incidentId}/${name}: ${describeFsError(err)}`);
        continue;
      }
      if (before && before.size === stamp.size && before.mtimeMs === stamp.mtimeMs) continue;
      // A shared copy is replaced whole; a segment that shrank was rewritten by recovery.
      const whole = !before || isSharedCopyName(name) || stamp.size < before.offset;
      const start = whole ? 0 : before.offset;
      let data: Uint8Array;
      try {
        data = await this.fs.readFrom(path, start);
      } catch (err) {
        this.log(`could not read ${incidentId}/${name}: ${describeFsError(err)}`);
        continue;
      }
      const complete = completeLength(data);
      out.changed = true;
      out.cursor.set(name, { offset: start + complete, size: stamp.size, mtimeMs: stamp.mtimeMs });
      const scan = scanSegment(data.subarray(0, complete));
      for (const { event } of scan.records) {
        out.events.push(event);
        if (!out.origins.has(event.id)) out.origins.set(event.id, name);
      }
      for (const b of scan.bad) this.log(`journal ${incidentId}/${name}: skipped a ${b.kind} line while following changes (${b.reason}); the next load moves it aside`);
    }
    return out;
  }

  /**
   * Replaces the shared copy of one writer's events for an incident (write, flush, rename):
   * readers see the old copy or the new one, never half of one.
   */
  async writeSharedCopy(incidentId: string, writer: string, events: readonly TimelineEvent[]): Promise<void> {
    const dir = this.incidentDir(incidentId);
    await this.fs.mkdir(dir);
    const name = sharedCopyName(writer);
    const tmp = join(dir, `${name}.${this.randomHex(8)}.tmp`);
    const sorted = [...events].sort(compareEvents);
    await writeDurably(this.fs, tmp, Buffer.concat(sorted.map(encodeRecord)));
    await this.fs.rename(tmp, join(dir, name));
    await this.fs.syncDir(dir);
  }

  /**
   * Size and time of every event file of an incident (to tell whether a cached summary still
   * holds), and whether the incident is shared (marked so here, or holding a teammate's copy).
   */
  async stamps(incidentId: string): Promise<{ files: Map<string, FileStamp>; shared: boolean }> {
    const dir = this.incidentDir(incidentId);
    const files = new Map<string, FileStamp>();
    const names = await this.fs.readdir(dir);
    for (const name of names.filter(isEventFileName).sort()) {
      const s = await this.fs.stat(join(dir, name));
      files.set(name, { size: s.size, mtimeMs: s.mtimeMs });
    }
    return { files, shared: names.includes(SHARE_MARKER) || names.some(isSharedCopyName) };
  }

  /** Keeps bytes that were set aside (a teammate's bad lines) in the incident's quarantine folder; returns the path relative to the incident. */
  async writeQuarantine(incidentId: string, name: string, data: Uint8Array): Promise<string> {
    const qdir = join(this.incidentDir(incidentId), QUARANTINE);
    await this.fs.mkdir(qdir);
    const safe = name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 120);
    await this.writeFileAtomically(join(qdir, safe), data);
    return `${QUARANTINE}/${safe}`;
  }

  /** Marks an incident as shared through the team's remote (a small file in its folder). */
  async markShared(incidentId: string, info: Record<string, unknown>): Promise<void> {
    const dir = this.incidentDir(incidentId);
    await this.fs.mkdir(dir);
    await this.writeFileAtomically(join(dir, SHARE_MARKER), Buffer.from(JSON.stringify(info), 'utf8'));
  }

  /** A small file at the store's root (summaries, the active pointer); undefined when missing. */
  async readRootFile(name: string): Promise<Uint8Array | undefined> {
    try {
      return await this.fs.readFile(join(this.root, name));
    } catch (err) {
      // Missing is normal (first start); anything else is said, and treated as missing (these
      // files are derived or small pointers: the journals stay the source of truth).
      if (!isNotFound(err)) this.log(`could not read ${join(this.root, name)}: ${describeFsError(err)}`);
      return undefined;
    }
  }

  async writeRootFile(name: string, data: Uint8Array): Promise<void> {
    await this.fs.mkdir(this.root);
    await this.writeFileAtomically(join(this.root, name), data);
  }

  /**
   * Claims a key for this process across every window of the store: the first caller gets
   * true, and keeps it while its process lives; once that process is gone (a closed or crashed
   * window) the next caller takes it over. A reminder is shown by one window, not by all.
   */
  async claimOnce(key: string, pid = this.pid): Promise<boolean> {
    const dir = join(this.root, CLAIMS, key.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 200));
    await this.fs.mkdir(join(this.root, CLAIMS));
    const owner = join(dir, 'owner');
    if (await this.fs.createDir(dir)) {
      await this.writeFileAtomically(owner, Buffer.from(String(pid)));
      return true;
    }
    const current = Number(Buffer.from(await this.fs.readFile(owner).catch(() => Buffer.from(''))).toString('utf8'));
    if (current === pid) return true;
    if (Number.isInteger(current) && current > 0 && processAlive(current)) return false;
    await this.writeFileAtomically(owner, Buffer.from(String(pid)));
    return true;
  }

  /** Writes a small file atomically (write, flush, rename). */
  async writeFileAtomically(path: string, data: Uint8Array): Promise<void> {
    const tmp = `${path}.${this.randomHex(8)}.tmp`;
    await writeDurably(this.fs, tmp, data);
    await this.fs.rename(tmp, path);
  }

  /**
   * Claims an incident id by creating its folder: false when another window (or an earlier
   * session) already has it, so two windows declaring at once get different ids.
   */
  async claimIncident(incidentId: string): Promise<boolean> {
    await this.fs.mkdir(this.root);
    return this.fs.createDir(this.incidentDir(incidentId));
  }

  /** This window's writer for an incident (created on first use; its segment on first append). */
  writer(incidentId: string): SegmentWriter {
    let w = this.writers.get(incidentId);
    if (!w) {
      const dir = this.incidentDir(incidentId);
      w = new SegmentWriter({
        fs: this.fs,
        dir,
        newSegmentName: () => segmentName(this.clock(), this.pid, this.randomHex(8)),
        log: this.log,
        retryDelayMs: this.options.retryDelayMs,
        setTimer: this.options.setTimer,
      });
      this.writers.set(incidentId, w);
    }
    return w;
  }

  /** Appends events to their incident's journal; resolves once they are durable. */
  append(incidentId: string, events: TimelineEvent[]): Promise<void> {
    return this.writer(incidentId).append(events);
  }

  /**
   * The text half-typed in an incident's note box (kept next to the journal, not in it), with
   * the page's edit counter so a stale copy never replaces a newer one.
   */
  async readDraft(incidentId: string): Promise<{ text: string; revision: number }> {
    const empty = { text: '', revision: 0 };
    const path = join(this.incidentDir(incidentId), DRAFT_FILE);
    let raw: unknown;
    try {
      raw = JSON.parse(Buffer.from(await this.fs.readFile(path)).toString('utf8'));
    } catch (err) {
      if (isNotFound(err)) return empty;
      // Unreadable or damaged: moved aside (so the next draft does not replace it) and reported.
      await this.setDraftAside(incidentId, path, err instanceof SyntaxError ? 'corrupt' : 'unreadable', err);
      return empty;
    }
    const draft = raw as { text?: unknown; revision?: unknown } | null;
    const text = typeof draft?.text === 'string' ? draft.text : '';
    const revision = typeof draft?.revision === 'number' && Number.isSafeInteger(draft.revision) && draft.revision >= 0 ? draft.revision : 0;
    return { text, revision };
  }

  private async setDraftAside(incidentId: string, path: string, kind: 'corrupt' | 'unreadable', err: unknown): Promise<void> {
    const problem: JournalProblem = {
      incidentId,
      segment: DRAFT_FILE,
      line: 0,
      kind,
      reason: kind === 'corrupt' ? `the note draft is not valid JSON (${errorText(err)})` : `the note draft cannot be read: ${describeFsError(err)}`,
      path,
    };
    try {
      const qdir = join(this.incidentDir(incidentId), QUARANTINE);
      await this.fs.mkdir(qdir);
      const qname = `${DRAFT_FILE}.${Math.floor(this.clock()).toString(16)}-${this.randomHex(6)}.bad`;
      await this.fs.rename(path, join(qdir, qname));
      problem.quarantinedTo = `${QUARANTINE}/${qname}`;
    } catch (moveErr) {
      problem.reason += `; it could not be moved aside either (${describeFsError(moveErr)})`;
    }
    this.logProblems([problem]);
    this.options.reportProblem?.(problem);
  }

  async writeDraft(incidentId: string, text: string, revision = 0): Promise<void> {
    const dir = this.incidentDir(incidentId);
    await this.fs.mkdir(dir);
    const tmp = join(dir, `${DRAFT_FILE}.${this.randomHex(8)}.tmp`);
    const body = JSON.stringify({ text, revision, savedAt: new Date(this.clock()).toISOString() });
    await writeDurably(this.fs, tmp, Buffer.from(body, 'utf8'));
    await this.fs.rename(tmp, join(dir, DRAFT_FILE));
  }

  /** Flushes what can be flushed and closes every writer. */
  async close(): Promise<void> {
    await Promise.all([...this.writers.values()].map((w) => w.close()));
    this.writers.clear();
  }
}

const DRAFT_FILE = 'note-draft.json';
/** In an incident folder: present once this engineer shared or joined the incident. */
export const SHARE_MARKER = 'shared.json';
/** At the root: one folder per one-time key claimed (`claimOnce`). */
const CLAIMS = '.claims';

async function writeDurably(fs: JournalFs, path: string, data: Uint8Array): Promise<void> {
  const h = await fs.open(path, 'wx');
  try {
    await h.write(data);
    await h.datasync();
  } finally {
    await h.close().catch(() => {});
  }
}

/** Length of the part of `data` that ends with a newline (complete lines only). */
function completeLength(data: Uint8Array): number {
  for (let i = data.byteLength - 1; i >= 0; i--) if (data[i] === NEWLINE) return i + 1;
  return 0;
}

function defaultRandomHex(digits: number): string {
  // Crypto randomness: names must not collide between windows started in the same millisecond.
  return randomBytes(Math.ceil(digits / 2)).toString('hex').slice(0, digits);
}

function unreadable(incidentId: string, segment: string, path: string, err: unknown): JournalProblem {
  return { incidentId, segment, line: 0, kind: 'unreadable', reason: describeFsError(err), path };
}

function errorText(err: unknown): string {
  if (err instanceof Error) return (err as NodeJS.ErrnoException).code ? `${(err as NodeJS.ErrnoException).code}: ${err.message}` : err.message;
  return String(err);
}

// ---------------------------------------------------------------------------------------------
// Writing

interface Pending {
  bytes: Buffer;
  resolve(): void;
  reject(err: Error): void;
}

export interface SegmentWriterOptions {
  fs: JournalFs;
  dir: string;
  newSegmentName: () => string;
  log?: (message: string) => void;
  /** Attempts (each on a fresh segment after the first failure) before waiting to retry. */
  immediateAttempts?: number;
  retryDelayMs?: number;
  setTimer?: (fn: () => void, ms: number) => { cancel(): void };
}

/**
 * One window's writer for one incident. Every append resolves only after its bytes were
 * written and flushed; appends that arrive during a flush are grouped into the next one.
 */
export class SegmentWriter {
  private handle: JournalFileHandle | undefined;
  private handlePath: string | undefined;
  private queue: Pending[] = [];
  /** Events whose write or flush failed: they go first into the next segment. */
  private unconfirmed: Pending[] = [];
  private running: Promise<void> | undefined;
  private retryTimer: { cancel(): void } | undefined;
  private closed = false;
  private stateValue: SaveState = 'saved';
  private readonly listeners = new Set<(state: SaveState, detail?: string) => void>();
  /** Segments this writer created, in order (the last one is current). */
  readonly segments: string[] = [];
  /** Number of write+flush rounds that succeeded (one per group of events). */
  flushes = 0;
  lastError: string | undefined;

  constructor(private readonly options: SegmentWriterOptions) {}

  get state(): SaveState {
    return this.stateValue;
  }

  onState(listener: (state: SaveState, detail?: string) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  append(events: readonly TimelineEvent[]): Promise<void> {
    if (this.closed) return Promise.reject(new Error('The journal writer is closed.'));
    if (events.length === 0) return Promise.resolve();
    const bytes = Buffer.concat(events.map(encodeRecord));
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ bytes, resolve, reject });
      this.kick();
    });
  }

  /** Tries the unconfirmed events again now (on a new segment). */
  retryNow(): Promise<void> {
    this.kick();
    return this.running ?? Promise.resolve();
  }

  /** Waits for pending appends to be flushed, then closes the file. */
  async close(): Promise<void> {
    this.retryTimer?.cancel();
    this.retryTimer = undefined;
    if (this.queue.length > 0 || this.unconfirmed.length > 0) {
      this.kick();
    }
    await this.running;
    this.closed = true;
    const leftover = [...this.unconfirmed, ...this.queue];
    this.unconfirmed = [];
    this.queue = [];
    for (const p of leftover) p.reject(new Error('The journal was closed before these events could be saved.'));
    await this.abandonHandle();
  }

  private setState(state: SaveState, detail?: string): void {
    if (state === this.stateValue && detail === undefined) return;
    this.stateValue = state;
    for (const l of this.listeners) l(state, detail);
  }

  private kick(): void {
    if (this.running || this.closed) return;
    this.retryTimer?.cancel();
    this.retryTimer = undefined;
    this.running = this.pump().finally(() => {
      this.running = undefined;
      // Appends that arrived after the last round started.
      if (this.queue.length > 0 && this.unconfirmed.length === 0) this.kick();
    });
  }

  private async pump(): Promise<void> {
    while (this.queue.length > 0 || this.unconfirmed.length > 0) {
      const batch = [...this.unconfirmed, ...this.queue.splice(0)];
      this.unconfirmed = [];
      if (this.stateValue !== 'notSaved') this.setState('saving');
      const ok = await this.writeBatch(batch);
      if (!ok) {
        this.unconfirmed = batch;
        this.scheduleRetry();
        return;
      }
      for (const p of batch) p.resolve();
    }
    this.setState('saved');
  }

  private async writeBatch(batch: Pending[]): Promise<boolean> {
    const data = batch.length === 1 ? batch[0].bytes : Buffer.concat(batch.map((p) => p.bytes));
    const attempts = this.options.immediateAttempts ?? 2;
    for (let attempt = 0; attempt < attempts; attempt++) {
      let handle: JournalFileHandle;
      try {
        handle = await this.currentHandle();
      } catch (err) {
        this.fail(`could not create a journal segment: ${errorText(err)}`);
        continue;
      }
      try {
        await handle.write(data);
        await handle.datasync();
      } catch (err) {
        // Never again on this handle: its data may be half written or silently dropped.
        this.fail(`could not save to ${this.handlePath}: ${errorText(err)}`);
        await this.abandonHandle();
        continue;
      }
      this.flushes += 1;
      return true;
    }
    return false;
  }

  private fail(message: string): void {
    this.lastError = message;
    this.options.log?.(message);
    this.setState('notSaved', message);
  }

  private scheduleRetry(): void {
    if (this.closed || !this.options.setTimer) return;
    this.retryTimer = this.options.setTimer(() => {
      this.retryTimer = undefined;
      this.kick();
    }, this.options.retryDelayMs ?? 5_000);
  }

  private async currentHandle(): Promise<JournalFileHandle> {
    if (this.handle) return this.handle;
    await this.options.fs.mkdir(this.options.dir);
    const name = this.options.newSegmentName();
    const path = join(this.options.dir, name);
    const handle = await this.options.fs.open(path, 'ax');
    openSegments.add(path);
    this.handle = handle;
    this.handlePath = path;
    this.segments.push(name);
    // The new file's directory entry must survive a power cut too.
    await this.options.fs.syncDir(this.options.dir).catch((err) => this.options.log?.(`could not sync ${this.options.dir}: ${errorText(err)}`));
    return handle;
  }

  private async abandonHandle(): Promise<void> {
    const handle = this.handle;
    if (this.handlePath) openSegments.delete(this.handlePath);
    this.handle = undefined;
    this.handlePath = undefined;
    if (handle) await handle.close().catch(() => {});
  }
}
