import * as vscode from 'vscode';
import type { RunRecord } from '../../runbooks/model';
import { registerCommands } from '../commandRegistry';
import type { BaseServices, IncidentHook, RunbookService } from '../services';
import { RunCodeLensProvider } from './codeLens';
import { setConfirmationForTests, type Confirmation } from './confirm';
import { RunController } from './controller';
import { LastRuns } from './lastRuns';
import { RunTerminals } from './terminals';
import type { AlertInbox } from '../alerts/inbox';
import { RunEvidence } from './evidence';
import { OutputDocuments } from './outputDocuments';
import { RecentRuns } from './recentRuns';

const TRUST = 'running runbook commands needs a trusted workspace.';

/** Only in ExtensionMode.Test: what integration tests need to drive a run without a person. */
export interface RunTesting {
  /** Replaces the danger confirmation modal; undefined restores it. */
  setConfirmation(confirmation: Confirmation | undefined): void;
  lastRun(runbookPath: string, blockIndex: number): RunRecord | undefined;
}

export interface RunFeatures {
  lastRuns: LastRuns;
  /** Runs made with no incident active, for attaching when one is declared. */
  recentRuns: RecentRuns;
  /** Stores a run's output beside an incident's journal. */
  evidence: RunEvidence;
  testing?: RunTesting;
}

/** Running and copying code blocks: CodeLens, terminal, exit codes. */
export function registerRunFeatures(base: BaseServices, runbooks: RunbookService, incidents: IncidentHook, alerts?: AlertInbox): RunFeatures {
  const terminals = new RunTerminals((id) => incidents.incidentTitle?.(id));
  const lastRuns = new LastRuns();
  const recentRuns = new RecentRuns();
  const outputs = new OutputDocuments();
  const evidence = new RunEvidence(base, incidents, recentRuns, outputs);
  const lenses = new RunCodeLensProvider(runbooks, lastRuns);
  base.context.subscriptions.push(
    terminals,
    lastRuns,
    outputs,
    lenses,
    vscode.languages.registerCodeLensProvider({ language: 'markdown', scheme: 'file' }, lenses),
  );
  const controller = new RunController(base, runbooks, incidents, terminals, lastRuns, evidence, alerts);
  registerCommands(base, [
    { id: 'oncall.runCodeBlock', requiresTrust: TRUST, run: (arg, ctx) => controller.run(arg, ctx, false) },
    { id: 'oncall.runCodeBlockInNewTerminal', requiresTrust: TRUST, run: (arg, ctx) => controller.run(arg, ctx, true) },
    { id: 'oncall.copyCodeBlock', run: (arg, ctx) => controller.copy(arg, ctx) },
  ]);
  const testing: RunTesting | undefined =
    base.context.extensionMode === vscode.ExtensionMode.Test
      ? { setConfirmation: setConfirmationForTests, lastRun: (path, index) => lastRuns.get(path, index) }
      : undefined;
  return { lastRuns, recentRuns, evidence, ...(testing ? { testing } : {}) };
}
