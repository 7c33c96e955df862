// Sharing through the shared branch in the real editor: a bare remote whose pre-receive hook
// refuses every ref outside branches and tags (as some hosts do). With the default transport
// (`auto`) the share command lands through the branch `oncall/incidents`, and a teammate (the
// sharing core run by this test, its own store and writer id) reads it, answers, and
// `oncall.syncIncidents` reports the teammate's events.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { IncidentSync } from '../../src/git/incidentSync';
import { IncidentBook } from '../../src/incidents/book';
import { createEventIdGenerator } from '../../src/incidents/ids';
import { Journal } from '../../src/incidents/journal';
import type { IncidentSummary, TimelineEvent } from '../../src/incidents/model';
import { nodeJournalFs } from '../../src/incidents/nodeFs';
import type { ShareStatus } from '../../src/vscode/incidents/share';

const EXTENSION_ID = 'oncall-runbooks.oncall-runbooks';
const TEAMMATE = 'wq000000000';
const BRANCH = 'refs/heads/oncall/incidents';

interface Api {
  ready: Promise<void>;
  incidents: {
    all(): IncidentSummary[];
    timeline(id: string): TimelineEvent[];
    shareStatus(id: string): ShareStatus;
    storeInfo(): { writer: string };
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

describe('Sharing through the branch when the host refuses custom refs (real editor)', function () {
  this.timeout(120_000);
  let api: Api;
  let remote: string;
  let teammate: { book: IncidentBook; sync: IncidentSync };
  const remoteGit = (...args: string[]) => execFileSync('git', args, { cwd: remote, encoding: 'utf8' }).trim();

  before(async () => {
    api = (await vscode.extensions.getExtension(EXTENSION_ID)!.activate()) as Api;
    await api.ready;
    const base = mkdtempSync(path.join(tmpdir(), 'oncall-branch-it-'));
    remote = path.join(base, 'strict-host.git');
    execFileSync('git', ['init', '--bare', '--quiet', remote]);
    const hook = path.join(remote, 'hooks', 'pre-receive');
    writeFileSync(hook, '#!/bin/sh\nwhile read old new ref; do case "$ref" in refs/heads/*|refs/tags/*) ;; *) echo "refusing $ref: only branches and tags" >&2; exit 1;; esac; done\n');
    chmodSync(hook, 0o755);
    const journal = new Journal({ fs: nodeJournalFs(), root: path.join(base, 'teammate', 'incidents') });
    const book = new IncidentBook({ journal, clock: Date.now, newEventId: createEventIdGenerator(Date.now, (n) => randomBytes(n)), author: () => 'Cy Teammate', writer: () => TEAMMATE });
    await book.load();
    teammate = { book, sync: new IncidentSync({ dir: path.join(base, 'teammate', 'share'), book, writer: TEAMMATE, name: () => 'Cy Teammate', clock: Date.now }) };
    const config = vscode.workspace.getConfiguration('oncall.incidents');
    await config.update('share', 'git', vscode.ConfigurationTarget.Global);
    await config.update('shareRemote', remote, vscode.ConfigurationTarget.Global);
    // No interval fetch during the test: what arrives, arrives through oncall.syncIncidents.
    await config.update('shareFetchSeconds', 3600, vscode.ConfigurationTarget.Global);
  });

  after(async () => {
    const config = vscode.workspace.getConfiguration('oncall.incidents');
    for (const key of ['share', 'shareRemote', 'shareFetchSeconds']) await config.update(key, undefined, vscode.ConfigurationTarget.Global);
  });

  it('shares through the branch oncall/incidents, a teammate answers, and oncall.syncIncidents reports their events', async () => {
    assert.equal(vscode.workspace.getConfiguration('oncall.incidents').get('shareTransport'), 'auto', 'the default');
    const incident = await run<{ id: string }>('oncall.declareIncident', { title: 'Search latency', severity: 'SEV3', commander: 'Ana' });
    const id = incident.id;
    await run('oncall.addNote', { incidentId: id, text: 'p99 at 4 s on /search' });
    const shared = await run<{ remote: string; ref: string }>('oncall.shareIncident', { incidentId: id });
    assert.deepEqual(shared, { remote, ref: BRANCH });
    const me = api.incidents.storeInfo().writer;
    assert.equal(remoteGit('for-each-ref', '--format=%(refname)'), BRANCH, 'the branch only: the host refused the custom ref');
    assert.deepEqual(remoteGit('ls-tree', '-r', '--name-only', BRANCH).split('\n'), [`${id}/${me}/events.jsonl`, `${id}/${me}/writer.json`]);
    assert.deepEqual(api.incidents.shareStatus(id), { shared: true, unshared: 0, problems: 0, remote });

    await teammate.sync.sync({ defaultRemote: remote });
    assert.equal(teammate.book.incident(id)?.title, 'Search latency');
    await teammate.book.join(id, 'techLead');
    await teammate.book.addNote(id, 'cache hit rate fell to 20%');
    await teammate.sync.adopt(id, remote);
    const teammatePush = await teammate.sync.sync();
    assert.deepEqual(teammatePush.errors.map((e) => e.message), []);
    assert.deepEqual(teammatePush.switched, [remote]);

    const before = api.incidents.timeline(id).length;
    const result = await run<{ pushed: number; fetched: number; incidents: number }>('oncall.syncIncidents', {});
    assert.equal(result.fetched, teammate.book.ownEvents(id).length, 'every event of the teammate, reported by the command');
    assert.equal(api.incidents.timeline(id).length, before + result.fetched);
    const note = api.incidents.timeline(id).find((e) => e.type === 'note' && e.writer === TEAMMATE);
    assert.equal((note as { text: string } | undefined)?.text, 'cache hit rate fell to 20%');
    assert.ok(api.incidents.all().find((i) => i.id === id)?.responders.includes('Cy Teammate'));

    await run('oncall.addNote', { incidentId: id, text: 'scaled the cache' });
    await waitFor('our push through the branch', () => api.incidents.shareStatus(id).unshared === 0 && !api.incidents.shareStatus(id).lastError);
    await teammate.sync.sync();
    assert.ok(teammate.book.events(id).some((e) => e.type === 'note' && e.text === 'scaled the cache'));
    assert.equal(remoteGit('for-each-ref', '--format=%(refname)'), BRANCH);
  });
});
