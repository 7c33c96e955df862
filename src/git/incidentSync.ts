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
import { pushThroughBranch } from './branchShare';
import { FETCHED_BRANCH, SHARE_BRANCH, branchFolderKey, writerFolders, type ShareTransport, type TransportSetting } from './incidentBranch';
import { FETCHED_NAMESPACE, REMOTE_NAMESPACE, fetchedRef, parseIncidentRef, writerRef } from './incidentRefs';
import { pushFailureMessage, switchedToBranchMessage } from './shareMessages';
import { ShareError, ShareRepo, withSyncLock } from './shareRepo';

export interface IncidentShareState {
  /** The remote this incident travels through (chosen when it was shared, or where it was found). */
  remote?: string;
  /** Our commit last accepted by the remote, and how many of our events it held. */
  pushedTip?: string;
  pushedEvents?: number;
  /** How those events were pushed (absent: through this writer's ref). */
  pushedVia?: ShareTransport;
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
  /** Fetched ref → tip already taken in; branch folder key → folder id already taken in. */
  imported: Record<string, string>;
  problems: SharedProblem[];
  /** Remotes switched to the shared branch (they refused custom refs), with when. */
  branchRemotes: Record<string, string>;
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
  /** Remotes switched to the shared branch during this sync (they refused custom refs). */
  switched: string[];
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
  /** `oncall.incidents.shareTransport` (default `auto`). */
  transport?: () => TransportSetting;
  /** Waits between two pushes to the shared branch that lost a race (tests make it instant). */
  branchPause?: (attempt: number) => Promise<void>;
}

/** One writer's segment as fetched: a writer ref's commit, or a writer's folder of the shared branch. */
interface FetchedSource {
  /** The state key remembering what was taken in (the fetched ref, or the branch folder key). */
  key: string;
  /** The commit holding the two files. */
  tip: string;
  /** Their folder in that commit ('' for a writer ref). */
  path: string;
  /** What is remembered once taken in: the ref's tip, or the folder's tree id. */
  version: string;
  incidentId: string;
  writer: string;
  /** A writer ref has a history of its own to check (a branch folder has not). */
  history: boolean;
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

  /** How this installation pushes to `remote`: the setting, or under `auto` what the remote accepted. */
  transportFor(remote: string | undefined): ShareTransport {
    const setting = this.options.transport?.() ?? 'auto';
    if (setting !== 'auto') return setting;
    return remote !== undefined && this.state.branchRemotes[remote] ? 'branch' : 'refs';
  }

  /** The ref this writer pushes an incident to (the shared branch for a remote that uses it). */
  refFor(id: string): string {
    return this.transportFor(this.state.incidents[id]?.remote) === 'branch' ? SHARE_BRANCH : writerRef(id, this.options.writer);
  }

  /**
   * One sync: for every remote in use (`defaultRemote` plus the remotes of shared incidents),
   * push our events of its shared incidents (`only`: just these), and fetch unless told not to.
   */
  async sync({ defaultRemote, fetch = true, only }: { defaultRemote?: string; fetch?: boolean; only?: readonly string[] } = {}): Promise<SyncResult> {
    return this.locked(async () => {
      await this.repo.prepare();
      const result: SyncResult = { pushed: 0, fetched: 0, problems: [], errors: [], discovered: [], switched: [] };
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

  /** Pushes our events of the shared incidents of one remote, by the transport it uses. */
  private async pushAll(remote: string, result: SyncResult, only: readonly string[] | undefined, { onlyAfterNonFastForward = false } = {}): Promise<void> {
    const ids = this.pending(remote, only, onlyAfterNonFastForward);
    if (ids.length === 0) return;
    if (this.transportFor(remote) === 'refs') {
      const refused = await this.pushEachRef(remote, ids, result, onlyAfterNonFastForward);
      if (refused.length === 0 || (this.options.transport?.() ?? 'auto') !== 'auto') return;
      this.switchToBranch(remote, refused, result);
    }
    await this.pushBranch(remote, ids, result, onlyAfterNonFastForward);
  }

  /** The shared incidents of `remote` with something of ours to push. */
  private pending(remote: string, only: readonly string[] | undefined, onlyAfterNonFastForward: boolean): string[] {
    const ids: string[] = [];
    for (const [id, s] of Object.entries(this.state.incidents)) {
      if (s.remote !== remote || (only && !only.includes(id))) continue;
      if (onlyAfterNonFastForward && s.lastError?.kind !== 'notFastForward') continue;
      if (!this.options.book.incident(id)) continue;
      // A past incident not read since startup cannot have new events of ours (writing reads it first).
      if (!this.options.book.isLoaded(id) && !s.lastError) continue;
      ids.push(id);
    }
    return ids;
  }

  /** One push per incident to this writer's refs; returns the incidents whose ref the host refused. */
  private async pushEachRef(remote: string, ids: readonly string[], result: SyncResult, onlyAfterNonFastForward: boolean): Promise<string[]> {
    const refused: string[] = [];
    for (const id of ids) {
      const s = this.state.incidents[id];
      try {
        result.pushed += await this.pushIncident(id, s, remote);
        this.succeeded(id, result, onlyAfterNonFastForward);
      } catch (err) {
        const e = this.failed(id, err, result);
        if (e.kind === 'refusedRef') refused.push(id);
      }
    }
    return refused;
  }

  /** The host refused custom refs: from now on this remote gets the shared branch (said once). */
  private switchToBranch(remote: string, refused: readonly string[], result: SyncResult): void {
    this.state.branchRemotes[remote] = new Date(this.options.clock()).toISOString();
    result.errors = result.errors.filter((e) => !(e.kind === 'refusedRef' && e.incidentId !== undefined && refused.includes(e.incidentId)));
    result.switched.push(remote);
    this.log(switchedToBranchMessage(remote));
  }

  /** One commit to the shared branch for every incident of `ids` with new events of ours. */
  private async pushBranch(remote: string, ids: readonly string[], result: SyncResult, onlyAfterNonFastForward: boolean): Promise<void> {
    const { book, writer } = this.options;
    try {
      const landed = await pushThroughBranch({
        repo: this.repo, remote, writer, name: this.options.name(), clock: this.options.clock, incidents: ids, pause: this.options.branchPause,
        segment: async (id, onBranch, base) => {
          if (onBranch && base && this.state.imported[branchFolderKey(id, writer)] !== onBranch) {
            // Our folder holds what this machine did not write or take in (a lost store, a second
            // copy of this installation): take it in first, so the folder written keeps all of it.
            await this.takeInSources([{ key: branchFolderKey(id, writer), tip: base, path: `${id}/${writer}/`, version: onBranch, incidentId: id, writer, history: false }], remote, result);
          }
          await book.ensureLoaded(id);
          const own = book.ownEvents(id);
          return own.length > 0 ? encodeWriterSegment(id, writer, this.options.name(), own) : undefined;
        },
      });
      for (const [id, folder] of landed.folders) {
        const s = this.state.incidents[id];
        const before = s.pushedVia === 'branch' ? s.pushedEvents ?? 0 : 0;
        result.pushed += Math.max(0, folder.count - before);
        Object.assign(s, { pushedVia: 'branch', pushedEvents: folder.count, ...(landed.commit ? { pushedTip: landed.commit } : {}) });
        this.state.imported[branchFolderKey(id, writer)] = folder.oid;
      }
      for (const id of ids) this.succeeded(id, result, onlyAfterNonFastForward);
    } catch (err) {
      for (const id of ids) this.failed(id, err, result);
    }
  }

  private succeeded(id: string, result: SyncResult, onlyAfterNonFastForward: boolean): void {
    // A refusal this sync already got over (its ref had moved; the retry landed) is no error.
    if (onlyAfterNonFastForward) result.errors = result.errors.filter((e) => !(e.kind === 'notFastForward' && e.incidentId === id));
    delete this.state.incidents[id].lastError;
  }

  private failed(id: string, err: unknown, result: SyncResult): ShareError {
    const base = asShareError(err);
    const e = new ShareError(base.kind, base.message, base.output);
    e.incidentId = id;
    this.state.incidents[id].lastError = { kind: e.kind, message: e.message.slice(0, 500), at: new Date(this.options.clock()).toISOString() };
    result.errors.push(e);
    return e;
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
    delete s.pushedVia;
    s.pushedEvents = files.count;
    return Math.max(0, files.count - before);
  }

  /** Checks and takes in every fetched writer segment (refs and branch folders) that changed since last time. */
  private async takeIn(remote: string, result: SyncResult): Promise<void> {
    const branchTip = await this.repo.tip(FETCHED_BRANCH);
    const changed = [...(await this.refSources()), ...(await this.branchSources(branchTip))].filter((c) => this.state.imported[c.key] !== c.version);
    await this.takeInSources(changed, remote, result);
    // Only once every folder of it was taken in (a sync killed before looks at it again).
    if (branchTip) this.state.imported[FETCHED_BRANCH] = branchTip;
  }

  private async refSources(): Promise<FetchedSource[]> {
    const out: FetchedSource[] = [];
    for (const [ref, tip] of await this.repo.refs(FETCHED_NAMESPACE)) {
      const parsed = parseIncidentRef(ref, FETCHED_NAMESPACE);
      if (parsed) out.push({ key: ref, tip, path: '', version: tip, history: true, ...parsed });
    }
    return out;
  }

  private async branchSources(tip: string | undefined): Promise<FetchedSource[]> {
    // Unchanged since the last look: no folder can have changed (skips listing the tree).
    if (!tip || this.state.imported[FETCHED_BRANCH] === tip) return [];
    return writerFolders(await this.repo.listTree(tip, { folders: true })).map((f) => ({
      key: branchFolderKey(f.incidentId, f.writer), tip, path: `${f.incidentId}/${f.writer}/`, version: f.oid, incidentId: f.incidentId, writer: f.writer, history: false,
    }));
  }

  /** Checks each segment (size, claim, checksums, writers), takes in what passes, sets aside the rest. */
  private async takeInSources(changed: readonly FetchedSource[], remote: string, result: SyncResult): Promise<void> {
    const { book } = this.options;
    if (changed.length === 0) return;
    const max = this.options.maxSegmentBytes ?? MAX_SHARED_SEGMENT_BYTES;
    const files = await this.repo.readWriterFiles(changed.map((c) => ({ tip: c.tip, path: c.path })), max);
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
      const previousTip = this.state.imported[c.key];
      if (c.history && previousTip && !(await this.repo.isAncestor(previousTip, c.tip))) {
        problems.push({ kind: 'malformed', line: 0, reason: 'the writer history was rewritten (the new tip does not descend from the one taken before); events taken before are kept' });
      }
      let added = 0;
      if (!checked.refused) {
        added = await this.takeInEvents(c.incidentId, c.writer, checked.events, problems);
      }
      if (problems.length > 0) await this.recordProblems(c, problems, checked.quarantined, result);
      this.state.imported[c.key] = c.version;
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

  private async recordProblems(c: FetchedSource, problems: SegmentProblem[], bad: Buffer, result: SyncResult): Promise<void> {
    let quarantinedTo: string | undefined;
    const at = new Date(this.options.clock()).toISOString();
    const note = problems.map((p) => `line ${p.line}: ${p.kind}: ${p.reason}`).join('\n');
    try {
      quarantinedTo = await this.options.book.journal.writeQuarantine(
        c.incidentId,
        `shared-${c.writer}-${c.version.slice(0, 12)}.bad`,
        Buffer.concat([Buffer.from(`# Set aside from ${c.writer}'s segment at ${c.tip}${c.path ? `:${c.path}` : ''} (${at}):\n# ${note.replace(/\n/g, '\n# ')}\n`, 'utf8'), bad]),
      );
    } catch (err) {
      this.log(`could not write the quarantine file for ${c.incidentId}/${c.writer}: ${String(err)}`);
    }
    for (const p of problems) {
      const problem: SharedProblem = { incidentId: c.incidentId, writer: c.writer, kind: p.kind, reason: p.reason, line: p.line, at, ...(quarantinedTo ? { quarantinedTo } : {}) };
      this.state.problems.push(problem);
      result.problems.push(problem);
      this.log(`shared segment of ${c.incidentId} from ${c.writer} (${c.version.slice(0, 12)}${c.path ? ' on the shared branch' : ''}): line ${p.line}: ${p.kind}: ${p.reason}`);
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

function emptyState(): StateFile {
  return { version: 1, incidents: {}, imported: {}, problems: [], branchRemotes: {} };
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
        ...(s.pushedVia === 'branch' || s.pushedVia === 'refs' ? { pushedVia: s.pushedVia } : {}),
        ...(typeof s.sharedAt === 'string' ? { sharedAt: s.sharedAt } : {}),
        ...(isRecord(s.lastError) ? { lastError: s.lastError as IncidentShareState['lastError'] } : {}),
      };
    }
  }
  if (isRecord(raw.imported)) {
    for (const [ref, tip] of Object.entries(raw.imported)) {
      if (typeof tip === 'string' && (ref.startsWith(FETCHED_NAMESPACE) || ref === FETCHED_BRANCH || ref.startsWith(`${FETCHED_BRANCH}/`))) state.imported[ref] = tip;
    }
  }
  if (isRecord(raw.branchRemotes)) {
    for (const [remote, since] of Object.entries(raw.branchRemotes)) if (typeof since === 'string') state.branchRemotes[remote] = since;
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

export { REMOTE_NAMESPACE, pushFailureMessage };
