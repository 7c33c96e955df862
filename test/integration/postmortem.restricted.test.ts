// Post-mortems in Restricted Mode: committing runs git (hooks and config execute code), so no
// git process may start. The folder is opened untrusted by the runner for *.restricted files.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

describe('Post-mortem in Restricted Mode', () => {
  it('refuses to commit before any git command runs, and leaves the repository untouched', async () => {
    await vscode.extensions.getExtension('oncall-runbooks.oncall-runbooks')!.activate();
    assert.equal(vscode.workspace.isTrusted, false);
    const ws = vscode.workspace.workspaceFolders![0].uri.fsPath;
    const git = (...args: string[]) => execFileSync('git', args, { cwd: ws, encoding: 'utf8' }).trim();
    const file = vscode.Uri.file(path.join(ws, 'postmortems', '2026-11-24-INC-20261124-001-restricted.md'));
    await vscode.workspace.fs.writeFile(file, new TextEncoder().encode('---\nincident: INC-20261124-001\ntitle: t\n---\n\n# t\n'));
    const head = git('rev-parse', 'HEAD');
    const index = fs.statSync(path.join(ws, '.git', 'index')).mtimeMs;
    await assert.rejects(
      Promise.resolve(vscode.commands.executeCommand('oncall.commitPostmortem', { uri: file, draft: true })),
      /Restricted Mode/,
    );
    assert.equal(git('rev-parse', 'HEAD'), head);
    assert.equal(fs.statSync(path.join(ws, '.git', 'index')).mtimeMs, index, 'git add never ran');
    assert.match(git('status', '--porcelain'), /\?\? postmortems\//, 'the file is left for the engineer, unstaged');

    const shown = await vscode.workspace.openTextDocument(vscode.Uri.from({ scheme: 'oncall-commit', path: `/${head}.diff`, query: ws }));
    assert.match(shown.getText(), /needs a trusted workspace/);
  });
});
