// oncall.draftPostmortem: render the incident's journal into the post-mortem folder and open
// it. When the incident already has a post-mortem, only its generated parts are redrafted; if
// someone edited inside one of those, the engineer chooses (or the caller passes `onEdited`).
import * as vscode from 'vscode';
import { readFrontMatter } from '../../postmortem/frontMatter';
import { regeneratePostmortem, type OnEditedRegions } from '../../postmortem/regenerate';
import { postmortemFileName, renderPostmortem } from '../../postmortem/render';
import { UserError, type CommandContext } from '../commandRegistry';
import type { IncidentFeatures } from '../incidents/register';
import type { BaseServices } from '../services';
import { withoutLocalPaths } from '../../postmortem/localPaths';
import { localRoots, readPostmortemFiles, readText, requirePostmortemLocation } from './location';

const KEEP = 'Keep My Edits';
const REPLACE = 'Replace With Journal Version';

export async function draftPostmortem(
  base: BaseServices,
  incidents: IncidentFeatures,
  arg: Record<string, unknown> | undefined,
  ctx: CommandContext,
): Promise<vscode.Uri | undefined> {
  const incidentId = await chooseIncident(incidents, arg, ctx);
  if (!incidentId) return undefined;
  // journalLines resolves once the journals are loaded; right after activation they may not be yet.
  await incidents.journalLines(incidentId).catch(() => undefined);
  const events = incidents.api.timeline(incidentId);
  if (events.length === 0) throw new UserError(`There is no incident ${incidentId} in this workspace.`);
  const location = requirePostmortemLocation();
  const fresh = renderPostmortem(withoutLocalPaths(events, localRoots()), { includeDraftUpdates: arg?.includeDraftUpdates === true });

  const existing = (await readPostmortemFiles(location)).find((f) => readFrontMatter(f.text)?.incident === incidentId);
  if (!existing) {
    const first = events.find((e) => e.type === 'declared');
    const name = postmortemFileName({ id: incidentId, title: first?.type === 'declared' ? first.title : incidentId, declaredAt: first?.time ?? events[0].time });
    const uri = vscode.Uri.joinPath(location.folder, name);
    await vscode.workspace.fs.createDirectory(location.folder);
    await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(fresh));
    base.log.info(`drafted post-mortem ${vscode.workspace.asRelativePath(uri)} from ${events.length} events`);
    await vscode.window.showTextDocument(uri, { preview: false });
    return uri;
  }

  const text = await readText(existing.uri);
  let onEdited: OnEditedRegions = isOnEdited(arg?.onEdited) ? arg.onEdited : 'refuse';
  let result = regeneratePostmortem(text, fresh, onEdited);
  if (result.status === 'conflict') {
    const parts = result.edited.join(', ');
    if (ctx.fromCode) {
      throw new UserError(
        `${existing.path} has edits inside generated parts (${parts}). Pass onEdited: "keep" to keep them (they stop being regenerated) or "replace" to overwrite them.`,
      );
    }
    const choice = await vscode.window.showWarningMessage(
      `Someone edited generated parts of ${existing.path}: ${parts}.`,
      {
        modal: true,
        detail:
          `"${KEEP}" keeps that text as yours (it will no longer be regenerated) and redrafts the rest. ` +
          `"${REPLACE}" overwrites those edits with the journal's version (Undo in the editor brings them back).`,
      },
      KEEP,
      REPLACE,
    );
    if (choice !== KEEP && choice !== REPLACE) return undefined;
    onEdited = choice === KEEP ? 'keep' : 'replace';
    result = regeneratePostmortem(text, fresh, onEdited);
  }
  if (result.status === 'updated') await replaceDocumentText(existing.uri, result.text);
  base.log.info(
    `redrafted ${existing.path}: ${result.status}; regenerated [${result.regenerated.join(', ')}]` +
      (result.edited.length ? `; edited parts (${onEdited}): [${result.edited.join(', ')}]` : '') +
      (result.skipped.length ? `; not found, left alone: [${result.skipped.join(', ')}]` : ''),
  );
  await vscode.window.showTextDocument(existing.uri, { preview: false });
  return existing.uri;
}

/** Through a workspace edit on the document, so Undo restores the previous text, then saved. */
async function replaceDocumentText(uri: vscode.Uri, text: string): Promise<void> {
  const doc = await vscode.workspace.openTextDocument(uri);
  const edit = new vscode.WorkspaceEdit();
  edit.replace(uri, new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)), text);
  if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`Could not update ${vscode.workspace.asRelativePath(uri)}.`);
  await doc.save();
}

function isOnEdited(value: unknown): value is OnEditedRegions {
  return value === 'keep' || value === 'replace' || value === 'refuse';
}

async function chooseIncident(incidents: IncidentFeatures, arg: Record<string, unknown> | undefined, ctx: CommandContext): Promise<string | undefined> {
  if (typeof arg?.incidentId === 'string' && arg.incidentId) return arg.incidentId;
  // From the Incidents view: the clicked item names its incident.
  const target = arg?.target as { incidentId?: unknown; id?: unknown } | string | undefined;
  // The Incidents view's elements are incident ids.
  if (typeof target === 'string' && target && !target.startsWith('postmortem:')) return target;
  if (target && typeof target === 'object') {
    if (typeof target.incidentId === 'string') return target.incidentId;
    if (typeof target.id === 'string') return target.id;
  }
  const active = incidents.activeIncidentId();
  if (active) return active;
  const all = incidents.api.all();
  if (ctx.fromCode || all.length === 0) throw new UserError('There is no active incident: pass incidentId, or declare an incident first.');
  const picked = await vscode.window.showQuickPick(
    [...all]
      .sort((a, b) => b.declaredAt.localeCompare(a.declaredAt))
      .map((i) => ({ label: `${i.id} ${i.title}`, description: `${i.severity}, ${i.status}`, id: i.id })),
    { title: 'Draft a post-mortem for which incident?' },
  );
  return picked?.id;
}
