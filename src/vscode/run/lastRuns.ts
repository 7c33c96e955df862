// The last result of each code block, in memory, for the CodeLens (and the tree, if it asks).
import * as vscode from 'vscode';
import type { RunRecord } from '../../runbooks/model';

export interface LastRun extends RunRecord {
  /** When the run ended (ms since the epoch). */
  endedAt: number;
  /** The block's text when it ran: a result is not shown on a block that changed since. */
  blockText: string;
}

export class LastRuns implements vscode.Disposable {
  private readonly runs = new Map<string, LastRun>();
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;

  private static key(runbookPath: string, blockIndex: number): string {
    return `${runbookPath}\u0000${blockIndex}`;
  }

  set(run: LastRun): void {
    this.runs.set(LastRuns.key(run.runbookPath, run.blockIndex), run);
    this.changed.fire();
  }

  /** The last run of the block, if the block still has the text it ran with. */
  get(runbookPath: string, blockIndex: number, blockText?: string): LastRun | undefined {
    const run = this.runs.get(LastRuns.key(runbookPath, blockIndex));
    if (!run || (blockText !== undefined && run.blockText !== blockText)) return undefined;
    return run;
  }

  get size(): number {
    return this.runs.size;
  }

  dispose(): void {
    this.changed.dispose();
  }
}
