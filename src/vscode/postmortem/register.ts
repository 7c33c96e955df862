import * as vscode from 'vscode';
import { findPostmortems, renderReport, type PostmortemInfo } from '../../postmortem/report';
import { registerCommands } from '../commandRegistry';
import type { IncidentFeatures } from '../incidents/register';
import type { BaseServices } from '../services';
import { commitPostmortem, registerCommitDocuments } from './commit';
import { registerPostmortemDiagnostics } from './diagnostics';
import { draftPostmortem } from './draft';
import { reviewFixCommands } from './reviewFixes';
import { postmortemLocation, readPostmortemFiles } from './location';

export interface PostmortemFeatures {
  /** The post-mortems in the post-mortem folder (for the Incidents view: status, severity, dates). */
  list(): Promise<PostmortemInfo[]>;
}

/** Post-mortems: draft from the journal, commit with git, history report. */
export function registerPostmortemFeatures(base: BaseServices, incidents: IncidentFeatures): PostmortemFeatures {
  const list = async () => {
    const location = postmortemLocation();
    return location ? findPostmortems(await readPostmortemFiles(location), new Date()) : [];
  };
  const diagnostics = registerPostmortemDiagnostics(base);
  const report = new ReportDocument();
  base.context.subscriptions.push(report, vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, report));
  registerCommitDocuments(base);
  registerCommands(base, [
    {
      id: 'oncall.draftPostmortem',
      run: async (arg, ctx) => {
        const uri = await draftPostmortem(base, incidents, arg, ctx);
        void diagnostics.refreshAll();
        return uri;
      },
    },
    {
      id: 'oncall.commitPostmortem',
      requiresTrust: 'committing runs git, whose hooks and config execute code.',
      run: (arg, ctx) => commitPostmortem(base, incidents, arg, ctx),
    },
    ...reviewFixCommands(),
    {
      id: 'oncall.incidentReport',
      run: async () => {
        const text = renderReport(await list(), new Date());
        await report.show(text);
        return text;
      },
    },
  ]);
  return { list };
}

const REPORT_SCHEME = 'oncall-report';

/**
 * The incident report as a read-only document (a content provider: nothing to save, no prompt
 * on close), shown as a rendered markdown preview; its source opens read-only when the preview
 * is not available.
 */
class ReportDocument implements vscode.TextDocumentContentProvider, vscode.Disposable {
  readonly uri = vscode.Uri.from({ scheme: REPORT_SCHEME, path: '/Incident report.md' });
  private text = '';
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(): string {
    return this.text;
  }

  async show(text: string): Promise<void> {
    this.text = text;
    this.changed.fire(this.uri);
    try {
      await vscode.commands.executeCommand('markdown.showPreview', this.uri);
    } catch {
      await vscode.window.showTextDocument(this.uri, { preview: false });
    }
  }

  dispose(): void {
    this.changed.dispose();
  }
}
