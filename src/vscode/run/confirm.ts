// The confirmation of a dangerous command: a modal that shows the exact final command. No
// argument of the run commands skips it. The only way to answer it without a person is
// `setConfirmationForTests`, which the extension exposes through its API in
// ExtensionMode.Test only (integration tests cannot click a modal); the UI check
// (test/ui/run.ui.mjs) answers the real modal in the real workbench.
import * as vscode from 'vscode';
import type { DangerFinding } from '../../runbooks/model';

export interface ConfirmationRequest {
  runbookTitle: string;
  blockIndex: number;
  /** The final command, after substitution, secrets masked. */
  command: string;
  findings: readonly DangerFinding[];
  /** The runbook marks the block dangerous itself. */
  markedDangerous: boolean;
  /** The block runs as several commands, one at a time. */
  commandCount: number;
}

export type Confirmation = (request: ConfirmationRequest) => Promise<boolean>;

const RUN = 'Run';

/** The modal shown to the engineer. */
export const modalConfirmation: Confirmation = async (request) => {
  const reasons = [
    ...(request.markedDangerous ? ['The runbook marks this block as dangerous.'] : []),
    ...[...new Map(request.findings.map((f) => [f.ruleId, f])).values()].map((f) => `• ${capitalise(f.reason)} (${f.ruleId})`),
  ];
  const steps = request.commandCount > 1 ? `\n\nRuns as ${request.commandCount} commands, one at a time, stopping at the first that fails.` : '';
  const choice = await vscode.window.showWarningMessage(
    `Run this dangerous command from “${request.runbookTitle}”?`,
    { modal: true, detail: `${reasons.join('\n')}\n\n${request.command}${steps}` },
    RUN,
  );
  return choice === RUN;
};

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

let override: Confirmation | undefined;

/** The confirmation in use: the modal, unless a test replaced it. */
export function confirmDanger(request: ConfirmationRequest): Promise<boolean> {
  return (override ?? modalConfirmation)(request);
}

/** Test mode only (see the top of this file): replaces the modal; undefined restores it. */
export function setConfirmationForTests(confirmation: Confirmation | undefined): void {
  override = confirmation;
}
