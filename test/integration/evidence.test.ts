// Evidence on the record, in the real editor: an alert link with labels opens its runbook and a
// run uses the label values (confirmed in the input boxes; hostile values inert byte for byte,
// unusable ones refused); declaring from the alert starts with it; a failing run's output is on
// the timeline, beside the journal and in the post-mortem, with credentials masked; a commit
// made a minute before impact start is listed as changed nearby; the failed step shows on its
// runbook; resolve → final update → post-mortem → commit to postmortem/<id>, whose log holds
// exactly the post-mortem's files and nothing of the engineer's other work; and no committed
// file names the workspace's absolute path or an internal event name.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { TimelineEvent } from '../../src/incidents/model';

const EXTENSION_ID = 'oncall-runbooks.oncall-runbooks';
// Fake credentials, assembled so nothing mistakes this file for a leak.
const FAKE_GITHUB_TOKEN = `ghp_${'Z9y8X7w6V5'.repeat(4)}`;
const SECRET_VALUE = 'hunter2-correct-horse';
// Identifiers of the journal that a reader must never see.
const INTERNAL_NAMES = [
  'commandRun', 'statusChanged', 'severityChanged', 'roleAssigned', 'statusUpdate', 'reminderSnoozed', 'summaryChanged',
  'evidencePinned', 'changesObserved', 'impactStarted', 'techLead', 'commsLead', 'guide 000', 'guide 002', 'guide 004',
];

interface Api {
  incidents: { timeline(id: string): TimelineEvent[]; journalFolder(id: string): string; active(): { id: string } | undefined };
  testing: {
    runbooks: { handleUri(uri: vscode.Uri): Promise<void>; whenCurrent(): Promise<void> };
    evidence: { gitCommandsStarted(): number; settled(): Promise<void> };
  };
}

const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until<T>(what: string, probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(200);
  }
}

function workspaceDir(): string {
  return vscode.workspace.workspaceFolders![0].uri.fsPath;
}

function git(...args: string[]): string {
  return execFileSync('git', args, { cwd: workspaceDir(), encoding: 'utf8' });
}

/** Presses Enter in each input box that comes up (as a person confirming the prefilled values). */
async function confirmInputs(count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    await sleep(1200);
    await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
  }
}

describe('Evidence on the record', function () {
  this.timeout(240_000);
  after(() => vscode.workspace.getConfiguration('oncall.run').update('shellIntegrationTimeoutSeconds', undefined, vscode.ConfigurationTarget.Global));
  let api: Api;
  let out: string;
  let runbook: string;
  let runbookUri: vscode.Uri;

  before(async () => {
    api = (await vscode.extensions.getExtension(EXTENSION_ID)!.activate()) as Api;
    // A busy machine can take more than the default 5 s to start a terminal's shell integration.
    await vscode.workspace.getConfiguration('oncall.run').update('shellIntegrationTimeoutSeconds', 30, vscode.ConfigurationTarget.Global);
    const folder = workspaceDir();
    out = path.join(folder, 'evidence-test', 'out');
    fs.mkdirSync(out, { recursive: true });
    runbook = path.join(folder, 'evidence-test', 'checkout-crashloop.md');
    runbookUri = vscode.Uri.file(runbook);
    fs.writeFileSync(
      runbook,
      [
        '---', 'title: Checkout pods crash-looping', 'owner: team-payments', 'severity: SEV2', 'service: checkout',
        'alerts: [CheckoutPodCrashLooping]', `last_reviewed: ${new Date().toISOString().slice(0, 10)}`, '---', '',
        '# Checkout pods crash-looping', '', '## Diagnosis', '',
        'The pod and namespace come from the alert.', '',
        '```bash', `printf '%s|%s' <namespace> <pod> > ${q(path.join(out, 'labels.txt'))}`, '```', '',
        'Count the failed responses (exits 3 over budget).', '',
        '```bash', `echo "route /checkout: 120 responses"; echo "5xx: 21"; echo "auth ${FAKE_GITHUB_TOKEN}"; echo "password=${SECRET_VALUE}"; pwd; sh -c 'exit 3'`, '```', '',
        '## Mitigation', '', '```bash', `echo rolled-back > ${q(path.join(out, 'rollback.txt'))}`, '```', '',
        'Check the token works (a secret input).', '', '```bash', `printf 'token=%s\\n' <api_token>; sh -c 'exit 4'`, '```', '',
      ].join('\n'),
    );
    await until('the test runbook in the index', async () => {
      await vscode.commands.executeCommand('oncall.refreshIndex');
      return vscode.commands.executeCommand('oncall.copyCodeBlock', { uri: runbook, index: 2 }).then(() => true, () => undefined);
    });
  });

  it('opens the runbook from an alert link with labels, and a run uses the label values once confirmed, byte for byte', async () => {
    const hostilePod = `api-7f9c'; touch ${path.join(out, 'PWNED')}; echo '$(id)\`id\``;
    const link = vscode.Uri.parse(`vscode://oncall-runbooks.oncall-runbooks/alert?name=CheckoutPodCrashLooping&namespace=prod&pod=${encodeURIComponent(hostilePod)}&link=${encodeURIComponent('https://alerts.example.invalid/#/alerts/1')}`);
    await api.testing.runbooks.handleUri(link);
    assert.equal(vscode.window.activeTextEditor?.document.uri.fsPath, runbook, 'the runbook for the alert is open');

    // From the tree (a UI gesture, so the inputs are asked for): both come prefilled from the labels.
    const element = Object.assign(new vscode.TreeItem('block'), { runbookPath: runbook, blockIndex: 0 });
    const running = Promise.resolve(vscode.commands.executeCommand<{ exitCode: number | null; command: string }>('oncall.runCodeBlock', element));
    await confirmInputs(2);
    const result = await running;
    assert.equal(result?.exitCode, 0);
    assert.equal(fs.readFileSync(path.join(out, 'labels.txt'), 'utf8'), `prod|${hostilePod}`, 'the label values, quoted like typed values');
    assert.equal(fs.existsSync(path.join(out, 'PWNED')), false, 'nothing in a label ran');
  });

  it('refuses a label value a typed value could not have: none of it reaches the command', async () => {
    fs.rmSync(path.join(out, 'labels.txt'), { force: true });
    // A line break: refused for a typed value, so for a label too (whatever follows it).
    await api.testing.runbooks.handleUri(vscode.Uri.parse(`vscode://oncall-runbooks.oncall-runbooks/alert?name=CheckoutPodCrashLooping&namespace=${encodeURIComponent(`prod\ntouch ${path.join(out, 'PWNED')}`)}&pod=p`));
    const element = Object.assign(new vscode.TreeItem('block'), { runbookPath: runbook, blockIndex: 0 });
    const running = Promise.resolve(vscode.commands.executeCommand<{ exitCode: number | null }>('oncall.runCodeBlock', element));
    // Enter on both inputs, as someone confirming what is offered: the namespace's label is not
    // offered (an input box would silently drop the line break and show a different value), so
    // the namespace is what was typed — nothing — and the pod the label's value.
    await confirmInputs(2);
    const result = await running;
    assert.equal(result?.exitCode, 0);
    assert.equal(fs.readFileSync(path.join(out, 'labels.txt'), 'utf8'), '|p', 'no part of the refused label value in the command');
    assert.equal(fs.existsSync(path.join(out, 'PWNED')), false);
  });

  let incidentId: string;

  it('declares from the alert: the alert, its labels and link are the first event, the runbook\'s severity the default', async () => {
    await api.testing.runbooks.handleUri(vscode.Uri.parse('vscode://oncall-runbooks.oncall-runbooks/alert?name=CheckoutPodCrashLooping&namespace=prod&pod=api-7f9c&service=checkout&link=https%3A%2F%2Falerts.example.invalid%2F%23%2Falerts%2F1'));
    // A run before the incident exists: offered for attachment when it is declared.
    const early = await vscode.commands.executeCommand<{ exitCode: number }>('oncall.runCodeBlock', { uri: runbook, index: 2 });
    assert.equal(early.exitCode, 0);
    const incident = await vscode.commands.executeCommand<{ id: string; severity: string }>('oncall.declareIncidentFromAlert', { commander: 'Test Responder' });
    incidentId = incident.id;
    assert.equal(incident.severity, 'SEV2');
    await vscode.commands.executeCommand('oncall.setActiveIncident', { incidentId });
    const [first] = api.incidents.timeline(incidentId);
    assert.equal(first.type, 'declared');
    assert.deepEqual(first.type === 'declared' && first.alert, {
      name: 'CheckoutPodCrashLooping',
      labels: { namespace: 'prod', pod: 'api-7f9c', service: 'checkout' },
      link: 'https://alerts.example.invalid/#/alerts/1',
      runbookPath: 'evidence-test/checkout-crashloop.md',
    });
    const attached = await vscode.commands.executeCommand<TimelineEvent[]>('oncall.attachRecentRuns', { incidentId });
    assert.equal(attached.length >= 1, true);
    const rollback = attached.find((e) => e.type === 'commandRun' && e.blockIndex === 2);
    assert.ok(rollback?.type === 'commandRun' && rollback.attached === true && rollback.startedAt! < first.time, 'attached at the time it ran');
  });

  let failedRun: Extract<TimelineEvent, { type: 'commandRun' }>;

  it('keeps a failing run\'s output: excerpt on the timeline, the whole of it beside the journal, credentials masked', async () => {
    const result = await vscode.commands.executeCommand<{ exitCode: number }>('oncall.runCodeBlock', { uri: runbook, index: 1 });
    assert.equal(result.exitCode, 3);
    const run = api.incidents.timeline(incidentId).filter((e) => e.type === 'commandRun').pop();
    assert.ok(run?.type === 'commandRun' && run.exitCode === 3 && run.output, JSON.stringify(run));
    failedRun = run;
    assert.equal(run.runbookPath, 'evidence-test/checkout-crashloop.md', 'relative to the workspace folder');
    assert.equal(run.service, 'checkout');
    const lines = [...run.output.head, ...run.output.tail];
    assert.ok(lines.includes('5xx: 21'), lines.join('\n'));
    const file = path.join(api.incidents.journalFolder(incidentId), run.output.file!);
    const whole = fs.readFileSync(file, 'utf8');
    assert.equal(createHash('sha256').update(whole).digest('hex'), run.output.sha256, 'the checksum matches the file');
    const journalText = JSON.stringify(api.incidents.timeline(incidentId));
    for (const [where, text] of [['the file', whole], ['the journal', journalText]] as const) {
      assert.ok(!text.includes(FAKE_GITHUB_TOKEN), `the token shape is masked in ${where}`);
      assert.ok(!text.includes(SECRET_VALUE), `the secret value is masked in ${where}`);
    }
    assert.match(whole, /auth \*{8}/);
    assert.match(whole, /password=\*{8}/);
    // A value typed for a secret input is never recorded, whatever the terminal printed.
    const typed = await vscode.commands.executeCommand<{ exitCode: number; command: string }>('oncall.runCodeBlock', { uri: runbook, index: 3, values: { api_token: 'typed-secret-0451' } });
    assert.equal(typed.exitCode, 4);
    assert.ok(!JSON.stringify(api.incidents.timeline(incidentId)).includes('typed-secret-0451'));
    const secretRun = api.incidents.timeline(incidentId).filter((e) => e.type === 'commandRun').pop();
    if (secretRun?.type === 'commandRun' && secretRun.output?.file) {
      assert.ok(!fs.readFileSync(path.join(api.incidents.journalFolder(incidentId), secretRun.output.file), 'utf8').includes('typed-secret-0451'));
    }
  });

  it('pins lines of that output as evidence', async () => {
    const lines = [...failedRun.output!.head];
    const from = lines.indexOf('route /checkout: 120 responses') + 1;
    const pinned = await vscode.commands.executeCommand<TimelineEvent>('oncall.pinOutput', { incidentId, eventId: failedRun.id, fromLine: from, toLine: from + 1 });
    assert.ok(pinned.type === 'evidencePinned');
    assert.equal(pinned.text, 'route /checkout: 120 responses\n5xx: 21');
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('oncall.pinOutput', { incidentId, eventId: failedRun.id, fromLine: 500, toLine: 501 })), /not in this output/);
  });

  it('shows the failed step on its runbook as a problem with a quick fix to open the incident', async () => {
    const diagnostic = await until('the failed step on the runbook', () =>
      vscode.languages.getDiagnostics(runbookUri).find((d) => d.code === 'failed-in-incident' && d.message.startsWith(`Step 2 failed in ${incidentId}`)),
    );
    assert.match(diagnostic.message, new RegExp(`^Step 2 failed in ${incidentId} on \\d{4}-\\d{2}-\\d{2}, exit 3`));
    const blockLine = fs.readFileSync(runbook, 'utf8').split('\n').findIndex((l) => l.startsWith('echo "route /checkout'));
    assert.equal(diagnostic.range.start.line, blockLine - 1, 'on the opening fence of the block');
    const actions = await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', runbookUri, diagnostic.range);
    const open = actions.find((a) => a.title === `Open incident ${incidentId}`);
    assert.ok(open?.command, actions.map((a) => a.title).join(', '));
    assert.deepEqual(open.command.arguments, [{ incidentId }]);
  });

  it('lists a commit made a minute before impact start as changed nearby', async () => {
    const impact = new Date(Date.now() - 10 * 60_000);
    impact.setMilliseconds(0);
    const committed = new Date(impact.getTime() - 60_000).toISOString();
    fs.writeFileSync(path.join(workspaceDir(), 'evidence-test', 'deploy.txt'), 'cache: 500\n');
    git('add', '--', 'evidence-test/deploy.txt');
    execFileSync('git', ['commit', '-q', '-m', 'checkout: raise the parcel cache to 500', '--', 'evidence-test/deploy.txt'], { cwd: workspaceDir(), env: { ...process.env, GIT_COMMITTER_DATE: committed, GIT_AUTHOR_DATE: committed } });
    const sha = git('rev-parse', 'HEAD').trim();
    await vscode.commands.executeCommand('oncall.markMilestone', { incidentId, milestone: 'impactStarted', at: impact.toISOString(), reason: 'errors start on the dashboard' });
    await api.testing.evidence.settled();
    const scan = await until('the changes read for the new impact start', () =>
      api.incidents.timeline(incidentId).find((e) => e.type === 'changesObserved' && e.changes.some((c) => c.sha === sha)),
    );
    assert.ok(scan.type === 'changesObserved');
    const change = scan.changes.find((c) => c.sha === sha)!;
    assert.deepEqual([change.repo, change.kind, change.subject, change.author, change.at], ['runbooks', 'commit', 'checkout: raise the parcel cache to 500', 'Test Responder', committed.replace(/\.\d{3}Z$/, '.000Z')]);
    assert.equal(scan.windowEnd, impact.toISOString(), 'the window ends at impact start');
    // Asking again finds nothing new.
    assert.equal(await vscode.commands.executeCommand('oncall.findChangesNearby', { incidentId }), undefined);
  });

  it('resolve → final update → post-mortem → commit to postmortem/<id>: exactly its files, none of the engineer\'s other work', async () => {
    // The team's remote, and the engineer's own work in progress.
    const bare = fs.mkdtempSync(path.join(os.tmpdir(), 'oncall-remote-'));
    execFileSync('git', ['init', '-q', '--bare', '--initial-branch=main', bare]);
    git('remote', 'add', 'origin', bare);
    git('push', '-q', 'origin', 'main');
    git('fetch', '-q', 'origin');
    git('remote', 'set-head', 'origin', 'main');
    fs.writeFileSync(path.join(workspaceDir(), 'evidence-test', 'local-work.txt'), 'my local commit\n');
    git('add', '--', 'evidence-test/local-work.txt');
    git('commit', '-q', '-m', 'my local work', '--', 'evidence-test/local-work.txt');
    fs.writeFileSync(path.join(workspaceDir(), 'evidence-test', 'staged.txt'), 'staged\n');
    git('add', '--', 'evidence-test/staged.txt');
    try {
      await closeOutToNewBranch(bare);
    } finally {
      // Leave the workspace as the other suites expect it (even when an assertion failed): no remote, nothing of ours staged.
      fs.rmSync(bare, { recursive: true, force: true });
      git('remote', 'remove', 'origin');
      git('reset', '-q', '--', 'evidence-test/staged.txt');
      fs.rmSync(path.join(workspaceDir(), 'evidence-test', 'staged.txt'), { force: true });
    }
  });

  async function closeOutToNewBranch(bare: string): Promise<void> {
    const before = { head: git('rev-parse', 'HEAD'), branch: git('symbolic-ref', '--short', 'HEAD'), staged: git('diff', '--cached'), status: git('status', '--porcelain=v2') };

    await vscode.commands.executeCommand('oncall.resolveIncident', { incidentId, summary: 'Rolled back checkout; 5xx back under 1 %.', finalUpdate: { audience: 'external' } });
    const final = api.incidents.timeline(incidentId).filter((e) => e.type === 'statusUpdate').pop();
    assert.ok(final?.type === 'statusUpdate' && final.state === 'posted' && /resolved/i.test(final.text), 'the final update, posted');

    const uri = await vscode.commands.executeCommand<vscode.Uri>('oncall.draftPostmortem', { incidentId });
    const draft = fs.readFileSync(uri.fsPath, 'utf8');
    assert.match(draft, /## Evidence[\s\S]*route \/checkout: 120 responses\n5xx: 21/, 'the failing run\'s output in the post-mortem');
    assert.match(draft, /## Changed nearby[\s\S]*checkout: raise the parcel cache to 500/);
    assert.match(draft, /\| Services \| checkout \|/, 'services from the runbook and the alert');
    assert.match(draft, /Declared \*\*SEV2\*\* from the alert \*\*CheckoutPodCrashLooping\*\*/);

    // The review gate, answered through its quick-fix commands.
    const sections: Array<[string, string]> = [
      ['Summary', 'Checkout pods crash-looped after a cache change; checkout failed for 17 % of requests.'],
      ['Impact', '21 of 120 checkout requests failed over 12 minutes.'],
      ['Detection', 'The crash-loop alert fired two minutes after impact start.'],
      ['Root cause and contributing factors', 'The cache size was raised without a memory limit review.'],
      ['Resolution', 'Rolled back the cache change.'],
      ['What went well', 'The alert linked straight to the runbook.'],
      ['What could be improved', 'No memory alert before the crash loop.'],
      ['Lessons learned', 'Review memory limits with cache changes.'],
    ];
    for (const [section, text] of sections) await vscode.commands.executeCommand('oncall.fillPostmortemSection', { uri: uri.toString(), section, text });
    const doc = await vscode.workspace.openTextDocument(uri);
    const edit = new vscode.WorkspaceEdit();
    edit.replace(uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), doc.getText().replace('| _(action)_ |', '| Add a memory alert on checkout |'));
    await vscode.workspace.applyEdit(edit);
    const row = doc.getText().split('\n').findIndex((l) => l.startsWith('| Add a memory alert on checkout |'));
    await vscode.commands.executeCommand('oncall.completeActionItem', { uri: uri.toString(), line: row, owner: 'Test Responder', due: '2026-12-31', priority: 'high' });
    assert.match(doc.getText(), /\| Add a memory alert on checkout \| Test Responder \| 2026-12-31 \| high \| open \|/);

    const hash = await vscode.commands.executeCommand<string>('oncall.commitPostmortem', { uri, branch: 'new' });
    const branch = `postmortem/${incidentId}`;
    assert.equal(git('rev-parse', branch).trim(), hash);
    const relative = path.relative(workspaceDir(), uri.fsPath).split(path.sep).join('/');
    const expected = [relative, `postmortems/${incidentId}.timeline.jsonl`].sort();
    assert.deepEqual(git('log', '--format=', '--name-only', `origin/main..${branch}`).trim().split('\n').filter(Boolean).sort(), expected, 'git log on the branch: exactly the post-mortem\'s files');
    assert.equal(git('rev-list', '--count', `origin/main..${branch}`).trim(), '1');
    assert.deepEqual({ head: git('rev-parse', 'HEAD'), branch: git('symbolic-ref', '--short', 'HEAD'), staged: git('diff', '--cached'), status: git('status', '--porcelain=v2').split('\n').filter((l) => !l.includes('postmortems/')).join('\n') },
      { ...before, status: before.status.split('\n').filter((l) => !l.includes('postmortems/')).join('\n') }, 'HEAD, branch, index and working tree as they were');
    assert.equal(execFileSync('git', ['rev-parse', branch], { cwd: bare, encoding: 'utf8' }).trim(), hash, 'the branch was pushed');

    // No committed file names the workspace's folder or the home folder, and the markdown uses no internal names.
    const locals = [...new Set([workspaceDir(), fs.realpathSync(workspaceDir()), os.homedir()])];
    for (const file of expected) {
      const committedText = git('show', `${hash}:${file}`);
      for (const local of locals) {
        // The folder as a path: not inside another name (a home of `/root` is not in `/tmp/x/root.txt`).
        const named = new RegExp(`(?:^|[^A-Za-z0-9._~-])${local.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=[/\\]|[^A-Za-z0-9._-]|$)`, 'm');
        assert.ok(!named.test(committedText), `${file} names ${local}: ${committedText.split('\n').filter((l) => named.test(l)).slice(0, 3).join(' / ')}`);
      }
      if (file.endsWith('.md')) for (const name of INTERNAL_NAMES) assert.ok(!committedText.includes(name), `${file} shows the internal name ${name}`);
    }
  }
});
