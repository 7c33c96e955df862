// Committing a post-mortem to its own branch (`postmortem/<incident id>`) without disturbing the
// engineer: their working tree, index, current branch and HEAD stay exactly as they were. The
// commit is built in a temporary worktree with nothing checked out (`--no-checkout`), whose index
// starts from the base commit's tree and gets only our files; the branch is then pointed at the
// new commit in one atomic `update-ref` that also checks nobody moved it meanwhile. A new branch
// starts from the remote's default branch (so it carries none of the engineer's local commits),
// or from HEAD when the repository has no remote.
import { promises as fs } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  classifyCommitFailure, currentBranch, failure, openRepository, prepareCommit, run as runIn,
  type GitContext, type Repository,
} from './commit';
import { GitOperationError } from './errors';

export interface BranchCommitRequest extends GitContext {
  /** A folder inside the working tree. */
  repoDir: string;
  /** Files in the working tree to commit (absolute or relative to `repoDir`), as they are on disk now. */
  files: readonly string[];
  /** `postmortem/<id>`: created when missing, appended to when it exists. */
  branch: string;
  message: string;
  /** The remote whose default branch a new branch starts from. */
  remote?: string;
  noVerify?: boolean;
  /** Where the temporary worktree goes (default: the system's temporary folder). */
  tmpDir?: string;
}

export interface BranchCommitResult {
  hash: string;
  branch: string;
  /** What the branch was based on: a remote branch (`origin/main`), the branch's own earlier tip, or `HEAD`. */
  base: string;
  /** The branch did not exist before. */
  created: boolean;
  /** Committed paths, relative to the repository root. */
  files: string[];
  repoRoot: string;
}

const BRANCH = /^postmortem\/[A-Za-z0-9][A-Za-z0-9._-]*$/;
const REMOTE = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const ZERO = '0'.repeat(40);

/** `postmortem/<id>` for an incident id (characters git does not allow in a ref become `-`). */
export function postmortemBranchName(incidentId: string): string {
  const safe = incidentId.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '').replace(/\.+$/, '').replace(/\.{2,}/g, '.').replace(/\.lock$/i, '-lock').slice(0, 100);
  return `postmortem/${safe || 'incident'}`;
}

export function isPostmortemBranch(name: string): boolean {
  return BRANCH.test(name) && !name.includes('..') && !/\.lock$/i.test(name);
}

async function revParse(repo: Repository, ref: string): Promise<string | undefined> {
  const out = await repo.git(['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  return out.exitCode === 0 ? out.stdout.trim() : undefined;
}

/** The remote's default branch (`origin/main`), if the repository knows it. */
export async function remoteDefaultBranch(repo: Repository, remote: string): Promise<string | undefined> {
  if (!REMOTE.test(remote)) return undefined;
  const head = await repo.git(['symbolic-ref', '--quiet', '--short', `refs/remotes/${remote}/HEAD`]);
  if (head.exitCode === 0 && head.stdout.trim()) return head.stdout.trim();
  for (const name of ['main', 'master']) {
    if (await revParse(repo, `refs/remotes/${remote}/${name}`)) return `${remote}/${name}`;
  }
  return undefined;
}

async function chooseBase(repo: Repository, branch: string, remote: string): Promise<{ base: string; hash: string; old: string }> {
  const existing = await revParse(repo, `refs/heads/${branch}`);
  if (existing) return { base: branch, hash: existing, old: existing };
  const remoteBase = await remoteDefaultBranch(repo, remote);
  const remoteHash = remoteBase ? await revParse(repo, `refs/remotes/${remoteBase}`) : undefined;
  if (remoteBase && remoteHash) return { base: remoteBase, hash: remoteHash, old: ZERO };
  const head = await revParse(repo, 'HEAD');
  if (!head) throw new GitOperationError('commitFailed', 'The repository has no commit yet, so there is nothing to start a branch from. Commit to the current branch instead.');
  return { base: 'HEAD', hash: head, old: ZERO };
}

/** Commit `files` onto `branch`, leaving the working tree, the index and HEAD alone. */
export async function commitToBranch(request: BranchCommitRequest): Promise<BranchCommitResult> {
  if (!isPostmortemBranch(request.branch)) throw new GitOperationError('commitFailed', `"${request.branch}" is not a post-mortem branch name (postmortem/<incident id>).`);
  const { repo, files } = await prepareCommit(request);
  if ((await currentBranch(repo)) === request.branch) {
    throw new GitOperationError('commitFailed', `${request.branch} is the branch checked out here: commit to the current branch instead.`);
  }
  const { base, hash: baseHash, old } = await chooseBase(repo, request.branch, request.remote ?? 'origin');

  const scratch = await fs.mkdtemp(path.join(request.tmpDir ?? tmpdir(), 'oncall-postmortem-'));
  const worktree = path.join(scratch, 'worktree');
  const added = await repo.git(['worktree', 'add', '--quiet', '--detach', '--no-checkout', '--', worktree, baseHash]);
  if (added.exitCode !== 0) {
    await fs.rm(scratch, { recursive: true, force: true });
    throw failure('commitFailed', 'git could not prepare a temporary worktree for the branch.', added);
  }
  try {
    const hash = await commitInWorktree(repo, worktree, files, request);
    // Atomic: fails if the branch appeared or moved since we read it.
    const moved = await repo.git(['update-ref', '-m', `oncall: ${request.message.split('\n')[0]}`, `refs/heads/${request.branch}`, hash, old]);
    if (moved.exitCode !== 0) throw failure('commitFailed', `${request.branch} changed while the post-mortem was being committed; nothing was changed. Try again.`, moved);
    return { hash, branch: request.branch, base, created: old === ZERO, files, repoRoot: repo.root };
  } finally {
    await repo.git(['worktree', 'remove', '--force', '--', worktree]).catch(() => undefined);
    await fs.rm(scratch, { recursive: true, force: true });
    await repo.git(['worktree', 'prune']).catch(() => undefined);
  }
}

async function commitInWorktree(repo: Repository, worktree: string, files: readonly string[], request: BranchCommitRequest): Promise<string> {
  const git = (args: string[]) => runIn(args, worktree, request);
  const read = await git(['read-tree', 'HEAD']);
  if (read.exitCode !== 0) throw failure('commitFailed', 'git could not read the base of the branch.', read);
  for (const rel of files) {
    const target = path.join(worktree, ...rel.split('/'));
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.copyFile(path.join(repo.root, ...rel.split('/')), target);
  }
  const add = await git(['--literal-pathspecs', 'add', '--', ...files]);
  if (add.exitCode !== 0) throw failure('commitFailed', 'git add failed.', add);
  const diff = await git(['--literal-pathspecs', 'diff', '--cached', '--quiet', '--', ...files]);
  if (diff.exitCode === 0) {
    throw new GitOperationError('nothingToCommit', `Nothing to commit: ${files.join(', ')} ${files.length === 1 ? 'is' : 'are'} already like this on ${request.branch}.`);
  }
  const args = ['commit', '--quiet', '-m', request.message];
  if (request.noVerify) args.push('--no-verify');
  const before = (await git(['rev-parse', 'HEAD'])).stdout.trim();
  const commit = await git(args);
  const after = (await git(['rev-parse', 'HEAD'])).stdout.trim();
  if (commit.exitCode !== 0 || !after || after === before) throw await classifyCommitFailure(repo, commit, request.noVerify === true);
  return after;
}

export interface PushBranchRequest extends GitContext {
  repoDir: string;
  remote: string;
  branch: string;
}

/** Pushes one post-mortem branch (never with force) and returns the remote's URL. */
export async function pushBranch(request: PushBranchRequest): Promise<{ url: string; output: string }> {
  if (!REMOTE.test(request.remote)) throw new GitOperationError('invalidRemote', `"${request.remote}" is not a valid remote name.`);
  if (!isPostmortemBranch(request.branch)) throw new GitOperationError('pushFailed', `"${request.branch}" is not a post-mortem branch.`);
  const repo = await openRepository(request.repoDir, request);
  const url = await repo.git(['remote', 'get-url', '--', request.remote]);
  if (url.exitCode !== 0) throw failure('invalidRemote', `This repository has no remote called "${request.remote}".`, url);
  const ref = `refs/heads/${request.branch}`;
  const push = await repo.git(['push', '--porcelain', '--', request.remote, `${ref}:${ref}`]);
  if (push.exitCode !== 0) {
    const rejected = /\[rejected\]|non-fast-forward|fetch first/i.test(push.stdout + push.stderr);
    throw failure('pushFailed', rejected ? `The remote's ${request.branch} has commits this one does not: fetch it first.` : `The push to "${request.remote}" failed.`, push);
  }
  return { url: url.stdout.trim(), output: (push.stdout + push.stderr).trim() };
}

/**
 * The page that opens a pull request (GitHub) or merge request (GitLab) for `branch` into
 * `target`, from the remote's URL; undefined for other hosts or URLs we cannot read.
 */
export function pullRequestUrl(remoteUrl: string, branch: string, target: string): string | undefined {
  const m =
    /^(?:https?:\/\/)(?:[^@/]+@)?([^/:]+)(?::\d+)?\/(.+?)(?:\.git)?\/?$/i.exec(remoteUrl) ??
    /^(?:ssh:\/\/)?[^@/]+@([^/:]+)(?::\d+)?[:/](.+?)(?:\.git)?\/?$/i.exec(remoteUrl);
  if (!m) return undefined;
  const host = m[1].toLowerCase();
  const repoPath = m[2].replace(/^\/+/, '');
  if (!/^[A-Za-z0-9._~/-]+$/.test(repoPath) || repoPath.includes('..')) return undefined;
  const enc = (s: string) => s.split('/').map(encodeURIComponent).join('/');
  if (host === 'github.com' || host.startsWith('github.')) {
    return `https://${host}/${repoPath}/compare/${enc(target)}...${enc(branch)}?expand=1`;
  }
  if (host === 'gitlab.com' || host.startsWith('gitlab.')) {
    const q = new URLSearchParams({ 'merge_request[source_branch]': branch, 'merge_request[target_branch]': target });
    return `https://${host}/${repoPath}/-/merge_requests/new?${q.toString()}`;
  }
  return undefined;
}

/** For the commit picker: the checked-out branch, the remote's default branch, and whether the remote exists. */
export async function describeRepository(repoDir: string, remote: string, context: GitContext = {}): Promise<{ current?: string; remoteBase?: string; hasRemote: boolean }> {
  const repo = await openRepository(repoDir, context);
  const hasRemote = REMOTE.test(remote) && (await repo.git(['remote', 'get-url', '--', remote])).exitCode === 0;
  const current = await currentBranch(repo);
  const remoteBase = hasRemote ? await remoteDefaultBranch(repo, remote) : undefined;
  return { hasRemote, ...(current ? { current } : {}), ...(remoteBase ? { remoteBase } : {}) };
}
