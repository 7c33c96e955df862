// The incident timeline page. It owns no state that is not also on the host: the events come
// from the journal, and the half-typed note is kept in the page's state (survives reload) and
// sent to the host as a draft (survives closing the panel and an extension host crash).
import { MILESTONES, ROLES, STATUSES, type Audience, type Incident, type IncidentStatus, type Milestone, type Role, type SaveState, type Severity, type TimelineEvent } from '../../incidents/model';
import { compareEvents } from '../../incidents/eventSchema';
import { RequestTracker, validateHostMessage, type HostMessage, type RequestBody, type IncidentView, type SeverityChoice, type WebviewMessage } from '../../protocol/timeline';
import { badge, button, checkbox, divider, dropdown, registerToolkit, setDisabled, textArea, textField, type TextInput } from '../toolkit';
import { MILESTONE_NAMES, ROLE_NAMES, duration, el, localTime, renderEvent, renderShare, utcTime } from './render';

interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const api = acquireVsCodeApi();
const post = (m: WebviewMessage) => api.postMessage(m);

// --- Content Security Policy violations: recorded first, before anything can cause one. -----
let cspViolations = 0;
document.addEventListener('securitypolicyviolation', (e) => {
  cspViolations += 1;
  document.body.dataset.cspViolations = String(cspViolations);
  post({
    type: 'cspViolation',
    directive: String(e.violatedDirective).slice(0, 2000),
    blockedUri: String(e.blockedURI).slice(0, 2000),
    sample: String(e.sample ?? '').slice(0, 2000),
  });
});
document.body.dataset.cspViolations = '0';

registerToolkit();

// --- Page state (vscode.setState): survives a reload of the window or the webview. ---------
interface Filters {
  note: boolean;
  command: boolean;
  status: boolean;
}
interface PageState {
  incidentId?: string;
  draft: string;
  /** Counts edits of the note box; the host's copy carries the count it was sent with. */
  draftRevision: number;
  pendingNotes: string[];
  filters: Filters;
  audience: Audience;
}
function loadState(): PageState {
  const s = api.getState() as Partial<PageState> | undefined;
  return {
    incidentId: typeof s?.incidentId === 'string' ? s.incidentId : undefined,
    draft: typeof s?.draft === 'string' ? s.draft : '',
    draftRevision: Number.isSafeInteger(s?.draftRevision) && (s?.draftRevision ?? -1) >= 0 ? (s!.draftRevision as number) : 0,
    pendingNotes: Array.isArray(s?.pendingNotes) ? s.pendingNotes.filter((n): n is string => typeof n === 'string') : [],
    filters: { note: s?.filters?.note !== false, command: s?.filters?.command !== false, status: s?.filters?.status !== false },
    audience: s?.audience === 'external' ? 'external' : 'internal',
  };
}
const state = loadState();
const saveState = () => api.setState(state);

const tracker = new RequestTracker(post, `p${Date.now().toString(36)}`);

// --- Model on the page ----------------------------------------------------------------------
let view: IncidentView | undefined;
let events: TimelineEvent[] = [];
const byId = new Map<string, TimelineEvent>();
let severities: SeverityChoice[] = [];
let saveStatus: SaveState = 'saved';

// --- Layout ---------------------------------------------------------------------------------
const app = document.getElementById('app') ?? document.body;
const header = el('header', 'incident-header');
const title = el('h1', 'title');
const badges = el('div', 'badges');
const roles = el('p', 'roles');
const clock = el('p', 'clock');
const elapsed = el('span', 'elapsed');
const nextUpdate = el('span', 'next-update');
const saved = el('p', 'save-state');
saved.setAttribute('role', 'status');
saved.setAttribute('aria-live', 'polite');
clock.append(elapsed, nextUpdate);
const shareLine = el('p', 'share-state');
shareLine.setAttribute('role', 'status');
header.append(title, badges, roles, clock, saved, shareLine);

const errorLine = el('p', 'error');
errorLine.setAttribute('role', 'alert');

// Note box: the fastest way to write. Enter adds (focus stays), Shift+Enter is a new line.
const noteSection = el('section', 'note-box');
noteSection.setAttribute('aria-label', 'Add a note');
const noteInput: TextInput = textArea({ label: 'Note (Enter adds, Shift+Enter for a new line; start with TODO: for a follow-up)', rows: 3, id: 'note-input', placeholder: 'What is happening, what was tried, what was decided…' });
const addNoteButton = button('Add note', { appearance: 'primary', onClick: () => submitNote(), id: 'add-note' });
const pendingList = el('ul', 'pending');
pendingList.setAttribute('aria-label', 'Notes being saved');
noteSection.append(noteInput.element, addNoteButton, pendingList);

// Controls: status, severity, roles, milestones.
const controls = el('section', 'controls');
controls.setAttribute('aria-label', 'Incident controls');
const statusRow = el('div', 'row status-row');
statusRow.append(el('span', 'row-label', 'Status'));
const statusButtons = new Map<IncidentStatus, HTMLElement>();
for (const s of STATUSES) {
  const b = button(s[0].toUpperCase() + s.slice(1), { onClick: () => void act({ type: 'setStatus', status: s }).catch(() => undefined), id: `status-${s}` });
  statusButtons.set(s, b);
  statusRow.append(b);
}

const severityRow = el('div', 'row severity-row');
let severitySelect = dropdown<Severity>([{ value: 'SEV1', label: 'SEV1' }, { value: 'SEV2', label: 'SEV2' }, { value: 'SEV3', label: 'SEV3' }, { value: 'SEV4', label: 'SEV4' }], { ariaLabel: 'Severity', id: 'severity-select' });
const severityReason = textField({ label: '', placeholder: 'Reason (optional)', id: 'severity-reason' });
severityReason.element.setAttribute('aria-label', 'Reason for the severity change');
const severityHelp = el('p', 'help severity-help');
const severityHolder = el('span');
severityHolder.append(severitySelect.element);
severityRow.append(el('span', 'row-label', 'Severity'), severityHolder, severityReason.element,
  button('Set severity', { onClick: () => act({ type: 'setSeverity', severity: severitySelect.value, ...(severityReason.value.trim() ? { reason: severityReason.value.trim() } : {}) }).then(() => (severityReason.value = ''), () => undefined), id: 'set-severity' }));

const roleRow = el('div', 'row role-row');
const roleSelect = dropdown<Role>(ROLES.map((r) => ({ value: r, label: ROLE_NAMES[r] })), { ariaLabel: 'Role', id: 'role-select' });
const rolePerson = textField({ label: '', placeholder: 'Name', id: 'role-person' });
rolePerson.element.setAttribute('aria-label', 'Person for the role');
roleRow.append(el('span', 'row-label', 'Role'), roleSelect.element, rolePerson.element,
  button('Assign', { onClick: () => act({ type: 'assignRole', role: roleSelect.value, person: rolePerson.value.trim() }).then(() => (rolePerson.value = ''), () => undefined), id: 'assign-role' }));

const milestoneRow = el('div', 'row milestone-row');
const milestoneSelect = dropdown<Milestone>(MILESTONES.map((m) => ({ value: m, label: MILESTONE_NAMES[m] })), { ariaLabel: 'Milestone', id: 'milestone-select' });
const milestoneAt = el('input', 'native-input');
milestoneAt.type = 'datetime-local';
milestoneAt.id = 'milestone-at';
milestoneAt.setAttribute('aria-label', 'When (local time; empty for now)');
milestoneAt.title = 'When (local time; leave empty for now)';
const milestoneReason = textField({ label: '', placeholder: 'Reason (for a backdated time)', id: 'milestone-reason' });
milestoneReason.element.setAttribute('aria-label', 'Reason for the milestone time');
milestoneRow.append(el('span', 'row-label', 'Milestone'), milestoneSelect.element, milestoneAt, milestoneReason.element,
  button('Mark', {
    id: 'mark-milestone',
    onClick: () => {
      const at = milestoneAt.value ? new Date(milestoneAt.value).toISOString() : undefined;
      const reason = milestoneReason.value.trim();
      void act({ type: 'markMilestone', milestone: milestoneSelect.value, ...(at ? { at } : {}), ...(reason ? { reason } : {}) }).then(() => {
        milestoneAt.value = '';
        milestoneReason.value = '';
      }, () => undefined);
    },
  }));
controls.append(statusRow, severityRow, severityHelp, roleRow, milestoneRow);

// Status update composer.
const composer = el('section', 'composer');
composer.setAttribute('aria-label', 'Status update');
const audienceSelect = dropdown<Audience>([{ value: 'internal', label: 'Internal' }, { value: 'external', label: 'External (customers)' }], { ariaLabel: 'Audience', id: 'audience-select', value: state.audience });
audienceSelect.element.addEventListener('change', () => {
  state.audience = audienceSelect.value;
  saveState();
});
const updateText = textArea({ label: 'Status update draft', rows: 8, id: 'update-text' });
const composerButtons = el('div', 'row');
composerButtons.append(
  audienceSelect.element,
  button('Draft', { onClick: () => void draftUpdate(), id: 'draft-update', title: 'Fill in a draft from the incident and what changed since the last update' }),
  button('Copy', { onClick: () => void copyUpdate(), id: 'copy-update' }),
  button('Mark as posted', { onClick: () => void markPosted(), id: 'mark-posted', appearance: 'primary' }),
);
const snoozeRow = el('div', 'row snooze-row');
const snoozeMinutes = dropdown<string>(['10', '15', '30', '60'].map((m) => ({ value: m, label: `${m} min` })), { ariaLabel: 'Snooze for', id: 'snooze-minutes' });
const snoozeReason = textField({ label: '', placeholder: 'Why the update can wait', id: 'snooze-reason' });
snoozeReason.element.setAttribute('aria-label', 'Reason for snoozing the reminder');
snoozeRow.append(el('span', 'row-label', 'Reminder'), snoozeMinutes.element, snoozeReason.element,
  button('Snooze', { id: 'snooze', onClick: () => void act({ type: 'snooze', minutes: Number(snoozeMinutes.value), reason: snoozeReason.value.trim() }).then(() => (snoozeReason.value = ''), () => undefined) }));
composer.append(el('h2', undefined, 'Status update'), composerButtons, updateText.element, snoozeRow);

// Event list with filters.
const timeline = el('section', 'timeline');
timeline.setAttribute('aria-label', 'Timeline');
const filterRow = el('div', 'row filters');
filterRow.setAttribute('role', 'group');
filterRow.setAttribute('aria-label', 'Show');
const list = el('ol', 'events');
list.id = 'events';
list.setAttribute('aria-label', 'Events, newest first');
const applyFilters = () => {
  list.classList.toggle('hide-note', !state.filters.note);
  list.classList.toggle('hide-command', !state.filters.command);
  list.classList.toggle('hide-status', !state.filters.status);
};
filterRow.append(
  el('span', 'row-label', 'Show'),
  checkbox('Notes', state.filters.note, (c) => ((state.filters.note = c), applyFilters(), saveState()), 'filter-note'),
  checkbox('Commands', state.filters.command, (c) => ((state.filters.command = c), applyFilters(), saveState()), 'filter-command'),
  checkbox('Status changes', state.filters.status, (c) => ((state.filters.status = c), applyFilters(), saveState()), 'filter-status'),
);
timeline.append(el('h2', undefined, 'Timeline'), filterRow, list);
applyFilters();

// Wide panels: notes and the timeline on the left, controls and the composer beside them
// (media/timeline.css); narrow ones stack in this order.
const side = el('aside', 'side');
side.append(controls, divider(), composer);
app.append(header, errorLine, noteSection, side, timeline);

// --- Actions --------------------------------------------------------------------------------

function showError(err: unknown): void {
  errorLine.textContent = err instanceof Error ? err.message : String(err);
}

async function act(body: RequestBody): Promise<unknown> {
  errorLine.textContent = '';
  try {
    return await tracker.request(body);
  } catch (err) {
    showError(err);
    throw err;
  }
}

let draftTimer: ReturnType<typeof setTimeout> | undefined;
function draftChanged(immediately = false): void {
  state.draft = noteInput.value;
  state.draftRevision += 1;
  saveState();
  if (draftTimer) clearTimeout(draftTimer);
  const send = () => post({ type: 'draftChanged', text: state.draft.slice(0, 100_000), revision: state.draftRevision });
  if (immediately) send();
  else draftTimer = setTimeout(send, 400);
}

noteInput.element.addEventListener('input', () => draftChanged());
noteInput.element.addEventListener('keydown', (e: KeyboardEvent) => {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing && !e.altKey) {
    e.preventDefault();
    submitNote();
  }
});

function renderPending(): void {
  pendingList.replaceChildren(...state.pendingNotes.map((n) => el('li', 'pending-note', `Saving: ${n}`)));
}

function submitNote(): void {
  const text = noteInput.value;
  if (!text.trim()) return;
  noteInput.value = '';
  state.pendingNotes.push(text);
  renderPending();
  draftChanged(true);
  noteInput.focus();
  act({ type: 'addNote', text })
    .then(() => {
      state.pendingNotes.splice(state.pendingNotes.indexOf(text), 1);
      saveState();
      renderPending();
    })
    .catch(() => {
      // Not saved: give the text back rather than lose it.
      state.pendingNotes.splice(state.pendingNotes.indexOf(text), 1);
      noteInput.value = noteInput.value ? `${text}\n${noteInput.value}` : text;
      renderPending();
      draftChanged(true);
    });
}

async function draftUpdate(): Promise<void> {
  const text = await act({ type: 'draftUpdate', audience: audienceSelect.value }).catch(() => undefined);
  if (typeof text === 'string') updateText.value = text;
}

async function copyUpdate(): Promise<void> {
  if (!updateText.value.trim()) await draftUpdate();
  if (updateText.value.trim()) await act({ type: 'copyText', text: updateText.value }).catch(() => undefined);
}

async function markPosted(): Promise<void> {
  if (!updateText.value.trim()) {
    showError('Draft or write the update first.');
    return;
  }
  await act({ type: 'markPosted', audience: audienceSelect.value, text: updateText.value }).catch(() => undefined);
}

const rowActions = {
  pin: (eventId: string, pinned: boolean) => void act({ type: 'pin', eventId, pinned }).catch(() => undefined),
  correct: (eventId: string, row: HTMLElement) => {
    if (row.querySelector('.correction-editor')) return;
    const box = el('div', 'correction-editor');
    const input = el('textarea', 'native-input');
    input.rows = 2;
    input.setAttribute('aria-label', 'Corrected text (Enter saves, Escape cancels)');
    const current = byId.get(eventId);
    input.value = view?.incident.corrections?.[eventId] ?? (current?.type === 'note' ? current.text : '');
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Escape') box.remove();
      if (e.key === 'Enter' && !e.shiftKey) {
        e.preventDefault();
        if (input.value.trim()) void act({ type: 'correct', eventId, text: input.value }).then(() => box.remove(), () => undefined);
      }
    });
    box.append(input);
    row.append(box);
    input.focus();
  },
};

list.addEventListener('click', (e) => {
  const target = (e.target as HTMLElement).closest('button[data-action]') as HTMLButtonElement | null;
  const row = target?.closest('li[data-id]') as HTMLElement | null;
  if (!target || !row?.dataset.id) return;
  const action = target.dataset.action;
  if (action === 'pin' || action === 'unpin') rowActions.pin(row.dataset.id, action === 'pin');
  if (action === 'correct') rowActions.correct(row.dataset.id, row);
});

// --- Rendering ------------------------------------------------------------------------------
function renderHeader(): void {
  if (!view) return;
  const i: Incident = view.incident;
  title.textContent = `${i.id}: ${i.title}`;
  document.title = `${i.id}: ${i.title}`;
  badges.replaceChildren(
    badge(i.severity, `severity ${i.severity.toLowerCase()}`),
    badge(i.status, `status ${i.status}`),
    ...(i.unknownEvents ? [badge(`${i.unknownEvents} unknown event(s)`, 'unknown')] : []),
  );
  renderShare(shareLine, view.share);
  const roleText = ROLES.filter((r) => i.roles[r]).map((r) => `${ROLE_NAMES[r]}: ${i.roles[r]}`).join(' · ');
  roles.textContent = roleText || 'No roles assigned yet';
  for (const [s, b] of statusButtons) setDisabled(b, s === i.status);
  const choice = severities.find((s) => s.level === i.severity);
  severityHelp.textContent = choice ? `${choice.label}: ${choice.detail}` : '';
  tick();
}

function tick(): void {
  if (!view) return;
  const now = Date.now();
  const i = view.incident;
  const end = i.resolvedAt ? Date.parse(i.resolvedAt) : now;
  elapsed.textContent = `${i.resolvedAt ? 'Lasted' : 'Elapsed'} ${duration(end - Date.parse(i.declaredAt))}`;
  const s = view.schedule;
  nextUpdate.classList.remove('overdue');
  if (s.state === 'off') nextUpdate.textContent = ' · No update reminders at this severity';
  else if (s.state === 'resolved' || !s.dueAt) nextUpdate.textContent = '';
  else {
    const left = Date.parse(s.dueAt) - now;
    if (left <= 0) {
      nextUpdate.textContent = ` · Status update overdue by ${duration(-left)} (due ${localTime(s.dueAt)}, ${utcTime(s.dueAt)})`;
      nextUpdate.classList.add('overdue');
    } else {
      nextUpdate.textContent = ` · Next update due in ${duration(left)} (${localTime(s.dueAt)}, ${utcTime(s.dueAt)})${s.snoozedUntil ? ` — snoozed: ${s.snoozeReason ?? ''}` : ''}`;
    }
  }
}
setInterval(tick, 1000);

function renderSaveState(detail?: string): void {
  saved.classList.toggle('not-saved', saveStatus === 'notSaved');
  saved.textContent =
    saveStatus === 'saved' ? 'All changes saved' : saveStatus === 'saving' ? 'Saving…' : `Not saved — retrying${detail ? ` (${detail})` : ''}`;
}

/** Rows rendered in the first, synchronous pass: a screenful and then some. */
const FIRST_PASS = 60;
/** Time slice for each later pass, so typing and scrolling stay smooth while the rest renders. */
const SLICE_MS = 8;
let renderGeneration = 0;

/**
 * Renders the list newest first: the first screenful at once, the older rows in short slices
 * after it. `onDone` runs when every row is in the list.
 */
function renderAll(onFirst?: () => void, onDone?: () => void): void {
  if (!view) return;
  const generation = ++renderGeneration;
  let next = events.length - 1;
  const pass = (limit: (count: number, started: number) => boolean) => {
    const frag = document.createDocumentFragment();
    const started = performance.now();
    let count = 0;
    while (next >= 0 && limit(count, started)) {
      frag.append(renderEvent(events[next], view!.incident, byId));
      next -= 1;
      count += 1;
    }
    list.append(frag);
  };
  list.replaceChildren();
  pass((count) => count < FIRST_PASS);
  onFirst?.();
  const more = () => {
    if (generation !== renderGeneration) return;
    pass((count, started) => count < 20 || performance.now() - started < SLICE_MS);
    if (next >= 0) setTimeout(more, 0);
    else onDone?.();
  };
  if (next >= 0) setTimeout(more, 0);
  else onDone?.();
}

function rerenderRow(id: string): void {
  const e = byId.get(id);
  const old = list.querySelector(`li[data-id="${CSS.escape(id)}"]`);
  if (e && old && view) old.replaceWith(renderEvent(e, view.incident, byId));
}

function addEvents(added: TimelineEvent[]): void {
  if (!view) return;
  const fresh = added.filter((e) => !byId.has(e.id)).sort(compareEvents);
  if (fresh.length === 0) return;
  for (const e of fresh) byId.set(e.id, e);
  const last = events[events.length - 1];
  if (!last || compareEvents(last, fresh[0]) <= 0) {
    events.push(...fresh);
    for (const e of fresh) list.prepend(renderEvent(e, view.incident, byId));
  } else {
    events = [...events, ...fresh].sort(compareEvents);
    renderAll();
  }
  // Corrections and pins change how their target looks.
  for (const e of fresh) if (e.type === 'correction' || e.type === 'pinned') rerenderRow(e.target);
  // A pending note that arrived is no longer pending.
  for (const e of fresh) {
    if (e.type === 'note') {
      const i = state.pendingNotes.indexOf(e.text);
      if (i >= 0) state.pendingNotes.splice(i, 1);
    }
  }
  renderPending();
  saveState();
}

// --- Messages from the host -------------------------------------------------------------------
function onHostMessage(raw: unknown): void {
  const received = performance.now();
  const checked = validateHostMessage(raw);
  if (!checked.ok) {
    console.warn(`On-Call timeline: dropped a malformed message: ${checked.reason}`);
    return;
  }
  const m: HostMessage = checked.message;
  switch (m.type) {
    case 'init': {
      view = m.view;
      severities = m.severities;
      const fresh = severityHolder.firstChild;
      severitySelect = dropdown<Severity>(severities.map((s) => ({ value: s.level, label: s.label, title: s.detail })), { ariaLabel: 'Severity', id: 'severity-select', value: view.incident.severity });
      if (fresh) fresh.replaceWith(severitySelect.element);
      events = [...m.events].sort(compareEvents);
      byId.clear();
      for (const e of events) byId.set(e.id, e);
      state.incidentId = view.incident.id;
      // Notes that were being saved when the page went away: if they did not arrive, give
      // them back to the note box instead of sending them twice.
      const arrived = new Set(events.filter((e) => e.type === 'note').map((e) => (e as { text: string }).text));
      const unsent = state.pendingNotes.filter((n) => !arrived.has(n));
      state.pendingNotes = [];
      // The newer of the two copies of the half-typed note: this page's state (survives a
      // reload) or the host's (survives closing the panel and a crash of the extension host).
      const hostIsNewer = m.draftRevision > state.draftRevision;
      const draft = hostIsNewer ? m.draft : state.draft;
      state.draftRevision = Math.max(state.draftRevision, m.draftRevision);
      noteInput.value = [...unsent, draft].filter(Boolean).join('\n');
      if (unsent.length > 0) draftChanged(true);
      else state.draft = noteInput.value;
      saveStatus = m.saveState;
      renderSaveState();
      renderHeader();
      renderPending();
      saveState();
      const since = (t: number) => Math.round((performance.now() - t) * 10) / 10;
      renderAll(
        // First render: the header and the newest rows are on screen (the next frame).
        () => requestAnimationFrame(() => (document.body.dataset.renderMs = String(since(received)))),
        () => {
          document.body.dataset.renderCompleteMs = String(since(received));
          document.body.dataset.renderedEvents = String(events.length);
          post({ type: 'rendered', events: events.length, ms: Number(document.body.dataset.renderMs ?? since(received)) });
        },
      );
      noteInput.focus();
      break;
    }
    case 'events':
      view = m.view;
      renderHeader();
      addEvents(m.events);
      document.body.dataset.renderedEvents = String(events.length);
      post({ type: 'rendered', events: events.length, ms: 0 });
      break;
    case 'view':
      view = m.view;
      renderHeader();
      break;
    case 'saveState':
      saveStatus = m.state;
      renderSaveState(m.detail);
      break;
    case 'reply':
      tracker.settle(m);
      break;
  }
}

window.addEventListener('message', (e: MessageEvent) => onHostMessage(e.data));
post({ type: 'ready' });
