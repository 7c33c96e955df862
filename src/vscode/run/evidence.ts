// A run's output as evidence, on the editor side: the capture that sits between the terminal and
// the run's steps, the whole output written (masked) beside the incident's journal before the
// event that names it, runs without an incident kept for later attachment, and a notification
// when a run fails ("exit 3 — Show Output · Add Note").
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DEFAULT_OUTPUT_CAP_BYTES, OutputCapture, outputFileName, summarizeOutput, teeOutput } from '../../incidents/evidence';
import { maskTokens } from '../../incidents/redact';
import type { RunOutput } from '../../incidents/runOutput';
import type { Runbook, RunRecord } from '../../runbooks/model';
import type { StepRunner } from '../../shell/runSteps';
import { writeOutputFile } from '../incidents/evidenceFiles';
import type { BaseServices, IncidentHook } from '../services';
import type { OutputDocuments } from './outputDocuments';
import type { RecentRuns } from './recentRuns';

export const ADD_STEP_NOTE = 'oncall.addStepNote';

/** A runbook's path as the journal records it: relative to its workspace folder (never absolute). */
export function journalPath(runbook: Pick<Runbook, 'path' | 'relPath'>): string {
  const relative = vscode.workspace.asRelativePath(vscode.Uri.file(runbook.path), false);
  return path.isAbsolute(relative) ? runbook.relPath : relative.split(path.sep).join('/');
}

export function outputCapChars(uri: vscode.Uri): number {
  const kb = Number(vscode.workspace.getConfiguration('oncall.run', uri).get('outputCapKilobytes', DEFAULT_OUTPUT_CAP_BYTES / 1024));
  return Math.round(Math.min(64 * 1024, Math.max(16, Number.isFinite(kb) ? kb : 1024)) * 1024);
}

export interface CaptureSession {
  runner(inner: StepRunner): StepRunner;
  capture: OutputCapture;
}

export class RunEvidence {
  constructor(
    private readonly base: BaseServices,
    private readonly incidents: IncidentHook,
    private readonly recent: RecentRuns,
    private readonly documents: OutputDocuments,
  ) {}

  start(capChars: number): CaptureSession {
    const capture = new OutputCapture(capChars);
    return { capture, runner: (inner) => teeOutput(inner, capture) };
  }

  /**
   * The record as the incident keeps it (path relative, command and tail masked, output
   * summarised and, with an incident, written beside its journal), recorded or kept for later.
   */
  async finish(record: RunRecord, session: CaptureSession | undefined, secrets: readonly string[], runbook: Runbook): Promise<RunRecord> {
    // Output can trail the end of the command a little (the terminal closes its stream ~30 ms later).
    await session?.capture.settled(1000);
    const captured = session?.capture.finish(secrets);
    const masked: RunRecord = {
      ...record,
      command: maskTokens(record.command).text,
      ...(record.outputTail !== undefined ? { outputTail: maskTokens(record.outputTail).text } : {}),
      ...(record.failedCommand !== undefined ? { failedCommand: maskTokens(record.failedCommand).text } : {}),
      ...(runbook.metadata.service ? { service: runbook.metadata.service } : {}),
    };
    const summary = captured && captured.text ? summarizeOutput(captured) : undefined;
    const forJournal: RunRecord = { ...masked, runbookPath: journalPath(runbook), ...(summary ? { output: summary } : {}) };
    const incidentId = this.incidents.activeIncidentId();
    if (incidentId) {
      if (summary && captured) forJournal.output = await this.store(incidentId, record.startedAt, captured.text, summary);
      try {
        await this.incidents.recordRun(forJournal);
      } catch (err) {
        this.base.log.error('recording the run in the incident failed', err instanceof Error ? err : new Error(String(err)));
      }
    } else {
      this.recent.add(forJournal, captured?.text ?? '');
    }
    this.notifyFailure(forJournal, captured?.text, incidentId);
    // What the caller gets: the absolute path (as before), everything else as recorded.
    return { ...forJournal, runbookPath: record.runbookPath };
  }

  /** Writes the whole output beside the incident's journal; the summary without a file when that fails. */
  async store(incidentId: string, startedAt: string, text: string, summary: RunOutput): Promise<RunOutput> {
    const folder = this.incidents.evidenceFolder?.(incidentId);
    if (!folder) return summary;
    const file = outputFileName(startedAt, randomBytes(6).toString('hex'));
    try {
      const sha256 = await writeOutputFile(folder, file, text);
      return { ...summary, file, sha256 };
    } catch (err) {
      this.base.log.warn(`could not keep the output of the run beside the journal of ${incidentId}: ${err instanceof Error ? err.message : String(err)}`);
      return summary;
    }
  }

  private notifyFailure(record: RunRecord, text: string | undefined, incidentId: string | undefined): void {
    if (record.exitCode === null || record.exitCode === 0) return;
    const last = (record.output?.tail.at(-1) ?? record.output?.head.at(-1) ?? '').trim();
    const show = 'Show Output';
    const note = 'Add Note';
    const actions = [...(text ? [show] : []), ...(incidentId ? [note] : [])];
    const where = `${record.runbookTitle}, step ${record.blockIndex + 1}`;
    void vscode.window
      .showWarningMessage(`${where}: exit ${record.exitCode}${last ? ` — ${last.length > 120 ? `${last.slice(0, 119)}…` : last}` : ''}`, ...actions)
      .then(async (choice) => {
        if (choice === show && text) {
          const doc = await vscode.workspace.openTextDocument(this.documents.add(`${where} exit ${record.exitCode}`, text));
          await vscode.window.showTextDocument(doc, { preview: true });
        }
        if (choice === note && incidentId) {
          const written = await vscode.window.showInputBox({ title: `Note about ${where} (${incidentId})`, prompt: 'What happened with this step? The note shows on the runbook until it is reviewed.', ignoreFocusOut: true });
          if (written?.trim()) {
            await vscode.commands.executeCommand(ADD_STEP_NOTE, { incidentId, runbookPath: record.runbookPath, blockIndex: record.blockIndex, text: written });
          }
        }
      });
  }
}
