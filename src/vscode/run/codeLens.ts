// "Run", "Run in New Terminal", "Copy" above each code block of a runbook (Copy only for blocks
// that are not shell), and the block's last result ("last run 3 min ago, exit 1").
import * as vscode from 'vscode';
import { describeLastRun } from '../../shell/runSteps';
import type { RunbookService } from '../services';
import { blockIsRunnable } from './controller';
import type { LastRuns } from './lastRuns';
import { CodeLensTarget } from './targets';

export class RunCodeLensProvider implements vscode.CodeLensProvider, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeCodeLenses = this.changed.event;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly runbooks: RunbookService,
    private readonly lastRuns: LastRuns,
  ) {
    const refresh = () => this.changed.fire();
    this.subscriptions.push(
      this.changed,
      runbooks.onDidChange(refresh),
      lastRuns.onDidChange(refresh),
      vscode.workspace.onDidGrantWorkspaceTrust(refresh),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('oncall.run.languages')) refresh();
      }),
    );
    // "3 min ago" ages: redraw once a minute while there is something to age.
    const timer = setInterval(() => {
      if (this.lastRuns.size && vscode.window.visibleTextEditors.some((e) => e.document.languageId === 'markdown')) refresh();
    }, 60_000);
    this.subscriptions.push({ dispose: () => clearInterval(timer) });
  }

  async provideCodeLenses(document: vscode.TextDocument, token?: vscode.CancellationToken): Promise<vscode.CodeLens[]> {
    // The model comes from the index or the parse workers (never parsed on this thread); the
    // document may change meanwhile, and then these lenses are not wanted.
    const runbook = await this.runbooks.get(document.uri);
    if (!runbook || token?.isCancellationRequested) return [];
    const trusted = vscode.workspace.isTrusted;
    const lenses: vscode.CodeLens[] = [];
    const now = Date.now();
    for (const block of runbook.codeBlocks) {
      if (block.startLine >= document.lineCount) continue;
      const range = new vscode.Range(block.startLine, 0, block.startLine, 0);
      const target = new CodeLensTarget(document.uri, block.index, block.text);
      const dangerous = block.markedDangerous || block.danger.length > 0;
      if (blockIsRunnable(block, document.uri)) {
        if (trusted) {
          const warning = dangerous ? ` — asks to confirm: ${block.markedDangerous ? 'marked dangerous' : block.danger.map((d) => d.reason).join('; ')}` : '';
          lenses.push(
            new vscode.CodeLens(range, { title: dangerous ? '$(warning) Run' : '$(play) Run', command: 'oncall.runCodeBlock', arguments: [target], tooltip: `Run this block in the On-Call terminal${warning}` }),
            new vscode.CodeLens(range, { title: '$(terminal) Run in New Terminal', command: 'oncall.runCodeBlockInNewTerminal', arguments: [target], tooltip: 'Run this block in a new On-Call terminal' }),
          );
        } else {
          lenses.push(new vscode.CodeLens(range, { title: '$(shield) Run needs a trusted workspace', command: 'workbench.trust.manage', tooltip: 'Restricted Mode: runbook commands do not run here. Manage Workspace Trust…' }));
        }
      }
      lenses.push(new vscode.CodeLens(range, { title: '$(copy) Copy', command: 'oncall.copyCodeBlock', arguments: [target], tooltip: 'Copy the command text' }));
      const last = this.lastRuns.get(runbook.path, block.index, block.text);
      if (last) {
        const detail = last.exitCode === null ? last.unknownReason : last.failedCommand ? `stopped at: ${last.failedCommand}` : undefined;
        lenses.push(new vscode.CodeLens(range, {
          title: `${last.exitCode === 0 ? '$(pass)' : last.exitCode === null ? '$(question)' : '$(error)'} ${describeLastRun(last, now)}`,
          command: '',
          tooltip: `In “${last.terminalName}”, ${Math.round(last.durationMs / 100) / 10} s${detail ? ` — ${detail}` : ''}`,
        }));
      }
    }
    return lenses;
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}
