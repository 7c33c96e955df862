// The Incidents view: open incidents first, then resolved ones. contextValue `incident.open` /
// `incident.resolved` drives the inline actions in package.json.
import * as vscode from 'vscode';
import type { IncidentBook } from '../../incidents/book';
import type { Incident } from '../../incidents/model';

export class IncidentTreeProvider implements vscode.TreeDataProvider<string>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<string | undefined>();
  readonly onDidChangeTreeData = this.changed.event;

  constructor(private readonly deps: { book: IncidentBook; activeId(): string | undefined }) {}

  refresh(): void {
    this.changed.fire(undefined);
  }

  getChildren(element?: string): string[] {
    return element ? [] : this.deps.book.incidents().map((i) => i.id);
  }

  getTreeItem(id: string): vscode.TreeItem {
    const incident = this.deps.book.incident(id);
    const item = new vscode.TreeItem(incident ? incident.title : id, vscode.TreeItemCollapsibleState.None);
    item.id = id;
    if (!incident) return item;
    const open = incident.status !== 'resolved';
    const active = this.deps.activeId() === id;
    item.description = `${incident.severity} · ${incident.status}${active ? ' · active' : ''}`;
    item.contextValue = open ? 'incident.open' : 'incident.resolved';
    item.iconPath = new vscode.ThemeIcon(open ? (active ? 'flame' : 'circle-filled') : 'pass', open ? new vscode.ThemeColor(severityColour(incident)) : undefined);
    item.tooltip = tooltip(incident);
    item.command = { command: 'oncall.openTimeline', title: 'Open Incident Timeline', arguments: [{ incidentId: id }] };
    item.accessibilityInformation = { label: `${incident.id} ${incident.title}, ${incident.severity}, ${incident.status}${active ? ', active' : ''}` };
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

function severityColour(incident: Incident): string {
  return incident.severity === 'SEV1' || incident.severity === 'SEV2' ? 'errorForeground' : 'foreground';
}

function tooltip(incident: Incident): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  // appendText escapes: titles and summaries are user text.
  md.appendText(`${incident.id}: ${incident.title}\n${incident.severity} · ${incident.status}\nDeclared ${new Date(incident.declaredAt).toLocaleString()}`);
  if (incident.summary) md.appendText(`\n\n${incident.summary}`);
  return md;
}
