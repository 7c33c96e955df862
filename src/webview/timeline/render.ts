// DOM builders for the timeline page. Every piece of text that came from a person (notes,
// titles, names, commands, runbook names) is set with textContent, never parsed as HTML.
import { formatDuration } from '../../incidents/duration';
import type { Incident, Milestone, Role, TimelineEvent } from '../../incidents/model';
import type { ShareView } from '../../protocol/timeline';

export type Category = 'note' | 'command' | 'status' | 'other';

export const ROLE_NAMES: Record<Role, string> = {
  commander: 'Incident commander',
  techLead: 'Tech lead',
  commsLead: 'Communications lead',
  scribe: 'Scribe',
};

export const MILESTONE_NAMES: Record<Milestone, string> = {
  impactStarted: 'Impact started',
  detected: 'Detected',
  acknowledged: 'Acknowledged',
  mitigated: 'Mitigated',
  resolved: 'Resolved',
};

export function categoryOf(e: TimelineEvent): Category {
  switch (e.type) {
    case 'note':
    case 'correction':
      return 'note';
    case 'commandRun':
      return 'command';
    case 'unknown':
      return 'other';
    default:
      return 'status';
  }
}

/** Creates an element with a class and optional text (as text). */
export function el<K extends keyof HTMLElementTagNameMap>(tag: K, className?: string, text?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

const pad = (n: number) => String(n).padStart(2, '0');

export function localTime(iso: string): string {
  const d = new Date(iso);
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function utcTime(iso: string): string {
  const d = new Date(iso);
  return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} UTC`;
}

export function duration(ms: number): string {
  return formatDuration(ms, { seconds: true });
}

function summaryLine(e: TimelineEvent, byId: Map<string, TimelineEvent>): { kind: string; text: string } {
  switch (e.type) {
    case 'declared':
      return { kind: 'Declared', text: `${e.severity}: ${e.title}${e.summary ? ` — ${e.summary}` : ''}${e.commander ? ` (commander ${e.commander})` : ''}` };
    case 'note':
      return { kind: 'Note', text: e.text };
    case 'statusChanged':
      return { kind: 'Status', text: `${e.from} → ${e.to}${e.summary ? ` — ${e.summary}` : ''}` };
    case 'severityChanged':
      return { kind: 'Severity', text: `${e.from} → ${e.to}${e.reason ? ` — ${e.reason}` : ''}` };
    case 'roleAssigned':
      return { kind: 'Role', text: `${ROLE_NAMES[e.role]}: ${e.person || 'unassigned'}${e.previous ? ` (was ${e.previous})` : ''}` };
    case 'milestone':
      return { kind: 'Milestone', text: `${MILESTONE_NAMES[e.milestone]} at ${localTime(e.at)} (${utcTime(e.at)})${e.reason ? ` — ${e.reason}` : ''}` };
    case 'commandRun': {
      const exit = e.exitCode === null ? `exit code unknown${e.unknownReason ? ` (${e.unknownReason})` : ''}` : `exit ${e.exitCode}`;
      return { kind: 'Command', text: `${e.command}\n${e.runbookTitle} · block ${e.blockIndex + 1} · ${exit} · ${(e.durationMs / 1000).toFixed(1)} s` };
    }
    case 'statusUpdate':
      return { kind: e.state === 'posted' ? `Update posted (${e.audience})` : `Update drafted (${e.audience})`, text: e.text };
    case 'reminderSnoozed':
      return { kind: 'Snoozed', text: `${e.minutes} min — ${e.reason}` };
    case 'summaryChanged':
      return { kind: 'Impact', text: e.summary };
    case 'pinned': {
      const target = byId.get(e.target);
      return { kind: e.pinned ? 'Pinned' : 'Unpinned', text: target ? `${localTime(target.time)} ${target.type}` : e.target };
    }
    case 'correction': {
      const target = byId.get(e.target);
      return { kind: 'Correction', text: `${target ? `${localTime(target.time)}: ` : ''}${e.text}` };
    }
    case 'joined':
      return { kind: 'Joined', text: e.role ? `as ${ROLE_NAMES[e.role]}` : 'joined the response' };
    case 'unknown':
      return { kind: `Unknown event (${e.originalType || 'no type'})`, text: 'Written by a newer version; kept as it is.' };
  }
}

/** One event as a list item. */
/**
 * One event as a list item. Its buttons carry `data-action` (`pin`, `unpin`, `correct`); the
 * list handles their clicks in one listener, so thousands of rows cost no closures.
 */
export function renderEvent(e: TimelineEvent, incident: Incident, byId: Map<string, TimelineEvent>): HTMLLIElement {
  const category = categoryOf(e);
  const li = el('li', `event cat-${category} type-${e.type}`);
  li.dataset.id = e.id;
  const meta = el('div', 'meta');
  const time = el('time', 'local', localTime(e.time));
  time.dateTime = e.time;
  meta.append(time, el('span', 'utc', utcTime(e.time)), el('span', 'author', e.author));
  const { kind, text } = summaryLine(e, byId);
  meta.append(el('span', 'kind', kind));
  const pinned = incident.pinned.includes(e.id);
  if (pinned) meta.append(el('span', 'pin-mark', 'Pinned'));
  li.append(meta);

  const corrected = incident.corrections?.[e.id];
  const body = el('div', e.type === 'commandRun' ? 'body command' : 'body', corrected ?? text);
  li.append(body);
  if (corrected !== undefined) {
    li.classList.add('corrected');
    li.append(el('div', 'original', `Originally: ${text}`));
  }
  if (e.type === 'note' && /^\s*TODO:/i.test(corrected ?? e.text)) li.classList.add('follow-up');

  const row = el('div', 'actions');
  const pinButton = el('button', 'link-button', pinned ? 'Unpin' : 'Pin');
  pinButton.type = 'button';
  pinButton.setAttribute('aria-pressed', String(pinned));
  pinButton.setAttribute('aria-label', `${pinned ? 'Unpin' : 'Pin'} the ${kind.toLowerCase()} of ${localTime(e.time)}`);
  pinButton.dataset.action = pinned ? 'unpin' : 'pin';
  row.append(pinButton);
  if (e.type !== 'unknown' && e.type !== 'pinned') {
    const fix = el('button', 'link-button', 'Correct…');
    fix.type = 'button';
    fix.setAttribute('aria-label', `Correct the ${kind.toLowerCase()} of ${localTime(e.time)}`);
    fix.dataset.action = 'correct';
    row.append(fix);
  }
  li.append(row);
  return li;
}

/** The sharing line of the header: shared or not, and what has not reached the team yet. */
export function renderShare(line: HTMLElement, share: ShareView | undefined): void {
  line.hidden = !share?.shared;
  if (!share?.shared) return;
  const parts = [share.unshared > 0 ? `Not shared yet (${share.unshared} event${share.unshared === 1 ? '' : 's'})` : 'Shared with the team'];
  if (share.unshared > 0 && share.detail) parts.push(share.detail);
  if (share.problems > 0) parts.push(`${share.problems} problem(s) in teammates' events set aside`);
  line.textContent = parts.join(' — ');
  line.classList.toggle('not-shared', share.unshared > 0);
}
