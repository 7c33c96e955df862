import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { commitFiles, configureIdentity, initRepository, pushCurrentBranch, showCommit } from '../../../src/git/commit';
import { GitOperationError, type GitFailureKind } from '../../../src/git/errors';
import { sanitizeGitEnv } from '../../../src/git/run';
import { addBareRemote, isolatedEnv, makeRepo, tempBase, type TempRepo } from './gitRepo';

async function rejectsWith(promise: Promise<unknown>, kind: GitFailureKind): Promise<GitOperationError> {
  try {
    await promise;
  } catch (err) {
    assert.ok(err instanceof GitOperationError, `expected a GitOperationError, got ${String(err)}`);
    assert.equal(err.kind, kind, `expected ${kind}, got ${err.kind}: ${err.message}\n${err.output ?? ''}`);
    return err;
  }
  assert.fail(`expected a ${kind} failure, but the operation succeeded`);
}

const PM = 'postmortems/2026-11-24-INC-20261124-001-api-gateway.md';

describe('git: commitFiles against real repositories', () => {
  let repo: TempRepo;
  const repos: TempRepo[] = [];
  const fresh = (options?: Parameters<typeof makeRepo>[0]) => {
    const r = makeRepo(options);
    repos.push(r);
    return r;
  };
  beforeEach(() => {
    repo = fresh();
  });
  after(() => {
    for (const r of repos) r.cleanup();
  });

  const commit = (overrides: Partial<Parameters<typeof commitFiles>[0]> = {}) =>
    commitFiles({ repoDir: repo.dir, files: [PM], message: 'postmortem: INC-1 API (SEV2)', env: repo.env, timeoutMs: 20_000, ...overrides });

  it('commits only the given file and keeps the other staged work staged and out of the commit', async () => {
    repo.write('src/app.ts', 'staged work\n');
    repo.git('add', 'src/app.ts');
    repo.write('README.md', '# repo\nunstaged edit\n');
    repo.write('scratch.txt', 'untracked\n');
    repo.write(PM, '# Post-mortem\n');

    const result = await commit();

    assert.equal(result.hash, repo.git('rev-parse', 'HEAD').trim());
    assert.equal(result.branch, 'main');
    assert.deepEqual(result.files, [PM]);
    assert.equal(repo.git('show', '--format=', '--name-only', 'HEAD').trim(), PM);
    assert.equal(repo.git('log', '-1', '--format=%B').trim(), 'postmortem: INC-1 API (SEV2)');
    assert.equal(repo.git('rev-list', '--count', 'HEAD').trim(), '2');
    const status = repo.git('status', '--porcelain').split('\n').filter(Boolean).sort();
    assert.deepEqual(status, [' M README.md', '?? scratch.txt', 'A  src/app.ts']);
  });

  it('commits a file on a branch with no commits yet', async () => {
    repo = fresh({ initialCommit: false });
    repo.write('other.txt', 'staged\n');
    repo.git('add', 'other.txt');
    repo.write(PM, '# first\n');
    const result = await commit();
    assert.equal(repo.git('show', '--format=', '--name-only', result.hash).trim(), PM);
    assert.match(repo.git('status', '--porcelain'), /^A {2}other\.txt$/m);
  });

  it('commits a journal export together with the post-mortem in one commit', async () => {
    repo.write(PM, '# pm\n');
    repo.write('postmortems/INC-1.timeline.jsonl', '{"id":"1"}\n');
    const result = await commit({ files: [PM, path.join(repo.dir, 'postmortems/INC-1.timeline.jsonl')] });
    const names = repo.git('show', '--format=', '--name-only', result.hash).trim().split('\n').sort();
    assert.deepEqual(names, [PM, 'postmortems/INC-1.timeline.jsonl']);
  });

  it('treats file names and messages that look like options or globs literally', async () => {
    repo.write('postmortems/--amend.md', 'odd name\n');
    repo.write('postmortems/*.md', 'star\n');
    // Read as pathspec magic, this name would mean "everything but x.md" and sweep in other.md.
    repo.write(':(exclude)x.md', 'magic\n');
    repo.write('postmortems/other.md', 'must stay untracked\n');
    const message = '--amend -n `rm -rf /` $(whoami) | "quoted"';
    const result = await commit({ files: ['postmortems/--amend.md', 'postmortems/*.md', ':(exclude)x.md'], message });
    const names = repo.git('show', '--format=', '--name-only', result.hash).trim().split('\n').sort();
    assert.deepEqual(names, [':(exclude)x.md', 'postmortems/*.md', 'postmortems/--amend.md']);
    assert.equal(repo.git('log', '-1', '--format=%B').trim(), message);
    assert.match(repo.git('status', '--porcelain'), /\?\? postmortems\/other\.md/);
    assert.equal(repo.git('rev-list', '--count', 'HEAD').trim(), '2', 'the initial commit was not amended');
  });

  // The names below are the paths git receives (relative to the repository root), so they
  // really start with "-": without the `--` before the paths, git reads them as options.
  it('commits files whose own names start with "-" at the repository root, and only them', async () => {
    repo.write('-rf.md', 'dash rf\n');
    repo.write('--amend.md', 'double dash amend\n');
    repo.write('-a', 'would be --all\n');
    repo.write('README.md', '# repo\nunstaged edit that must stay out\n');
    const result = await commit({ files: ['-rf.md', path.join(repo.dir, '--amend.md')] });
    const names = repo.git('show', '--format=', '--name-only', result.hash).trim().split('\n').sort();
    assert.deepEqual(names, ['--amend.md', '-rf.md']);
    assert.deepEqual(result.files, ['-rf.md', '--amend.md']);
    assert.equal(repo.git('rev-list', '--count', 'HEAD').trim(), '2', 'the initial commit was not amended');
    assert.match(repo.git('status', '--porcelain'), /^ M README\.md$/m);
    assert.match(repo.git('status', '--porcelain'), /^\?\? -a$/m);

    // A second commit of one of them: git diff --cached sees the change to that very file.
    repo.write('-rf.md', 'dash rf, revised\n');
    const second = await commit({ files: ['-rf.md'] });
    assert.equal(repo.git('show', '--format=', '--name-only', second.hash).trim(), '-rf.md');
    await rejectsWith(commit({ files: ['-rf.md'] }), 'nothingToCommit');
  });

  it('commits "-"-named post-mortems when the post-mortem folder is its own repository', async () => {
    const pmRepo = path.join(repo.dir, 'postmortems');
    mkdirSync(pmRepo, { recursive: true });
    const inPm = (...args: string[]) => execFileSync('git', args, { cwd: pmRepo, env: repo.env, encoding: 'utf8' });
    inPm('init', '--quiet', '--initial-branch=main');
    inPm('config', 'user.name', 'PM Writer');
    inPm('config', 'user.email', 'pm@example.invalid');
    writeFileSync(path.join(pmRepo, '--amend.md'), '# incident\n');
    writeFileSync(path.join(pmRepo, '-rf.md'), '# another\n');
    writeFileSync(path.join(pmRepo, 'keep-untracked.md'), 'not ours\n');
    const result = await commitFiles({
      repoDir: pmRepo,
      files: [path.join(pmRepo, '--amend.md'), path.join(pmRepo, '-rf.md')],
      message: 'postmortem: INC-2',
      env: repo.env,
      timeoutMs: 20_000,
    });
    const names = inPm('show', '--format=', '--name-only', result.hash).trim().split('\n').sort();
    assert.deepEqual(names, ['--amend.md', '-rf.md']);
    assert.match(inPm('status', '--porcelain'), /^\?\? keep-untracked\.md$/m);
    assert.equal(repo.git('rev-list', '--count', 'HEAD').trim(), '1', 'the outer repository got no commit');
  });

  it('refuses a folder that is not a repository, and initRepository fixes that', async () => {
    const base = tempBase();
    try {
      const dir = path.join(base, 'plain');
      mkdirSync(path.join(dir, 'postmortems'), { recursive: true });
      writeFileSync(path.join(dir, PM), '# pm\n');
      const env = isolatedEnv(path.join(base, 'home'));
      await rejectsWith(commitFiles({ repoDir: dir, files: [PM], message: 'm', env, timeoutMs: 20_000 }), 'notARepository');
      await rejectsWith(commitFiles({ repoDir: path.join(base, 'missing'), files: [PM], message: 'm', env }), 'notARepository');

      await initRepository(dir, { env });
      assert.ok(existsSync(path.join(dir, '.git')));
      execFileSync('git', ['config', 'user.name', 'A'], { cwd: dir, env });
      execFileSync('git', ['config', 'user.email', 'a@example.invalid'], { cwd: dir, env });
      const result = await commitFiles({ repoDir: dir, files: [PM], message: 'm', env, timeoutMs: 20_000 });
      assert.match(result.hash, /^[0-9a-f]{40}$/);
    } finally {
      rmSync(base, { recursive: true, force: true });
    }
  });

  it('refuses when user.name or user.email is missing and names which', async () => {
    repo = fresh({ identity: false });
    repo.write(PM, '# pm\n');
    const both = await rejectsWith(commit(), 'missingIdentity');
    assert.deepEqual(both.details.missing, ['user.name', 'user.email']);
    repo.git('config', 'user.name', 'Only Name');
    const email = await rejectsWith(commit(), 'missingIdentity');
    assert.deepEqual(email.details.missing, ['user.email']);
    assert.match(email.message, /user\.email/);
    assert.equal(readFileSync(path.join(repo.dir, PM), 'utf8'), '# pm\n');

    // The remedy: set both in the repository's own config, values taken literally.
    await configureIdentity(repo.dir, { name: '--global Dash Name', email: 'dash@example.invalid' }, { env: repo.env });
    assert.equal(repo.git('config', '--local', 'user.name').trim(), '--global Dash Name');
    await commit();
    assert.equal(repo.git('log', '-1', '--format=%an <%ae>').trim(), '--global Dash Name <dash@example.invalid>');
    await rejectsWith(configureIdentity(repo.dir, { name: 'a\nb', email: 'x' }, { env: repo.env }), 'missingIdentity');
  });

  it('refuses while the index is locked, without touching the lock', async () => {
    repo.write(PM, '# pm\n');
    const lock = path.join(repo.dir, '.git', 'index.lock');
    writeFileSync(lock, '');
    const err = await rejectsWith(commit(), 'indexLocked');
    assert.match(err.message, /index\.lock/);
    assert.ok(existsSync(lock));
    assert.equal(repo.git('rev-list', '--count', 'HEAD').trim(), '1');
  });

  it('reports a failing pre-commit hook with its output, and commits with noVerify only when asked', async () => {
    repo.hook('pre-commit', '#!/bin/sh\necho "lint: trailing whitespace in post-mortem" >&2\nexit 1\n');
    repo.write(PM, '# pm  \n');
    const err = await rejectsWith(commit(), 'hookFailed');
    assert.match(err.output ?? '', /lint: trailing whitespace in post-mortem/);
    assert.deepEqual(err.details.hooks, ['pre-commit']);
    assert.equal(repo.git('rev-list', '--count', 'HEAD').trim(), '1');
    assert.equal(readFileSync(path.join(repo.dir, PM), 'utf8'), '# pm  \n');

    const result = await commit({ noVerify: true });
    assert.equal(repo.git('show', '--format=', '--name-only', result.hash).trim(), PM);
  });

  it('reports a failing commit-msg hook too', async () => {
    repo.hook('commit-msg', '#!/bin/sh\necho "message must name a ticket" >&2\nexit 1\n');
    repo.write(PM, '# pm\n');
    const err = await rejectsWith(commit(), 'hookFailed');
    assert.match(err.output ?? '', /message must name a ticket/);
  });

  it('stops a hook that hangs and leaves no lock behind', async () => {
    repo.hook('pre-commit', '#!/bin/sh\necho waiting >&2\nsleep 30\n');
    repo.write(PM, '# pm\n');
    await rejectsWith(commit({ timeoutMs: 1500 }), 'timedOut');
    assert.equal(repo.git('rev-list', '--count', 'HEAD').trim(), '1');
    assert.ok(!existsSync(path.join(repo.dir, '.git', 'index.lock')), 'git cleaned up its lock');
    assert.equal(readFileSync(path.join(repo.dir, PM), 'utf8'), '# pm\n');
  });

  it('reports a signing program that fails, and stops one that hangs', async () => {
    const failing = repo.write('.signer-fail.sh', '#!/bin/sh\necho "no secret key" >&2\nexit 1\n');
    // git does not stop its signing program when it is stopped itself: keep the orphan short-lived.
    const hanging = repo.write('.signer-hang.sh', '#!/bin/sh\nsleep 4\n');
    execFileSync('chmod', ['+x', failing, hanging]);
    repo.git('config', 'commit.gpgsign', 'true');
    repo.git('config', 'gpg.program', failing);
    repo.write(PM, '# pm\n');
    await rejectsWith(commit(), 'signingFailed');
    repo.git('config', 'gpg.program', hanging);
    await rejectsWith(commit({ timeoutMs: 1500 }), 'timedOut');
    assert.equal(repo.git('rev-list', '--count', 'HEAD').trim(), '1');
  });

  it('refuses on a detached HEAD unless allowed', async () => {
    repo.git('checkout', '--quiet', '--detach', 'HEAD');
    repo.write(PM, '# pm\n');
    await rejectsWith(commit(), 'detachedHead');
    const result = await commit({ allowDetached: true });
    assert.equal(result.branch, undefined);
    assert.equal(repo.git('rev-parse', 'HEAD').trim(), result.hash);
  });

  it('refuses during a merge with conflicts', async () => {
    repo.git('checkout', '--quiet', '-b', 'side');
    repo.write('README.md', 'side\n');
    repo.git('commit', '--quiet', '-am', 'side');
    repo.git('checkout', '--quiet', 'main');
    repo.write('README.md', 'main\n');
    repo.git('commit', '--quiet', '-am', 'main');
    assert.throws(() => repo.git('merge', 'side'));
    repo.write(PM, '# pm\n');
    const err = await rejectsWith(commit(), 'operationInProgress');
    assert.match(err.message, /merge/);
  });

  it('refuses during a rebase that stopped on a conflict', async () => {
    repo.git('checkout', '--quiet', '-b', 'side');
    repo.write('README.md', 'side\n');
    repo.git('commit', '--quiet', '-am', 'side');
    repo.git('checkout', '--quiet', 'main');
    repo.write('README.md', 'main\n');
    repo.git('commit', '--quiet', '-am', 'main');
    repo.git('checkout', '--quiet', 'side');
    assert.throws(() => repo.git('rebase', 'main'));
    repo.write(PM, '# pm\n');
    const err = await rejectsWith(commit(), 'operationInProgress');
    assert.match(err.message, /rebase/);
  });

  it('says there is nothing to commit when the file is unchanged', async () => {
    repo.write(PM, '# pm\n');
    await commit();
    repo.write('other.txt', 'staged\n');
    repo.git('add', 'other.txt');
    await rejectsWith(commit(), 'nothingToCommit');
    assert.match(repo.git('status', '--porcelain'), /^A {2}other\.txt$/m);
    await rejectsWith(commit({ files: [] }), 'nothingToCommit');
  });

  it('refuses files outside the repository, inside .git, or missing', async () => {
    const outside = path.join(repo.base, 'elsewhere.md');
    writeFileSync(outside, 'x\n');
    await rejectsWith(commit({ files: [outside] }), 'outsideRepository');
    await rejectsWith(commit({ files: ['../elsewhere.md'] }), 'outsideRepository');
    await rejectsWith(commit({ files: ['.git/config'] }), 'outsideRepository');
    await rejectsWith(commit({ files: ['postmortems/none.md'] }), 'fileMissing');
  });

  it('says what is wrong with a path instead of calling every failure "missing"', async () => {
    const notDir = await rejectsWith(commit({ files: ['README.md/pm.md'] }), 'commitFailed');
    assert.match(notDir.message, /README\.md\/pm\.md cannot be read: a part of the path is not a folder \(ENOTDIR\)/);
    const loop = path.join(repo.base, 'loop');
    symlinkSync(loop, loop);
    const looped = await rejectsWith(commit({ repoDir: loop }), 'commitFailed');
    assert.match(looped.message, /cannot be opened: too many symbolic links .*\(ELOOP\)/);
    const inFile = await rejectsWith(commit({ repoDir: path.join(repo.dir, 'README.md', 'sub') }), 'commitFailed');
    assert.match(inFile.message, /\(ENOTDIR\)/);
    const missing = await rejectsWith(commit({ repoDir: path.join(repo.base, 'gone') }), 'notARepository');
    assert.match(missing.message, /does not exist/);
    const file = await rejectsWith(commit({ repoDir: path.join(repo.dir, 'README.md') }), 'notARepository');
    assert.match(file.message, /is not a folder/);
  });

  it('refuses a file behind a symbolic link (the file or a folder on its path)', async () => {
    const target = path.join(repo.base, 'real-postmortems');
    mkdirSync(target);
    writeFileSync(path.join(target, 'pm.md'), '# pm\n');
    symlinkSync(target, path.join(repo.dir, 'linked'));
    await rejectsWith(commit({ files: ['linked/pm.md'] }), 'symlink');
    repo.write('real.md', '# real\n');
    symlinkSync(path.join(repo.dir, 'real.md'), path.join(repo.dir, 'alias.md'));
    await rejectsWith(commit({ files: ['alias.md'] }), 'symlink');
    assert.equal(repo.git('rev-list', '--count', 'HEAD').trim(), '1');
  });

  it('accepts a repository reached through a symbolic link above it', async () => {
    const link = path.join(repo.base, 'workspace-link');
    symlinkSync(repo.dir, link);
    repo.write(PM, '# pm\n');
    const result = await commit({ repoDir: link, files: [path.join(link, PM)] });
    assert.deepEqual(result.files, [PM]);
  });

  it('ignores GIT_* variables and program settings from the host environment', async () => {
    const decoy = fresh();
    repo.write(PM, '# pm\n');
    const env = {
      ...repo.env,
      GIT_DIR: path.join(decoy.dir, '.git'),
      GIT_WORK_TREE: decoy.dir,
      GIT_INDEX_FILE: path.join(decoy.dir, '.git', 'index'),
      GIT_AUTHOR_NAME: 'Someone Else',
      EDITOR: 'false',
      GIT_ASKPASS: '/bin/false',
    };
    const result = await commit({ env });
    assert.equal(repo.git('rev-parse', 'HEAD').trim(), result.hash);
    assert.equal(decoy.git('rev-list', '--count', 'HEAD').trim(), '1');
    assert.equal(repo.git('log', '-1', '--format=%an').trim(), 'Test Engineer');
  });

  it('showCommit returns the commit with its files', async () => {
    repo.write(PM, '# pm\n');
    const result = await commit();
    const text = await showCommit(repo.dir, result.hash, { env: repo.env });
    assert.match(text, new RegExp(result.hash));
    assert.match(text, /postmortems\/2026-11-24-INC-20261124-001-api-gateway\.md/);
    await rejectsWith(showCommit(repo.dir, '--output=/tmp/x', { env: repo.env }), 'commitFailed');
  });
});

describe('git: pushCurrentBranch to a local bare remote', () => {
  let repo: TempRepo;
  let bare: string;
  beforeEach(() => {
    repo = makeRepo();
    bare = addBareRemote(repo);
  });
  afterEach(() => repo.cleanup());

  it('pushes the new commit', async () => {
    repo.write(PM, '# pm\n');
    const { hash } = await commitFiles({ repoDir: repo.dir, files: [PM], message: 'pm', env: repo.env });
    await pushCurrentBranch({ repoDir: repo.dir, remote: 'origin', env: repo.env, timeoutMs: 20_000 });
    const remoteHead = execFileSync('git', ['rev-parse', 'main'], { cwd: bare, env: repo.env, encoding: 'utf8' }).trim();
    assert.equal(remoteHead, hash);
  });

  it('refuses an unknown remote and a remote name that looks like an option', async () => {
    await rejectsWith(pushCurrentBranch({ repoDir: repo.dir, remote: 'upstream', env: repo.env }), 'invalidRemote');
    await rejectsWith(pushCurrentBranch({ repoDir: repo.dir, remote: '--receive-pack=touch /tmp/x', env: repo.env }), 'invalidRemote');
  });

  it('reports a rejected push when the remote moved on', async () => {
    const other = path.join(repo.base, 'other');
    execFileSync('git', ['clone', '--quiet', bare, other], { env: repo.env });
    const inOther = (...args: string[]) => execFileSync('git', args, { cwd: other, env: repo.env });
    inOther('-c', 'user.name=O', '-c', 'user.email=o@example.invalid', 'commit', '--quiet', '--allow-empty', '-m', 'elsewhere');
    inOther('push', '--quiet', 'origin', 'main');
    repo.write(PM, '# pm\n');
    await commitFiles({ repoDir: repo.dir, files: [PM], message: 'pm', env: repo.env });
    const err = await rejectsWith(pushCurrentBranch({ repoDir: repo.dir, remote: 'origin', env: repo.env }), 'pushFailed');
    assert.match(err.message, /rejected/);
  });
});

describe('git: sanitizeGitEnv', () => {
  it('drops GIT_* and program variables, keeps the rest, and disables terminal prompts', () => {
    const env = sanitizeGitEnv({ PATH: '/bin', HOME: '/h', GIT_DIR: '/x', git_work_tree: '/y', EDITOR: 'vim', PAGER: 'less', SSH_AUTH_SOCK: '/s' });
    assert.deepEqual(env, { PATH: '/bin', HOME: '/h', SSH_AUTH_SOCK: '/s', GIT_TERMINAL_PROMPT: '0' });
  });
});
