// DOM builders for the timeline page. Every piece of text that came from a person (notes,
// titles, names, commands, runbook names) is set with textContent, never parsed as HTML.
import { formatDuration } from '../../incidents/duration';
import type { Incident, TimelineEvent } from '../../incidents/model';
import { excerptLines } from '../../incidents/runOutput';
import type { ShareView } from '../../protocol/timeline';
import { MILESTONE_NAMES, ROLE_NAMES, STATUS_NAMES } from '../../incidents/names';
import { TimeFormatter } from '../../incidents/timeFormat';
import { el } from '../dom';

export { el, MILESTONE_NAMES, ROLE_NAMES, STATUS_NAMES };

export type Category = 'note' | 'command' | 'status' | 'other';

/** How times are written; the host sends its style (setting, language, zone) in `init`. */
let timeFormat = new TimeFormatter({ locale: navigator.language || 'en', timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC', display: 'localAndUtc' });

export function setTimeFormatter(f: TimeFormatter): void {
  timeFormat = f;
}

export function timeFormatter(): TimeFormatter {
  return timeFormat;
}

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


/** A time as the whole product writes it (`09:15:29 (08:15:29 UTC)`), with the date when not today. */
export function formatTime(iso: string, seconds = true): string {
  return timeFormat.time(iso, { seconds, now: Date.now() });
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
      return { kind: 'Status', text: `${STATUS_NAMES[e.from]} → ${STATUS_NAMES[e.to]}${e.summary ? ` — ${e.summary}` : ''}` };
    case 'severityChanged':
      return { kind: 'Severity', text: `${e.from} → ${e.to}${e.reason ? ` — ${e.reason}` : ''}` };
    case 'roleAssigned':
      return { kind: 'Role', text: `${ROLE_NAMES[e.role]}: ${e.person || 'unassigned'}${e.previous ? ` (was ${e.previous})` : ''}` };
    case 'milestone':
      return { kind: 'Milestone', text: `${MILESTONE_NAMES[e.milestone]} at ${formatTime(e.at)}${e.reason ? ` — ${e.reason}` : ''}` };
    case 'commandRun': {
      const exit = e.exitCode === null ? `exit code unknown${e.unknownReason ? ` (${e.unknownReason})` : ''}` : `exit ${e.exitCode}`;
      return { kind: 'Command', text: `${e.command}\n${e.runbookTitle} · step ${e.blockIndex + 1} · ${exit} · ${(e.durationMs / 1000).toFixed(1)} s` };
    }
    case 'statusUpdate':
      return { kind: e.state === 'posted' ? `Update posted (${e.audience})` : `Update drafted (${e.audience})`, text: e.text };
    case 'reminderSnoozed':
      return { kind: 'Snoozed', text: `${e.minutes} min — ${e.reason}` };
    case 'summaryChanged':
      return { kind: 'Impact', text: e.summary };
    case 'customerSummaryChanged':
      return { kind: 'Customer-facing summary', text: e.text };
    case 'pinned': {
      const target = byId.get(e.target);
      return { kind: e.pinned ? 'Pinned' : 'Unpinned', text: target && target.type !== 'pinned' ? `${formatTime(target.time)} ${summaryLine(target, byId).kind}` : e.target };
    }
    case 'correction': {
      const target = byId.get(e.target);
      return { kind: 'Correction', text: `${target ? `${formatTime(target.time)}: ` : ''}${e.text}` };
    }
    case 'evidencePinned': {
      const target = byId.get(e.target);
      const range = e.fromLine === undefined ? 'output' : e.fromLine === e.toLine ? `line ${e.fromLine}` : `lines ${e.fromLine}–${e.toLine}`;
      const of = target?.type === 'commandRun' ? ` of ${target.command.split('\n')[0]} (${formatTime(target.time)})` : '';
      return { kind: e.pinned ? 'Evidence pinned' : 'Evidence unpinned', text: `${range}${of}${e.pinned && e.text ? `\n${e.text}` : ''}` };
    }
    case 'changesObserved': {
      const lines = e.changes.map((c) => `${c.repo}@${c.sha.slice(0, 7)}${c.ref ? ` (tag ${c.ref})` : ''} · ${formatTime(c.at)} · ${c.author} · ${c.subject}`);
      const head = `${e.changes.length ? e.changes.length : 'No'} commit${e.changes.length === 1 ? '' : 's'} or tag${e.changes.length === 1 ? '' : 's'} in git history between ${formatTime(e.windowStart)} and ${formatTime(e.windowEnd)} — observations, not causes`;
      return { kind: 'Changed nearby', text: [head, ...lines, ...(e.problems ?? []).map((p) => `Not read: ${p}`)].join('\n') };
    }
    case 'joined':
      return { kind: 'Joined', text: e.role ? `as ${ROLE_NAMES[e.role]}` : 'joined the response' };
    case 'unknown':
      return { kind: `Unknown event (${e.originalType || 'no type'})`, text: 'Written by a newer version; kept as it is.' };
  }
}

/** A run's output excerpt: numbered lines (each `data-line`), a gap where lines were left out. */
function renderOutput(e: Extract<TimelineEvent, { type: 'commandRun' }>): HTMLElement | undefined {
  if (!e.output || e.output.lines === 0) return undefined;
  const pre = el('pre', 'output');
  pre.setAttribute('aria-label', `Output: ${e.output.lines} line${e.output.lines === 1 ? '' : 's'}`);
  for (const row of excerptLines(e.output)) {
    if (!row) {
      pre.append(el('span', 'output-gap', '…\n'));
      continue;
    }
    const line = el('span', 'output-line');
    line.dataset.line = String(row[0]);
    line.append(el('span', 'output-number', `${row[0]}`), document.createTextNode(`${row[1]}\n`));
    pre.append(line);
  }
  return pre;
}

/** One event as a list item. */
/**
 * One event as a list item. Its buttons carry `data-action` (`pin`, `unpin`, `correct`); the
 * list handles their clicks in one listener, so thousands of rows cost no closures. The row is
 * one stop for the keyboard (the list moves focus between rows with j/k and the arrow keys);
 * its buttons join the tab order only while the row is the current one (eventList.ts).
 */
export function renderEvent(e: TimelineEvent, incident: Incident, byId: Map<string, TimelineEvent>): HTMLLIElement {
  const category = categoryOf(e);
  const li = el('li', `event cat-${category} type-${e.type}`);
  li.dataset.id = e.id;
  li.tabIndex = -1;
  const meta = el('div', 'meta');
  const shown = formatTime(e.time);
  const time = el('time', 'when', shown);
  time.dateTime = e.time;
  meta.append(time, el('span', 'author', e.author));
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
  if (e.type === 'commandRun') {
    if (e.exitCode === null) li.classList.add('exit-unknown');
    else if (e.exitCode !== 0) li.classList.add('failed');
    const output = renderOutput(e);
    if (output) li.append(output);
  }

  const row = el('span', 'actions');
  const pinButton = el('button', 'link-button', pinned ? 'Unpin' : 'Pin');
  pinButton.type = 'button';
  pinButton.setAttribute('aria-pressed', String(pinned));
  pinButton.setAttribute('aria-label', `${pinned ? 'Unpin' : 'Pin'} the ${kind.toLowerCase()} of ${shown}`);
  pinButton.setAttribute('aria-keyshortcuts', 'P');
  pinButton.tabIndex = -1;
  pinButton.dataset.action = pinned ? 'unpin' : 'pin';
  row.append(pinButton);
  if (e.type === 'commandRun' && e.output && e.output.lines > 0) {
    const evidence = el('button', 'link-button', 'Pin output as evidence');
    evidence.type = 'button';
    evidence.title = 'Pins the whole output, or the lines selected in it, as evidence for the post-mortem';
    evidence.dataset.action = 'pinEvidence';
    row.append(evidence);
  }
  if (e.type !== 'unknown' && e.type !== 'pinned' && e.type !== 'evidencePinned' && e.type !== 'changesObserved') {
    const fix = el('button', 'link-button', 'Correct…');
    fix.type = 'button';
    fix.setAttribute('aria-label', `Correct the ${kind.toLowerCase()} of ${shown}`);
    fix.setAttribute('aria-keyshortcuts', 'C');
    fix.tabIndex = -1;
    fix.dataset.action = 'correct';
    row.append(fix);
  }
  // On the meta line, so a row is two lines high.
  meta.append(row);
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
