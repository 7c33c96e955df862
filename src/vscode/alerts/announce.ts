// What happens after an alert link opened its runbook: the alert is kept (its labels fill the
// runbook's inputs, confirmed one by one when a block runs) and the engineer is told so, with
// a way to declare an incident from the alert.
import * as vscode from 'vscode';
import { describeLabels, type AlertLink } from '../../runbooks/alertLink';
import type { RunbookSummary } from '../api';
import type { AlertInbox } from './inbox';

export const DECLARE_FROM_ALERT = 'oncall.declareIncidentFromAlert';

export function announceAlert(inbox: AlertInbox, alert: AlertLink, ignored: readonly string[], runbook: RunbookSummary | undefined): void {
  inbox.receive({ ...alert, ...(runbook ? { runbookPath: runbook.path, ...(runbook.severity ? { runbookSeverity: runbook.severity } : {}) } : {}) });
  // "Declare Incident from Alert…" is in the palette only once an alert link was opened.
  void vscode.commands.executeCommand('setContext', 'oncall.hasAlert', true);
  const labels = Object.keys(alert.labels).length ? ` (${describeLabels(alert.labels)})` : '';
  const use = Object.keys(alert.labels).length ? ' Its labels fill the inputs of the same name when you run a block; you confirm each value.' : '';
  const left = ignored.length ? ` Left out: ${ignored.slice(0, 5).join(', ')}${ignored.length > 5 ? '…' : ''}.` : '';
  const declare = 'Declare Incident…';
  void vscode.window.showInformationMessage(`Alert ${alert.name}${labels}.${use}${left}`, declare).then((choice) => {
    if (choice === declare) void vscode.commands.executeCommand(DECLARE_FROM_ALERT);
  });
}
