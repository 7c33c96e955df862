import * as vscode from 'vscode';
import { notBuiltYet, registerCommands } from '../commandRegistry';
import type { BaseServices, RunbookService } from '../services';

/** Runbook index, tree view, search, alert lookup, diagnostics. */
export function registerRunbookFeatures(base: BaseServices): RunbookService {
  const changed = new vscode.EventEmitter<void>();
  base.context.subscriptions.push(changed);
  const tree = vscode.window.createTreeView('oncall.runbooks', {
    treeDataProvider: { getTreeItem: (e: vscode.TreeItem) => e, getChildren: () => [] },
  });
  base.context.subscriptions.push(tree);
  void vscode.commands.executeCommand('setContext', 'oncall.indexReady', true);
  registerCommands(base, [
    notBuiltYet('oncall.findRunbook', 'Runbook search'),
    notBuiltYet('oncall.openRunbookForAlert', 'Alert lookup'),
    { id: 'oncall.refreshIndex', run: () => 0 },
    notBuiltYet('oncall.openCodeBlock', 'Opening a code block'),
    notBuiltYet('oncall.filterRunbooks', 'Filtering runbooks'),
    notBuiltYet('oncall.clearRunbookFilter', 'Filtering runbooks'),
    notBuiltYet('oncall.markReviewed', 'Marking a runbook reviewed'),
  ]);
  return { all: () => [], get: async () => undefined, onDidChange: changed.event };
}
