// What the feature adapters hand each other. activate() builds them in order:
// runbooks → incidents → run commands → post-mortems, and returns the public API.
import type * as vscode from 'vscode';
import type { RunRecord, Runbook } from '../runbooks/model';

export interface BaseServices {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  /** Resolves once the first complete index and the incident store are loaded (api.ready). */
  ready?: Promise<void>;
}

/** The runbook index as the other features see it. */
export interface RunbookService {
  /** Every indexed runbook (READMEs included; check `isReadme`). */
  all(): readonly Runbook[];
  /** Runbooks that answer an alert, best kind of match only (see RunbookIndex.byAlert). */
  byAlert(alert: string): readonly Runbook[];
  /** The runbook at this file, parsed from the open document if it is dirty. */
  get(uri: vscode.Uri): Promise<Runbook | undefined>;
  readonly onDidChange: vscode.Event<void>;
  /** Resolves once the index is built and pending file events are indexed. */
  whenCurrent(): Promise<void>;
  /** Present only when the extension runs its own tests (ExtensionMode.Test). */
  readonly testing?: RunbookTesting;
}

/** What the runbook integration tests read that the public API does not show: the tree. */
export interface RunbookTesting {
  /** The tree items under the item with this id (the top level when omitted). */
  treeItems(parentId?: string): Promise<Array<{ id: string; label: string; description?: string; contextValue?: string; icon?: string; color?: string }>>;
  /** Resolves once pending file events are indexed. */
  whenCurrent(): Promise<void>;
  /** Hands a URI to the extension's URI handler, as the editor does for `vscode://` links. */
  handleUri(uri: vscode.Uri): Promise<void>;
  /** How long registering the runbook features took inside activate(), in ms. */
  registerMs: number;
  /** Starts measuring the extension host's thread (and a CPU profile into `profileFile`); the returned function stops and reports. */
  measureHostTasks(profileFile?: string): () => HostTaskReport;
}

/** The extension host thread while it was measured: its longest task, and the index's own work. */
export interface HostTaskReport {
  /** Longest delay of the event loop (≈ the longest task, whoever ran it), in ms. */
  longestTaskMs: number;
  p99TaskMs: number;
  /** The index's longest synchronous work on the thread, per kind, in ms. */
  ownWorkMs: Record<string, number>;
}

/** The incident side as the run-commands feature sees it. */
export interface IncidentHook {
  /** The id of the active incident, if any. */
  activeIncidentId(): string | undefined;
  /** Record a finished run in the active incident's timeline (no-op without one). */
  recordRun(record: RunRecord): Promise<void>;
  /** The folder beside an incident's journal where its evidence files (run output) go. */
  evidenceFolder?(incidentId: string): string;
  /** The title of an incident, for naming its terminal. */
  incidentTitle?(incidentId: string): string | undefined;
}
