// The restart pass, first editor: declare an incident (SEV2, with a short update cadence set by
// the runner), note, open its timeline; write down what the second editor must find.
import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import type { IncidentSummary } from '../../src/incidents/model';

interface Api {
  ready: Promise<void>;
  runbooks: { all(): unknown[] };
  incidents: { all(): IncidentSummary[]; storeInfo(): { root: string; workspaceStorage?: string } };
}

describe('Restart, first editor', function () {
  this.timeout(60_000);
  it('declares an incident with a note and its timeline open', async () => {
    const api = (await vscode.extensions.getExtension('oncall-runbooks.oncall-runbooks')!.activate()) as Api;
    await api.ready;
    const incident = await vscode.commands.executeCommand<{ id: string }>('oncall.declareIncident', { title: 'Disk full on db-3', severity: 'SEV2', commander: 'Ana' });
    await vscode.commands.executeCommand('oncall.addNote', { incidentId: incident.id, text: 'cleared 20 GB of old logs' });
    await vscode.commands.executeCommand('oncall.openTimeline', { incidentId: incident.id });
    assert.ok(api.incidents.all().some((i) => i.id === incident.id));
    const info = api.incidents.storeInfo();
    assert.ok(info.workspaceStorage, 'a folder is open, so the workspace has its own storage');
    writeFileSync(process.env.ONCALL_RESTART_STATE!, JSON.stringify({
      incidentId: incident.id,
      runbooks: api.runbooks.all().length,
      incidents: api.incidents.all().map((i) => i.id).sort(),
      root: info.root,
      workspaceStorage: info.workspaceStorage,
    }));
  });
});
