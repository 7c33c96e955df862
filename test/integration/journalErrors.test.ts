// Journal read faults in the real editor. A journal that cannot be read at commit time stops
// the post-mortem commit: committing the post-mortem alone would quietly leave its timeline
// out. A damaged note draft is moved aside when the timeline opens, never overwritten. The
// faults are real, not mocked: a segment of the incident's journal is replaced by a folder of
// the same name (reading it fails with EISDIR), then put back; the draft file holds half a
// JSON object.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'oncall-runbooks.oncall-runbooks';

function workspaceDir(): string {
  return vscode.workspace.workspaceFolders![0].uri.fsPath;
}

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: workspaceDir(), encoding: 'utf8' }).trim();
}

describe('Post-mortem commit: a journal that cannot be read stops it', function () {
  this.timeout(90_000);

  it('refuses with the reason and commits nothing; once the journal is readable again, commits both files', async () => {
    const api = await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    const incident = await vscode.commands.executeCommand<{ id: string }>('oncall.declareIncident', { title: 'Journal read fault', severity: 'SEV3' });
    const id = incident.id;
    await vscode.commands.executeCommand('oncall.addNote', { incidentId: id, text: 'a note that must reach the export' });
    await vscode.commands.executeCommand('oncall.resolveIncident', { incidentId: id, summary: 'done' });
    const uri = await vscode.commands.executeCommand<vscode.Uri>('oncall.draftPostmortem', { incidentId: id });
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');

    const dir: string = api.incidents.journalFolder(id);
    const [segment] = fs.readdirSync(dir).filter((n) => n.endsWith('.jsonl'));
    assert.ok(segment, 'the incident has a journal segment');
    const aside = path.join(path.dirname(dir), `${segment}.aside`);
    const exported = path.join(path.dirname(uri.fsPath), `${id}.timeline.jsonl`);
    const head = git('rev-parse', 'HEAD');

    fs.renameSync(path.join(dir, segment), aside);
    fs.mkdirSync(path.join(dir, segment));
    try {
      await assert.rejects(
        Promise.resolve(vscode.commands.executeCommand('oncall.commitPostmortem', { uri, draft: true })),
        (err: Error) => {
          assert.match(err.message, new RegExp(`The journal of ${id} could not be read`));
          assert.match(err.message, /EISDIR/);
          assert.match(err.message, /nothing was committed/);
          return true;
        },
      );
      assert.equal(git('rev-parse', 'HEAD'), head, 'no commit');
      assert.equal(fs.existsSync(exported), false, 'no partial export was written');
    } finally {
      fs.rmdirSync(path.join(dir, segment));
      fs.renameSync(aside, path.join(dir, segment));
    }

    const hash = await vscode.commands.executeCommand<string>('oncall.commitPostmortem', { uri, draft: true });
    const files = git('show', '--format=', '--name-only', hash).split('\n').sort();
    const relative = path.relative(workspaceDir(), uri.fsPath).split(path.sep).join('/');
    assert.deepEqual(files, [relative, `postmortems/${id}.timeline.jsonl`].sort());
    assert.match(fs.readFileSync(exported, 'utf8'), /a note that must reach the export/);
  });
});

describe('Timeline: a damaged note draft', function () {
  this.timeout(90_000);

  it('is moved to quarantine byte for byte when the timeline opens, out of the way of the next draft', async () => {
    const api = await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    const { id } = await vscode.commands.executeCommand<{ id: string }>('oncall.declareIncident', { title: 'Damaged draft', severity: 'SEV4' });
    const dir: string = api.incidents.journalFolder(id);
    const damaged = '{"text":"half a thought about the roll';
    fs.writeFileSync(path.join(dir, 'note-draft.json'), damaged);

    await vscode.commands.executeCommand('oncall.openTimeline', { incidentId: id });
    const quarantine = path.join(dir, 'quarantine');
    const deadline = Date.now() + 30_000;
    while (!(fs.existsSync(quarantine) && fs.readdirSync(quarantine).some((n) => n.startsWith('note-draft.json.')))) {
      if (Date.now() > deadline) throw new Error('the damaged draft was not moved aside');
      await new Promise((r) => setTimeout(r, 100));
    }
    const [moved] = fs.readdirSync(quarantine).filter((n) => n.startsWith('note-draft.json.'));
    assert.equal(fs.readFileSync(path.join(quarantine, moved), 'utf8'), damaged);
    assert.equal(fs.existsSync(path.join(dir, 'note-draft.json')), false);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });
});
