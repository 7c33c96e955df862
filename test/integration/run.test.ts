// Running code blocks in the real editor: a runbook written by the test into the workspace,
// its blocks run through the public commands with argument objects, their effects checked on
// disk. The danger modal is answered through the test-mode API (see src/vscode/run/confirm.ts);
// test/ui/run.ui.mjs answers the real modal in the workbench.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'oncall-runbooks.oncall-runbooks';

interface RunResult {
  command: string;
  target?: string;
  exitCode: number | null;
  durationMs: number;
  terminalName: string;
  outputTail?: string;
  unknownReason?: string;
  failedCommand?: string;
}

interface ConfirmationRequest {
  command: string;
  findings: { ruleId: string }[];
  markedDangerous: boolean;
  targets: { kind: string; name: string; description: string }[];
}

interface TestingApi {
  run: {
    setConfirmation(fn: ((req: ConfirmationRequest) => Promise<boolean>) | undefined): void;
    lastRun(runbookPath: string, blockIndex: number): RunResult | undefined;
  };
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

describe('Run code blocks', function () {
  this.timeout(120_000);
  let dir: string;
  let runbook: string;
  let testing: TestingApi;
  const blocks: Record<string, number> = {};

  /** The blocks, by name; their index is their position. */
  function runbookText(d: string): string {
    const spec: Array<[string, string, string]> = [
      ['ok', 'bash', `echo ok > ${q(path.join(d, 'ok.txt'))}`],
      ['three', 'bash', `echo about to fail; sh -c 'exit 3'`],
      ['placeholders', 'bash', `printf '%s|%s' <value> "in quotes: <value>" > ${q(path.join(d, 'value.txt'))}; echo '<other>' >> ${q(path.join(d, 'value.txt'))}`],
      ['danger', 'bash', `rm -rf ${q(path.join(d, 'victim'))}`],
      ['marked', 'bash {danger}', `echo marked > ${q(path.join(d, 'marked.txt'))}`],
      ['cd', 'bash', `mkdir -p ${q(path.join(d, 'sub'))} && cd ${q(path.join(d, 'sub'))}\nexport ONCALL_STATE=42`],
      ['state', 'bash', `pwd > ${q(path.join(d, 'state.txt'))}; echo "$ONCALL_STATE" >> ${q(path.join(d, 'state.txt'))}`],
      ['busy', 'bash', `sleep 4; echo done > ${q(path.join(d, 'busy.txt'))}`],
      ['second', 'bash', `echo second > ${q(path.join(d, 'second.txt'))}`],
      ['multi', 'bash', `echo one > ${q(path.join(d, 'm1.txt'))}\nsh -c 'exit 4'\necho three > ${q(path.join(d, 'm3.txt'))}`],
      ['heredoc', 'bash', `cat > ${q(path.join(d, 'heredoc.txt'))} <<EOF\nname: <name>\nEOF\nif [ -s ${q(path.join(d, 'heredoc.txt'))} ]; then\n  echo yes >> ${q(path.join(d, 'heredoc.txt'))}\nfi`],
      ['long', 'bash', `true\nprintf '%s' <long> > ${q(path.join(d, 'long.txt'))}`],
      ['sql', 'sql', 'SELECT count(*) FROM orders WHERE id = <id>;'],
      ['console', 'console', `$ echo console > ${q(path.join(d, 'console.txt'))}\nconsole`],
      ['secret', 'bash', `printf '%s' <api_token> | wc -c > ${q(path.join(d, 'secret.txt'))}`],
      ['sleep', 'bash', 'sleep 20'],
      ['suicide', 'bash', 'kill -9 $$'],
      ['typed', 'bash', `echo typed > ${q(path.join(d, 'typed.txt'))}`],
      ['incident', 'bash', `echo incident > ${q(path.join(d, 'incident.txt'))}; sh -c 'exit 2'`],
      ['kube', 'bash', `printf '%s' "$KUBECONFIG" > ${q(path.join(d, 'kubeconfig-seen.txt'))} || kubectl delete pod it-pod --force`],
      ['nested', 'bash', `sh -c "printf '%s' <value> > ${path.join(d, 'nested.txt')}" && eval 'printf "%s" <value>' > ${q(path.join(d, 'nested-eval.txt'))}`],
      ['zshSecret', 'bash', `printf '%s' <api_token> > /dev/null\ntrue\nfc -ln 1 > ${q(path.join(d, 'zsh-history.txt'))}`],
    ];
    let md = '---\ntitle: Run command tests\nowner: tests\n---\n\n# Run command tests\n\n';
    spec.forEach(([name, lang, body], index) => {
      blocks[name] = index;
      md += `## ${name}\n\n\`\`\`${lang}\n${body}\n\`\`\`\n\n`;
    });
    return md;
  }

  const run = (name: string, values?: Record<string, string>, command = 'oncall.runCodeBlock') =>
    Promise.resolve(vscode.commands.executeCommand<RunResult | undefined>(command, { uri: runbook, index: blocks[name], ...(values ? { values } : {}) }));

  before(async () => {
    const api = await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    assert.ok(api.testing, 'the extension exposes its test API in ExtensionMode.Test');
    testing = api.testing as TestingApi;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oncall-run-it-'));
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    fs.mkdirSync(path.join(folder, 'testing'), { recursive: true });
    runbook = path.join(folder, 'testing', 'run-commands.md');
    fs.writeFileSync(runbook, runbookText(dir));
    // Wait for the index to pick the new file up.
    const deadline = Date.now() + 20_000;
    for (;;) {
      await vscode.commands.executeCommand('oncall.refreshIndex');
      const ok = await vscode.commands.executeCommand('oncall.copyCodeBlock', { uri: runbook, index: blocks.ok }).then(() => true, () => false);
      if (ok) break;
      if (Date.now() > deadline) throw new Error('the test runbook was not indexed within 20 s');
      await new Promise((r) => setTimeout(r, 250));
    }
  });

  after(() => {
    testing?.run.setConfirmation(undefined);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs a block that exits 0 and one that exits 3, and records both codes', async () => {
    const ok = await run('ok');
    assert.equal(ok?.exitCode, 0);
    assert.equal(fs.readFileSync(path.join(dir, 'ok.txt'), 'utf8'), 'ok\n');
    assert.ok(ok!.durationMs >= 0);
    assert.match(ok!.terminalName, /^Run command tests/);
    const three = await run('three');
    assert.equal(three?.exitCode, 3);
    assert.match(three!.outputTail ?? '', /about to fail/);
    assert.equal(three!.command, "echo about to fail; sh -c 'exit 3'");
    assert.equal(testing.run.lastRun(runbook, blocks.three)?.exitCode, 3);
    assert.equal(testing.run.lastRun(runbook, blocks.ok)?.exitCode, 0);
  });

  it('fills placeholders from the argument object without prompting, exactly as given', async () => {
    const value = `it's "$(touch ${path.join(dir, 'canary')})" \`id\` ; | & ! 🔥`;
    const result = await run('placeholders', { value, other: '$HOME' });
    assert.equal(result?.exitCode, 0);
    assert.equal(fs.readFileSync(path.join(dir, 'value.txt'), 'utf8'), `${value}|in quotes: ${value}$HOME\n`);
    assert.equal(fs.existsSync(path.join(dir, 'canary')), false);
  });

  it('refuses a missing or unusable value from code, and runs nothing', async () => {
    await assert.rejects(run('placeholders', { value: 'x' }), /No value for <other>/);
    await assert.rejects(run('placeholders', { value: 'a\nb', other: 'y' }), /control character U\+000A/);
    await assert.rejects(run('placeholders', { value: '--force', other: 'y' }), /starts with "-"/);
  });

  it('does not run a dangerous block when the confirmation is declined; the request shows the exact command', async () => {
    const victim = path.join(dir, 'victim');
    fs.mkdirSync(victim);
    const seen: ConfirmationRequest[] = [];
    testing.run.setConfirmation(async (req) => {
      seen.push(req);
      return false;
    });
    try {
      assert.equal(await run('danger'), undefined);
      assert.ok(fs.existsSync(victim), 'the declined command ran');
      assert.equal(seen.length, 1);
      assert.equal(seen[0].command, `rm -rf ${q(victim)}`);
      assert.deepEqual(seen[0].findings.map((f) => f.ruleId), ['rm-recursive']);
      // A block the runbook marks dangerous asks too.
      assert.equal(await run('marked'), undefined);
      assert.equal(seen[1].markedDangerous, true);
      assert.equal(fs.existsSync(path.join(dir, 'marked.txt')), false);
      // No field of the argument object skips the confirmation.
      const skipAttempt = { uri: runbook, index: blocks.danger, confirm: true, force: true, skipConfirmation: true, confirmed: true, yes: true };
      assert.equal(await vscode.commands.executeCommand('oncall.runCodeBlock', skipAttempt), undefined);
      assert.equal(seen.length, 3, 'the confirmation was asked although the arguments tried to skip it');
      assert.ok(fs.existsSync(victim));
      // Confirmed, it runs.
      testing.run.setConfirmation(async () => true);
      assert.equal((await run('danger'))?.exitCode, 0);
      assert.equal(fs.existsSync(victim), false);
    } finally {
      testing.run.setConfirmation(undefined);
    }
  });

  it('reuses its terminal, which keeps cd and exported variables between blocks', async () => {
    const first = await run('cd');
    const second = await run('state');
    assert.equal(first?.exitCode, 0);
    assert.equal(second?.terminalName, first?.terminalName);
    assert.equal(fs.readFileSync(path.join(dir, 'state.txt'), 'utf8'), `${path.join(dir, 'sub')}\n42\n`);
  });

  it('does not interrupt a busy terminal: the next block opens another', async () => {
    const busy = run('busy');
    await new Promise((r) => setTimeout(r, 1500));
    const second = await run('second');
    assert.equal(second?.exitCode, 0);
    const first = await busy;
    assert.equal(first?.exitCode, 0, 'the busy command was interrupted');
    assert.equal(fs.readFileSync(path.join(dir, 'busy.txt'), 'utf8'), 'done\n');
    assert.notEqual(second?.terminalName, first?.terminalName);
    assert.match(second!.terminalName, /\(\d+\)$/);
  });

  it('reports the failure of the second line of a multi-line block, and stops there', async () => {
    const result = await run('multi');
    assert.equal(result?.exitCode, 4);
    assert.equal(result?.failedCommand, "sh -c 'exit 4'");
    assert.ok(fs.existsSync(path.join(dir, 'm1.txt')));
    assert.equal(fs.existsSync(path.join(dir, 'm3.txt')), false, 'the line after the failure ran');
  });

  it('runs here-documents and if blocks as single commands, with a quoted value inside', async () => {
    const result = await run('heredoc', { name: "o'neil $(id) `x` \\" });
    assert.equal(result?.exitCode, 0);
    assert.equal(fs.readFileSync(path.join(dir, 'heredoc.txt'), 'utf8'), "name: o'neil $(id) `x` \\\nyes\n");
  });

  it('runs a 10,000-character value intact, in the second command of a block', async () => {
    const long = 'x'.repeat(9_984) + "'$(touch canary)";
    const result = await run('long', { long });
    assert.equal(result?.exitCode, 0);
    assert.equal(fs.readFileSync(path.join(dir, 'long.txt'), 'utf8'), long);
  });

  it('strips prompts and output of a console block', async () => {
    assert.equal((await run('console'))?.exitCode, 0);
    assert.equal(fs.readFileSync(path.join(dir, 'console.txt'), 'utf8'), 'console\n');
  });

  it('masks secret values in the result, and keeps them out of the output tail', async () => {
    const result = await run('secret', { api_token: 'hunter2-secret' });
    assert.equal(result?.exitCode, 0, JSON.stringify(result));
    assert.equal(fs.readFileSync(path.join(dir, 'secret.txt'), 'utf8').trim(), '14');
    assert.doesNotMatch(JSON.stringify(result), /hunter2/);
    assert.match(result!.command, /\*{8}/);
  });

  it('copies blocks (any language) and refuses to run a SQL block', async () => {
    const copied = await vscode.commands.executeCommand<string>('oncall.copyCodeBlock', { uri: runbook, index: blocks.placeholders, values: { value: 'a b' } });
    assert.match(copied, /printf '%s\|%s' 'a b' "in quotes: "'a b'"" > /);
    assert.equal(await vscode.env.clipboard.readText(), copied);
    assert.equal(await vscode.commands.executeCommand('oncall.copyCodeBlock', { uri: runbook, index: blocks.sql }), 'SELECT count(*) FROM orders WHERE id = <id>;');
    await assert.rejects(run('sql', { id: '1' }), /can be copied, not run/);
    // From a tree element (the runbook view passes its element: runbookPath, blockIndex).
    const element = Object.assign(new vscode.TreeItem('block'), { runbookPath: runbook, blockIndex: blocks.sql });
    assert.equal(await vscode.commands.executeCommand('oncall.copyCodeBlock', element), 'SELECT count(*) FROM orders WHERE id = <id>;');
  });

  it('asks to confirm what matches a user pattern, and ignores an invalid pattern without failing', async () => {
    const config = vscode.workspace.getConfiguration('oncall.run');
    await config.update('extraDangerPatterns', ['(unclosed', 'echo\\s+ok'], vscode.ConfigurationTarget.Global);
    const seen: ConfirmationRequest[] = [];
    testing.run.setConfirmation(async (req) => {
      seen.push(req);
      return false;
    });
    try {
      assert.equal(await run('ok'), undefined);
      assert.deepEqual(seen.map((r) => r.findings.map((f) => f.ruleId)), [['user-pattern']]);
      assert.equal((await run('three'))?.exitCode, 3, 'a block the pattern does not match runs without asking');
      assert.equal(seen.length, 1);
    } finally {
      testing.run.setConfirmation(undefined);
      await config.update('extraDangerPatterns', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('shows the kube context of the kubeconfig the terminal uses in the confirmation, and records the target on the run', async () => {
    const kubeconfig = path.join(dir, 'kubeconfig.yaml');
    fs.writeFileSync(kubeconfig, 'current-context: it-context\ncontexts:\n  - name: it-context\n    context: { cluster: it-cluster, namespace: it-ns }\n');
    const terminalEnv = vscode.workspace.getConfiguration('terminal.integrated.env');
    await terminalEnv.update('linux', { KUBECONFIG: kubeconfig }, vscode.ConfigurationTarget.Global);
    const seen: ConfirmationRequest[] = [];
    testing.run.setConfirmation(async (req) => {
      seen.push(req);
      return seen.length > 1;
    });
    try {
      assert.equal(await run('kube', undefined, 'oncall.runCodeBlockInNewTerminal'), undefined);
      assert.equal(seen[0].targets[0]?.description, `Kubernetes context it-context (cluster it-cluster), namespace it-ns (from ${kubeconfig})`);
      const record = await run('kube', undefined, 'oncall.runCodeBlockInNewTerminal');
      assert.equal(record?.exitCode, 0);
      assert.equal(record?.target, seen[1].targets[0].description, 'the target is recorded on the run');
      assert.equal(fs.readFileSync(path.join(dir, 'kubeconfig-seen.txt'), 'utf8'), kubeconfig, 'the terminal had the KUBECONFIG the target was read from');
    } finally {
      testing.run.setConfirmation(undefined);
      await terminalEnv.update('linux', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('quotes a value for the shells that read it again (sh -c, eval), in the real terminal', async () => {
    const value = `it's "$(touch ${path.join(dir, 'nested-canary')})" \`id\` ; | & ! $HOME`;
    const result = await run('nested', { value });
    assert.equal(result?.exitCode, 0);
    assert.equal(fs.readFileSync(path.join(dir, 'nested.txt'), 'utf8'), value);
    assert.equal(fs.readFileSync(path.join(dir, 'nested-eval.txt'), 'utf8'), value);
    assert.equal(fs.existsSync(path.join(dir, 'nested-canary')), false, 'the canary file was created');
  });

  it('keeps a secret out of zsh history in a zsh terminal (history guard, then a leading space)', async function () {
    this.timeout(300_000);
    const config = vscode.workspace.getConfiguration('terminal.integrated');
    if (!fs.existsSync('/usr/bin/zsh') && !fs.existsSync('/bin/zsh')) assert.fail('zsh must be installed (test/harness/setup-real-vscode.sh)');
    const changed = new Promise<string>((resolve) => {
      const sub = vscode.env.onDidChangeShell((shell) => {
        sub.dispose();
        resolve(shell);
      });
    });
    const runConfig = vscode.workspace.getConfiguration('oncall.run');
    await config.update('defaultProfile.linux', 'zsh', vscode.ConfigurationTarget.Global);
    // A first zsh with shell integration can take a while on a busy machine; a step whose end
    // never comes is cut by the watchdog, so the record says which one.
    await runConfig.update('shellIntegrationTimeoutSeconds', 60, vscode.ConfigurationTarget.Global);
    await runConfig.update('watchdogMinutes', 1.5, vscode.ConfigurationTarget.Global);
    try {
      const shell = await Promise.race([changed, new Promise<string>((resolve) => setTimeout(() => resolve(vscode.env.shell), 10_000))]);
      assert.match(shell, /zsh$/, `the default shell became zsh (${shell})`);
      const result = await run('zshSecret', { api_token: 'zsh-secret-4711' }, 'oncall.runCodeBlockInNewTerminal');
      assert.equal(result?.exitCode, 0, JSON.stringify(result));
      const history = fs.readFileSync(path.join(dir, 'zsh-history.txt'), 'utf8');
      assert.match(history, /setopt HIST_IGNORE_SPACE/, 'the history works and holds the guard');
      assert.doesNotMatch(history, /zsh-secret-4711/);
    } finally {
      await config.update('defaultProfile.linux', undefined, vscode.ConfigurationTarget.Global);
      await runConfig.update('shellIntegrationTimeoutSeconds', undefined, vscode.ConfigurationTarget.Global);
      await runConfig.update('watchdogMinutes', undefined, vscode.ConfigurationTarget.Global);
    }
  });

  it('explains a block index that does not exist', async () => {
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('oncall.runCodeBlock', { uri: runbook, index: 99 })), /has 22 code blocks; there is no block 99/);
  });

  /** The line of the opening fence of a block (its CodeLens line). */
  const fenceLine = (doc: vscode.TextDocument, name: string) => doc.getText().split('\n').indexOf(`## ${name}`) + 2;

  it('draws Run, Run in New Terminal, Copy and the last result above runnable blocks; Copy only above SQL', async () => {
    const uri = vscode.Uri.file(runbook);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
    const at = (name: string) => lenses.filter((l) => l.range.start.line === fenceLine(doc, name)).map((l) => l.command?.title ?? '');
    assert.deepEqual(at('sql'), ['$(copy) Copy']);
    const three = at('three');
    assert.deepEqual(three.slice(0, 3), ['$(play) Run', '$(terminal) Run in New Terminal', '$(copy) Copy']);
    assert.match(three[3], /last run (just now|\d+ min ago), exit 3$/);
    assert.equal(at('danger')[0], '$(warning) Run');
  });

  it('refuses a CodeLens drawn before its block was edited, and runs nothing', async () => {
    const uri = vscode.Uri.file(runbook);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const lenses = (await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', uri)) ?? [];
    const lens = lenses.find((l) => l.range.start.line === fenceLine(doc, 'ok') && l.command?.command === 'oncall.runCodeBlock');
    assert.ok(lens?.command?.arguments, 'the Run lens of the block');
    fs.rmSync(path.join(dir, 'ok.txt'), { force: true });
    const line = fenceLine(doc, 'ok') + 1;
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, doc.lineAt(line).range, doc.lineAt(line).text.replace('echo ok', 'echo edited'));
    assert.ok(await vscode.workspace.applyEdit(edit));
    try {
      const result = await vscode.commands.executeCommand(lens.command.command, ...lens.command.arguments);
      assert.equal(result, undefined);
      assert.equal(fs.existsSync(path.join(dir, 'ok.txt')), false, 'the edited block ran');
    } finally {
      await vscode.commands.executeCommand('workbench.action.files.revert');
    }
  });

  it('records an unknown exit code with the reason when the terminal is closed mid-command', async () => {
    let opened: vscode.Terminal | undefined;
    const sub = vscode.window.onDidOpenTerminal((t) => (opened = t));
    const pending = run('sleep', undefined, 'oncall.runCodeBlockInNewTerminal');
    try {
      for (let k = 0; k < 40 && !opened; k++) await new Promise((r) => setTimeout(r, 100));
      await new Promise((r) => setTimeout(r, 2500));
      assert.ok(opened, 'a new terminal opened');
      opened.dispose();
      const result = await pending;
      assert.equal(result?.exitCode, null);
      assert.match(result!.unknownReason!, /terminal was closed|terminal ended/);
    } finally {
      sub.dispose();
    }
  });

  it('records an unknown exit code when the shell dies mid-command', async () => {
    const result = await run('suicide', undefined, 'oncall.runCodeBlockInNewTerminal');
    assert.equal(result?.exitCode, null);
    assert.match(result!.unknownReason!, /shell exited|terminal (was closed|ended)/);
  });

  it('ends a wait with no end event by the watchdog (unknown, never 0)', async () => {
    const config = vscode.workspace.getConfiguration('oncall.run');
    await config.update('watchdogMinutes', 0.03, vscode.ConfigurationTarget.Workspace);
    try {
      const result = await run('sleep', undefined, 'oncall.runCodeBlockInNewTerminal');
      assert.equal(result?.exitCode, null);
      assert.match(result!.unknownReason!, /no end within 2 s \(watchdog\)/);
    } finally {
      await config.update('watchdogMinutes', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('types the command without running it when shell integration does not come up, exit code unknown', async () => {
    const terminalConfig = vscode.workspace.getConfiguration('terminal.integrated');
    const runConfig = vscode.workspace.getConfiguration('oncall.run');
    await terminalConfig.update('shellIntegration.enabled', false, vscode.ConfigurationTarget.Global);
    await runConfig.update('shellIntegrationTimeoutSeconds', 1, vscode.ConfigurationTarget.Workspace);
    try {
      const result = await run('typed', undefined, 'oncall.runCodeBlockInNewTerminal');
      assert.equal(result?.exitCode, null);
      assert.match(result!.unknownReason!, /typed into the terminal but not run/);
      await new Promise((r) => setTimeout(r, 1500));
      assert.equal(fs.existsSync(path.join(dir, 'typed.txt')), false, 'the typed command ran without Enter');
    } finally {
      await terminalConfig.update('shellIntegration.enabled', undefined, vscode.ConfigurationTarget.Global);
      await runConfig.update('shellIntegrationTimeoutSeconds', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('records the run in the active incident, in the incident\'s own terminal', async () => {
    const api = await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    const incident = await vscode.commands.executeCommand<{ id: string }>('oncall.declareIncident', { title: 'Run test incident', severity: 'SEV4' });
    try {
      const result = await run('incident');
      assert.equal(result?.exitCode, 2);
      assert.equal(result?.terminalName, `Run test incident — ${incident.id}`);
      const runs = (api.incidents.timeline(incident.id) as Array<{ type: string; exitCode?: number; blockIndex?: number }>).filter((e) => e.type === 'commandRun');
      assert.equal(runs.length, 1);
      assert.equal(runs[0].exitCode, 2);
      assert.equal(runs[0].blockIndex, blocks.incident);
    } finally {
      await vscode.commands.executeCommand('oncall.resolveIncident', { incidentId: incident.id, summary: 'test over' });
    }
  });
});
