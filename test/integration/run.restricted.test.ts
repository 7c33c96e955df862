// Restricted Mode (the runner opens the workspace untrusted for *.restricted.test.ts): every
// run command refuses, from code, from the palette and from a tree item, and no terminal
// opens; Copy still works.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';

describe('Run code blocks in Restricted Mode', function () {
  this.timeout(60_000);
  let runbook: string;

  before(async () => {
    await vscode.extensions.getExtension('oncall-runbooks.oncall-runbooks')!.activate();
    assert.equal(vscode.workspace.isTrusted, false, 'the runner opened the workspace in Restricted Mode');
    runbook = path.join(vscode.workspace.workspaceFolders![0].uri.fsPath, 'infrastructure', 'pod-crashloop.md');
    await vscode.window.showTextDocument(vscode.Uri.file(runbook));
  });

  it('refuses every run command from code with the Restricted Mode reason, and opens no terminal', async () => {
    const before = vscode.window.terminals.length;
    for (const id of ['oncall.runCodeBlock', 'oncall.runCodeBlockInNewTerminal']) {
      await assert.rejects(
        Promise.resolve(vscode.commands.executeCommand(id, { uri: runbook, index: 1 })),
        /Restricted Mode: running runbook commands needs a trusted workspace/,
      );
    }
    assert.equal(vscode.window.terminals.length, before);
  });

  it('refuses from the palette and from a tree item too (a message, no prompt, no terminal)', async () => {
    const before = vscode.window.terminals.length;
    for (const id of ['oncall.runCodeBlock', 'oncall.runCodeBlockInNewTerminal']) {
      assert.equal(await vscode.commands.executeCommand(id), undefined);
      const treeItem = Object.assign(new vscode.TreeItem('block'), { runbookPath: runbook, blockIndex: 1 });
      assert.equal(await vscode.commands.executeCommand(id, treeItem), undefined);
    }
    assert.equal(vscode.window.terminals.length, before);
  });

  it('still copies a block', async () => {
    const text = await vscode.commands.executeCommand<string>('oncall.copyCodeBlock', { uri: runbook, index: 1 });
    assert.match(text, /kubectl/);
    assert.equal(await vscode.env.clipboard.readText(), text);
  });
});
