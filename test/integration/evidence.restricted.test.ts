// Restricted Mode: reading git history ("what changed nearby") starts no git process at all —
// not when an incident is declared, not on demand — while everything that only reads (the alert
// link opening its runbook, the timeline) still works.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { TimelineEvent } from '../../src/incidents/model';

const EXTENSION_ID = 'oncall-runbooks.oncall-runbooks';

interface Api {
  incidents: { timeline(id: string): TimelineEvent[] };
  testing: { evidence: { gitCommandsStarted(): number; settled(): Promise<void> }; runbooks: { handleUri(uri: vscode.Uri): Promise<void> } };
}

describe('Evidence in Restricted Mode', function () {
  this.timeout(120_000);

  it('declares an incident without reading git history, and refuses to read it on demand, starting no git process', async () => {
    const api = (await vscode.extensions.getExtension(EXTENSION_ID)!.activate()) as Api;
    assert.equal(vscode.workspace.isTrusted, false, 'the folder is open in Restricted Mode');
    const before = api.testing.evidence.gitCommandsStarted();
    const incident = await vscode.commands.executeCommand<{ id: string }>('oncall.declareIncident', { title: 'Restricted check', severity: 'SEV3' });
    await vscode.commands.executeCommand('oncall.markMilestone', { incidentId: incident.id, milestone: 'impactStarted', at: new Date(Date.now() - 60_000).toISOString() });
    await new Promise((r) => setTimeout(r, 2000));
    await api.testing.evidence.settled();
    assert.deepEqual(api.incidents.timeline(incident.id).filter((e) => e.type === 'changesObserved'), []);
    await assert.rejects(Promise.resolve(vscode.commands.executeCommand('oncall.findChangesNearby', { incidentId: incident.id })), /Restricted Mode/);
    assert.equal(api.testing.evidence.gitCommandsStarted(), before, 'no git process started');
  });

  it('still opens the runbook for an alert link with labels', async () => {
    const api = (await vscode.extensions.getExtension(EXTENSION_ID)!.activate()) as Api;
    await api.testing.runbooks.handleUri(vscode.Uri.parse('vscode://oncall-runbooks.oncall-runbooks/alert?name=GatewayHigh5xxRate&namespace=edge'));
    assert.match(vscode.window.activeTextEditor?.document.uri.fsPath ?? '', /\.md$/);
  });
});
