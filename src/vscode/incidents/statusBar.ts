// The status bar item for the active incident: severity, a short title and the time to the
// next status update (kept short so the workbench does not cut it); warning colours when the
// update is overdue; a click opens the timeline. The tooltip has the rest, with times written
// as everywhere else (TimeFormatter).
import * as vscode from 'vscode';
import { formatDuration, updateSchedule, type CadenceConfig } from '../../incidents/cadence';
import type { IncidentBook } from '../../incidents/book';
import type { Incident } from '../../incidents/model';
import type { TimeFormatter } from '../../incidents/timeFormat';
import type { ShareStatus } from './share';
import { visibleText } from '../../protocol/visibleText';

/** Longest title shown in the item itself; the tooltip has it whole. */
const TITLE_CHARS = 24;

export function shortTitle(title: string, max = TITLE_CHARS): string {
  const flat = visibleText(title).replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat;
}

export class IncidentStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('oncall.activeIncident', vscode.StatusBarAlignment.Left, 100);

  constructor(private readonly deps: { book: IncidentBook; activeId(): string | undefined; cadence(): CadenceConfig; clock(): number; time(): TimeFormatter; share?(id: string): ShareStatus }) {
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
    const overdue = schedule.state === 'overdue';
    let update = '';
    if (overdue) update = `update overdue ${formatDuration(-(schedule.msUntilDue ?? 0))}`;
    else if (schedule.state === 'scheduled') update = `update in ${formatDuration(schedule.msUntilDue ?? 0)}`;
    const share = this.deps.share?.(incident.id);
    const unshared = share?.shared && share.unshared > 0 ? `not shared yet (${share.unshared})` : '';
    this.item.text = `$(flame) ${incident.severity} ${shortTitle(incident.title)}${update ? ` · ${update}` : ''}${unshared ? ` · $(cloud-upload) ${unshared}` : ''}`;
    this.item.backgroundColor = overdue ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.color = overdue ? new vscode.ThemeColor('statusBarItem.warningForeground') : undefined;
    this.item.tooltip = this.tooltip(incident, elapsed, schedule.dueAt, overdue, now, share);
    this.item.command = { command: 'oncall.openTimeline', title: 'Open Incident Timeline', arguments: [{ incidentId: incident.id }] };
    this.item.accessibilityInformation = { label: `Active incident ${incident.id}, ${incident.severity}, ${incident.title}, elapsed ${elapsed}${update ? `, ${update}` : ''}${unshared ? `, ${unshared}` : ''}`, role: 'button' };
    this.item.show();
  }

  private tooltip(incident: Incident, elapsed: string, dueAt: string | undefined, overdue: boolean, now: number, share: ShareStatus | undefined): vscode.MarkdownString {
    const time = this.deps.time();
    const tip = new vscode.MarkdownString();
    // appendText escapes: the title is user text.
    tip.appendText(`${incident.id}: ${incident.title}\n${incident.severity} · ${incident.status} · declared ${time.time(incident.declaredAt, { now })} · elapsed ${elapsed}`);
    if (dueAt) tip.appendText(`\nNext status update due ${time.time(dueAt, { now })}${overdue ? ' (overdue)' : ''}`);
    if (share?.shared) {
      tip.appendText(share.unshared > 0 ? `\nNot shared yet: ${share.unshared} event(s) wait for the team's remote${share.lastError ? ` (${share.lastError})` : ''}.` : '\nShared with the team.');
    }
    tip.appendText('\nClick to open the timeline.');
    return tip;
  }

  dispose(): void {
    this.item.dispose();
  }
}
