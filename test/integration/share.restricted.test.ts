// Sharing in Restricted Mode: every sharing command is refused before anything runs, and no
// git process is started at all, not even by the background sync (sharing is switched on in the
// user settings here, which Restricted Mode does not ignore).
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';

const EXTENSION_ID = 'oncall-runbooks.oncall-runbooks';

interface Api {
  ready: Promise<void>;
  incidents: { storeInfo(): { gitCommands: number }; all(): { id: string }[] };
}

const run = (command: string, arg?: unknown) => Promise.resolve(vscode.commands.executeCommand(command, arg));

describe('Sharing in Restricted Mode', function () {
  this.timeout(60_000);
  let api: Api;
  before(async () => {
    api = (await vscode.extensions.getExtension(EXTENSION_ID)!.activate()) as Api;
    await api.ready;
    await vscode.workspace.getConfiguration('oncall.incidents').update('share', 'git', vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('oncall.incidents').update('shareFetchSeconds', 2, vscode.ConfigurationTarget.Global);
  });
  after(async () => {
    await vscode.workspace.getConfiguration('oncall.incidents').update('share', undefined, vscode.ConfigurationTarget.Global);
    await vscode.workspace.getConfiguration('oncall.incidents').update('shareFetchSeconds', undefined, vscode.ConfigurationTarget.Global);
  });

  it('refuses share, sync and join from code with the Restricted Mode reason, and starts no git process', async () => {
    assert.equal(vscode.workspace.isTrusted, false);
    const incident = (await vscode.commands.executeCommand('oncall.declareIncident', { title: 'Restricted declare', severity: 'SEV3' })) as { id: string };
    await assert.rejects(run('oncall.shareIncident', { incidentId: incident.id }), /Restricted Mode/);
    await assert.rejects(run('oncall.syncIncidents', {}), /Restricted Mode/);
    await assert.rejects(run('oncall.joinIncident', { incidentId: incident.id }), /Restricted Mode/);
    // Several fetch intervals pass: the background sync must not run git either.
    await new Promise((r) => setTimeout(r, 5_000));
    assert.equal(api.incidents.storeInfo().gitCommands, 0, 'no git process was started for sharing');
  });
});
