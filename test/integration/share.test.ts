// Team incidents in the real editor: api.ready, the user store, and sharing through a bare
// repository on disk with a teammate (an installation of the sharing core run by this test,
// with its own store and writer id), including a hostile segment pushed by hand.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { IncidentSync } from '../../src/git/incidentSync';
import { IncidentBook } from '../../src/incidents/book';
import { createEventIdGenerator } from '../../src/incidents/ids';
import { Journal, encodeRecord } from '../../src/incidents/journal';
import type { IncidentSummary, TimelineEvent } from '../../src/incidents/model';
import { nodeJournalFs } from '../../src/incidents/nodeFs';
import type { ShareStatus } from '../../src/vscode/incidents/share';

const EXTENSION_ID = 'oncall-runbooks.oncall-runbooks';
const TEAMMATE = 'wt000000000';

interface Api {
  ready: Promise<void>;
  runbooks: { all(): { path: string }[] };
  incidents: {
    all(): IncidentSummary[];
    active(): IncidentSummary | undefined;
    timeline(id: string): TimelineEvent[];
    shareStatus(id: string): ShareStatus;
    storeInfo(): { kind: string; root: string; writer: string; gitCommands: number };
  };
}

const run = <T>(command: string, arg?: unknown) => vscode.commands.executeCommand<T>(command, arg);

async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Markdown files under the workspace, as the index should count them (READMEs and post-mortems aside). */
function countRunbooks(dir: string): number {
  let n = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    if (e.name === '.git' || e.name === 'node_modules' || e.name === 'postmortems') continue;
    if (e.isDirectory()) n += countRunbooks(path.join(dir, e.name));
    else if (/\.md$/i.test(e.name) && !/^readme\.md$/i.test(e.name)) n += 1;
  }
  return n;
}

describe('Team incidents in the real editor', function () {
  this.timeout(120_000);
  let api: Api;
  let remote: string;
  let teammate: { book: IncidentBook; sync: IncidentSync };
  let id: string;

  before(async () => {
    api = (await vscode.extensions.getExtension(EXTENSION_ID)!.activate()) as Api;
    const base = mkdtempSync(path.join(tmpdir(), 'oncall-share-it-'));
    remote = path.join(base, 'team.git');
    execFileSync('git', ['init', '--bare', '--quiet', remote]);
    const journal = new Journal({ fs: nodeJournalFs(), root: path.join(base, 'teammate', 'incidents') });
    const book = new IncidentBook({ journal, clock: Date.now, newEventId: createEventIdGenerator(Date.now, (n) => randomBytes(n)), author: () => 'Bo Teammate', writer: () => TEAMMATE });
    await book.load();
    teammate = { book, sync: new IncidentSync({ dir: path.join(base, 'teammate', 'share'), book, writer: TEAMMATE, name: () => 'Bo Teammate', clock: Date.now }) };
    const config = vscode.workspace.getConfiguration('oncall.incidents');
    await config.update('share', 'git', vscode.ConfigurationTarget.Global);
    await config.update('shareRemote', remote, vscode.ConfigurationTarget.Global);
    await config.update('shareFetchSeconds', 2, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    const config = vscode.workspace.getConfiguration('oncall.incidents');
    await config.update('share', undefined, vscode.ConfigurationTarget.Global);
    await config.update('shareRemote', undefined, vscode.ConfigurationTarget.Global);
    await config.update('shareFetchSeconds', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('api.ready resolves, and then the API lists every runbook and incident', async () => {
    await api.ready;
    const folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    assert.equal(api.runbooks.all().length, countRunbooks(folder));
    assert.ok(api.runbooks.all().length > 0);
    const info = api.incidents.storeInfo();
    assert.equal(info.kind, 'user', 'the default store is the user\'s own');
    assert.match(info.root, /globalStorage/);
    assert.match(info.writer, /^w[0-9a-z]{10}$/);
  });

  it('shares a declared incident: the command resolves once the push landed, under refs/oncall/incidents/', async () => {
    const incident = await run<{ id: string }>('oncall.declareIncident', { title: 'Payments API 502', severity: 'SEV2', commander: 'Ana' });
    id = incident.id;
    await run('oncall.addNote', { incidentId: id, text: 'error rate 14% on /pay' });
    const shared = await run<{ remote: string; ref: string }>('oncall.shareIncident', { incidentId: id });
    assert.equal(shared.remote, remote);
    assert.equal(shared.ref, `refs/oncall/incidents/${id}/${api.incidents.storeInfo().writer}`);
    const refs = execFileSync('git', ['for-each-ref', '--format=%(refname)'], { cwd: remote, encoding: 'utf8' }).trim().split('\n');
    assert.deepEqual(refs, [shared.ref]);
    assert.deepEqual(api.incidents.shareStatus(id), { shared: true, unshared: 0, problems: 0, remote });
    const summary = api.incidents.all().find((i) => i.id === id)!;
    assert.equal(summary.shared, true);
    assert.deepEqual(summary.responders, [summary.responders[0]]);
  });

  it('a teammate joins and notes; their events arrive by the interval fetch, with who wrote each', async () => {
    await teammate.sync.sync({ defaultRemote: remote });
    assert.equal(teammate.book.incident(id)?.title, 'Payments API 502');
    await teammate.book.join(id, 'commander');
    await teammate.book.addNote(id, 'rolled back payments-api to 7.3');
    await teammate.sync.adopt(id, remote);
    const pushed = await teammate.sync.sync();
    assert.deepEqual(pushed.errors, []);
    const note = await waitFor('the teammate\'s note to arrive', () => api.incidents.timeline(id).find((e) => e.type === 'note' && e.author === 'Bo Teammate'));
    assert.equal((note as { text: string }).text, 'rolled back payments-api to 7.3');
    assert.equal(note.writer, TEAMMATE);
    const incident = await run<{ roles: Record<string, string> }>('oncall.setActiveIncident', { incidentId: id });
    void incident;
    const handoff = api.incidents.timeline(id).find((e) => e.type === 'roleAssigned');
    assert.ok(handoff && handoff.type === 'roleAssigned' && handoff.person === 'Bo Teammate' && handoff.previous === 'Ana', 'the handoff is one event everyone sees');
    assert.deepEqual(api.incidents.all().find((i) => i.id === id)?.responders.includes('Bo Teammate'), true);
  });

  it('our own note reaches the teammate right after it is acknowledged', async () => {
    await run('oncall.addNote', { incidentId: id, text: 'payments recovering' });
    await waitFor('our push', () => api.incidents.shareStatus(id).unshared === 0);
    await teammate.sync.sync();
    assert.ok(teammate.book.events(id).some((e) => e.type === 'note' && e.text === 'payments recovering'));
  });

  it('quarantines a hostile segment pushed by hand, shows the rest as text, and says so', async () => {
    const mallory = 'wm000000000';
    const hostile = '<img src=x onerror=alert(1)> $(reboot)';
    const good = encodeRecord({ id: 'em-1', incidentId: id, time: new Date().toISOString(), author: hostile, writer: mallory, type: 'note', text: hostile });
    const forged = encodeRecord({ id: 'em-2', incidentId: id, time: new Date().toISOString(), author: 'Ana', writer: TEAMMATE, type: 'statusChanged', from: 'investigating', to: 'resolved' });
    const scratch = mkdtempSync(path.join(tmpdir(), 'oncall-mallory-'));
    const git = (args: string[], input?: string | Buffer) => execFileSync('git', args, { cwd: scratch, input, encoding: 'utf8' }).trim();
    git(['init', '--bare', '--quiet', '.']);
    const ev = git(['hash-object', '-w', '--stdin'], Buffer.concat([good, forged, Buffer.from('not a record\n')]));
    const wr = git(['hash-object', '-w', '--stdin'], JSON.stringify({ format: 1, incidentId: id, writer: mallory, name: hostile }));
    const tree = git(['mktree'], `100644 blob ${ev}\tevents.jsonl\n100644 blob ${wr}\twriter.json\n`);
    const commit = git(['hash-object', '-t', 'commit', '-w', '--stdin'], `tree ${tree}\nauthor M <m@x> 1 +0000\ncommitter M <m@x> 1 +0000\n\nx\n`);
    git(['push', '--quiet', remote, `${commit}:refs/oncall/incidents/${id}/${mallory}`]);
    const result = await run<{ pushed: number; fetched: number; incidents: number }>('oncall.syncIncidents', {});
    assert.ok(result.incidents >= 1);
    await waitFor('the problems to be counted', () => api.incidents.shareStatus(id).problems === 2);
    const events = api.incidents.timeline(id);
    assert.ok(events.some((e) => e.id === 'em-1' && e.type === 'note' && e.text === hostile));
    assert.ok(!events.some((e) => e.id === 'em-2'), 'the forged status change is not on the timeline');
    assert.equal(api.incidents.all().find((i) => i.id === id)?.status, 'investigating');
  });

  it('keeps notes acknowledged while the remote is unreachable, says how many are not shared, and catches up', async () => {
    const away = `${remote}.away`;
    execFileSync('mv', [remote, away]);
    try {
      await run('oncall.addNote', { incidentId: id, text: 'written while the remote is away' });
      await waitFor('the push to fail', () => api.incidents.shareStatus(id).lastError !== undefined);
      assert.equal(api.incidents.shareStatus(id).unshared, 1);
      await assert.rejects(Promise.resolve(run('oncall.syncIncidents', {})), /could not be reached|could not fetch/);
    } finally {
      execFileSync('mv', [away, remote]);
    }
    // The explicit sync pushes the note, unless the interval sync got there first once the
    // remote was back (a busy machine): either way exactly one push, and nothing left unshared.
    const caughtUp = await run<{ pushed: number }>('oncall.syncIncidents', {});
    assert.ok(caughtUp.pushed <= 1, `pushed ${caughtUp.pushed}`);
    assert.equal(api.incidents.shareStatus(id).unshared, 0);
    assert.equal(api.incidents.shareStatus(id).lastError, undefined);
    await teammate.sync.sync();
    assert.ok(teammate.book.events(id).some((e) => e.type === 'note' && e.text === 'written while the remote is away'));
  });

  it('refuses from code when sharing is off, and names the setting', async () => {
    await vscode.workspace.getConfiguration('oncall.incidents').update('share', 'off', vscode.ConfigurationTarget.Global);
    try {
      await assert.rejects(Promise.resolve(run('oncall.syncIncidents', {})), /oncall\.incidents\.share/);
      await assert.rejects(Promise.resolve(run('oncall.shareIncident', { incidentId: id })), /oncall\.incidents\.share/);
    } finally {
      await vscode.workspace.getConfiguration('oncall.incidents').update('share', 'git', vscode.ConfigurationTarget.Global);
    }
  });
});
