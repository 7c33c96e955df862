// "What changed nearby", on the editor side: which repositories to read (the workspace folders
// and `oncall.changes.repositories`), reading them, and recording what is new on the timeline.
// Never in Restricted Mode: git reads repository configuration, which can run programs, so
// not a single git process starts in an untrusted workspace.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { IncidentBook } from '../../incidents/book';
import { changeWindow, DEFAULT_CHANGE_WINDOW_MINUTES, newChanges, type ChangeObservation } from '../../incidents/changes';
import type { TimelineEvent } from '../../incidents/model';
import { changesInWindow } from '../../git/history';
import { UserError } from '../commandRegistry';

export const CHANGES_TRUST = 'reading git history runs git, which reads repository configuration that can run programs.';

/** The folders whose history is read: file-system workspace folders and the configured repositories (absolute, or relative to the first folder). */
export function changeRepositories(): string[] {
  const folders = (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  const configured = vscode.workspace.getConfiguration('oncall.changes').get<unknown>('repositories');
  const extra = (Array.isArray(configured) ? configured : [])
    .filter((p): p is string => typeof p === 'string' && p.trim() !== '')
    .map((p) => (path.isAbsolute(p) ? p : folders[0] ? path.resolve(folders[0], p) : undefined))
    .filter((p): p is string => p !== undefined);
  return [...new Set([...folders, ...extra])];
}

export function changeWindowMinutes(arg?: unknown): number {
  const given = typeof arg === 'number' && Number.isFinite(arg) && arg > 0 ? arg : undefined;
  const setting = Number(vscode.workspace.getConfiguration('oncall.changes').get('windowMinutes', DEFAULT_CHANGE_WINDOW_MINUTES));
  return Math.min(7 * 24 * 60, given ?? (Number.isFinite(setting) && setting > 0 ? setting : DEFAULT_CHANGE_WINDOW_MINUTES));
}

/**
 * Reads the history around the incident's impact start and records the changes not yet on its
 * timeline (a scan that finds nothing is recorded once per window, so the post-mortem can say
 * history was read). Undefined when there was nothing new to record.
 */
export async function recordChangesNearby(
  book: IncidentBook,
  incidentId: string,
  options: { windowMinutes?: number; log: vscode.LogOutputChannel; /** Record a scan that found nothing new (default true). */ recordEmpty?: boolean },
): Promise<TimelineEvent | undefined> {
  if (!vscode.workspace.isTrusted) throw new UserError(`This workspace is in Restricted Mode: ${CHANGES_TRUST}`);
  const incident = book.require(incidentId);
  const window = changeWindow(incident, changeWindowMinutes(options.windowMinutes));
  const timeoutMs = Math.max(5, Number(vscode.workspace.getConfiguration('oncall.git').get('timeoutSeconds', 60))) * 1000;
  const found: ChangeObservation[] = [];
  const repos = new Set<string>();
  const problems: string[] = [];
  for (const dir of changeRepositories()) {
    const result = await changesInWindow({ dir, since: window.start, until: window.end, timeoutMs });
    if (!result.ok) {
      problems.push(result.problem);
      continue;
    }
    if (repos.has(result.repo)) continue;
    repos.add(result.repo);
    found.push(...result.changes);
  }
  const events = book.events(incidentId);
  const fresh = newChanges(events, found);
  const scannedBefore = events.some((e) => e.type === 'changesObserved' && e.windowStart === window.start && e.windowEnd === window.end);
  options.log.info(`changes nearby ${incidentId}: ${found.length} found in ${[...repos].join(', ') || 'no repository'} between ${window.start} and ${window.end}, ${fresh.length} new${problems.length ? `; ${problems.join('; ')}` : ''}`);
  if (fresh.length === 0 && (scannedBefore || options.recordEmpty === false)) return undefined;
  const [event] = await book.record(incidentId, [
    { type: 'changesObserved', windowStart: window.start, windowEnd: window.end, repos: [...repos].sort(), changes: fresh, ...(problems.length ? { problems } : {}) },
  ]);
  return event;
}
