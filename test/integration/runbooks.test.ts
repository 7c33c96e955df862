// The runbook index in the real editor: the tree over the sample repository, search, alert
// lookup (command and URI), live updates from the file watcher, diagnostics and their quick fix.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { RunbookSummary } from '../../src/vscode/api';

const EXTENSION_ID = 'oncall-runbooks.oncall-runbooks';

type Summary = RunbookSummary;

interface TreeItemInfo {
  id: string;
  label: string;
  description?: string;
  contextValue?: string;
  icon?: string;
  color?: string;
}

interface Api {
  runbooks: { all(): Summary[]; byAlert(name: string): Summary[] };
  testing?: { runbooks?: { treeItems(parentId?: string): Promise<TreeItemInfo[]>; whenCurrent(): Promise<void>; handleUri(uri: vscode.Uri): Promise<void>; registerMs: number } };
}

/** Polls until `check` returns a value (not undefined/false), or fails after `ms`. */
async function eventually<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

describe('Runbook index', function () {
  this.timeout(120_000);
  let api: Api;
  let root: string;
  let tree: NonNullable<NonNullable<Api['testing']>['runbooks']>;
  const created: string[] = [];

  before(async () => {
    api = (await vscode.extensions.getExtension(EXTENSION_ID)!.activate()) as Api;
    root = vscode.workspace.workspaceFolders![0]!.uri.fsPath;
    assert.ok(api.testing?.runbooks, 'the extension runs in test mode');
    tree = api.testing.runbooks;
    // Every test reads a complete index, also when it runs alone (--grep).
    await tree.whenCurrent();
    // For the report (speed is measured, never asserted): registration does no file I/O.
    const out = path.join(vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath, 'test-output');
    fs.mkdirSync(out, { recursive: true });
    fs.writeFileSync(path.join(out, 'runbooks-activation.txt'), `runbook features registered in ${tree.registerMs.toFixed(1)} ms during activation\n`);
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const p of created) fs.rmSync(p, { recursive: true, force: true });
  });

  function write(rel: string, text: string): string {
    const file = path.join(root, rel);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    created.push(file);
    return file;
  }

  it('refreshIndex resolves to the number of runbooks once the index is current', async () => {
    const count = await vscode.commands.executeCommand<number>('oncall.refreshIndex');
    assert.equal(typeof count, 'number');
    assert.ok(count >= 10, `the sample repository has runbooks (got ${count})`);
    assert.equal(api.runbooks.all().length, count);
    assert.ok(api.runbooks.all().every((r) => !/readme/i.test(path.basename(r.path))), 'READMEs are not counted');
  });

  it('shows areas → runbooks → sections → code blocks in the tree', async () => {
    const top = await tree.treeItems();
    const areas = top.filter((i) => i.contextValue === 'area').map((i) => i.label);
    for (const area of ['api-gateway', 'database', 'infrastructure', 'queue', 'security']) assert.ok(areas.includes(area), `area ${area} in ${areas.join(', ')}`);

    const database = top.find((i) => i.label === 'database')!;
    const inDatabase = await tree.treeItems(database.id);
    assert.equal(inDatabase[0]?.contextValue, 'readme', 'the area README comes first');
    const runbooks = inDatabase.filter((i) => i.contextValue === 'runbook');
    assert.ok(runbooks.length >= 2);
    const summaries = api.runbooks.all().filter((r) => r.area === 'database');
    for (const r of runbooks) {
      const summary = summaries.find((s) => s.title === r.label);
      assert.ok(summary, `${r.label} is a database runbook`);
      if (summary.severity) assert.ok(r.description?.includes(summary.severity), `severity in "${r.description}"`);
      if (summary.owner) assert.ok(r.description?.includes(summary.owner), `owner in "${r.description}"`);
    }

    // Walk down to every code block of each runbook: both kinds are there, and each block's
    // label (step number and heading) is unique within its runbook.
    const contexts = new Set<string>();
    for (const r of runbooks) {
      const labels: string[] = [];
      const stack = [r.id];
      while (stack.length > 0) {
        for (const child of await tree.treeItems(stack.pop()!)) {
          if (child.contextValue === 'section') stack.push(child.id);
          else if (child.contextValue?.startsWith('codeBlock')) {
            contexts.add(child.contextValue);
            assert.match(child.label, /^Step \d+ · \S/);
            labels.push(child.label);
          }
        }
      }
      assert.equal(new Set(labels).size, labels.length, `unique block labels in ${r.label}: ${labels.join(' | ')}`);
    }
    assert.ok(contexts.has('codeBlock.runnable') && contexts.has('codeBlock.copyOnly'), [...contexts].join(', '));
  });

  it('findRunbook with a query opens the best match without prompting', async () => {
    const target = api.runbooks.all().find((r) => r.area === 'queue')!;
    const summary = await vscode.commands.executeCommand<Summary>('oncall.findRunbook', { query: target.title });
    assert.equal(summary.path, target.path);
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, target.path);
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('oncall.findRunbook', { query: 'zzqqxx-no-such-runbook' })), /No runbook matches/);
  });

  it('openRunbookForAlert opens the runbook for an alert, case-insensitively, and resolves to its summary', async () => {
    const target = api.runbooks.all().find((r) => r.alerts.length > 0)!;
    const alert = target.alerts[0]!;
    const summary = await vscode.commands.executeCommand<Summary>('oncall.openRunbookForAlert', { alert: alert.toLowerCase() });
    assert.deepEqual(summary, api.runbooks.byAlert(alert)[0]);
    // The API looks alerts up like the command does: case, `_`/`-`/spaces do not matter.
    const loose = alert.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
    assert.notEqual(loose, alert);
    assert.deepEqual(api.runbooks.byAlert(loose).map((r) => r.path), api.runbooks.byAlert(alert).map((r) => r.path));
    assert.ok(api.runbooks.byAlert(alert).length > 0);
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, summary.path);
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('oncall.openRunbookForAlert', { alert: 'NoSuchAlertAnywhere' })), /No runbook answers/);
  });

  it('opens the runbook for an alert from a vscode:// URI (the registered handler)', async () => {
    // The web host turns openExternal of its own scheme into a page navigation, so the test
    // hands the URI to the handler the extension registered; test/ui/runbooks.ui.mjs goes
    // through the workbench's Open URL instead.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    // An alert exactly one runbook answers: with several, the handler asks which one.
    const target = api.runbooks.all().find((r) => r.area === 'security' && r.alerts.length > 0 && api.runbooks.byAlert(r.alerts[0]!).length === 1)!;
    const uri = vscode.Uri.parse(`${vscode.env.uriScheme}://${EXTENSION_ID}/alert?name=${encodeURIComponent(target.alerts[0]!.toUpperCase())}`);
    await tree.handleUri(uri);
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, api.runbooks.byAlert(target.alerts[0]!)[0]!.path);
  });

  it('keeps the index current when runbooks are created, changed and deleted', async () => {
    const file = write('live-area/live-runbook.md', '---\ntitle: Live runbook\nowner: team-live\nalerts: [LiveCreatedAlert]\n---\n# Live runbook\n\n## Diagnosis\n\n```bash\necho one\n```\n');
    // A batch shows the quick model (title) first; the full model (code blocks) follows.
    const created = await eventually('the new runbook', () => api.runbooks.byAlert('livecreatedalert').find((r) => r.codeBlocks === 1));
    assert.equal(created.title, 'Live runbook');
    await eventually('the new area in the tree', async () => (await tree.treeItems()).some((i) => i.label === 'live-area'));

    fs.writeFileSync(file, '---\ntitle: Live runbook, edited\nowner: team-live\nalerts: [LiveCreatedAlert, LiveSecondAlert]\n---\n# Edited\n\n```bash\necho one\n```\n\n```sql\nselect 1;\n```\n');
    const changed = await eventually('the edit', () => api.runbooks.byAlert('LiveSecondAlert').find((r) => r.codeBlocks === 2));
    assert.equal(changed.title, 'Live runbook, edited');

    fs.rmSync(file);
    await eventually('the deletion', () => api.runbooks.byAlert('LiveCreatedAlert').length === 0);
    await eventually('the empty area to go', async () => !(await tree.treeItems()).some((i) => i.label === 'live-area'));
  });

  it('leaves post-mortems (the oncall.postmortems.folder) out of the index', async () => {
    // A post-mortem and a runbook written together: once the runbook is indexed, the watcher has
    // seen both, and the post-mortem must not be there.
    const postmortem = write('postmortems/2026-11-24-INC-20261124-009-outage.md', '---\nincident: INC-20261124-009\nalerts: [PostmortemOnlyAlert]\n---\n# Outage\n');
    const runbook = write('live-area/beside-postmortem.md', '---\ntitle: Beside\nalerts: [BesidePostmortemAlert]\n---\n# Beside\n');
    await eventually('the runbook', () => api.runbooks.byAlert('BesidePostmortemAlert').length === 1);
    await vscode.commands.executeCommand('oncall.refreshIndex');
    assert.equal(api.runbooks.byAlert('PostmortemOnlyAlert').length, 0);
    assert.ok(!api.runbooks.all().some((r) => r.path.includes(`${path.sep}postmortems${path.sep}`)));
    fs.rmSync(postmortem);
    fs.rmSync(runbook);
  });

  it('reports lint problems as diagnostics and fixes staleness with the quick fix', async () => {
    const body = '# Stale one\n\n## Diagnosis\n\n```bash\necho check\n```\n\n## Mitigation\n\nDo the thing.\n';
    const file = write('live-area/stale-runbook.md', `---\ntitle: Stale one\nowner: team-live\nalerts: [StaleAlert]\nlast_reviewed: 2020-01-02 # long ago\n---\n${body}`);
    const uri = vscode.Uri.file(file);
    const stale = await eventually('a stale diagnostic', () => vscode.languages.getDiagnostics(uri).find((d) => d.code === 'stale'));
    assert.equal(stale.severity, vscode.DiagnosticSeverity.Warning);
    assert.equal(stale.source, 'On-Call Runbooks');

    const document = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(document);
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, stale.range);
    const fix = actions.find((a) => a.title === 'Mark reviewed today');
    assert.ok(fix?.edit, `quick fix offered (got ${actions.map((a) => a.title).join(', ')})`);
    assert.ok(await vscode.workspace.applyEdit(fix.edit));
    assert.equal(document.getText(), `---\ntitle: Stale one\nowner: team-live\nalerts: [StaleAlert]\nlast_reviewed: ${today()} # long ago\n---\n${body}`, 'only the date changed');
    await document.save();
    await eventually('the stale diagnostic to clear', () => !vscode.languages.getDiagnostics(uri).some((d) => d.code === 'stale'));
  });

  it('shows a convention most runbooks do not follow as one suggestion on the folder, not a warning per file', async () => {
    const folder = vscode.workspace.workspaceFolders![0]!.uri;
    const ownerSuggestion = () => vscode.languages.getDiagnostics(folder).find((d) => d.code === 'missing-owner');
    assert.equal(ownerSuggestion(), undefined, 'the sample runbooks mostly name an owner');
    // Enough runbooks without an owner that fewer than half of the folder's runbooks name one.
    const files = Array.from({ length: 30 }, (_, i) =>
      write(`ownerless-area/ownerless-${i}.md`, `# Ownerless ${i}\n\n## Diagnosis\n\n\`\`\`bash\necho ${i}\n\`\`\`\n\n## Mitigation\n\nRestart it.\n`),
    );
    await vscode.commands.executeCommand('oncall.refreshIndex');
    const suggestion = await eventually('the owner suggestion on the folder', ownerSuggestion);
    assert.equal(suggestion.severity, vscode.DiagnosticSeverity.Information);
    assert.equal(suggestion.source, 'On-Call Runbooks');
    assert.match(suggestion.message, /owner/);
    assert.ok(!vscode.languages.getDiagnostics(vscode.Uri.file(files[0]!)).some((d) => d.code === 'missing-owner'), 'no per-file warning');
    for (const f of files) fs.rmSync(f);
    await vscode.commands.executeCommand('oncall.refreshIndex');
    await eventually('the suggestion to go', () => ownerSuggestion() === undefined);
  });

  it('markReviewed adds the date to a runbook without one, from an argument object', async () => {
    const file = write('live-area/never-reviewed.md', '---\ntitle: Never reviewed\nowner: a\nalerts: [NeverReviewed]\n---\n# Never\n');
    await eventually('the runbook', () => api.runbooks.byAlert('NeverReviewed')[0]);
    const result = await vscode.commands.executeCommand<{ lastReviewed: string }>('oncall.markReviewed', { uri: vscode.Uri.file(file).toString() });
    assert.equal(result.lastReviewed, today());
    assert.equal(fs.readFileSync(file, 'utf8'), `---\ntitle: Never reviewed\nowner: a\nalerts: [NeverReviewed]\nlast_reviewed: ${today()}\n---\n# Never\n`);
  });

  it('filters the tree and clears the filter', async () => {
    const target = api.runbooks.all().find((r) => r.area === 'queue')!;
    const count = await vscode.commands.executeCommand<number>('oncall.filterRunbooks', { query: target.title });
    assert.ok(count >= 1);
    const areas = (await tree.treeItems()).filter((i) => i.contextValue === 'area').map((i) => i.label);
    assert.ok(areas.includes('queue'));
    assert.ok(areas.length < 5, `only matching areas (${areas.join(', ')})`);
    await vscode.commands.executeCommand('oncall.clearRunbookFilter');
    assert.ok((await tree.treeItems()).filter((i) => i.contextValue === 'area').length >= 5);
  });

  it('opens a code block at its line', async () => {
    const target = api.runbooks.all().find((r) => r.codeBlocks > 2)!;
    await vscode.commands.executeCommand('oncall.openCodeBlock', { uri: vscode.Uri.file(target.path).toString(), index: 2 });
    const editor = vscode.window.activeTextEditor!;
    assert.equal(editor.document.uri.fsPath, target.path);
    assert.match(editor.document.lineAt(editor.selection.active.line).text, /^\s*(?:>\s*)?(?:```|~~~)/, 'the cursor is on the block\'s opening fence');
  });
});
