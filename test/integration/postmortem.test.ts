// Post-mortems in the real editor: drafted from an incident's journal, edited in the editor,
// committed with exactly the expected files. The workspace is a git repository with one
// initial commit and user.name/email set (see test/harness/codeServer.mjs).
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TimelineEvent } from '../../src/incidents/model';
import { renderPostmortem } from '../../src/postmortem/render';

const EXTENSION_ID = 'oncall-runbooks.oncall-runbooks';

function workspaceDir(): string {
  return vscode.workspace.workspaceFolders![0].uri.fsPath;
}

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: workspaceDir(), encoding: 'utf8' });
}

function commitCount(): number {
  return Number(git('rev-list', '--count', 'HEAD').trim());
}

function filesOf(hash: string): string[] {
  return git('show', '--format=', '--name-only', hash).trim().split('\n').filter(Boolean).sort();
}

async function activate(): Promise<void> {
  await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
}

/** What an engineer writes: a sentence under each required heading, owners and dates for the action items. */
function fillIn(text: string): string {
  let out = text;
  const write = (heading: string, sentence: string) => {
    out = out.replace(`## ${heading}\n`, `## ${heading}\n\n${sentence}\n`);
  };
  write('Summary', 'A deploy exhausted memory in the checkout service; checkout failed for most users for 20 minutes.');
  write('Impact', 'Roughly 60 % of checkout attempts failed; 12 support tickets.');
  write('Detection', 'The 5xx alert fired four minutes after the first errors.');
  write('Root cause and contributing factors', 'An unbounded cache introduced in the deploy | no memory alert.');
  write('Resolution', 'Rolled back the deploy.');
  write('What went well', 'The rollback runbook worked the first time.');
  write('What could be improved', 'Nothing alerted on memory before the pods were killed.');
  write('Lessons learned', 'Review memory limits with every cache change.');
  out = out.replace(/\| _\(owner\)_ \| _\(YYYY-MM-DD\)_ \| _\(high \/ medium \/ low\)_ \|/g, '| Test Responder | 2026-12-31 | high |');
  out = out.replace(/\| _\(action\)_ \|/, '| Add a memory alert |');
  return out;
}

/** Edits the open document in the editor (unsaved), as a person would. */
async function editInEditor(uri: vscode.Uri, change: (text: string) => string): Promise<vscode.TextEditor> {
  const editor = await vscode.window.showTextDocument(uri, { preview: false });
  const doc = editor.document;
  const next = change(doc.getText());
  assert.notEqual(next, doc.getText(), 'the edit changes the draft');
  const ok = await editor.edit((b) => b.replace(new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), next));
  assert.ok(ok, 'the editor accepted the edit');
  assert.ok(doc.isDirty, 'the edit is not saved yet');
  return editor;
}

describe('Post-mortem: commit from the editor', () => {
  let pmUri: vscode.Uri;

  before(async () => {
    await activate();
    // A post-mortem drafted from the demo incident's journal (a fixture), written into the folder.
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    const journal = fs.readFileSync(path.join(ext.extensionPath, 'test', 'fixtures', 'postmortem', 'demo-incident.jsonl'), 'utf8');
    // Renumbered so it never collides with an incident declared today by the test below.
    const events = journal
      .split('\n')
      .filter(Boolean)
      .map((l) => ({ ...(JSON.parse(l) as TimelineEvent), incidentId: 'INC-20261001-042' }));
    const dir = path.join(workspaceDir(), 'postmortems');
    pmUri = vscode.Uri.file(path.join(dir, '2026-11-24-INC-20261001-042-api-gateway-5xx-on-tracking-routes.md'));
    // Through the editor's file service, so an open editor never sees the file as changed behind its back.
    await vscode.workspace.fs.writeFile(pmUri, new TextEncoder().encode(renderPostmortem(events)));
  });

  it('refuses an incomplete post-mortem from code with the list of what is missing', async () => {
    const before = commitCount();
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('oncall.commitPostmortem', { uri: pmUri.toString() })),
      (err: Error) => /not complete/.test(err.message) && /Root cause and contributing factors/.test(err.message) && /draft: true/.test(err.message),
    );
    assert.equal(commitCount(), before, 'nothing committed');
  });

  it('saves the edited draft and commits exactly that file, leaving other staged work staged', async () => {
    const unrelated = path.join(workspaceDir(), 'unrelated-staged.txt');
    fs.writeFileSync(unrelated, 'someone else\'s staged work\n');
    git('add', '--', 'unrelated-staged.txt');
    try {
      await editInEditor(pmUri, fillIn);
      const before = commitCount();
      const hash = await vscode.commands.executeCommand<string>('oncall.commitPostmortem', { uri: pmUri });
      assert.match(hash, /^[0-9a-f]{40}$/);
      assert.equal(git('rev-parse', 'HEAD').trim(), hash);
      assert.equal(commitCount(), before + 1, 'exactly one new commit');
      // The demo incident is not in this workspace's journal, so there is nothing to export.
      assert.deepEqual(filesOf(hash), ['postmortems/2026-11-24-INC-20261001-042-api-gateway-5xx-on-tracking-routes.md']);
      assert.equal(git('log', '-1', '--format=%s').trim(), 'postmortem: INC-20261001-042 API gateway 5xx on tracking routes (SEV2)');
      assert.ok(!vscode.workspace.textDocuments.find((d) => d.uri.toString() === pmUri.toString())?.isDirty, 'the editor was saved');
      assert.match(git('show', `${hash}:postmortems/2026-11-24-INC-20261001-042-api-gateway-5xx-on-tracking-routes.md`), /unbounded cache introduced in the deploy \| no memory alert/);
      assert.deepEqual(git('diff', '--cached', '--name-only').trim().split('\n'), ['unrelated-staged.txt'], 'the other staged file is still staged');
    } finally {
      git('reset', '-q', '--', 'unrelated-staged.txt');
      fs.rmSync(unrelated, { force: true });
    }
  });

  it('says there is nothing to commit the second time, and the file stays as it is', async () => {
    const before = fs.readFileSync(pmUri.fsPath, 'utf8');
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('oncall.commitPostmortem', { uri: pmUri })), /Nothing to commit/);
    assert.equal(fs.readFileSync(pmUri.fsPath, 'utf8'), before);
  });

  it('reports a failing pre-commit hook with its output, leaves the file intact, and skips hooks only when asked', async () => {
    const hook = path.join(workspaceDir(), '.git', 'hooks', 'pre-commit');
    fs.writeFileSync(hook, '#!/bin/sh\necho "policy: post-mortems need a reviewer" >&2\nexit 1\n', { mode: 0o755 });
    try {
      await editInEditor(pmUri, (t) => t.replace('## Lessons learned\n', '## Lessons learned\n\nAlert on memory before the OOM killer does.\n'));
      const before = commitCount();
      await assert.rejects(
        Promise.resolve(vscode.commands.executeCommand('oncall.commitPostmortem', { uri: pmUri })),
        (err: Error) => /pre-commit/.test(err.message) && /policy: post-mortems need a reviewer/.test(err.message),
      );
      assert.equal(commitCount(), before);
      assert.match(fs.readFileSync(pmUri.fsPath, 'utf8'), /Alert on memory before the OOM killer does\./, 'the saved file keeps the edit');
      const hash = await vscode.commands.executeCommand<string>('oncall.commitPostmortem', { uri: pmUri, noVerify: true });
      assert.equal(git('rev-parse', 'HEAD').trim(), hash);
    } finally {
      fs.rmSync(hook, { force: true });
    }
  });

  it('shows a commit read-only through the Reveal Commit document', async () => {
    const hash = git('rev-parse', 'HEAD').trim();
    const doc = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: 'oncall-commit', path: `/${hash}.diff`, query: fs.realpathSync(workspaceDir()) }));
    assert.match(doc.getText(), new RegExp(`commit ${hash}`));
    assert.match(doc.getText(), /postmortems\/2026-11-24-INC-20261001-042/);
  });

  it('writes the report by severity and month from the post-mortems\' front matter', async () => {
    const text = await vscode.commands.executeCommand<string>('oncall.incidentReport');
    assert.match(text, /\| 2026-11 \| SEV2 \| 1 \| 0 \| 21 min \| 59 min \|/);
    // A read-only preview: no untitled document that asks to be saved when it is closed.
    assert.ok(!vscode.workspace.textDocuments.some((d) => d.isUntitled && d.getText().includes('2026-11')), 'no unsaved report document');
    const source = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: 'oncall-report', path: '/Incident report.md' }));
    assert.equal(source.getText(), text);
    const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
    assert.match(tab?.label ?? '', /Preview/, `the report opens as a preview (active tab: ${tab?.label})`);
    await vscode.commands.executeCommand('workbench.action.closeActiveEditor');
  });
});

describe('Post-mortem: from declaring to the commit', () => {
  before(activate);

  it('declare, add notes, run a block, resolve, draft, edit, commit: one commit with the post-mortem and its journal', async () => {
    const incident = await vscode.commands.executeCommand<{ id: string }>('oncall.declareIncident', {
      title: 'Checkout errors after deploy',
      severity: 'SEV2',
      commander: 'Test Responder',
      summary: 'Checkout returns 5xx for most users.',
    });
    const id = incident.id;
    await vscode.commands.executeCommand('oncall.addNote', { incidentId: id, text: 'checkout pods OOMKilled | since the <14:02> deploy' });
    await vscode.commands.executeCommand('oncall.addNote', { incidentId: id, text: 'TODO: add a memory alert on checkout' });

    // A block that runs anywhere, in a runbook written for this test.
    const runbook = path.join(workspaceDir(), 'postmortem-test', 'echo.md');
    fs.mkdirSync(path.dirname(runbook), { recursive: true });
    fs.writeFileSync(runbook, '---\ntitle: Echo check\nowner: team-test\n---\n\n# Echo check\n\n## Diagnosis\n\n```sh\necho checkout-ok\n```\n\n## Mitigation\n\nNothing.\n');
    await vscode.commands.executeCommand('oncall.refreshIndex', {});
    const run = await vscode.commands.executeCommand<{ exitCode: number | null }>('oncall.runCodeBlock', { uri: vscode.Uri.file(runbook).toString(), index: 0 });
    assert.equal(run.exitCode, 0, 'the block ran in the terminal');

    await vscode.commands.executeCommand('oncall.resolveIncident', { incidentId: id, summary: 'Rolled back the deploy.' });
    const uri = await vscode.commands.executeCommand<vscode.Uri>('oncall.draftPostmortem', { incidentId: id });
    assert.ok(uri instanceof vscode.Uri, 'resolves to the URI of the draft');
    assert.match(path.basename(uri.fsPath), new RegExp(`^\\d{4}-\\d{2}-\\d{2}-${id}-checkout-errors-after-deploy\\.md$`));
    assert.equal(path.dirname(uri.fsPath), path.join(workspaceDir(), 'postmortems'));
    const draft = fs.readFileSync(uri.fsPath, 'utf8');
    assert.match(draft, /checkout pods OOMKilled \\\| since the &lt;14:02&gt; deploy/, 'notes escaped in the timeline table');
    assert.match(draft, /\| add a memory alert on checkout \| _\(owner\)_ \|/, 'TODO notes prefill the action items');
    assert.match(draft, /Ran `echo checkout-ok` from Echo check \(step 1\): exit 0/);

    await editInEditor(uri, fillIn);
    const before = commitCount();
    const hash = await vscode.commands.executeCommand<string>('oncall.commitPostmortem', { uri });
    assert.equal(commitCount(), before + 1, 'exactly one new commit');
    const relative = path.relative(workspaceDir(), uri.fsPath).split(path.sep).join('/');
    assert.deepEqual(filesOf(hash), [`postmortems/${id}.timeline.jsonl`, relative].sort());
    assert.equal(git('log', '-1', '--format=%s').trim(), `postmortem: ${id} Checkout errors after deploy (SEV2)`);

    // Drafting again after another event keeps every edit made outside the generated parts.
    await vscode.commands.executeCommand('oncall.addNote', { incidentId: id, text: 'late note after the commit' });
    await vscode.commands.executeCommand('oncall.draftPostmortem', { incidentId: id });
    const redrafted = fs.readFileSync(uri.fsPath, 'utf8');
    assert.match(redrafted, /A deploy exhausted memory in the checkout service/);
    assert.match(redrafted, /late note after the commit/);
  });
});
