// Committing exactly the files we wrote (a post-mortem, its exported journal) and nothing else.
//
// Why raw arguments: simple-git's `commit(message, files)` puts the files after the message
// without `--`, so a file name could be read as an option, and a plain `git commit` would also
// sweep in whatever the engineer had staged for other work. Here every path goes after `--`,
// pathspecs are literal (`--literal-pathspecs`: a file called `*.md` means that file), the
// message is the value of `-m` (never parsed as an option), and `--only` builds the commit from
// HEAD plus our paths, so other staged changes stay staged and out of this commit.
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { describeFsError, isNotFound } from '../fsErrors';
import { GitOperationError } from './errors';
import { GitTimeoutError, GitUnavailableError, runGit, type GitOutput } from './run';

export interface GitContext {
  /** The environment to start from (sanitised before use); default: this process's. */
  env?: NodeJS.ProcessEnv;
  /** Per git command deadline; a hook or signing step that hangs is stopped after it. */
  timeoutMs?: number;
}

export interface CommitRequest extends GitContext {
  /** A folder inside the working tree (usually the workspace folder). */
  repoDir: string;
  /** Files to commit, absolute or relative to `repoDir`. */
  files: readonly string[];
  message: string;
  /** Skip the pre-commit and commit-msg hooks (`--no-verify`): only on an explicit user choice. */
  noVerify?: boolean;
  /** Commit even when HEAD is detached (the commit would belong to no branch). */
  allowDetached?: boolean;
}

export interface CommitResult {
  hash: string;
  /** The branch the commit was made on; undefined when HEAD was detached. */
  branch?: string;
  /** The committed paths, relative to the repository root, with `/` separators. */
  files: string[];
  /** The repository root (real path). */
  repoRoot: string;
  /** Whatever git and its hooks printed. */
  output: string;
}

export const DEFAULT_GIT_TIMEOUT_MS = 60_000;

/**
 * What every commit starts with: files and a message given, the repository, each file as a
 * path inside it (relative to its root), and an identity to commit as.
 */
export async function prepareCommit(request: Pick<CommitRequest, 'repoDir' | 'files' | 'message'> & GitContext): Promise<{ repo: Repository; files: string[] }> {
  if (request.files.length === 0) throw new GitOperationError('nothingToCommit', 'No files were given to commit.');
  if (!request.message.trim()) throw new GitOperationError('commitFailed', 'The commit message is empty.');
  const repo = await openRepository(request.repoDir, request);
  const files: string[] = [];
  for (const file of request.files) files.push(await pathInsideRepository(repo.root, request.repoDir, file));
  await requireIdentity(repo);
  return { repo, files };
}

/** Commit `files` (and only them) with `message`. Throws a GitOperationError on every refusal. */
export async function commitFiles(request: CommitRequest): Promise<CommitResult> {
  const { repo, files } = await prepareCommit(request);

  await requireNoLockOrOperation(repo);
  const branch = await currentBranch(repo);
  if (branch === undefined && !request.allowDetached) {
    throw new GitOperationError(
      'detachedHead',
      'HEAD is detached (no branch is checked out), so the commit would belong to no branch. Check out a branch first, or commit on the detached HEAD deliberately.',
    );
  }

  const add = await repo.git(['--literal-pathspecs', 'add', '--', ...files]);
  if (add.exitCode !== 0) throw failure('commitFailed', 'git add failed.', add);

  // Index against HEAD, for our paths only: no difference means there is nothing new to commit.
  const diff = await repo.git(['--literal-pathspecs', 'diff', '--cached', '--quiet', '--', ...files]);
  if (diff.exitCode === 0) {
    throw new GitOperationError('nothingToCommit', `Nothing to commit: ${files.join(', ')} ${files.length === 1 ? 'is' : 'are'} unchanged since the last commit.`);
  }
  if (diff.exitCode !== 1) throw failure('commitFailed', 'git diff failed.', diff);

  const before = await headHash(repo);
  const args = ['--literal-pathspecs', 'commit', '-m', request.message];
  if (request.noVerify) args.push('--no-verify');
  args.push('--only', '--', ...files);
  let commit: GitOutput;
  try {
    commit = await repo.git(args);
  } catch (err) {
    if (err instanceof GitOperationError && err.kind === 'timedOut') {
      throw new GitOperationError(
        'timedOut',
        `${err.message} A hook or commit signing may be waiting for input; nothing was committed.`,
        err.output,
      );
    }
    throw err;
  }
  const after = await headHash(repo);
  if (commit.exitCode !== 0 || !after || after === before) {
    throw await classifyCommitFailure(repo, commit, request.noVerify === true);
  }
  return { hash: after, branch, files, repoRoot: repo.root, output: (commit.stdout + commit.stderr).trim() };
}

export interface PushRequest extends GitContext {
  repoDir: string;
  /** A configured remote's name (not a URL). */
  remote: string;
}

/** Push the current branch to `remote`. */
export async function pushCurrentBranch(request: PushRequest): Promise<{ output: string }> {
  // A remote name from settings: refuse anything git could read as an option or a URL.
  if (!/^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(request.remote)) {
    throw new GitOperationError('invalidRemote', `"${request.remote}" is not a valid remote name.`);
  }
  const repo = await openRepository(request.repoDir, request);
  const url = await repo.git(['remote', 'get-url', '--', request.remote]);
  if (url.exitCode !== 0) {
    throw failure('invalidRemote', `This repository has no remote called "${request.remote}".`, url);
  }
  if ((await currentBranch(repo)) === undefined) {
    throw new GitOperationError('detachedHead', 'HEAD is detached, so there is no branch to push.');
  }
  const push = await repo.git(['push', '--porcelain', '--', request.remote, 'HEAD']);
  if (push.exitCode !== 0) {
    const rejected = /\[rejected\]|non-fast-forward|fetch first/i.test(push.stdout + push.stderr);
    throw failure(
      'pushFailed',
      rejected
        ? `The push to "${request.remote}" was rejected: the remote has commits this branch does not. Pull, then push again.`
        : `The push to "${request.remote}" failed.`,
      push,
    );
  }
  return { output: (push.stdout + push.stderr).trim() };
}

/** Create a repository in `dir` (the "not a git repository" remedy). */
export async function initRepository(dir: string, context: GitContext = {}): Promise<void> {
  const out = await run(['init', '--quiet'], dir, context);
  if (out.exitCode !== 0) throw failure('commitFailed', 'git init failed.', out);
}

/** `git show` of one commit, as text (for a read-only "reveal commit" view). */
export async function showCommit(repoDir: string, hash: string, context: GitContext = {}): Promise<string> {
  if (!/^[0-9a-f]{7,64}$/i.test(hash)) throw new GitOperationError('commitFailed', `"${hash}" is not a commit hash.`);
  const out = await run(['show', '--no-color', '--stat', '--patch', '--format=fuller', hash, '--'], repoDir, context);
  if (out.exitCode !== 0) throw failure('commitFailed', `git show ${hash} failed.`, out);
  return out.stdout;
}

// ---------------------------------------------------------------------------------------------

export interface Repository {
  /** Real path of the working tree's top level. */
  root: string;
  /** Absolute path of this working tree's git directory. */
  gitDir: string;
  git(args: readonly string[]): Promise<GitOutput>;
}

export async function run(args: readonly string[], cwd: string, context: GitContext): Promise<GitOutput> {
  const timeoutMs = context.timeoutMs ?? DEFAULT_GIT_TIMEOUT_MS;
  try {
    return await runGit(args, { cwd, env: context.env, timeoutMs });
  } catch (err) {
    if (err instanceof GitTimeoutError) throw new GitOperationError('timedOut', `${err.message}.`);
    if (err instanceof GitUnavailableError) {
      throw new GitOperationError('gitUnavailable', `${err.message}. Is git installed and on the PATH?`);
    }
    throw err;
  }
}

export async function openRepository(repoDir: string, context: GitContext): Promise<Repository> {
  const stat = await fs.stat(repoDir).catch((err: unknown) => {
    // Only a folder that is not there is "not a repository"; anything else is said as it is.
    if (isNotFound(err)) throw new GitOperationError('notARepository', `${repoDir} does not exist, so it is not a git repository.`);
    throw new GitOperationError('commitFailed', `${repoDir} cannot be opened: ${describeFsError(err)}.`);
  });
  if (!stat.isDirectory()) {
    throw new GitOperationError('notARepository', `${repoDir} is not a folder, so it is not a git repository.`);
  }
  const top = await run(['rev-parse', '--show-toplevel', '--absolute-git-dir'], repoDir, context);
  if (top.exitCode !== 0) {
    if (/safe\.directory/.test(top.stderr)) {
      throw failure(
        'unsafeRepository',
        `git refuses to work in ${repoDir} because the folder belongs to another user (see git's safe.directory setting).`,
        top,
      );
    }
    throw failure('notARepository', `${repoDir} is not inside a git repository (or not inside its working tree).`, top);
  }
  const [rootLine, gitDirLine] = top.stdout.split('\n');
  const root = await fs.realpath(rootLine ?? repoDir);
  return {
    root,
    gitDir: gitDirLine?.trim() ?? path.join(root, '.git'),
    git: (args) => run(args, root, context),
  };
}

/**
 * The path of `file` relative to the repository root, refusing a file outside the working tree,
 * inside `.git`, or reached through a symbolic link below the root (git would commit the link,
 * or follow it somewhere we did not write).
 */
async function pathInsideRepository(root: string, repoDir: string, file: string): Promise<string> {
  const absolute = path.resolve(repoDir, file);
  // Walk up the path as written until a folder is the repository root: the workspace folder may
  // itself be reached through a link (above the root), which is fine.
  const parts: string[] = [];
  let current = absolute;
  for (;;) {
    const parent = path.dirname(current);
    if (parent === current) {
      throw new GitOperationError('outsideRepository', `${file} is outside the repository at ${root}.`, undefined, { file });
    }
    parts.unshift(path.basename(current));
    current = parent;
    const real = await fs.realpath(current).catch(() => undefined);
    if (real === root) break;
  }
  if (parts[0] === '.git') {
    throw new GitOperationError('outsideRepository', `${file} is inside the .git folder, not the working tree.`, undefined, { file });
  }
  let walked = current;
  for (let i = 0; i < parts.length; i += 1) {
    walked = path.join(walked, parts[i]);
    const stat = await fs.lstat(walked).catch((err: unknown) => {
      if (isNotFound(err)) throw new GitOperationError('fileMissing', `${file} does not exist.`, undefined, { file });
      throw new GitOperationError('commitFailed', `${file} cannot be read: ${describeFsError(err)}.`, undefined, { file });
    });
    if (stat.isSymbolicLink()) {
      throw new GitOperationError(
        'symlink',
        `${file} is reached through a symbolic link (${path.relative(root, walked)}); only regular files inside the repository are committed.`,
        undefined,
        { file },
      );
    }
    if (i === parts.length - 1 && !stat.isFile()) {
      throw new GitOperationError('fileMissing', `${file} is not a regular file.`, undefined, { file });
    }
  }
  return parts.join('/');
}

async function requireIdentity(repo: Repository): Promise<void> {
  const missing: string[] = [];
  for (const key of ['user.name', 'user.email']) {
    const out = await repo.git(['config', '--get', key]);
    if (out.exitCode !== 0 || !out.stdout.trim()) missing.push(key);
  }
  if (missing.length > 0) {
    throw new GitOperationError(
      'missingIdentity',
      `git does not know who you are: ${missing.join(' and ')} ${missing.length === 1 ? 'is' : 'are'} not set. Set ${missing.length === 1 ? 'it' : 'them'} with \`git config ${missing[0]} …\` (add --global for every repository).`,
      undefined,
      { missing },
    );
  }
}

const OPERATIONS: readonly { marker: string; name: string }[] = [
  { marker: 'MERGE_HEAD', name: 'a merge' },
  { marker: 'rebase-merge', name: 'a rebase' },
  { marker: 'rebase-apply', name: 'a rebase (or git am)' },
  { marker: 'CHERRY_PICK_HEAD', name: 'a cherry-pick' },
  { marker: 'REVERT_HEAD', name: 'a revert' },
  { marker: 'BISECT_LOG', name: 'a bisect' },
];

async function requireNoLockOrOperation(repo: Repository): Promise<void> {
  const lock = path.join(repo.gitDir, 'index.lock');
  if (await exists(lock)) {
    throw new GitOperationError(
      'indexLocked',
      `The git index is locked (${lock} exists): another git process is running, or one crashed. If no git process is running, delete that file and try again.`,
      undefined,
      { lockFile: lock },
    );
  }
  for (const { marker, name } of OPERATIONS) {
    if (await exists(path.join(repo.gitDir, marker))) {
      throw new GitOperationError(
        'operationInProgress',
        `The repository is in the middle of ${name}. Finish or abort it first; committing now would mix the post-mortem into it.`,
        undefined,
        { operation: marker },
      );
    }
  }
}

export async function currentBranch(repo: Repository): Promise<string | undefined> {
  const out = await repo.git(['symbolic-ref', '--quiet', '--short', 'HEAD']);
  return out.exitCode === 0 ? out.stdout.trim() : undefined;
}

async function headHash(repo: Repository): Promise<string | undefined> {
  const out = await repo.git(['rev-parse', '--verify', '--quiet', 'HEAD^{commit}']);
  return out.exitCode === 0 ? out.stdout.trim() : undefined;
}

export async function classifyCommitFailure(repo: Repository, commit: GitOutput, noVerify: boolean): Promise<GitOperationError> {
  const output = (commit.stdout + commit.stderr).trim();
  if (/failed to sign|gpg failed|signing failed/i.test(output)) {
    return new GitOperationError('signingFailed', 'git could not sign the commit; nothing was committed.', output);
  }
  const hooks = await activeCommitHooks(repo, noVerify);
  if (hooks.length > 0) {
    return new GitOperationError(
      'hookFailed',
      `A commit hook (${hooks.join(', ')}) refused the commit; nothing was committed.`,
      output,
      { hooks },
    );
  }
  if (await exists(path.join(repo.gitDir, 'index.lock'))) {
    return new GitOperationError('indexLocked', 'The git index became locked by another git process; nothing was committed.', output);
  }
  return new GitOperationError('commitFailed', 'git commit failed; nothing was committed.', output);
}

/** Hooks that run during `git commit` and can refuse it, honouring core.hooksPath. */
async function activeCommitHooks(repo: Repository, noVerify: boolean): Promise<string[]> {
  const out = await repo.git(['rev-parse', '--git-path', 'hooks']);
  if (out.exitCode !== 0) return [];
  const dir = path.resolve(repo.root, out.stdout.trim());
  const names = noVerify ? ['prepare-commit-msg'] : ['pre-commit', 'prepare-commit-msg', 'commit-msg'];
  const found: string[] = [];
  for (const name of names) {
    const stat = await fs.stat(path.join(dir, name)).catch(() => undefined);
    // Git runs a hook only when it is executable.
    if (stat?.isFile() && (process.platform === 'win32' || (stat.mode & 0o111) !== 0)) found.push(name);
  }
  return found;
}

export function failure(kind: ConstructorParameters<typeof GitOperationError>[0], message: string, out: GitOutput): GitOperationError {
  return new GitOperationError(kind, message, (out.stdout + out.stderr).trim());
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

/** Set `user.name` and `user.email` in this repository's own config (the "missing identity" remedy). */
export async function configureIdentity(repoDir: string, identity: { name: string; email: string }, context: GitContext = {}): Promise<void> {
  const repo = await openRepository(repoDir, context);
  for (const [key, value] of [
    ['user.name', identity.name],
    ['user.email', identity.email],
  ] as const) {
    if (!value.trim() || /[\n\0]/.test(value)) throw new GitOperationError('missingIdentity', `${key} must be a single non-empty line.`);
    // `--` ends git's options: a value starting with "-" is still a value.
    const out = await repo.git(['config', '--local', '--', key, value.trim()]);
    if (out.exitCode !== 0) throw failure('commitFailed', `git config ${key} failed.`, out);
  }
}
