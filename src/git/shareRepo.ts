// The extension's own bare repository (in its global storage) through which incident journals
// travel: objects are written here with plumbing, writer refs fast-forwarded here, then pushed
// by object id to the team's remote; fetches land in a private ref namespace here. Nobody's
// working tree, branches, index or repository config is touched, and no git identity is
// needed. Every command goes through the sanitised runner (run.ts); every argument is either
// fixed, an object id, a ref we built from validated ids, or the remote after `--`.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import {
  EVENTS_FILE, FETCH_REFSPEC, FETCHED_NAMESPACE, REMOTE_NAMESPACE, WRITER_FILE, ZERO_OID,
  checkRemoteUrl, classifyPushFailure, commitObject, isObjectId, isRemoteName, parseCatFileBatch, parsePushPorcelain, parseRefList, treeInput,
  type BatchEntry, type CommitSpec, type PushFailureKind,
} from './incidentRefs';
import { BRANCH_FETCH_REFSPEC, FETCHED_BRANCH, SHARE_BRANCH, mktreeInput, parseLsTree, type TreeEntry } from './incidentBranch';
import { GitTimeoutError, GitUnavailableError, runGitBinary, type GitBinaryOutput } from './run';

export interface ShareRepoOptions {
  /** The folder of the bare repository (created on first use). */
  dir: string;
  env?: NodeJS.ProcessEnv;
  /** Deadline for local commands. */
  timeoutMs?: number;
  /** Deadline for push and fetch (the network). */
  networkTimeoutMs?: number;
}

export class ShareError extends Error {
  /** The incident whose push failed, when it was one incident's. */
  incidentId?: string;
  constructor(
    readonly kind: PushFailureKind | 'gitUnavailable' | 'timedOut' | 'badRemote' | 'local',
    message: string,
    readonly output = '',
  ) {
    super(message);
    this.name = 'ShareError';
  }
}

export type PushOutcome =
  | { ok: true; upToDate: boolean }
  | { ok: false; kind: PushFailureKind; message: string; output: string };

export interface WriterFiles {
  tip: string;
  /** The folder of the two files in the commit's tree ('' for a writer ref, `<incident>/<writer>/` on the branch). */
  path: string;
  events?: BatchEntry;
  writer?: BatchEntry;
}

export class ShareRepo {
  /** Git commands started by any sharing repository in this process (diagnostics: Restricted Mode starts none). */
  static commands = 0;
  readonly dir: string;
  /** Pushes attempted (diagnostics: a push is never retried by itself). */
  pushes = 0;
  private readonly timeoutMs: number;
  private readonly networkTimeoutMs: number;

  constructor(private readonly options: ShareRepoOptions) {
    this.dir = options.dir;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.networkTimeoutMs = options.networkTimeoutMs ?? 60_000;
  }

  private async git(args: string[], { input, network = false, maxOutputBytes }: { input?: Uint8Array; network?: boolean; maxOutputBytes?: number } = {}): Promise<GitBinaryOutput> {
    ShareRepo.commands += 1;
    try {
      return await runGitBinary(args, { cwd: this.dir, env: this.options.env, timeoutMs: network ? this.networkTimeoutMs : this.timeoutMs, input, maxOutputBytes });
    } catch (err) {
      if (err instanceof GitTimeoutError) throw new ShareError(network ? 'unreachable' : 'timedOut', err.message);
      if (err instanceof GitUnavailableError) throw new ShareError('gitUnavailable', err.message);
      throw err;
    }
  }

  private async must(args: string[], input?: Uint8Array): Promise<Buffer> {
    const r = await this.git(args, { input });
    if (r.exitCode !== 0) throw new ShareError('local', `git ${args[0]} failed in the sharing repository: ${r.stderr.trim().slice(0, 500)}`, r.stderr);
    return r.stdout;
  }

  /**
   * Creates the repository when missing, with hooks switched off (a global `core.hooksPath`
   * must not run on incident data), and clears lock files left by a git that was killed
   * (call only while holding the sync lock: then no git of ours is running here).
   */
  async prepare(): Promise<void> {
    await fsp.mkdir(this.dir, { recursive: true });
    const fresh = !(await exists(path.join(this.dir, 'HEAD')));
    if (fresh) {
      ShareRepo.commands += 1;
      const r = await runGitBinary(['init', '--bare', '--quiet', '--', this.dir], { cwd: path.dirname(this.dir), env: this.options.env, timeoutMs: this.timeoutMs });
      if (r.exitCode !== 0) throw new ShareError('local', `could not create the sharing repository: ${r.stderr.trim()}`, r.stderr);
    }
    await fsp.mkdir(path.join(this.dir, 'no-hooks'), { recursive: true });
    if (fresh || !(await this.configIs('core.hooksPath', 'no-hooks'))) {
      await this.must(['config', 'core.hooksPath', 'no-hooks']);
      await this.must(['config', 'gc.auto', '0']);
      await this.must(['config', 'fetch.writeFetchHEAD', 'false']);
    }
    await removeStaleLocks(this.dir);
  }

  private async configIs(key: string, value: string): Promise<boolean> {
    const r = await this.git(['config', '--get', key]);
    return r.exitCode === 0 && r.stdout.toString('utf8').trim() === value;
  }

  /** The object a ref points at here, or undefined. */
  async tip(ref: string): Promise<string | undefined> {
    const r = await this.git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
    const oid = r.stdout.toString('utf8').trim();
    return r.exitCode === 0 && isObjectId(oid) ? oid : undefined;
  }

  async refs(namespace: string): Promise<Map<string, string>> {
    const out = await this.must(['for-each-ref', '--format=%(objectname) %(refname)', namespace]);
    return parseRefList(out.toString('utf8'));
  }

  /** Whether `ancestor` is `descendant` or one of its ancestors. */
  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    if (!isObjectId(ancestor) || !isObjectId(descendant)) return false;
    const r = await this.git(['merge-base', '--is-ancestor', ancestor, descendant]);
    return r.exitCode === 0;
  }

  private async hashObject(type: 'blob' | 'commit', data: Uint8Array): Promise<string> {
    const oid = (await this.must(['hash-object', '-t', type, '-w', '--stdin'], data)).toString('utf8').trim();
    if (!isObjectId(oid)) throw new ShareError('local', `git hash-object gave no object id`);
    return oid;
  }

  /** Writes a writer's two files and their tree; returns the ids. */
  async writeWriterTree(files: { events: Uint8Array; writer: Uint8Array }): Promise<{ tree: string; eventsBlob: string; writerBlob: string }> {
    const eventsBlob = await this.hashObject('blob', files.events);
    const writerBlob = await this.hashObject('blob', files.writer);
    const tree = (await this.must(['mktree'], treeInput([{ name: EVENTS_FILE, blob: eventsBlob }, { name: WRITER_FILE, blob: writerBlob }]))).toString('utf8').trim();
    if (!isObjectId(tree)) throw new ShareError('local', 'git mktree gave no object id');
    return { tree, eventsBlob, writerBlob };
  }

  /** Writes a writer's commit (events + writer.json) on top of `parents`; returns its id. */
  async writeWriterCommit(files: { events: Uint8Array; writer: Uint8Array }, commit: Omit<CommitSpec, 'tree'>): Promise<{ commit: string; eventsBlob: string }> {
    const { tree, eventsBlob } = await this.writeWriterTree(files);
    return { commit: await this.writeCommit({ ...commit, tree }), eventsBlob };
  }

  /** Writes a commit object (text built by us, see commitObject); returns its id. */
  async writeCommit(spec: CommitSpec): Promise<string> {
    return this.hashObject('commit', commitObject(spec));
  }

  /** Writes a tree of these entries (names byte for byte, `mktree -z`); returns its id. */
  async writeTree(entries: readonly TreeEntry[]): Promise<string> {
    const tree = (await this.must(['mktree', '-z'], mktreeInput(entries))).toString('utf8').trim();
    if (!isObjectId(tree)) throw new ShareError('local', 'git mktree gave no object id');
    return tree;
  }

  /**
   * The entries of a tree (or of a commit's tree) here: its own entries, or with `folders` every
   * folder below it, recursively, named by path (`ls-tree -r -d`). Output is bounded.
   */
  async listTree(treeish: string, { folders = false } = {}): Promise<TreeEntry[]> {
    if (!isObjectId(treeish)) throw new Error('bad tree id');
    const r = await this.git(['ls-tree', '-z', ...(folders ? ['-r', '-d'] : []), treeish], { maxOutputBytes: MAX_TREE_LISTING_BYTES });
    if (r.exitCode !== 0) throw new ShareError('local', `git ls-tree failed in the sharing repository: ${r.stderr.trim().slice(0, 300)}`, r.stderr);
    return parseLsTree(r.stdout);
  }

  /** The events blob of a commit here (to tell whether anything changed). */
  async eventsBlobOf(commit: string): Promise<string | undefined> {
    const [entry] = await this.batch([`${commit}:${EVENTS_FILE}`], false);
    return entry && !('missing' in entry) ? entry.oid : undefined;
  }

  /** Moves a ref from `expected` (undefined: must not exist) to `next`, atomically. */
  async updateRef(ref: string, next: string, expected: string | undefined): Promise<void> {
    if (!ref.startsWith(REMOTE_NAMESPACE) && !ref.startsWith(FETCHED_NAMESPACE) && ref !== FETCHED_BRANCH) throw new Error(`not an incident ref: ${ref}`);
    if (!isObjectId(next) || (expected !== undefined && !isObjectId(expected))) throw new Error('bad object id');
    await this.must(['update-ref', ref, next, expected ?? ZERO_OID]);
  }

  /**
   * Pushes one commit to a writer ref (or the shared branch) on the remote: never forced, so
   * only a fast-forward lands.
   */
  async push(remote: string, commit: string, ref: string): Promise<PushOutcome> {
    requireRemote(remote);
    if (!isObjectId(commit) || !(ref.startsWith(REMOTE_NAMESPACE) || ref === SHARE_BRANCH)) throw new Error('bad push');
    this.pushes += 1;
    const r = await this.git(['push', '--porcelain', '--no-verify', '--', remote, `${commit}:${ref}`], { network: true });
    const refs = parsePushPorcelain(r.stdout.toString('utf8'));
    const mine = refs.find((x) => x.to === ref);
    if (r.exitCode === 0 && mine && mine.flag !== '!') return { ok: true, upToDate: mine.flag === '=' };
    if (r.exitCode === 0 && !mine) return { ok: true, upToDate: false };
    const kind = classifyPushFailure(refs, r.stderr);
    const detail = (mine?.summary ?? r.stderr.trim().split('\n').filter(Boolean).pop() ?? `exit ${r.exitCode}`).slice(0, 500);
    return { ok: false, kind, message: detail, output: `${r.stdout.toString('utf8')}\n${r.stderr}`.trim() };
  }

  /**
   * Fetches every incident ref and the shared branch of the remote into the private namespace
   * (`branchOnly`: just the branch, to rebuild a push that lost a race).
   */
  async fetch(remote: string, { branchOnly = false } = {}): Promise<void> {
    requireRemote(remote);
    const refspecs = branchOnly ? [BRANCH_FETCH_REFSPEC] : [FETCH_REFSPEC, BRANCH_FETCH_REFSPEC];
    const r = await this.git(['fetch', '--quiet', '--no-tags', '--no-write-fetch-head', '--prune', '--', remote, ...refspecs], { network: true });
    if (r.exitCode !== 0) {
      const kind = classifyPushFailure([], r.stderr);
      throw new ShareError(kind === 'other' ? 'unreachable' : kind, `could not fetch from the remote: ${r.stderr.trim().split('\n').filter(Boolean).pop() ?? `exit ${r.exitCode}`}`, r.stderr);
    }
  }

  /**
   * The two files of each writer commit (or of a writer's folder in a commit of the branch):
   * sizes first (`--batch-check`), then the contents of those no bigger than `maxBytes`
   * (`--batch`), in one git call each however many writers.
   */
  async readWriterFiles(tips: { tip: string; path: string }[], maxBytes: number): Promise<WriterFiles[]> {
    for (const t of tips) if (!isObjectId(t.tip) || !/^([A-Za-z0-9-]+\/[A-Za-z0-9-]+\/)?$/.test(t.path)) throw new Error('bad writer files');
    const names = tips.flatMap((t) => [`${t.tip}:${t.path}${EVENTS_FILE}`, `${t.tip}:${t.path}${WRITER_FILE}`]);
    if (names.length === 0) return [];
    const sizes = await this.batch(names, false);
    const wanted = sizes.filter((e): e is Extract<BatchEntry, { oid: string }> => !('missing' in e) && e.type === 'blob' && e.size <= maxBytes);
    const contents = new Map<string, BatchEntry>();
    if (wanted.length > 0) {
      const limit = wanted.reduce((n, e) => n + e.size + 100, 0);
      const full = await this.batch(wanted.map((e) => e.oid), true, limit + 1_000);
      full.forEach((entry, i) => contents.set(wanted[i].name, { ...entry, name: wanted[i].name }));
    }
    return tips.map((t, i) => {
      const pick = (j: number) => contents.get(names[j]) ?? sizes[j];
      return { tip: t.tip, path: t.path, events: pick(i * 2), writer: pick(i * 2 + 1) };
    });
  }

  private async batch(names: string[], withContent: boolean, maxOutputBytes?: number): Promise<BatchEntry[]> {
    const input = Buffer.from(names.map((n) => `${n}\n`).join(''), 'utf8');
    const r = await this.git(['cat-file', withContent ? '--batch' : '--batch-check'], { input, maxOutputBytes });
    if (r.exitCode !== 0) throw new ShareError('local', `git cat-file failed: ${r.stderr.trim().slice(0, 300)}`, r.stderr);
    return parseCatFileBatch(r.stdout, names, withContent);
  }
}

/** A listing of the shared branch's folders bigger than this is refused (a hostile branch). */
const MAX_TREE_LISTING_BYTES = 64 * 1024 * 1024;

function requireRemote(remote: string): void {
  const problem = checkRemoteUrl(remote);
  if (problem) throw new ShareError('badRemote', `The sharing remote is not usable: ${problem}.`);
}

async function exists(p: string): Promise<boolean> {
  return fsp.stat(p).then(() => true, () => false);
}

/** Lock files a killed git left behind in the repository (refs, packed-refs, config, shallow). */
async function removeStaleLocks(dir: string): Promise<string[]> {
  const removed: string[] = [];
  const visit = async (folder: string): Promise<void> => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await fsp.readdir(folder, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = path.join(folder, e.name);
      if (e.isDirectory()) await visit(p);
      else if (e.name.endsWith('.lock')) {
        await fsp.rm(p, { force: true });
        removed.push(p);
      }
    }
  };
  await visit(path.join(dir, 'refs'));
  for (const name of ['packed-refs.lock', 'config.lock', 'shallow.lock', 'index.lock']) {
    const p = path.join(dir, name);
    if (await exists(p)) {
      await fsp.rm(p, { force: true });
      removed.push(p);
    }
  }
  return removed;
}

/**
 * A lock shared by every window of this installation, so one sync runs at a time in the
 * private repository: a file holding the owner's process id, taken over when that process is
 * gone (killed mid-sync) or the file is older than `staleMs`.
 */
export async function withSyncLock<T>(file: string, fn: () => Promise<T>, { waitMs = 30_000, staleMs = 5 * 60_000, pid = process.pid } = {}): Promise<T> {
  const until = Date.now() + waitMs;
  for (;;) {
    try {
      const h = await fsp.open(file, 'wx');
      await h.writeFile(String(pid));
      await h.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (await lockIsStale(file, staleMs)) {
        await fsp.rm(file, { force: true });
        continue;
      }
      if (Date.now() > until) throw new ShareError('timedOut', 'another window has been syncing incidents for too long');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  try {
    return await fn();
  } finally {
    await fsp.rm(file, { force: true }).catch(() => undefined);
  }
}

async function lockIsStale(file: string, staleMs: number): Promise<boolean> {
  try {
    const [text, st] = await Promise.all([fsp.readFile(file, 'utf8'), fsp.stat(file)]);
    if (Date.now() - st.mtimeMs > staleMs) return true;
    const owner = Number(text.trim());
    if (!Number.isInteger(owner) || owner <= 0) return Date.now() - st.mtimeMs > 2_000;
    try {
      process.kill(owner, 0);
      return false;
    } catch (err) {
      return (err as NodeJS.ErrnoException).code !== 'EPERM';
    }
  } catch {
    return false;
  }
}

/**
 * The URL of a named remote of the runbook repository (`git remote get-url`), checked like any
 * configured remote. Runs git in that repository: call only in a trusted workspace.
 */
export async function remoteUrlOf(repoDir: string, name: string, env?: NodeJS.ProcessEnv): Promise<string> {
  if (!isRemoteName(name)) throw new ShareError('badRemote', `"${name.slice(0, 60)}" is not a remote name.`);
  ShareRepo.commands += 1;
  const r = await runGitBinary(['remote', 'get-url', '--', name], { cwd: repoDir, env, timeoutMs: 10_000 });
  if (r.exitCode !== 0) throw new ShareError('badRemote', `The runbook repository has no remote "${name}" (${r.stderr.trim().split('\n').pop() ?? ''}).`);
  const url = r.stdout.toString('utf8').trim();
  const problem = checkRemoteUrl(url);
  if (problem) throw new ShareError('badRemote', `The remote "${name}" cannot be used for sharing: ${problem}.`);
  return url;
}
