// Git in Restricted Mode: git runs code from the repository (hooks, core.fsmonitor and other
// config), so no git process may start: not to commit, not to show a commit, not to look up
// the author's name. The runner opens the folder untrusted for *.restricted files and puts a
// recording `git` first on the editor's PATH (every call is written to ONCALL_TEST_GIT_LOG);
// this file adds hooks and an fsmonitor canary to the repository, each touching a file when
// git runs it. The test's own git calls use the real git with hooks and fsmonitor turned off.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'oncall-runbooks.oncall-runbooks';
const HOOKS = ['pre-commit', 'prepare-commit-msg', 'commit-msg', 'post-commit', 'post-index-change', 'reference-transaction', 'post-checkout', 'pre-push'];

function workspaceDir(): string {
  return vscode.workspace.workspaceFolders![0].uri.fsPath;
}

/** The test's own git: the real binary (not the recorder), without hooks or fsmonitor. */
function testGit(...args: string[]): string {
  const real = process.env.ONCALL_TEST_REAL_GIT ?? 'git';
  return execFileSync(real, ['-c', 'core.hooksPath=/dev/null', '-c', 'core.fsmonitor=false', ...args], { cwd: workspaceDir(), encoding: 'utf8' }).trim();
}

/** Every git call a process of the editor started (folder, tab, arguments), one per line. */
function recordedGitCalls(): string[] {
  const log = process.env.ONCALL_TEST_GIT_LOG;
  assert.ok(log, 'the runner records git calls (ONCALL_TEST_GIT_LOG)');
  return fs.readFileSync(log, 'utf8').split('\n').filter(Boolean);
}

describe('Git in Restricted Mode: no git process starts', function () {
  this.timeout(90_000);
  let canaries: string;
  let scripts: string;
  const fired = () => fs.readdirSync(canaries).sort();

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    assert.equal(vscode.workspace.isTrusted, false, 'the runner opened the workspace in Restricted Mode');
    canaries = fs.mkdtempSync(path.join(os.tmpdir(), 'oncall-canaries-'));
    scripts = fs.mkdtempSync(path.join(os.tmpdir(), 'oncall-canary-scripts-'));
    const touch = (name: string) => `#!/bin/sh\ntouch '${path.join(canaries, name)}'\n`;
    const hooksDir = path.join(workspaceDir(), '.git', 'hooks');
    fs.mkdirSync(hooksDir, { recursive: true });
    for (const hook of HOOKS) fs.writeFileSync(path.join(hooksDir, hook), touch(hook), { mode: 0o755 });
    const fsmonitor = path.join(scripts, 'fsmonitor.sh');
    // git asks this program what changed before it reads the working tree (status, add, commit…).
    fs.writeFileSync(fsmonitor, `${touch('fsmonitor')}exit 1\n`, { mode: 0o755 });
    testGit('config', 'core.fsmonitor', fsmonitor);
  });

  after(() => {
    testGit('config', '--unset', 'core.fsmonitor');
    for (const hook of HOOKS) fs.rmSync(path.join(workspaceDir(), '.git', 'hooks', hook), { force: true });
    fs.rmSync(canaries, { recursive: true, force: true });
    fs.rmSync(scripts, { recursive: true, force: true });
  });

  it('the canaries are live: git run in this repository fires them, and a git started from the editor is recorded', () => {
    const real = process.env.ONCALL_TEST_REAL_GIT ?? 'git';
    execFileSync(real, ['status', '--porcelain'], { cwd: workspaceDir() });
    execFileSync(real, ['hook', 'run', 'pre-commit'], { cwd: workspaceDir() });
    assert.deepEqual(fired().filter((n) => n === 'fsmonitor' || n === 'pre-commit'), ['fsmonitor', 'pre-commit']);
    for (const name of fired()) fs.rmSync(path.join(canaries, name));

    // A process of the extension host that starts `git` from its PATH gets the recorder.
    const probeLog = path.join(scripts, 'probe.log');
    execFileSync('git', ['--version'], { cwd: workspaceDir(), env: { ...process.env, ONCALL_TEST_GIT_LOG: probeLog } });
    assert.match(fs.readFileSync(probeLog, 'utf8'), /\t--version$/m);
  });

  it('started no git while the extension activated and loaded (the author name is not looked up)', async () => {
    const incident = await vscode.commands.executeCommand<{ id: string }>('oncall.declareIncident', { title: 'Restricted declare', severity: 'SEV3' });
    const api = await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    const [declared] = api.incidents.timeline(incident.id) as { author: string }[];
    // The repository's user.name (makeWorkspace sets it) is known only to git.
    assert.notEqual(declared.author, 'Test Responder', 'the author came from git config');
    assert.deepEqual(recordedGitCalls(), []);
    assert.deepEqual(fired(), []);
  });

  it('starts no git when the author setting changes (the name is resolved again)', async () => {
    const config = vscode.workspace.getConfiguration('oncall.incidents');
    await config.update('author', 'Temporary Name', vscode.ConfigurationTarget.Global);
    await config.update('author', undefined, vscode.ConfigurationTarget.Global);
    await new Promise((r) => setTimeout(r, 1500));
    assert.deepEqual(recordedGitCalls(), []);
    assert.deepEqual(fired(), []);
  });

  it('refuses to commit a post-mortem before any git command runs, and leaves the repository untouched', async () => {
    const ws = workspaceDir();
    const file = vscode.Uri.file(path.join(ws, 'postmortems', '2026-11-24-INC-20261124-001-restricted.md'));
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode('---\nincident: INC-20261124-001\ntitle: t\n---\n\n# t\n'));
    const head = testGit('rev-parse', 'HEAD');
    const fromCode = await Promise.allSettled(
      [{ uri: file, draft: true }, { uri: file, draft: true, noVerify: true, allowDetached: true }].map((arg) =>
        Promise.resolve(vscode.commands.executeCommand('oncall.commitPostmortem', arg)),
      ),
    );
    // From the palette or the editor title (no argument object): a message, and still no git.
    await vscode.window.showTextDocument(file);
    const fromUi = [await vscode.commands.executeCommand('oncall.commitPostmortem'), await vscode.commands.executeCommand('oncall.commitPostmortem', file)];
    await new Promise((r) => setTimeout(r, 1000));

    // First what matters most: git never ran, then that the refusal said why.
    assert.deepEqual(recordedGitCalls(), [], 'no git process started');
    assert.deepEqual(fired(), [], 'no hook and no fsmonitor ran');
    for (const outcome of fromCode) {
      assert.equal(outcome.status, 'rejected');
      assert.match(String((outcome as PromiseRejectedResult).reason?.message), /Restricted Mode/);
    }
    assert.deepEqual(fromUi, [undefined, undefined]);
    assert.equal(testGit('rev-parse', 'HEAD'), head);
    assert.match(testGit('status', '--porcelain'), /\?\? postmortems\//, 'the file is left for the engineer, unstaged');
  });

  it('shows no commit through the Reveal Commit document (it would run git show)', async () => {
    const head = testGit('rev-parse', 'HEAD');
    const shown = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: 'oncall-commit', path: `/${head}.diff`, query: workspaceDir() }));
    assert.match(shown.getText(), /needs a trusted workspace/);
    assert.deepEqual(recordedGitCalls(), []);
    assert.deepEqual(fired(), []);
  });
});
