// Evidence on the record: pinning output, attaching earlier runs, what changed nearby, notes
// against steps, declaring from an alert, and runbooks learning from incidents. Declaring an
// incident (in this window) reads what changed nearby (trusted workspaces only) and offers the
// runs made just before; marking impact start later reads history again for the new window.
import * as vscode from 'vscode';
import type { TimelineChange } from '../../incidents/book';
import { gitCommandsStarted } from '../../git/run';
import type { AlertInbox } from '../alerts/inbox';
import { registerCommands } from '../commandRegistry';
import type { IncidentFeatures } from '../incidents/register';
import type { RunFeatures } from '../run/register';
import type { BaseServices, RunbookService } from '../services';
import { recordChangesNearby } from './changes';
import { evidenceCommands } from './commands';
import { registerRunbookFindings } from './runbookFindings';

/** Only in ExtensionMode.Test. */
export interface EvidenceTesting {
  /** git commands started by this extension host so far. */
  gitCommandsStarted(): number;
  /** Resolves once the work started by the last declaration or impact-start milestone is done. */
  settled(): Promise<void>;
}

const FRESH_MS = 2 * 60_000;

export function registerEvidenceFeatures(
  base: BaseServices,
  deps: { runbooks: RunbookService; incidents: IncidentFeatures; run: RunFeatures; alerts: AlertInbox },
): { testing?: EvidenceTesting } {
  const { incidents, run, alerts } = deps;
  registerCommands(base, evidenceCommands({ incidents, run, alerts, log: base.log }));
  registerRunbookFindings(base, deps.runbooks, incidents);

  let pending: Promise<void> = Promise.resolve();
  /** After a declaration (recorded even when nothing is found, so the post-mortem can say history was read) or a new impact start (only what is new). */
  const readHistory = (incidentId: string, recordEmpty: boolean) => {
    if (!vscode.workspace.isTrusted) return; // no git process at all in Restricted Mode
    if (!vscode.workspace.getConfiguration('oncall.changes').get<boolean>('onDeclare', true)) return;
    pending = pending
      .then(() => recordChangesNearby(incidents.book, incidentId, { log: base.log, recordEmpty }))
      .then(
        () => undefined,
        (err) => base.log.warn(`changes nearby for ${incidentId}: ${err instanceof Error ? err.message : String(err)}`),
      );
  };
  const offerEarlierRuns = (incidentId: string) => {
    const minutes = Number(vscode.workspace.getConfiguration('oncall.incidents').get('attachRunsWithinMinutes', 60)) || 60;
    const earlier = run.recentRuns.within(minutes * 60_000);
    if (earlier.length === 0) return;
    const attach = 'Attach…';
    void vscode.window
      .showInformationMessage(`${earlier.length} runbook command${earlier.length === 1 ? '' : 's'} ran in the ${minutes} minutes before ${incidentId} was declared. Attach them to its timeline?`, attach)
      .then((choice) => choice === attach && vscode.commands.executeCommand('oncall.attachRecentRuns', { target: incidentId, incidentId }));
  };
  const onChange = (change: TimelineChange) => {
    const now = Date.now();
    for (const e of change.added) {
      if (Math.abs(now - Date.parse(e.time)) > FRESH_MS) continue; // merged from elsewhere, not declared here just now
      if (e.type === 'declared') {
        readHistory(change.incidentId, true);
        offerEarlierRuns(change.incidentId);
      }
      if (e.type === 'milestone' && e.milestone === 'impactStarted') readHistory(change.incidentId, false);
    }
  };
  const unsubscribe = incidents.book.onDidChange(onChange);
  base.context.subscriptions.push({ dispose: unsubscribe });

  if (base.context.extensionMode !== vscode.ExtensionMode.Test) return {};
  return { testing: { gitCommandsStarted: () => gitCommandsStarted.count, settled: () => pending } };
}
