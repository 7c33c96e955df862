// The sharing protocol: push this writer's events of shared incidents, fetch everyone's, check
// and take in teammates' segments. One sync runs at a time per installation (a lock file in
// the sharing folder, shared by every window); each step is safe to interrupt:
//
// - push: objects are written, then our private ref moves (compare-and-swap), then the push
//   sends that commit by id to our own ref on the remote. Killed anywhere, the journal is
//   untouched and the next sync finds the ref where it was left and pushes again.
// - fetch: into a private namespace; taking in a segment replaces that writer's shared copy
//   whole (write, flush, rename), and only then is the fetched tip recorded as taken. Killed
//   anywhere, the next sync takes it again (merging by id makes that harmless).
//
// Nothing here decides *when* to sync (the editor adapter does: after acknowledged appends,
// on an interval, on demand) or whether git may run at all (workspace trust, in the adapter).
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { IncidentBook } from '../incidents/book';
import { isIncidentId } from '../incidents/ids';
import { sharedCopyName } from '../incidents/journal';
import type { TimelineEvent } from '../incidents/model';
import { isRecord } from '../incidents/shape';
import { checkWriterSegment, encodeWriterSegment, gitBlobId, mergeWithPrevious, MAX_SHARED_SEGMENT_BYTES, type SegmentProblem } from '../incidents/sharedSegment';
import { FETCHED_NAMESPACE, REMOTE_NAMESPACE, fetchedRef, parseIncidentRef, writerRef } from './incidentRefs';
import { ShareError, ShareRepo, withSyncLock } from './shareRepo';

export interface IncidentShareState {
  /** The remote this incident travels through (chosen when it was shared, or where it was found). */
  remote?: string;
  /** Our commit last accepted by the remote, and how many of our events it held. */
  pushedTip?: string;
  pushedEvents?: number;
  sharedAt?: string;
  lastError?: { kind: string; message: string; at: string };
}

export interface SharedProblem {
  incidentId: string;
  writer: string;
  kind: SegmentProblem['kind'] | 'rewrittenHistory';
  reason: string;
  line: number;
  at: string;
  /** Where the set-aside bytes were written, relative to the incident's folder. */
  quarantinedTo?: string;
}

interface StateFile {
  version: 1;
  incidents: Record<string, IncidentShareState>;
  /** Fetched ref → tip already taken in. */
  imported: Record<string, string>;
  problems: SharedProblem[];
}

const MAX_PROBLEMS = 200;

export interface SyncResult {
  /** Our events newly accepted by the remote. */
  pushed: number;
  /** Teammates' events newly taken in. */
  fetched: number;
  /** Problems found in teammates' segments during this sync. */
  problems: SharedProblem[];
  /** Failures per remote (unreachable, refused…); the sync went on with the rest. */
  errors: ShareError[];
  /** Incidents seen on the remote for the first time. */
  discovered: string[];
}

export interface IncidentSyncOptions {
  /** The sharing folder (bare repository, state, lock), in the extension's global storage. */
  dir: string;
  book: IncidentBook;
  /** This installation's writer id. */
  writer: string;
  /** The name this writer claims (git user.name or the setting). */
  name: () => string;
  clock: () => number;
  env?: NodeJS.ProcessEnv;
  log?: (message: string) => void;
  maxSegmentBytes?: number;
  networkTimeoutMs?: number;
}

export class IncidentSync {
  readonly repo: ShareRepo;
  private state: StateFile = emptyState();
  private readonly log: (message: string) => void;

  constructor(private readonly options: IncidentSyncOptions) {
    this.repo = new ShareRepo({ dir: path.join(options.dir, 'repo.git'), env: options.env, networkTimeoutMs: options.networkTimeoutMs });
    this.log = options.log ?? (() => undefined);
  }

  private get lockFile(): string {
    return path.join(this.options.dir, 'sync.lock');
  }

  private get stateFile(): string {
    return path.join(this.options.dir, 'state.json');
  }

  /** Re-reads the state other windows may have written (no git involved). */
  async reloadState(): Promise<void> {
    this.state = await readState(this.stateFile);
  }

  incidentState(id: string): IncidentShareState | undefined {
    return this.state.incidents[id];
  }

  problems(id?: string): SharedProblem[] {
    return this.state.problems.filter((p) => id === undefined || p.incidentId === id);
  }

  /** Our events of an incident not yet accepted by the remote. */
  unshared(id: string): number {
    if (!this.options.book.isShared(id)) return 0;
    const own = this.options.book.ownEvents(id).length;
    return Math.max(0, own - (this.state.incidents[id]?.pushedEvents ?? 0));
  }

  /** Remembers that an incident travels through `remote` (sharing or joining it). */
  async adopt(id: string, remote: string): Promise<void> {
    await this.locked(async () => {
      const s = (this.state.incidents[id] ??= {});
      s.remote ??= remote;
      s.sharedAt ??= new Date(this.options.clock()).toISOString();
    });
  }

  /** The ref this writer pushes an incident to. */
  refFor(id: string): string {
    return writerRef(id, this.options.writer);
  }

  /**
   * One sync: for every remote in use (`defaultRemote` plus the remotes of shared incidents),
   * push our events of its shared incidents (`only`: just these), and fetch unless told not to.
   */
  async sync({ defaultRemote, fetch = true, only }: { defaultRemote?: string; fetch?: boolean; only?: readonly string[] } = {}): Promise<SyncResult> {
    return this.locked(async () => {
      await this.repo.prepare();
      const result: SyncResult = { pushed: 0, fetched: 0, problems: [], errors: [], discovered: [] };
      const remotes = new Set<string>();
      if (defaultRemote) remotes.add(defaultRemote);
      for (const s of Object.values(this.state.incidents)) if (s.remote) remotes.add(s.remote);
      for (const remote of remotes) {
        await this.pushAll(remote, result, only);
        if (fetch) {
          try {
            await this.repo.fetch(remote);
            await this.takeIn(remote, result);
          } catch (err) {
            result.errors.push(asShareError(err));
          }
          // A push refused because our ref moved elsewhere goes again now that its tip is fetched.
          await this.pushAll(remote, result, only, { onlyAfterNonFastForward: true });
        }
      }
      return result;
    });
  }

  private async locked<T>(fn: () => Promise<T>): Promise<T> {
    await fsp.mkdir(this.options.dir, { recursive: true });
    return withSyncLock(this.lockFile, async () => {
      this.state = await readState(this.stateFile);
      try {
        return await fn();
      } finally {
        await writeState(this.stateFile, this.state).catch((err) => this.log(`could not save the sharing state: ${String(err)}`));
      }
    });
  }

  private async pushAll(remote: string, result: SyncResult, only: readonly string[] | undefined, { onlyAfterNonFastForward = false } = {}): Promise<void> {
    for (const [id, s] of Object.entries(this.state.incidents)) {
      if (s.remote !== remote || (only && !only.includes(id))) continue;
      if (onlyAfterNonFastForward && s.lastError?.kind !== 'notFastForward') continue;
      if (!this.options.book.incident(id)) continue;
      // A past incident not read since startup cannot have new events of ours (writing reads it first).
      if (!this.options.book.isLoaded(id) && !s.lastError) continue;
      try {
        result.pushed += await this.pushIncident(id, s, remote);
        // A refusal this sync already got over (its ref had moved; the retry landed) is no error.
        if (onlyAfterNonFastForward) result.errors = result.errors.filter((e) => !(e.kind === 'notFastForward' && e.incidentId === id));
        delete s.lastError;
      } catch (err) {
        const e = asShareError(err);
        e.incidentId = id;
        s.lastError = { kind: e.kind, message: e.message.slice(0, 500), at: new Date(this.options.clock()).toISOString() };
        result.errors.push(e);
      }
    }
  }

  /** Pushes our events of one incident; returns how many the remote newly holds. */
  private async pushIncident(id: string, s: IncidentShareState, remote: string): Promise<number> {
    const { book, writer } = this.options;
    await book.ensureLoaded(id);
    const own = book.ownEvents(id);
    if (own.length === 0) return 0;
    const ref = writerRef(id, writer);
    const localTip = await this.repo.tip(ref);
    const fetchedOwn = await this.repo.tip(fetchedRef(id, writer));
    const parents = localTip ? [localTip] : [];
    // Our ref on the remote moved past what we know (a wiped store, or a second copy of this
    // installation): the next commit descends from both, so it is a fast-forward of either.
    if (fetchedOwn && fetchedOwn !== localTip && !(localTip && (await this.repo.isAncestor(fetchedOwn, localTip)))) parents.push(fetchedOwn);
    const files = encodeWriterSegment(id, writer, this.options.name(), own);
    let tip = localTip;
    const unchanged = localTip !== undefined && parents.length === 1 && (await this.repo.eventsBlobOf(localTip)) === gitBlobId(files.events);
    if (!unchanged) {
      const { commit } = await this.repo.writeWriterCommit(
        { events: files.events, writer: files.writer },
        { parents, name: this.options.name(), writer, timeMs: this.options.clock(), message: `${id}: ${files.count} event(s) from ${writer}` },
      );
      await this.repo.updateRef(ref, commit, localTip);
      tip = commit;
    }
    if (!tip || (s.pushedTip === tip && s.pushedEvents === files.count)) return 0;
    const outcome = await this.repo.push(remote, tip, ref);
    if (!outcome.ok) throw new ShareError(outcome.kind, pushFailureMessage(outcome.kind, outcome.message, ref), outcome.output);
    const before = s.pushedEvents ?? 0;
    s.pushedTip = tip;
    s.pushedEvents = files.count;
    return Math.max(0, files.count - before);
  }

  /** Checks and takes in every fetched writer segment whose tip changed since last time. */
  private async takeIn(remote: string, result: SyncResult): Promise<void> {
    const { book } = this.options;
    const tips = await this.repo.refs(FETCHED_NAMESPACE);
    const changed: { ref: string; tip: string; incidentId: string; writer: string }[] = [];
    for (const [ref, tip] of tips) {
      const parsed = parseIncidentRef(ref, FETCHED_NAMESPACE);
      if (!parsed || this.state.imported[ref] === tip) continue;
      changed.push({ ref, tip, ...parsed });
    }
    if (changed.length === 0) return;
    const max = this.options.maxSegmentBytes ?? MAX_SHARED_SEGMENT_BYTES;
    const files = await this.repo.readWriterFiles(changed, max);
    for (const [i, c] of changed.entries()) {
      const f = files[i];
      const known = book.incident(c.incidentId) !== undefined;
      const checked = checkWriterSegment({
        incidentId: c.incidentId,
        writer: c.writer,
        events: blobPart(f.events),
        writerFile: blobPart(f.writer),
        maxBytes: max,
      });
      const problems: SegmentProblem[] = [...checked.problems];
      const previousTip = this.state.imported[c.ref];
      if (previousTip && !(await this.repo.isAncestor(previousTip, c.tip))) {
        problems.push({ kind: 'malformed', line: 0, reason: 'the writer history was rewritten (the new tip does not descend from the one taken before); events taken before are kept' });
      }
      let added = 0;
      if (!checked.refused) {
        added = await this.takeInEvents(c.incidentId, c.writer, checked.events, problems);
      }
      if (problems.length > 0) await this.recordProblems(c, problems, checked.quarantined, result);
      this.state.imported[c.ref] = c.tip;
      if (added > 0 || checked.events.length > 0) {
        const s = (this.state.incidents[c.incidentId] ??= {});
        s.remote ??= remote;
      }
      if (!known && book.incident(c.incidentId)) result.discovered.push(c.incidentId);
      result.fetched += added;
    }
  }

  /** Merges a writer's checked events into its shared copy; returns how many are new here. */
  private async takeInEvents(incidentId: string, writer: string, events: TimelineEvent[], problems: SegmentProblem[]): Promise<number> {
    const { book } = this.options;
    await book.ensureLoaded(incidentId);
    const copyName = sharedCopyName(writer);
    const present = book.events(incidentId);
    const previous = present.filter((e) => book.originOf(incidentId, e.id) === copyName);
    const presentIds = new Set(present.map((e) => e.id));
    // Our own events come back from the remote too: only those missing here are worth a copy.
    const candidates = writer === this.options.writer ? events.filter((e) => !presentIds.has(e.id)) : events;
    const merged = mergeWithPrevious(previous, candidates);
    problems.push(...merged.problems);
    const fresh = merged.events.filter((e) => !presentIds.has(e.id)).length;
    if (merged.added === 0 && previous.length === merged.events.length) return 0;
    await book.importShared(incidentId, writer, merged.events);
    return fresh;
  }

  private async recordProblems(c: { incidentId: string; writer: string; tip: string }, problems: SegmentProblem[], bad: Buffer, result: SyncResult): Promise<void> {
    let quarantinedTo: string | undefined;
    const at = new Date(this.options.clock()).toISOString();
    const note = problems.map((p) => `line ${p.line}: ${p.kind}: ${p.reason}`).join('\n');
    try {
      quarantinedTo = await this.options.book.journal.writeQuarantine(
        c.incidentId,
        `shared-${c.writer}-${c.tip.slice(0, 12)}.bad`,
        Buffer.concat([Buffer.from(`# Set aside from ${c.writer}'s segment at ${c.tip} (${at}):\n# ${note.replace(/\n/g, '\n# ')}\n`, 'utf8'), bad]),
      );
    } catch (err) {
      this.log(`could not write the quarantine file for ${c.incidentId}/${c.writer}: ${String(err)}`);
    }
    for (const p of problems) {
      const problem: SharedProblem = { incidentId: c.incidentId, writer: c.writer, kind: p.kind, reason: p.reason, line: p.line, at, ...(quarantinedTo ? { quarantinedTo } : {}) };
      this.state.problems.push(problem);
      result.problems.push(problem);
      this.log(`shared segment of ${c.incidentId} from ${c.writer} (${c.tip.slice(0, 12)}): line ${p.line}: ${p.kind}: ${p.reason}`);
    }
    if (this.state.problems.length > MAX_PROBLEMS) this.state.problems.splice(0, this.state.problems.length - MAX_PROBLEMS);
  }
}

function blobPart(entry: { size?: number; content?: Buffer; missing?: true } | undefined): { size: number; content?: Uint8Array } | undefined {
  if (!entry || 'missing' in entry || entry.size === undefined) return undefined;
  return { size: entry.size, ...(entry.content ? { content: entry.content } : {}) };
}

function asShareError(err: unknown): ShareError {
  if (err instanceof ShareError) return err;
  return new ShareError('other', err instanceof Error ? err.message : String(err));
}

/** What to tell a person when a push did not land. */
export function pushFailureMessage(kind: string, detail: string, ref: string): string {
  switch (kind) {
    case 'refusedRef':
      return `The remote refused ${ref} (${detail}). Incidents are shared under ${REMOTE_NAMESPACE}, outside branches and tags, and some hosts accept only branches and tags. Ask for refs under ${REMOTE_NAMESPACE} to be allowed; the fallback for such hosts is a dedicated branch whose files are per writer (so merges are unions), which this version does not offer yet (see "Sharing incidents" in the README). Your events are safe in the local journal.`;
    case 'notFastForward':
      return `The remote's ${ref} moved on without this machine (${detail}); it is fetched and the next push builds on both. Nothing is forced.`;
    case 'unreachable':
      return `The remote could not be reached (${detail}). Events stay in the local journal and are shared when it is back.`;
    case 'auth':
      return `The remote refused the credentials (${detail}). Events stay in the local journal.`;
    default:
      return `Pushing ${ref} failed: ${detail}`;
  }
}

function emptyState(): StateFile {
  return { version: 1, incidents: {}, imported: {}, problems: [] };
}

async function readState(file: string): Promise<StateFile> {
  let raw: unknown;
  try {
    raw = JSON.parse(await fsp.readFile(file, 'utf8'));
  } catch {
    return emptyState();
  }
  if (!isRecord(raw) || raw.version !== 1) return emptyState();
  const state = emptyState();
  if (isRecord(raw.incidents)) {
    for (const [id, s] of Object.entries(raw.incidents)) {
      if (!isIncidentId(id) || !isRecord(s)) continue;
      state.incidents[id] = {
        ...(typeof s.remote === 'string' ? { remote: s.remote } : {}),
        ...(typeof s.pushedTip === 'string' ? { pushedTip: s.pushedTip } : {}),
        ...(typeof s.pushedEvents === 'number' ? { pushedEvents: s.pushedEvents } : {}),
        ...(typeof s.sharedAt === 'string' ? { sharedAt: s.sharedAt } : {}),
        ...(isRecord(s.lastError) ? { lastError: s.lastError as IncidentShareState['lastError'] } : {}),
      };
    }
  }
  if (isRecord(raw.imported)) {
    for (const [ref, tip] of Object.entries(raw.imported)) if (typeof tip === 'string' && ref.startsWith(FETCHED_NAMESPACE)) state.imported[ref] = tip;
  }
  if (Array.isArray(raw.problems)) state.problems = raw.problems.filter(isRecord).slice(-MAX_PROBLEMS) as unknown as SharedProblem[];
  return state;
}

async function writeState(file: string, state: StateFile): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await fsp.writeFile(tmp, JSON.stringify(state), { mode: 0o600 });
  const fh = await fsp.open(tmp, 'r+');
  try {
    await fh.datasync();
  } finally {
    await fh.close();
  }
  await fsp.rename(tmp, file);
}

export { REMOTE_NAMESPACE };
