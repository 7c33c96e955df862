// The composition root: builds each feature, in dependency order, registers everything on the
// extension context, and returns the public API (plain data only; documented in the README).
import * as vscode from 'vscode';
import { registerCommands } from './vscode/commandRegistry';
import { registerIncidentFeatures } from './vscode/incidents/register';
import { registerPostmortemFeatures } from './vscode/postmortem/register';
import { registerRunFeatures } from './vscode/run/register';
import { registerRunbookFeatures } from './vscode/runbooks/register';
import { createApi, type OnCallApi } from './vscode/api';
import { AlertInbox } from './vscode/alerts/inbox';
import { registerEvidenceFeatures } from './vscode/evidence/register';

export function activate(context: vscode.ExtensionContext): OnCallApi {
  const log = vscode.window.createOutputChannel('On-Call Runbooks', { log: true });
  context.subscriptions.push(log);
  let markReady: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => (markReady = resolve));
  const base = { context, log, ready };

  const alerts = new AlertInbox();
  const runbooks = registerRunbookFeatures(base, alerts);
  const incidents = registerIncidentFeatures(base);
  // api.ready: the first complete index (built after activate() returns) and the incident store.
  setTimeout(() => {
    const started = Date.now();
    void Promise.all([runbooks.whenCurrent(), incidents.loaded])
      .catch((err: unknown) => log.warn(`readiness: ${err instanceof Error ? err.message : String(err)}`))
      .then(() => {
        log.info(`ready in ${Date.now() - started} ms after activation`);
        markReady();
      });
  }, 0);
  const run = registerRunFeatures(base, runbooks, incidents, alerts);
  const postmortems = registerPostmortemFeatures(base, incidents);
  const evidence = registerEvidenceFeatures(base, { runbooks, incidents, run, alerts });
  // History: the Incidents view lists post-mortems (also those of incidents with no journal here).
  let pending: ReturnType<typeof setTimeout> | undefined;
  const showPostmortems = () => {
    // Debounced: a branch switch changes hundreds of files at once.
    clearTimeout(pending);
    pending = setTimeout(() => {
      void postmortems.list().then(incidents.showPostmortems, (err) => log.warn(`could not list post-mortems: ${err}`));
    }, 300);
  };
  context.subscriptions.push({ dispose: () => clearTimeout(pending) });
  const watcher = vscode.workspace.createFileSystemWatcher('**/*.md');
  context.subscriptions.push(watcher, watcher.onDidCreate(showPostmortems), watcher.onDidChange(showPostmortems), watcher.onDidDelete(showPostmortems));
  showPostmortems();
  registerCommands(base, [{ id: 'oncall.showLog', run: () => log.show() }]);

  log.info(`activated (${vscode.workspace.isTrusted ? 'trusted' : 'restricted'} workspace)`);
  return createApi(runbooks, incidents, run, ready, evidence.testing);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
