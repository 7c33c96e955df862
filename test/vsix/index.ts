// Runs inside a real VS Code where the packaged .vsix was installed (no development extension):
// the shipped artifact activates, registers its commands and answers its API.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';

export async function run(): Promise<void> {
  const results: { title: string; state: 'passed' | 'failed'; error?: string }[] = [];
  const check = async (title: string, fn: () => Promise<void> | void) => {
    try {
      await fn();
      results.push({ title, state: 'passed' });
    } catch (err) {
      results.push({ title, state: 'failed', error: String((err as Error)?.stack ?? err) });
    }
  };
  const ext = vscode.extensions.getExtension('oncall-runbooks.oncall-runbooks');
  await check('the installed extension is present, loaded from the extensions folder', () => {
    assert.ok(ext, 'extension found');
    const expected = process.env.ONCALL_VSIX_EXTENSIONS_DIR;
    assert.ok(expected && ext.extensionPath.startsWith(expected), `${ext.extensionPath} is under ${expected}`);
    assert.ok(!fs.existsSync(`${ext.extensionPath}/node_modules`), 'no node_modules inside the package');
    assert.ok(fs.existsSync(`${ext.extensionPath}/dist/extension.js`), 'the bundle is there');
  });
  await check('it activates and returns its API', async () => {
    const api = await ext!.activate();
    assert.equal(ext!.isActive, true);
    assert.ok(Array.isArray(api.runbooks.all()));
  });
  await check('its commands are registered', async () => {
    const commands = await vscode.commands.getCommands(true);
    for (const id of ['oncall.findRunbook', 'oncall.declareIncident', 'oncall.runCodeBlock', 'oncall.commitPostmortem']) {
      assert.ok(commands.includes(id), `${id} registered`);
    }
  });
  await check('it indexes the sample runbooks it ships', async () => {
    const count = await vscode.commands.executeCommand<number>('oncall.refreshIndex');
    assert.equal(typeof count, 'number');
  });
  const out = process.env.ONCALL_TEST_RESULTS;
  const summary = {
    passed: results.filter((r) => r.state === 'passed').length,
    failed: results.filter((r) => r.state === 'failed').length,
    tests: results,
  };
  if (out) fs.writeFileSync(out, JSON.stringify(summary, null, 2));
  if (summary.failed > 0) throw new Error(`${summary.failed} .vsix check(s) failed`);
}
