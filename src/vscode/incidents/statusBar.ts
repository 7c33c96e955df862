// The status bar item for the active incident: severity, title, elapsed time and time to the
// next status update; warning colours when the update is overdue; a click opens the timeline.
import * as vscode from 'vscode';
import { formatDuration, updateSchedule, type CadenceConfig } from '../../incidents/cadence';
import type { IncidentBook } from '../../incidents/book';
import type { ShareStatus } from './share';

export class IncidentStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('oncall.activeIncident', vscode.StatusBarAlignment.Left, 100);

  constructor(private readonly deps: { book: IncidentBook; activeId(): string | undefined; cadence(): CadenceConfig; clock(): number; share?(id: string): ShareStatus }) {
    this.item.name = 'On-Call: Active Incident';
    this.update();
  }

  update(): void {
    const id = this.deps.activeId();
    const incident = id ? this.deps.book.incident(id) : undefined;
    if (!incident) {
      this.item.hide();
      return;
    }
    const now = this.deps.clock();
    const schedule = updateSchedule(this.deps.book.events(incident.id), this.deps.cadence(), now, incident);
    const elapsed = formatDuration((incident.resolvedAt ? Date.parse(incident.resolvedAt) : now) - Date.parse(incident.declaredAt));
    let update = '';
    if (schedule.state === 'overdue') update = ` · update overdue ${formatDuration(-(schedule.msUntilDue ?? 0))}`;
    else if (schedule.state === 'scheduled') update = ` · update in ${formatDuration(schedule.msUntilDue ?? 0)}`;
    const title = incident.title.length > 40 ? `${incident.title.slice(0, 39)}…` : incident.title;
    const share = this.deps.share?.(incident.id);
    const unshared = share?.shared && share.unshared > 0 ? ` · $(cloud-upload) not shared yet (${share.unshared})` : '';
    this.item.text = `$(flame) ${incident.severity} ${title} · ${elapsed}${update}${unshared}`;
    const overdue = schedule.state === 'overdue';
    this.item.backgroundColor = overdue ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.color = overdue ? new vscode.ThemeColor('statusBarItem.warningForeground') : undefined;
    const tip = new vscode.MarkdownString();
    tip.appendText(`${incident.id}: ${incident.title}\n${incident.severity} · ${incident.status} · elapsed ${elapsed}`);
    if (schedule.dueAt) tip.appendText(`\nNext status update due ${new Date(schedule.dueAt).toLocaleString()}${overdue ? ' (overdue)' : ''}`);
    if (share?.shared) {
      tip.appendText(share.unshared > 0 ? `\nNot shared yet: ${share.unshared} event(s) wait for the team's remote${share.lastError ? ` (${share.lastError})` : ''}.` : '\nShared with the team.');
    }
    tip.appendText('\nClick to open the timeline.');
    this.item.tooltip = tip;
    this.item.command = { command: 'oncall.openTimeline', title: 'Open Incident Timeline', arguments: [{ incidentId: incident.id }] };
    this.item.accessibilityInformation = { label: `Active incident ${incident.id}, ${incident.severity}, ${incident.title}, elapsed ${elapsed}${update}${unshared.replace('$(cloud-upload) ', '')}`, role: 'button' };
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
