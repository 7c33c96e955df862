// Pushing this writer's events through the shared branch (the fallback for hosts that refuse
// custom refs; layout in incidentBranch.ts). With plumbing only, in the extension's own bare
// repository: the commit's tree is the fetched branch tip's tree with only this writer's
// folders replaced, its parent is that tip, and it is pushed as a fast-forward, never forced.
// When a teammate's push got there first, the branch is fetched and the commit rebuilt on the
// new tip (their folders are untouched, ours replaced again: a union), a bounded number of times.
import type { EncodedSegment } from '../incidents/sharedSegment';
import { gitBlobId } from '../incidents/sharedSegment';
import { FETCHED_BRANCH, SHARE_BRANCH, folderEntry, withEntry, writerFolderId, type TreeEntry } from './incidentBranch';
import { pushFailureMessage } from './shareMessages';
import { ShareError, type ShareRepo } from './shareRepo';

export const MAX_BRANCH_PUSH_ATTEMPTS = 6;

export interface BranchPushOptions {
  repo: ShareRepo;
  remote: string;
  writer: string;
  /** The name this writer claims (the commit's author). */
  name: string;
  clock: () => number;
  /** The incidents whose folders to write. */
  incidents: readonly string[];
  /**
   * This writer's segment of an incident, asked afresh for each attempt. `onBranch` is the id
   * of the folder the branch holds for this writer now (if any), `base` the commit the push
   * builds on: a folder this machine did not write or take in is to be taken in first, so the
   * folder written is never smaller than the one replaced. Undefined: nothing to write.
   */
  segment(incidentId: string, onBranch: string | undefined, base: string | undefined): Promise<EncodedSegment | undefined>;
  maxAttempts?: number;
  /** Waits between attempts (default: a short random pause, so racing writers fall out of step). */
  pause?: (attempt: number) => Promise<void>;
}

export interface BranchPushResult {
  /** The commit that landed; undefined when the branch already held every folder. */
  commit?: string;
  /** Per incident written or already there: the folder's id on the branch and its event count. */
  folders: Map<string, { oid: string; count: number }>;
  /** Pushes tried (1 unless teammates' pushes got there first). */
  attempts: number;
}

interface FolderChange {
  incidentId: string;
  /** The incident folder's entries on the base (other writers' folders, kept as they are). */
  siblings: TreeEntry[];
  files: EncodedSegment;
  oid: string;
}

/** Pushes this writer's folders of `incidents` to the shared branch; throws a ShareError when it cannot. */
export async function pushThroughBranch(options: BranchPushOptions): Promise<BranchPushResult> {
  const { repo, remote } = options;
  const maxAttempts = options.maxAttempts ?? MAX_BRANCH_PUSH_ATTEMPTS;
  const pause = options.pause ?? ((attempt: number) => new Promise<void>((r) => setTimeout(r, 40 + Math.random() * 80 * attempt)));
  // Never fetched yet (a first share, or joining): build on what the remote has rather than lose a race by construction.
  if (!(await repo.tip(FETCHED_BRANCH))) await repo.fetch(remote, { branchOnly: true });
  let lastRefusal = '';
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const base = await repo.tip(FETCHED_BRANCH);
    const root = base ? await repo.listTree(base) : [];
    const { changes, folders } = await planFolders(options, root, base);
    if (changes.length === 0) return { folders, attempts: attempt - 1 };
    const commit = await writeBranchCommit(options, root, changes, base);
    const outcome = await repo.push(remote, commit, SHARE_BRANCH);
    if (outcome.ok) {
      await repo.updateRef(FETCHED_BRANCH, commit, base);
      return { commit, folders, attempts: attempt };
    }
    if (outcome.kind !== 'notFastForward') throw new ShareError(outcome.kind, pushFailureMessage(outcome.kind, outcome.message, SHARE_BRANCH), outcome.output);
    lastRefusal = outcome.message;
    // A teammate's push landed first: take the new tip and build on it.
    await repo.fetch(remote, { branchOnly: true });
    if (attempt < maxAttempts) await pause(attempt);
  }
  throw new ShareError('notFastForward', pushFailureMessage('notFastForward', `${maxAttempts} pushes in a row were overtaken; last: ${lastRefusal}`, SHARE_BRANCH));
}

/** Which of this writer's folders differ from the base, and what the others are. */
async function planFolders(options: BranchPushOptions, root: readonly TreeEntry[], base: string | undefined): Promise<{ changes: FolderChange[]; folders: BranchPushResult['folders'] }> {
  const { repo, writer } = options;
  const changes: FolderChange[] = [];
  const folders: BranchPushResult['folders'] = new Map();
  for (const incidentId of options.incidents) {
    const incidentFolder = root.find((e) => e.name === incidentId && e.type === 'tree');
    const siblings = incidentFolder ? await repo.listTree(incidentFolder.oid) : [];
    const onBranch = siblings.find((e) => e.name === writer && e.type === 'tree')?.oid;
    const files = await options.segment(incidentId, onBranch, base);
    if (!files || files.count === 0) continue;
    const oid = writerFolderId({ events: gitBlobId(files.events), writer: gitBlobId(files.writer) });
    folders.set(incidentId, { oid, count: files.count });
    if (oid !== onBranch) changes.push({ incidentId, siblings, files, oid });
  }
  return { changes, folders };
}

/** The base's tree with only this writer's changed folders replaced, committed on top of the base. */
async function writeBranchCommit(options: BranchPushOptions, root: readonly TreeEntry[], changes: readonly FolderChange[], base: string | undefined): Promise<string> {
  const { repo, writer } = options;
  let entries = [...root];
  let events = 0;
  for (const c of changes) {
    const { tree } = await repo.writeWriterTree(c.files);
    if (tree !== c.oid) throw new ShareError('local', `the folder written for ${c.incidentId} is not the one computed (${tree} ≠ ${c.oid})`);
    const incidentTree = await repo.writeTree(withEntry(c.siblings, folderEntry(writer, tree)));
    entries = withEntry(entries, folderEntry(c.incidentId, incidentTree));
    events += c.files.count;
  }
  const tree = await repo.writeTree(entries);
  const ids = changes.map((c) => c.incidentId).join(', ');
  return repo.writeCommit({ tree, parents: base ? [base] : [], name: options.name, writer, timeMs: options.clock(), message: `${ids}: ${events} event(s) from ${writer}` });
}
