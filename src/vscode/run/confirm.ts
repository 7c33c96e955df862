// The confirmation of a dangerous command. No argument of the run commands skips it. The only
// way to answer it without a person is `setConfirmationForTests`, which the extension exposes
// through its API in ExtensionMode.Test only (integration tests cannot click a modal); the UI
// check (test/ui/run.ui.mjs) answers the real dialog in the real workbench.
//
// Two acts, so that Enter alone never runs anything:
// 1. A modal (it blocks the workbench and cannot be missed) showing the target, the reasons and
//    the exact command. Its default button — the one Enter presses — is “Don’t Run”; Escape
//    cancels too. Only “Run…” goes on.
// 2. An input box where the engineer types the target's name (the kube context, the host …,
//    or `run` when none is known). Anything else, an empty Enter included, is not accepted.
// VS Code modals show plain text in the workbench font, not monospace: the command is wrapped
// beforehand, only between words and with ` \` continuations (confirmText.ts), so the dialog
// never has to break it inside an option.
import * as vscode from 'vscode';
import type { DangerFinding } from '../../runbooks/model';
import { confirmationWord, dangerDetail } from '../../shell/confirmText';
import type { RunTarget } from '../../shell/target';

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
  /** What the command acts on, as far as it can be read locally. */
  targets: readonly RunTarget[];
}

export type Confirmation = (request: ConfirmationRequest) => Promise<boolean>;

export const DONT_RUN = 'Don’t Run';
export const GO_ON = 'Run…';

/** The modal, then the typed name. */
export const modalConfirmation: Confirmation = async (request) => {
  const word = confirmationWord(request.targets);
  const where = word === 'run' ? '' : ` on ${word}`;
  const choice = await vscode.window.showWarningMessage(
    `Run a dangerous command from “${request.runbookTitle}”${where}?`,
    { modal: true, detail: dangerDetail(request) },
    // The first item is the dialog's default button: Enter presses it.
    { title: DONT_RUN },
    { title: GO_ON },
  );
  if (choice?.title !== GO_ON) return false;
  const typed = await vscode.window.showInputBox({
    title: `Type “${word}” to run the dangerous command${where}`,
    prompt: request.targets[0]?.description ?? 'No cluster, account or remote host was found in the command: it acts on this machine.',
    placeHolder: word,
    ignoreFocusOut: true,
    validateInput: (value) => (value === word ? undefined : `Type ${word} exactly to run it, or press Escape to run nothing.`),
  });
  return typed === word;
};

let override: Confirmation | undefined;

/** The confirmation in use: the modal, unless a test replaced it. */
export function confirmDanger(request: ConfirmationRequest): Promise<boolean> {
  return (override ?? modalConfirmation)(request);
}

/** Test mode only (see the top of this file): replaces the modal; undefined restores it. */
export function setConfirmationForTests(confirmation: Confirmation | undefined): void {
  override = confirmation;
}
