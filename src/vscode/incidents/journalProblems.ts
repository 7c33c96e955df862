// Journal problems made visible: a folder or segment that cannot be read, damaged lines moved
// aside, a note draft set aside. Each is in the log already (the journal logs what it finds);
// here the engineer gets a notification, so an incident list is never empty without a word.
import * as vscode from 'vscode';
import { describeJournalProblem, type JournalProblem } from '../../incidents/journal';

const SHOW_LOG = 'Show Log';

function offerLog(shown: Thenable<string | undefined>): void {
  void shown.then((choice) => {
    if (choice === SHOW_LOG) void vscode.commands.executeCommand('oncall.showLog');
  });
}

/** One notification per kind of trouble found while loading the journals. */
export function showLoadProblems(problems: readonly JournalProblem[]): void {
  const unreadable = problems.filter((p) => p.kind === 'unreadable');
  const damaged = problems.filter((p) => p.kind !== 'unreadable');
  // An empty Incidents view says why instead of "No incidents yet".
  void vscode.commands.executeCommand('setContext', 'oncall.journalUnreadable', unreadable.length > 0);
  if (unreadable.length > 0) {
    const first = describeJournalProblem(unreadable[0]);
    const more = unreadable.length > 1 ? ` (and ${unreadable.length - 1} more)` : '';
    offerLog(
      vscode.window.showErrorMessage(
        `On-Call: part of the incident journal could not be read, so incidents may be missing or incomplete: ${first}${more}. Nothing was changed on disk.`,
        SHOW_LOG,
      ),
    );
  }
  if (damaged.length > 0) {
    const moved = damaged.filter((p) => p.quarantinedTo).length;
    offerLog(
      vscode.window.showWarningMessage(
        `On-Call: ${damaged.length} damaged line(s) found in incident journals while loading; ${moved} moved aside to quarantine, every complete event kept. See the log for details.`,
        SHOW_LOG,
      ),
    );
  }
}

/** A problem found after loading (a note draft that could not be read). */
export function showLaterProblem(problem: JournalProblem): void {
  const where = problem.quarantinedTo ? ` It was moved to ${problem.quarantinedTo} in the incident's journal folder.` : '';
  offerLog(vscode.window.showWarningMessage(`On-Call: ${problem.incidentId}: ${problem.reason}.${where}`, SHOW_LOG));
}
