// The foundation: the extension activates in the real editor, every command it contributes is
// registered (and the reverse), its views are there, and it returns its API.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'oncall-runbooks.oncall-runbooks';

interface Manifest {
  contributes: { commands: { command: string }[]; views: Record<string, { id: string }[]> };
}

describe('Activation', () => {
  it('activates and returns the public API', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, 'the extension is installed in the editor');
    const api = await ext.activate();
    assert.equal(ext.isActive, true);
    assert.equal(typeof api.runbooks.all, 'function');
    assert.equal(typeof api.runbooks.byAlert, 'function');
    assert.equal(typeof api.incidents.all, 'function');
    assert.equal(typeof api.incidents.active, 'function');
    assert.equal(typeof api.incidents.timeline, 'function');
    assert.ok(api.ready instanceof Promise);
  });

  it('registers every contributed command, and contributes every oncall command it registers', async () => {
    const ext = vscode.extensions.getExtension(EXTENSION_ID)!;
    await ext.activate();
    const manifest = ext.packageJSON as Manifest;
    const contributed = manifest.contributes.commands.map((c) => c.command).sort();
    // The workbench adds view commands such as `oncall.runbooks.focus`; ours have one dot.
    const registered = (await vscode.commands.getCommands(true)).filter((c) => /^oncall\.[A-Za-z]+$/.test(c)).sort();
    assert.deepEqual(registered, contributed);
  });

  it('contributes the public command surface', () => {
    const manifest = vscode.extensions.getExtension(EXTENSION_ID)!.packageJSON as Manifest;
    const ids = new Set(manifest.contributes.commands.map((c) => c.command));
    for (const id of [
      'oncall.findRunbook', 'oncall.openRunbookForAlert', 'oncall.refreshIndex', 'oncall.runCodeBlock',
      'oncall.copyCodeBlock', 'oncall.declareIncident', 'oncall.openTimeline', 'oncall.addNote',
      'oncall.setStatus', 'oncall.assignRole', 'oncall.markMilestone', 'oncall.draftStatusUpdate',
      'oncall.resolveIncident', 'oncall.draftPostmortem', 'oncall.commitPostmortem',
      'oncall.shareIncident', 'oncall.syncIncidents', 'oncall.joinIncident',
    ]) {
      assert.ok(ids.has(id), `${id} is contributed`);
    }
  });

  it('shows the runbook tree view in the On-Call container', async () => {
    await vscode.commands.executeCommand('workbench.view.extension.oncall');
    // Focusing a view only succeeds when the view exists in the workbench.
    await vscode.commands.executeCommand('oncall.runbooks.focus');
    await vscode.commands.executeCommand('oncall.incidents.focus');
  });

  it('opens the sample runbook workspace', () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1);
    assert.match(folders[0].uri.fsPath, /runbooks$/);
  });
});
