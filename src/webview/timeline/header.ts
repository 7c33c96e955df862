// The top of the page: the incident's title and one line of facts — severity, status, how long
// it has run, when the next status update is due, whether everything is saved.
import { formatDuration, incidentSpan } from '../../incidents/duration';
import type { SaveState } from '../../incidents/model';
import type { IncidentView, SeverityChoice } from '../../protocol/timeline';
import { el } from '../dom';
import { visibleText } from '../../protocol/visibleText';
import { badge } from '../toolkit';
import { duration, formatTime, renderShare, STATUS_NAMES, timeFormatter } from './render';

export class Header {
  readonly element = el('header', 'incident-header');
  private readonly title = el('h1', 'title');
  private readonly facts = el('p', 'facts');
  private readonly badges = el('span', 'badges');
  private readonly elapsed = el('span', 'elapsed');
  private readonly nextUpdate = el('span', 'next-update');
  private readonly saved = el('span', 'save-state');
  /** Shared with the team, or how many events have not reached it yet. */
  private readonly share = el('span', 'share-state');
  private view: IncidentView | undefined;
  private severities: SeverityChoice[] = [];

  constructor() {
    this.title.id = 'incident-title';
    this.saved.setAttribute('role', 'status');
    this.saved.setAttribute('aria-live', 'polite');
    this.share.setAttribute('role', 'status');
    this.facts.append(this.badges, this.elapsed, this.nextUpdate, this.saved, this.share);
    this.element.append(this.title, this.facts);
    setInterval(() => this.tick(), 1000);
  }

  render(view: IncidentView, severities: SeverityChoice[]): void {
    this.view = view;
    this.severities = severities;
    const i = view.incident;
    this.title.textContent = visibleText(`${i.id}: ${i.title}`);
    this.title.title = `${i.id}: ${i.title}`;
    document.title = `${i.id}: ${i.title}`;
    const name = this.severities.find((s) => s.level === i.severity)?.label ?? i.severity;
    this.badges.replaceChildren(
      badge(name, `severity ${i.severity.toLowerCase()}`),
      badge(STATUS_NAMES[i.status], `status ${i.status}`),
      ...(i.unknownEvents ? [badge(`${i.unknownEvents} unknown event(s)`, 'unknown')] : []),
    );
    renderShare(this.share, view.share);
    this.tick();
  }

  renderSaveState(state: SaveState, detail?: string): void {
    this.saved.classList.toggle('not-saved', state === 'notSaved');
    this.saved.textContent = state === 'saved' ? 'All changes saved' : state === 'saving' ? 'Saving…' : `Not saved — retrying${detail ? ` (${detail})` : ''}`;
  }

  /** Elapsed time and the update reminder, every second. */
  tick(): void {
    if (!this.view) return;
    const now = Date.now();
    const i = this.view.incident;
    // Measured as the post-mortem measures it (impact start, or the declaration, to resolution).
    const span = incidentSpan(i, now);
    this.elapsed.textContent = !span ? '' : span.to === 'resolution' ? `Lasted ${formatDuration(span.ms)} (from ${span.from})` : `Elapsed ${duration(span.ms)} (from ${span.from})`;
    const s = this.view.schedule;
    this.nextUpdate.classList.remove('overdue');
    if (s.state === 'off') this.nextUpdate.textContent = 'No update reminders at this severity';
    else if (s.state === 'resolved' || !s.dueAt) this.nextUpdate.textContent = '';
    else {
      const left = Date.parse(s.dueAt) - now;
      const due = formatTime(s.dueAt, false);
      if (left <= 0) {
        this.nextUpdate.textContent = `Status update overdue by ${duration(-left)} (due ${due})`;
        this.nextUpdate.classList.add('overdue');
      } else {
        this.nextUpdate.textContent = `Next update due ${due}, in ${duration(left)}${s.snoozedUntil ? ` (snoozed: ${visibleText(s.snoozeReason ?? '')})` : ''}`;
      }
    }
    this.nextUpdate.title = timeFormatter().style.display === 'utc' ? 'Times in UTC' : `Times in ${timeFormatter().inputZoneLabel(now)}`;
  }
}
