// Committing a post-mortem to its own branch in a real repository: the engineer's working tree,
// index, current branch and local commits stay as they were, and the branch holds exactly the
// post-mortem's files on top of the remote's default branch.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { commitToBranch, postmortemBranchName, pullRequestUrl, pushBranch } from '../../../src/git/branch';
import { changesInWindow } from '../../../src/git/history';
import { GitOperationError } from '../../../src/git/errors';
import { addBareRemote, makeRepo, type TempRepo } from './gitRepo';

/** Settles with the GitOperationError `promise` fails with, checking its kind. */
function rejectsWith(promise: Promise<unknown>, kind: string): Promise<GitOperationError> {
  return promise.then(
    () => assert.fail(`expected a ${kind} failure`),
    (err: unknown) => {
      assert.ok(err instanceof GitOperationError && err.kind === kind, `expected ${kind}, got ${String(err)}`);
      return err;
    },
  );
}

/** Everything about the engineer's checkout that must not change. */
function snapshot(repo: TempRepo) {
  return {
    head: repo.git('rev-parse', 'HEAD').trim(),
    branch: repo.git('symbolic-ref', '--short', 'HEAD').trim(),
    status: repo.git('status', '--porcelain=v2', '--untracked-files=all'),
    staged: repo.git('diff', '--cached'),
    unstaged: repo.git('diff'),
    index: repo.git('ls-files', '--stage'),
    worktrees: repo.git('worktree', 'list', '--porcelain'),
  };
}

describe('git: committing a post-mortem to its own branch', () => {
  let repo: TempRepo;
  let bare: string;
  const ctx = () => ({ env: repo.env, timeoutMs: 30_000, tmpDir: repo.base });

  beforeEach(() => {
    repo = makeRepo();
    bare = addBareRemote(repo);
    repo.git('fetch', '--quiet', 'origin');
    repo.git('remote', 'set-head', 'origin', 'main');
    // The engineer's own work: a local commit not on the remote, staged, unstaged and untracked changes.
    repo.write('feature.txt', 'my feature\n');
    repo.git('add', 'feature.txt');
    repo.git('commit', '--quiet', '-m', 'my local work');
    repo.write('README.md', '# repo\nstaged line\n');
    repo.git('add', 'README.md');
    repo.write('README.md', '# repo\nstaged line\nunstaged line\n');
    repo.write('notes/scratch.txt', 'untracked\n');
    repo.write('postmortems/2026-12-04-INC-20261204-001-checkout.md', '# Post-mortem\n');
    repo.write('postmortems/INC-20261204-001.timeline.jsonl', '{"x":1}\n');
  });
  afterEach(() => repo.cleanup());

  const files = ['postmortems/2026-12-04-INC-20261204-001-checkout.md', 'postmortems/INC-20261204-001.timeline.jsonl'];

  it('builds the branch from the remote default branch with exactly the post-mortem files, touching nothing else', async () => {
    const before = snapshot(repo);
    const result = await commitToBranch({ repoDir: repo.dir, files, branch: 'postmortem/INC-20261204-001', message: 'postmortem: INC-20261204-001 Checkout', ...ctx() });
    assert.equal(result.created, true);
    assert.equal(result.base, 'origin/main');
    assert.deepEqual(snapshot(repo), before, 'working tree, index, HEAD, branch and worktrees unchanged');
    const log = repo.git('log', '--format=%s', '--name-only', 'origin/main..postmortem/INC-20261204-001').trim().split('\n').filter(Boolean);
    assert.deepEqual(log, ['postmortem: INC-20261204-001 Checkout', ...files]);
    assert.equal(repo.git('rev-parse', 'postmortem/INC-20261204-001^').trim(), repo.git('rev-parse', 'origin/main').trim(), 'one commit on top of origin/main');
    assert.deepEqual(repo.git('ls-tree', '-r', '--name-only', 'postmortem/INC-20261204-001').trim().split('\n').sort(), ['README.md', ...files].sort());
    assert.equal(repo.git('show', 'postmortem/INC-20261204-001:README.md'), '# repo\n', 'the staged README is not in it');
    assert.ok(!existsSync(path.join(repo.base, 'worktree')), 'the temporary worktree is gone');
  });

  it('appends to the branch the second time, and says when nothing changed', async () => {
    await commitToBranch({ repoDir: repo.dir, files, branch: 'postmortem/INC-20261204-001', message: 'first', ...ctx() });
    repo.write(files[0], '# Post-mortem\n\nReviewed.\n');
    const second = await commitToBranch({ repoDir: repo.dir, files, branch: 'postmortem/INC-20261204-001', message: 'second', ...ctx() });
    assert.equal(second.created, false);
    assert.equal(second.base, 'postmortem/INC-20261204-001');
    assert.deepEqual(repo.git('log', '--format=%s', 'origin/main..postmortem/INC-20261204-001').trim().split('\n'), ['second', 'first']);
    await rejectsWith(commitToBranch({ repoDir: repo.dir, files, branch: 'postmortem/INC-20261204-001', message: 'third', ...ctx() }), 'nothingToCommit');
  });

  it('starts from HEAD when there is no remote', async () => {
    repo.git('remote', 'remove', 'origin');
    const result = await commitToBranch({ repoDir: repo.dir, files, branch: 'postmortem/INC-20261204-001', message: 'pm', ...ctx() });
    assert.equal(result.base, 'HEAD');
    assert.deepEqual(repo.git('diff', '--name-only', 'HEAD', 'postmortem/INC-20261204-001').trim().split('\n'), files);
  });

  it('creates no branch when a hook refuses, and leaves no worktree behind', async () => {
    repo.hook('pre-commit', '#!/bin/sh\necho "needs a reviewer" >&2\nexit 1\n');
    const before = snapshot(repo);
    const err = await rejectsWith(commitToBranch({ repoDir: repo.dir, files, branch: 'postmortem/INC-20261204-001', message: 'pm', ...ctx() }), 'hookFailed');
    assert.match(err.output ?? '', /needs a reviewer/);
    assert.equal(repo.git('branch', '--list', 'postmortem/*').trim(), '');
    assert.deepEqual(snapshot(repo), before);
  });

  it('refuses names that are not post-mortem branches, and the branch checked out here', async () => {
    await rejectsWith(commitToBranch({ repoDir: repo.dir, files, branch: '--force', message: 'pm', ...ctx() }), 'commitFailed');
    await rejectsWith(commitToBranch({ repoDir: repo.dir, files, branch: 'main', message: 'pm', ...ctx() }), 'commitFailed');
    await rejectsWith(commitToBranch({ repoDir: repo.dir, files, branch: 'postmortem/../x', message: 'pm', ...ctx() }), 'commitFailed');
    repo.git('checkout', '--quiet', '-b', 'postmortem/INC-20261204-001');
    await rejectsWith(commitToBranch({ repoDir: repo.dir, files, branch: 'postmortem/INC-20261204-001', message: 'pm', ...ctx() }), 'commitFailed');
    assert.equal(postmortemBranchName('INC-2026/../x y.lock'), 'postmortem/INC-2026-.-x-y-lock');
  });

  it('pushes the branch (never forced) and gives the page to open a pull request', async () => {
    await commitToBranch({ repoDir: repo.dir, files, branch: 'postmortem/INC-20261204-001', message: 'pm', ...ctx() });
    const pushed = await pushBranch({ repoDir: repo.dir, remote: 'origin', branch: 'postmortem/INC-20261204-001', env: repo.env, timeoutMs: 30_000 });
    assert.equal(pushed.url, bare);
    assert.equal(execFileSync('git', ['rev-parse', 'postmortem/INC-20261204-001'], { cwd: bare, env: repo.env, encoding: 'utf8' }).trim(), repo.git('rev-parse', 'postmortem/INC-20261204-001').trim());
    assert.equal(readFileSync(path.join(repo.dir, 'README.md'), 'utf8'), '# repo\nstaged line\nunstaged line\n');
    await rejectsWith(pushBranch({ repoDir: repo.dir, remote: '--upload-pack=x', branch: 'postmortem/INC-20261204-001', env: repo.env, timeoutMs: 30_000 }), 'invalidRemote');
  });

  it('makes pull request links for GitHub and GitLab remotes only', () => {
    assert.equal(pullRequestUrl('git@github.com:acme/runbooks.git', 'postmortem/INC-1', 'main'), 'https://github.com/acme/runbooks/compare/main...postmortem/INC-1?expand=1');
    assert.equal(pullRequestUrl('https://github.com/acme/runbooks', 'postmortem/INC-1', 'main'), 'https://github.com/acme/runbooks/compare/main...postmortem/INC-1?expand=1');
    assert.equal(
      pullRequestUrl('ssh://git@gitlab.com/acme/ops/runbooks.git', 'postmortem/INC-1', 'main'),
      'https://gitlab.com/acme/ops/runbooks/-/merge_requests/new?merge_request%5Bsource_branch%5D=postmortem%2FINC-1&merge_request%5Btarget_branch%5D=main',
    );
    assert.equal(pullRequestUrl('https://token:x@github.com/acme/r.git', 'postmortem/INC-1', 'main'), 'https://github.com/acme/r/compare/main...postmortem/INC-1?expand=1', 'credentials in the remote URL never reach the link');
    assert.equal(pullRequestUrl('/srv/git/runbooks.git', 'postmortem/INC-1', 'main'), undefined);
    assert.equal(pullRequestUrl('https://bitbucket.org/acme/r.git', 'postmortem/INC-1', 'main'), undefined);
  });
});

describe('git: what changed in a window', () => {
  let repo: TempRepo;
  beforeEach(() => {
    repo = makeRepo();
  });
  afterEach(() => repo.cleanup());

  const commitAt = (iso: string, subject: string) => {
    repo.write(`f-${subject.replace(/\W+/g, '-')}.txt`, subject);
    repo.git('add', '-A');
    execFileSync('git', ['commit', '--quiet', '-m', subject], { cwd: repo.dir, env: { ...repo.env, GIT_CONFIG_NOSYSTEM: '1', GIT_COMMITTER_DATE: iso, GIT_AUTHOR_DATE: iso } });
  };

  it('lists commits and tags made in the window, with their source, and nothing outside it', async () => {
    commitAt('2026-12-04T08:00:00Z', 'too early');
    commitAt('2026-12-04T09:59:00Z', 'raise the cache size');
    execFileSync('git', ['tag', '-a', 'v2.41.0', '-m', 'release v2.41.0'], { cwd: repo.dir, env: { ...repo.env, GIT_CONFIG_NOSYSTEM: '1', GIT_COMMITTER_DATE: '2026-12-04T09:59:30Z' } });
    commitAt('2026-12-04T10:30:00Z', 'after impact start');
    const result = await changesInWindow({ dir: repo.dir, since: '2026-12-04T09:00:00.000Z', until: '2026-12-04T10:00:00.000Z', timeoutMs: 30_000, env: repo.env });
    assert.ok(result.ok);
    assert.equal(result.repo, 'repo');
    assert.deepEqual(result.changes.map((c) => [c.kind, c.subject, c.ref ?? '', c.author, c.at]), [
      ['commit', 'raise the cache size', '', 'Test Engineer', '2026-12-04T09:59:00.000Z'],
      ['tag', 'release v2.41.0', 'v2.41.0', 'Test Engineer', '2026-12-04T09:59:30.000Z'],
    ]);
    assert.equal(result.changes[0].sha, result.changes[1].sha, 'the tag points at that commit');
  });

  it('says so for a folder that is not a repository, and for an empty repository', async () => {
    const notRepo = await changesInWindow({ dir: repo.base, since: '2026-12-04T09:00:00Z', until: '2026-12-04T10:00:00Z', timeoutMs: 30_000, env: repo.env });
    assert.deepEqual(notRepo, { ok: false, problem: `${path.basename(repo.base)} is not a git repository` });
    const empty = makeRepo({ initialCommit: false });
    try {
      const r = await changesInWindow({ dir: empty.dir, since: '2026-12-04T09:00:00Z', until: '2026-12-04T10:00:00Z', timeoutMs: 30_000, env: empty.env });
      assert.deepEqual(r, { ok: true, repo: 'repo', changes: [] });
    } finally {
      empty.cleanup();
    }
  });
});
