// Update reminders: computed from the journal on every tick, so a reload loses nothing. Each
// overdue update is announced once per due time; the user drafts it or snoozes with a reason.
import * as vscode from 'vscode';
import type { IncidentBook } from '../../incidents/book';
import { updateSchedule, type CadenceConfig } from '../../incidents/cadence';
import type { Incident, TimelineEvent } from '../../incidents/model';

export interface ReminderDeps {
  book: IncidentBook;
  cadence(): CadenceConfig;
  clock(): number;
  /** Called on every tick before reminders are checked (the status bar countdown). */
  onTick(): void;
  openTimeline(incidentId: string): void;
  /**
   * Claims a reminder for this window: every window of the engineer shows the same incidents,
   * and one of them (the first to claim it) shows each reminder. Absent: always this window.
   */
  claim?(key: string): Promise<boolean>;
}

/** Starts the reminder tick; dispose to stop it. */
export function startReminders(deps: ReminderDeps): vscode.Disposable {
  const notified = new Set<string>();
  const tick = () => {
    deps.onTick();
    for (const incident of deps.book.incidents()) {
      if (incident.status === 'resolved') continue;
      const s = updateSchedule(deps.book.events(incident.id), deps.cadence(), deps.clock(), incident);
      if (s.state !== 'overdue' || !s.dueAt) continue;
      const key = `${incident.id}@${s.dueAt}`;
      if (notified.has(key)) continue;
      notified.add(key);
      void (deps.claim ? deps.claim(`reminder-${key}`) : Promise.resolve(true)).then(
        async (mine) => {
          if (mine) await remind(deps, incident);
          else notified.delete(key); // another window shows it; look again next tick (it may close)
        },
        () => remind(deps, incident),
      );
    }
  };
  const timer = setInterval(tick, 10_000);
  return { dispose: () => clearInterval(timer) };
}

async function remind(deps: ReminderDeps, incident: Incident): Promise<void> {
  const choice = await vscode.window.showWarningMessage(
    `${incident.id} (${incident.severity}) ${incident.title}: a status update is due.`,
    'Draft Update',
    'Snooze',
  );
  if (choice === 'Draft Update') deps.openTimeline(incident.id);
  if (choice === 'Snooze') await promptSnooze(deps.book, incident.id);
}

/** Asks how long and why, then records the snooze on the timeline. */
async function promptSnooze(book: IncidentBook, incidentId: string): Promise<TimelineEvent | undefined> {
  const minutes = await vscode.window.showQuickPick(['10', '15', '30', '60'].map((m) => ({ label: `${m} minutes`, minutes: Number(m) })), { placeHolder: 'Snooze the update reminder for…' });
  if (!minutes) return undefined;
  const reason = await vscode.window.showInputBox({ prompt: 'Why can the update wait? (recorded on the timeline)', validateInput: (v) => (v.trim() ? undefined : 'A reason is needed.') });
  if (!reason) return undefined;
  return book.snooze(incidentId, minutes.minutes, reason);
}
