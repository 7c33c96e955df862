// Runbook index, tree view, search, alert lookup, diagnostics: wires the pure index
// (src/runbooks) to the editor. activate() returns before any file is read; the index builds
// right after, off the extension host's thread for the parsing.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as vscode from 'vscode';
import { parseAlertQuery } from '../../runbooks/alertLink';
import { announceAlert } from '../alerts/announce';
import type { AlertInbox } from '../alerts/inbox';
import { indexTaskTimes } from '../../runbooks/yieldable';
import { registerCommands } from '../commandRegistry';
import type { BaseServices, RunbookService } from '../services';
import { RunbookCommands } from './commands';
import { registerDiagnostics } from './diagnostics';
import { RunbookIndexService } from './service';
import { RunbookTreeProvider, type RunbookTreeNode } from './tree';

/** A CPU profile of this thread (tests only: where the extension host's time goes). */
function startProfile(): { stopInto(file: string): void } {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable', () => session.post('Profiler.start'));
  return {
    stopInto: (file) =>
      session.post('Profiler.stop', (err, result) => {
        if (!err) writeFileSync(file, JSON.stringify(result.profile));
        session.disconnect();
      }),
  };
}

export function registerRunbookFeatures(base: BaseServices, alerts?: AlertInbox): RunbookService {
  const registerStarted = performance.now();
  const { context } = base;
  const service = new RunbookIndexService(base);
  const tree = new RunbookTreeProvider(service);
  const treeView = vscode.window.createTreeView<RunbookTreeNode>('oncall.runbooks', { treeDataProvider: tree, showCollapseAll: true });
  context.subscriptions.push(service, tree, treeView, service.onDidChange(() => tree.refresh()));

  void vscode.commands.executeCommand('setContext', 'oncall.indexReady', false);
  void vscode.commands.executeCommand('setContext', 'oncall.runbookFilterActive', false);

  const commands = new RunbookCommands({ service, tree, treeView: treeView as vscode.TreeView<unknown> });
  registerCommands(base, commands.specs());
  registerDiagnostics(context, service);

  // vscode://oncall-runbooks.oncall-runbooks/alert?name=HighErrorRate&namespace=prod — from alert
  // annotations; the parameters after the name are the alert's labels (see src/runbooks/alertLink.ts).
  const uriHandler = {
    handleUri: async (uri: vscode.Uri): Promise<void> => {
      if (uri.path !== '/alert') {
        void vscode.window.showWarningMessage(`On-Call Runbooks cannot open ${uri.path}: only /alert?name=… links are supported.`);
        return;
      }
      const link = parseAlertQuery(uri.query);
      if (!link.ok) {
        void vscode.window.showWarningMessage(`On-Call Runbooks cannot open this alert link: ${link.reason}.`);
        return;
      }
      try {
        const runbook = await commands.openRunbookForAlert(link.alert.name, true);
        if (alerts) announceAlert(alerts, link.alert, link.ignored, runbook);
      } catch (err) {
        void vscode.window.showWarningMessage(err instanceof Error ? err.message : String(err));
      }
    },
  };

  // Files created, changed or deleted anywhere under a workspace folder (roots outside the
  // workspace get their own watcher when the index starts).
  const watcher = vscode.workspace.createFileSystemWatcher('**/*');
  context.subscriptions.push(
    watcher,
    watcher.onDidCreate((uri) => service.fileEvent(uri)),
    watcher.onDidChange((uri) => service.fileEvent(uri)),
    watcher.onDidDelete((uri) => service.fileEvent(uri)),
    vscode.window.registerUriHandler(uriHandler),
  );

  if (context.extensionMode === vscode.ExtensionMode.Test) {
    service.testing = {
      treeItems: async (parentId) => {
        const parent = parentId === undefined ? undefined : tree.nodeById(parentId);
        if (parentId !== undefined && !parent) throw new Error(`no tree item ${parentId}`);
        return tree.getChildren(parent).map((node) => {
          const item = tree.getTreeItem(node);
          const icon = item.iconPath instanceof vscode.ThemeIcon ? item.iconPath : undefined;
          return {
            id: node.id,
            label: typeof item.label === 'string' ? item.label : (item.label?.label ?? ''),
            description: typeof item.description === 'string' ? item.description : undefined,
            contextValue: item.contextValue,
            icon: icon?.id,
            color: icon?.color?.id,
          };
        });
      },
      whenCurrent: () => service.whenCurrent(),
      handleUri: (uri) => uriHandler.handleUri(uri),
      registerMs: 0,
      measureHostTasks: (profileFile) => {
        const delay = monitorEventLoopDelay({ resolution: 1 });
        const profiler = profileFile ? startProfile() : undefined;
        indexTaskTimes.reset();
        delay.enable();
        return () => {
          delay.disable();
          if (profiler && profileFile) profiler.stopInto(profileFile);
          return { longestTaskMs: delay.max / 1e6, p99TaskMs: delay.percentile(99) / 1e6, ownWorkMs: indexTaskTimes.report() };
        };
      },
    };
  }

  const registerMs = performance.now() - registerStarted;
  base.log.info(`runbook features registered in ${registerMs.toFixed(1)} ms; indexing starts after activation`);
  if (service.testing) service.testing.registerMs = registerMs;

  // Index after activate() has returned: activation stays fast on large repositories.
  const startTimer = setTimeout(() => {
    service.start().catch((err: unknown) => base.log.error('runbook index failed', err instanceof Error ? err : new Error(String(err))));
  }, 0);
  context.subscriptions.push({ dispose: () => clearTimeout(startTimer) });
  return service;
}
