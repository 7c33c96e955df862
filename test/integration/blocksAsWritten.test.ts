// Blocks as runbooks in the wild write them, in the real editor: `console` blocks without prompt
// lines run and copy their commands, root `# ` prompts are commands, PromQL in a `console` block
// is copied and never run, a `$VARIABLE` the runbook never sets keeps the terminal's value when
// not given, and alerts are found by their heading in a multi-alert file. The runbook is written
// by the test (in its own words) into the workspace.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'oncall-runbooks.oncall-runbooks';

interface RunResult {
  command: string;
  exitCode: number | null;
}

interface Summary {
  path: string;
  alerts: string[];
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

describe('Blocks as written (real runbook repositories)', function () {
  this.timeout(120_000);
  let dir: string;
  let runbook: string;

  function runbookText(d: string): string {
    return [
      '# Queue alerts',
      '',
      'Two alerts of the queue service, one heading each.',
      '',
      '## queueConsumerStalled',
      '',
      'Commands written without prompts, as many teams do:',
      '',
      '```console',
      `echo first > ${q(path.join(d, 'console-1.txt'))}`,
      `echo second > ${q(path.join(d, 'console-2.txt'))}`,
      '```',
      '',
      'The same, typed as root:',
      '',
      '```console',
      `# echo root-prompt > ${q(path.join(d, 'root.txt'))}`,
      '```',
      '',
      '## QueueBacklog_high_priority',
      '',
      'The query behind the alert (copy it into the query browser):',
      '',
      '```console',
      'sum by (queue) (rate(queue_messages_total{priority="high"}[5m]))',
      '```',
      '',
      '`ONCALL_QUEUE_NAME` is the queue named in the alert.',
      '',
      '```bash',
      `echo "queue=$ONCALL_QUEUE_NAME" > ${q(path.join(d, 'variable.txt'))}`,
      '```',
      '',
    ].join('\n');
  }

  const exec = <T>(command: string, index: number, values?: Record<string, string>) =>
    Promise.resolve(vscode.commands.executeCommand<T>(command, { uri: runbook, index, ...(values ? { values } : {}) }));

  before(async () => {
    await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'oncall-asis-it-'));
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    fs.mkdirSync(path.join(folder, 'queue-as-written'), { recursive: true });
    runbook = path.join(folder, 'queue-as-written', 'queue-alerts.md');
    fs.writeFileSync(runbook, runbookText(dir));
    const deadline = Date.now() + 30_000;
    for (;;) {
      await vscode.commands.executeCommand('oncall.refreshIndex');
      const ok = await exec('oncall.copyCodeBlock', 3).then(() => true, () => false);
      if (ok) break;
      if (Date.now() > deadline) throw new Error('the test runbook was not indexed within 30 s');
      await new Promise((r) => setTimeout(r, 250));
    }
  });

  after(() => {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(path.dirname(runbook), { recursive: true, force: true });
  });

  it('runs a `console` block without prompt lines: every line is a command', async () => {
    const result = await exec<RunResult>('oncall.runCodeBlock', 0);
    assert.equal(result?.exitCode, 0);
    assert.equal(fs.readFileSync(path.join(dir, 'console-1.txt'), 'utf8'), 'first\n');
    assert.equal(fs.readFileSync(path.join(dir, 'console-2.txt'), 'utf8'), 'second\n');
  });

  it('copies the commands of a `console` block without prompt lines, not an empty string', async () => {
    const copied = await exec<string>('oncall.copyCodeBlock', 0);
    assert.equal(copied, `echo first > ${q(path.join(dir, 'console-1.txt'))}\necho second > ${q(path.join(dir, 'console-2.txt'))}`);
    assert.equal(await vscode.env.clipboard.readText(), copied);
  });

  it('runs the command after a root `# ` prompt', async () => {
    const result = await exec<RunResult>('oncall.runCodeBlock', 1);
    assert.equal(result?.exitCode, 0);
    assert.equal(result?.command, `echo root-prompt > ${q(path.join(dir, 'root.txt'))}`);
    assert.equal(fs.readFileSync(path.join(dir, 'root.txt'), 'utf8'), 'root-prompt\n');
  });

  it('copies PromQL in a `console` block, and refuses to run it', async () => {
    assert.equal(await exec<string>('oncall.copyCodeBlock', 2), 'sum by (queue) (rate(queue_messages_total{priority="high"}[5m]))');
    await assert.rejects(exec('oncall.runCodeBlock', 2), /can be copied, not run/);
  });

  it('fills a `$VARIABLE` the runbook never sets from `values`, and keeps the terminal\'s own value without one', async () => {
    const given = await exec<RunResult>('oncall.runCodeBlock', 3, { ONCALL_QUEUE_NAME: "orders; echo not-run" });
    assert.equal(given?.exitCode, 0);
    assert.equal(fs.readFileSync(path.join(dir, 'variable.txt'), 'utf8'), 'queue=orders; echo not-run\n', 'quoted like any value');
    const omitted = await exec<RunResult>('oncall.runCodeBlock', 3);
    assert.equal(omitted?.exitCode, 0, 'not an error from code: the variable defaults to the terminal');
    assert.match(omitted!.command, /\$ONCALL_QUEUE_NAME/);
    assert.equal(fs.readFileSync(path.join(dir, 'variable.txt'), 'utf8'), 'queue=\n', 'unset in the terminal: empty');
  });

  it('opens the runbook for an alert named by a heading, case-insensitively and ignoring `_`', async () => {
    const lower = await vscode.commands.executeCommand<Summary>('oncall.openRunbookForAlert', { alert: 'QUEUECONSUMERSTALLED' });
    assert.equal(lower.path, runbook);
    const loose = await vscode.commands.executeCommand<Summary>('oncall.openRunbookForAlert', { alert: 'queue-backlog high priority' });
    assert.equal(loose.path, runbook);
    const editor = vscode.window.activeTextEditor;
    assert.equal(editor?.document.uri.fsPath, runbook);
    assert.equal(editor?.selection.active.line, 19, 'at the alert\'s heading');
  });
});
