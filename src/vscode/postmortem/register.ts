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
        const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: text });
        await vscode.window.showTextDocument(doc, { preview: false });
        return text;
      },
    },
  ]);
  return { list };
}
