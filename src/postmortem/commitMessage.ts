// The commit message for a post-mortem, and where post-mortems live: small rules the editor
// adapter applies, kept here so they are tested without the editor.
import * as path from 'node:path';

/** `postmortem: INC-20261124-001 API gateway 5xx (SEV2)`; `postmortem (draft): …` for an incomplete one. */
export function postmortemCommitMessage(meta: Record<string, unknown>, options: { draft: boolean }): string {
  const oneLine = (v: unknown) => (typeof v === 'string' ? v.replace(/\s+/g, ' ').trim() : '');
  const id = oneLine(meta.incident) || 'unknown incident';
  const title = oneLine(meta.title);
  const severity = oneLine(meta.severity);
  const subject = [id, title.length > 100 ? `${title.slice(0, 99)}…` : title].filter(Boolean).join(' ');
  return `postmortem${options.draft ? ' (draft)' : ''}: ${subject}${severity ? ` (${severity})` : ''}`;
}

/**
 * The post-mortem folder for a workspace folder and the `oncall.postmortems.folder` setting:
 * relative to the workspace folder and inside it. Undefined when the setting points elsewhere.
 */
export function resolvePostmortemFolder(workspaceFolder: string, setting: string | undefined): string | undefined {
  const relative = (setting ?? '').trim() || 'postmortems';
  if (path.isAbsolute(relative)) return undefined;
  const resolved = path.resolve(workspaceFolder, relative);
  const back = path.relative(workspaceFolder, resolved);
  if (back === '..' || back.startsWith(`..${path.sep}`) || path.isAbsolute(back)) return undefined;
  return resolved;
}

/** Whether `file` is a markdown file inside `folder` (at any depth). */
export function isInPostmortemFolder(folder: string, file: string): boolean {
  const rel = path.relative(folder, file);
  return rel !== '' && rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel) && /\.md$/i.test(file);
}
