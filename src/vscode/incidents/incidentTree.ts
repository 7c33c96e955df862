// The Incidents view: open incidents first, then resolved ones, then past incidents known only
// from their post-mortems (committed by teammates, no journal here). An incident with a
// post-mortem shows its status and has the file as a child. A teammate's shared incident that
// this engineer has not joined reads "SEV2 · declared by Ana 12 min ago · Join". contextValue
// `incident.open` / `incident.resolved` / `incident.teammate` drives the inline actions in
// package.json.
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { IncidentBook } from '../../incidents/book';
import type { Incident } from '../../incidents/model';
import type { PostmortemInfo } from '../../postmortem/report';
import type { TimeFormatter } from '../../incidents/timeFormat';
import { formatDuration } from '../../incidents/cadence';
import type { ShareStatus } from './share';
import { visibleText } from '../../protocol/visibleText';

const POSTMORTEM_PREFIX = 'postmortem:';

export class IncidentTreeProvider implements vscode.TreeDataProvider<string>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<string | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private postmortems = new Map<string, PostmortemInfo>();

  constructor(private readonly deps: { book: IncidentBook; activeId(): string | undefined; time?(): TimeFormatter; clock?(): number; share?(id: string): ShareStatus }) {}

  refresh(): void {
    this.changed.fire(undefined);
  }

  /** The post-mortems found in the post-mortem folder, by incident id. */
  setPostmortems(infos: readonly PostmortemInfo[]): void {
    this.postmortems = new Map(infos.map((p) => [p.incidentId, p]));
    this.refresh();
  }

  getChildren(element?: string): string[] {
    if (element) {
      return !element.startsWith(POSTMORTEM_PREFIX) && this.postmortems.has(element) ? [POSTMORTEM_PREFIX + element] : [];
    }
    const known = this.deps.book.incidents().map((i) => i.id);
    const seen = new Set(known);
    const pastOnly = [...this.postmortems.values()]
      .filter((p) => !seen.has(p.incidentId))
      .sort((a, b) => ((b.declared ?? '') < (a.declared ?? '') ? -1 : 1))
      .map((p) => POSTMORTEM_PREFIX + p.incidentId);
    return [...known, ...pastOnly];
  }

  getTreeItem(id: string): vscode.TreeItem {
    if (id.startsWith(POSTMORTEM_PREFIX)) return this.postmortemItem(id);
    const incident = this.deps.book.incident(id);
    const postmortem = this.postmortems.get(id);
    // The severity leads the label, so a narrow sidebar cuts the title, never the severity.
    const label: vscode.TreeItemLabel = incident ? { label: visibleText(`${incident.severity} ${incident.title}`), highlights: [[0, incident.severity.length]] } : { label: id };
    const item = new vscode.TreeItem(label, postmortem ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = id;
    if (!incident) return item;
    const open = incident.status !== 'resolved';
    const active = this.deps.activeId() === id;
    const share = this.deps.share?.(id);
    const teammates = open && share?.shared === true && !this.deps.book.hasOwnEvents(id);
    if (teammates) {
      const ago = formatDuration(Math.max(0, (this.deps.clock?.() ?? Date.now()) - Date.parse(incident.declaredAt)));
      item.description = `declared by ${shortName(incident.declaredBy)} ${ago} ago · Join`;
    } else {
      item.description = `${incident.status}${active ? ' · active' : ''}${postmortem ? ` · post-mortem ${postmortem.status}` : ''}${shareText(share)}`;
    }
    item.contextValue = teammates ? 'incident.teammate' : open ? 'incident.open' : 'incident.resolved';
    const icon = teammates ? 'organization' : open ? (active ? 'flame' : 'circle-filled') : 'pass';
    item.iconPath = share?.problems ? new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')) : new vscode.ThemeIcon(icon, open ? new vscode.ThemeColor(severityColour(incident)) : undefined);
    item.tooltip = tooltip(incident, this.deps.time?.(), share);
    item.command = { command: 'oncall.openTimeline', title: 'Open Incident Timeline', arguments: [{ incidentId: id }] };
    item.accessibilityInformation = { label: `${incident.id} ${incident.title}, ${incident.severity}, ${item.description}` };
    return item;
  }

  /** A post-mortem file: as the child of its incident, or alone for a past incident with no journal here. */
  private postmortemItem(id: string): vscode.TreeItem {
    const incidentId = id.slice(POSTMORTEM_PREFIX.length);
    const info = this.postmortems.get(incidentId);
    const child = this.deps.book.incident(incidentId) !== undefined;
    const label = child ? 'Post-mortem' : visibleText(`${incidentId}: ${info?.title ?? ''}`);
    const item = new vscode.TreeItem(label, vscode.TreeItemCollapsibleState.None);
    item.id = id;
    if (!info) return item;
    const overdue = info.overdueMs !== undefined && info.overdueMs > 0;
    item.description = [child ? undefined : info.severity, info.status, info.declared?.slice(0, 10), overdue ? 'overdue' : undefined]
      .filter(Boolean)
      .join(' · ');
    item.iconPath = new vscode.ThemeIcon('book', overdue ? new vscode.ThemeColor('list.warningForeground') : undefined);
    item.contextValue = 'postmortem';
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? '';
    const uri = vscode.Uri.file(path.isAbsolute(info.path) ? info.path : path.join(folder, info.path));
    item.resourceUri = uri;
    item.command = { command: 'vscode.open', title: 'Open Post-Mortem', arguments: [uri] };
    const md = new vscode.MarkdownString();
    md.appendText(`${info.incidentId}: ${info.title}\nPost-mortem ${info.status}${info.due ? `, due ${info.due}` : ''}`);
    item.tooltip = md;
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

function severityColour(incident: Incident): string {
  return incident.severity === 'SEV1' || incident.severity === 'SEV2' ? 'errorForeground' : 'foreground';
}

function tooltip(incident: Incident, time: TimeFormatter | undefined, share?: ShareStatus): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  const declared = time ? time.time(incident.declaredAt, { now: Date.now() }) : new Date(incident.declaredAt).toISOString();
  // appendText escapes: titles, summaries and names are user text (a teammate's too).
  md.appendText(`${incident.id}: ${incident.title}\n${incident.severity} · ${incident.status}\nDeclared ${declared}${incident.declaredBy ? ` by ${incident.declaredBy}` : ''}`);
  if (incident.responders && incident.responders.length > 0) md.appendText(`\nResponders: ${incident.responders.join(', ')}`);
  if (share?.shared) md.appendText(`\nShared through ${share.remote ?? 'the team\'s remote'}${share.unshared > 0 ? `; ${share.unshared} event(s) not shared yet${share.lastError ? ` (${share.lastError})` : ''}` : ''}`);
  if (share?.problems) md.appendText(`\n${share.problems} problem(s) in teammates' events: set aside (quarantined), see the log.`);
  if (incident.extraDeclarations) md.appendText(`\nTwo incidents were declared under this id (${incident.extraDeclarations} extra declaration(s)): the first is shown.`);
  if (incident.summary) md.appendText(`\n\n${incident.summary}`);
  return md;
}

/** A teammate's claimed name, short enough for a tree row. */
function shortName(name: string | undefined): string {
  const n = (name ?? 'a teammate').replace(/\s+/g, ' ').trim();
  return n.length > 40 ? `${n.slice(0, 39)}…` : n || 'a teammate';
}

function shareText(share: ShareStatus | undefined): string {
  if (!share?.shared) return '';
  const parts = [share.unshared > 0 ? `not shared yet (${share.unshared})` : 'shared'];
  if (share.problems > 0) parts.push(`${share.problems} set aside`);
  return ` · ${parts.join(' · ')}`;
}
