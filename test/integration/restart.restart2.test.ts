// The restart pass, second editor: the same user, the same folder opened under another
// workspace identity (through another path). The open incident, its timeline and reminders are
// there (the runner watches the page for the reminder and the status bar); a command called
// before api.ready waits for it; then the API lists every runbook and incident.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { IncidentSummary, TimelineEvent } from '../../src/incidents/model';
import type { TimelinePanelInfo } from '../../src/vscode/incidents/timelinePanel';

interface Api {
  ready: Promise<void>;
  runbooks: { all(): unknown[] };
  incidents: {
    all(): IncidentSummary[];
    active(): IncidentSummary | undefined;
    timeline(id: string): TimelineEvent[];
    timelinePanel(id: string): TimelinePanelInfo | undefined;
    storeInfo(): { root: string; workspaceStorage?: string };
  };
}

describe('Restart, second editor under another workspace identity', function () {
  this.timeout(90_000);
  const before = JSON.parse(readFileSync(process.env.ONCALL_RESTART_STATE!, 'utf8')) as { incidentId: string; runbooks: number; incidents: string[]; root: string; workspaceStorage: string };
  let api: Api;

  it('runs a command given arguments before api.ready: it waits instead of answering from half-loaded state', async () => {
    api = (await vscode.extensions.getExtension('oncall-runbooks.oncall-runbooks')!.activate()) as Api;
    // Called at once, while the store may still be loading.
    const note = await vscode.commands.executeCommand<TimelineEvent>('oncall.addNote', { incidentId: before.incidentId, text: 'seen from the second window' });
    assert.equal(note.incidentId, before.incidentId);
  });

  it('api.ready resolves, then the API lists every runbook and incident', async () => {
    await api.ready;
    assert.equal(api.runbooks.all().length, before.runbooks);
    assert.deepEqual(api.incidents.all().map((i) => i.id).sort(), before.incidents);
    const info = api.incidents.storeInfo();
    assert.notEqual(info.workspaceStorage, before.workspaceStorage, 'the folder opened under another workspace identity');
    assert.equal(info.root, before.root, 'the same user store');
  });

  it('shows the open incident as active, with its timeline', async () => {
    assert.equal(api.incidents.active()?.id, before.incidentId);
    const notes = api.incidents.timeline(before.incidentId).filter((e) => e.type === 'note').map((e) => (e as { text: string }).text);
    assert.deepEqual(notes, ['cleared 20 GB of old logs', 'seen from the second window']);
    await vscode.commands.executeCommand('oncall.openTimeline', { incidentId: before.incidentId });
    const expected = api.incidents.timeline(before.incidentId).length;
    const until = Date.now() + 30_000;
    while (api.incidents.timelinePanel(before.incidentId)?.renderedEvents !== expected) {
      if (Date.now() > until) throw new Error('the timeline did not render');
      await new Promise((r) => setTimeout(r, 100));
    }
    // Leave the window up a little: the runner checks the reminder and the status bar on the page.
    await new Promise((r) => setTimeout(r, Number(process.env.ONCALL_RESTART_LINGER_MS ?? 15_000)));
  });
});
