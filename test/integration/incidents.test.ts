// Incidents in the real editor: commands with argument objects, the journal on disk, the
// timeline webview (a postMessage round trip through the page), the status bar's data.
import * as assert from 'node:assert/strict';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { scanSegment } from '../../src/incidents/journal';
import type { IncidentSummary, TimelineEvent } from '../../src/incidents/model';
import type { TimelinePanelInfo } from '../../src/vscode/incidents/timelinePanel';

const EXTENSION_ID = 'oncall-runbooks.oncall-runbooks';

interface IncidentsApi {
  all(): IncidentSummary[];
  active(): IncidentSummary | undefined;
  timeline(id: string): TimelineEvent[];
  timelinePanel(id: string): TimelinePanelInfo | undefined;
  journalFolder(id: string): string;
}

async function incidentsApi(): Promise<IncidentsApi> {
  const api = await vscode.extensions.getExtension(EXTENSION_ID)!.activate();
  return api.incidents as IncidentsApi;
}

async function waitFor<T>(what: string, probe: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Resolves once the history reads started by declarations and impact starts are recorded. */
async function evidenceSettled(): Promise<void> {
  const api = (await vscode.extensions.getExtension(EXTENSION_ID)!.activate()) as { testing?: { evidence?: { settled(): Promise<void> } } };
  await api.testing?.evidence?.settled();
}

const run = <T>(command: string, arg?: unknown) => vscode.commands.executeCommand<T>(command, arg);

describe('Incidents: commands, journal and timeline in the real editor', () => {
  let incidents: IncidentsApi;
  let id: string;

  before(async () => {
    incidents = await incidentsApi();
  });

  after(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  it('declares an incident from an argument object and makes it active', async () => {
    const incident = await run<{ id: string; title: string; severity: string; status: string; roles: Record<string, string> }>('oncall.declareIncident', {
      title: 'Checkout returns 502', severity: 'SEV2', commander: 'Ana', summary: 'Card payments fail for some users',
    });
    assert.match(incident.id, /^INC-\d{8}-[0-9A-HJKMNP-TV-Z]{5}$/);
    assert.equal(incident.title, 'Checkout returns 502');
    assert.equal(incident.severity, 'SEV2');
    assert.equal(incident.status, 'investigating');
    assert.equal(incident.roles.commander, 'Ana');
    id = incident.id;
    assert.equal(incidents.active()?.id, id);
    assert.ok(incidents.all().some((i) => i.id === id));
  });

  it('records notes, status, severity, roles and milestones, each resolving to its event', async () => {
    const note = await run<TimelineEvent>('oncall.addNote', { text: 'Error rate at 12% on checkout', incidentId: id });
    assert.equal(note.type, 'note');
    assert.equal(note.author, 'Test Responder', 'the author comes from git user.name in a trusted workspace');
    assert.match(note.time, /Z$/);
    const status = await run<TimelineEvent>('oncall.setStatus', { status: 'identified' });
    assert.deepEqual(status.type === 'statusChanged' && [status.from, status.to], ['investigating', 'identified']);
    const role = await run<TimelineEvent>('oncall.assignRole', { role: 'techLead', person: 'Bo' });
    assert.equal(role.type === 'roleAssigned' && role.person, 'Bo');
    const milestone = await run<TimelineEvent>('oncall.markMilestone', { milestone: 'detected' });
    assert.equal(milestone.type === 'milestone' && milestone.milestone, 'detected');
    const backdated = await run<TimelineEvent>('oncall.markMilestone', { milestone: 'impactStarted', at: '2020-01-01T00:00:00Z', reason: 'graphs' });
    assert.equal(backdated.type === 'milestone' && backdated.at, '2020-01-01T00:00:00.000Z');
    const severity = await run<TimelineEvent>('oncall.setSeverity', { severity: 'SEV1', reason: 'all regions now' });
    assert.equal(severity.type === 'severityChanged' && severity.to, 'SEV1');
    // Declaring also reads git history ("changed nearby", src/vscode/evidence): its observation is not one of these commands.
    const types = incidents.timeline(id).map((e) => e.type).filter((t) => t !== 'changesObserved');
    assert.deepEqual(types, ['declared', 'note', 'statusChanged', 'roleAssigned', 'milestone', 'milestone', 'severityChanged']);
  });

  it('refuses what cannot be defaulted, without prompting', async () => {
    await assert.rejects(Promise.resolve(run('oncall.addNote', { text: 'x', incidentId: 'INC-19990101-001' })), /Unknown incident/);
    await assert.rejects(Promise.resolve(run('oncall.setStatus', { status: 'fixing' })), /Status must be/);
    await assert.rejects(Promise.resolve(run('oncall.declareIncident', { severity: 'SEV1' })), /needs a title/);
  });

  it('drafts internal and external status updates; external ones in customer words; drafts stay off the timeline', async () => {
    await run('oncall.addNote', { text: 'db-07.prod.internal pool exhausted; ran kubectl rollout restart' });
    const internal = await run<string>('oncall.draftStatusUpdate', { audience: 'internal' });
    assert.match(internal, /\[SEV1\] .*Checkout returns 502 — Identified/);
    assert.match(internal, /db-07\.prod\.internal/);
    assert.match(internal, /Next update by \d{2}:\d{2}/);
    // Before the customer-facing summary is written, the external draft says so; it never
    // falls back to the internal title or impact.
    const unwritten = await run<string>('oncall.draftStatusUpdate', { audience: 'external', incidentId: id });
    assert.match(unwritten, /^Identified: \[What customers notice/);
    await run('oncall.setCustomerSummary', { text: 'Some card payments fail at checkout.', incidentId: id });
    const external = await run<string>('oncall.draftStatusUpdate', { audience: 'external', incidentId: id });
    assert.match(external, /^Identified: Some card payments fail at checkout\.\n/);
    for (const internalText of ['Checkout returns 502', 'Card payments fail for some users', 'db-07', 'prod.internal', 'kubectl', 'Ana']) {
      assert.ok(!external.includes(internalText), `the external draft copies "${internalText}":\n${external}`);
    }
    assert.ok(!incidents.timeline(id).some((e) => e.type === 'statusUpdate'), 'drafting recorded nothing');
  });

  it('writes every event to the journal on disk, each line checksummed', async () => {
    const dir = incidents.journalFolder(id);
    const names = (await fsp.readdir(dir)).filter((n) => n.endsWith('.jsonl'));
    assert.equal(names.length, 1, 'this window writes one segment');
    const scan = scanSegment(await fsp.readFile(path.join(dir, names[0])));
    assert.equal(scan.bad.length, 0);
    assert.deepEqual(scan.records.map((r) => r.event.id).sort(), incidents.timeline(id).map((e) => e.id).sort());
  });

  it('opens the timeline panel; the page receives the events and each new one (postMessage round trip)', async () => {
    await run('oncall.openTimeline', { incidentId: id });
    // Declaring and marking impact start read git history for what changed nearby, recorded
    // when it is done: count the events once those reads have settled.
    await evidenceSettled();
    const expected = incidents.timeline(id).length;
    const first = await waitFor('the page to render the timeline', () => {
      const p = incidents.timelinePanel(id);
      return p && p.ready && p.renderedEvents === expected ? p : undefined;
    });
    assert.ok(first.firstRenderMs !== undefined);
    await run('oncall.addNote', { text: '<img src=x onerror="alert(1)"> literal text' });
    await waitFor('the new note to reach the page', () => incidents.timelinePanel(id)?.renderedEvents === expected + 1);
    const info = incidents.timelinePanel(id)!;
    assert.equal(info.cspViolations, 0, `the page reported Content Security Policy violations: ${info.cspReports.join(' | ')}`);
    assert.equal(info.messagesDropped, 0, 'the page sent only valid messages');
    // Reopening reveals the same panel.
    await run('oncall.openTimeline', { incidentId: id });
    assert.equal(incidents.timelinePanel(id)!.ready, true);
  });

  it('keeps several incidents open with one active, and resolves', async () => {
    const second = await run<{ id: string }>('oncall.declareIncident', { title: 'Search is slow', severity: 'SEV3' });
    assert.notEqual(second.id, id);
    assert.equal(incidents.active()?.id, second.id);
    const back = await run<IncidentSummary>('oncall.setActiveIncident', { incidentId: id });
    assert.equal(back.id, id);
    assert.equal(incidents.active()?.id, id);
    const resolved = await run<{ status: string; resolvedAt: string; milestones: Record<string, string>; summary: string }>('oncall.resolveIncident', { incidentId: id, summary: 'Pool limit raised; payments recovered' });
    assert.equal(resolved.status, 'resolved');
    assert.ok(resolved.resolvedAt);
    assert.equal(resolved.milestones.resolved, resolved.resolvedAt);
    assert.equal(resolved.summary, 'Pool limit raised; payments recovered');
    assert.equal(incidents.active(), undefined, 'a resolved incident is no longer active');
    assert.equal(incidents.all().find((i) => i.id === id)?.status, 'resolved');
    await assert.rejects(Promise.resolve(run('oncall.setActiveIncident', { incidentId: id })), /resolved/);
    await run('oncall.resolveIncident', { incidentId: second.id });
  });
});
