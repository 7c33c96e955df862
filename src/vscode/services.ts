// What the feature adapters hand each other. activate() builds them in order:
// runbooks → incidents → run commands → post-mortems, and returns the public API.
import type * as vscode from 'vscode';
import type { RunRecord, Runbook } from '../runbooks/model';

export interface BaseServices {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
}

/** The runbook index as the other features see it. */
export interface RunbookService {
  /** Every indexed runbook (READMEs included; check `isReadme`). */
  all(): readonly Runbook[];
  /** The runbook at this file, parsed from the open document if it is dirty. */
  get(uri: vscode.Uri): Promise<Runbook | undefined>;
  readonly onDidChange: vscode.Event<void>;
}

/** The incident side as the run-commands feature sees it. */
export interface IncidentHook {
  /** The id of the active incident, if any. */
  activeIncidentId(): string | undefined;
  /** Record a finished run in the active incident's timeline (no-op without one). */
  recordRun(record: RunRecord): Promise<void>;
}
