// Where post-mortems live in this workspace, and reading them: the first workspace folder plus
// the `oncall.postmortems.folder` setting. Open documents are read from the editor, so unsaved
// edits count.
import { realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import type { LocalRoot } from '../../postmortem/localPaths';
import { UserError } from '../commandRegistry';
import { isInPostmortemFolder, resolvePostmortemFolder } from '../../postmortem/commitMessage';

export interface PostmortemLocation {
  workspaceFolder: vscode.WorkspaceFolder;
  folder: vscode.Uri;
}

/** The post-mortem folder, or undefined without a (file-system) workspace folder or with a setting pointing outside it. */
export function postmortemLocation(): PostmortemLocation | undefined {
  const workspaceFolder = vscode.workspace.workspaceFolders?.[0];
  if (!workspaceFolder || workspaceFolder.uri.scheme !== 'file') return undefined;
  const setting = vscode.workspace.getConfiguration('oncall', workspaceFolder.uri).get<string>('postmortems.folder');
  const folder = resolvePostmortemFolder(workspaceFolder.uri.fsPath, setting);
  return folder ? { workspaceFolder, folder: vscode.Uri.file(folder) } : undefined;
}

/** The folders no committed text may name: the workspace folders (paths become relative) and the home folder (`~`). */
export function localRoots(): LocalRoot[] {
  const roots: LocalRoot[] = [];
  for (const folder of vscode.workspace.workspaceFolders ?? []) {
    if (folder.uri.scheme !== 'file') continue;
    roots.push({ path: folder.uri.fsPath, replacement: '' });
    try {
      roots.push({ path: realpathSync(folder.uri.fsPath), replacement: '' });
    } catch {
      // A folder that is gone has no other name.
    }
  }
  roots.push({ path: homedir(), replacement: '~' });
  return roots;
}

export function requirePostmortemLocation(): PostmortemLocation {
  const location = postmortemLocation();
  if (location) return location;
  if (!vscode.workspace.workspaceFolders?.length) throw new UserError('Open a folder first: post-mortems are written into the workspace.');
  throw new UserError('The setting oncall.postmortems.folder must be a folder inside the first workspace folder.');
}

export function isPostmortemUri(uri: vscode.Uri, location = postmortemLocation()): boolean {
  return !!location && uri.scheme === 'file' && isInPostmortemFolder(location.folder.fsPath, uri.fsPath);
}

/** The text of a file: the open document's (unsaved edits included) or the file's. */
export async function readText(uri: vscode.Uri): Promise<string> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
  if (open) return open.getText();
  return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
}

/** Every markdown file under the post-mortem folder, with its text. */
export async function readPostmortemFiles(location: PostmortemLocation): Promise<{ uri: vscode.Uri; path: string; text: string }[]> {
  const exists = await vscode.workspace.fs.stat(location.folder).then(
    () => true,
    () => false,
  );
  if (!exists) return [];
  const uris = await vscode.workspace.findFiles(new vscode.RelativePattern(location.folder, '**/*.md'));
  const files: { uri: vscode.Uri; path: string; text: string }[] = [];
  for (const uri of uris) {
    try {
      files.push({ uri, path: vscode.workspace.asRelativePath(uri, false), text: await readText(uri) });
    } catch {
      // A file deleted between listing and reading is simply not there.
    }
  }
  return files;
}
