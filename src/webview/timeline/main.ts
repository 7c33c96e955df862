// The incident timeline page. It owns no state that is not also on the host: the events come
// from the journal; what is typed and not yet submitted (the note, the status update) is kept
// in the page's state (survives a reload) and sent to the host (survives closing the panel and
// an extension host crash).
//
// Layout (media/timeline.css): a sticky top with the title, one line of facts, the note box and
// the action buttons; the timeline right under it; the action panels open in a drawer laid over
// the timeline, so nothing pushes it down. Everything works from the keyboard (keys.ts).
import { TimeFormatter } from '../../incidents/timeFormat';
import { RequestTracker, validateHostMessage, type HostMessage, type IncidentView, type SeverityChoice, type WebviewMessage } from '../../protocol/timeline';
import { el } from '../dom';
import { button, registerToolkit } from '../toolkit';
import { createActions } from './actions';
import { NoteComposer } from './composer';
import { Drawer, type Panel } from './drawer';
import { EventList } from './eventList';
import { Header } from './header';
import { installKeys } from './keys';
import { keysPanel, milestonePanel, resolvePanel, rolesPanel, severityPanel, statusPanel, type PanelContext } from './panels';
import { setTimeFormatter, STATUS_NAMES } from './render';
import { loadState, type VsCodeApi } from './state';
import { updatePanel } from './updatePanel';

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

const state = loadState(api);
const saveState = () => api.setState(state);
const tracker = new RequestTracker(post, `p${Date.now().toString(36)}`);
const actions = createActions(tracker);

// --- Model on the page ----------------------------------------------------------------------
let view: IncidentView | undefined;
let severities: SeverityChoice[] = [];

// --- The parts ------------------------------------------------------------------------------
const header = new Header();
const composer = new NoteComposer(state, saveState, post, actions);
const events = new EventList({ actions, incident: () => view?.incident, filters: state.filters, onFiltersChanged: saveState });
const drawer = new Drawer();

const ctx: PanelContext = {
  actions,
  view: () => view,
  severities: () => severities,
  close: () => drawer.close(),
  open: (name) => openPanel(name),
};
const update = updatePanel(ctx, state, saveState, post);
const panels = new Map<string, Panel>([statusPanel(ctx), severityPanel(ctx), rolesPanel(ctx), milestonePanel(ctx), update, resolvePanel(ctx), keysPanel(ctx)].map((p) => [p.name, p]));

function openPanel(name: string, opener?: HTMLElement): void {
  const panel = panels.get(name);
  if (panel) drawer.open(panel, opener);
}

// The action buttons: each opens its panel (again: closes it), and has a key.
const toolbar = el('div', 'actions-bar');
toolbar.setAttribute('role', 'group');
toolbar.setAttribute('aria-label', 'Incident actions');
const tool = (name: string, label: string, key: string, title: string) => {
  const b = button(label, { id: `open-${name}`, shortcut: key, opensPanel: true, title, onClick: () => drawer.toggle(panels.get(name)!, b) });
  drawer.registerOpener(name, b);
  toolbar.append(b);
  return b;
};
const statusButton = tool('status', 'Status', 'S', 'Set the status');
const severityButton = tool('severity', 'Severity', 'V', 'Change the severity');
tool('roles', 'Roles', 'R', 'Assign a role (commander, tech lead, communications, scribe)');
tool('milestone', 'Milestone', 'M', 'Mark a milestone (impact started, detected, mitigated …)');
tool('update', 'Status update', 'U', 'Draft, copy and post a status update; snooze the reminder');
tool('keys', 'Keys', '?', 'Every key on this page');

const top = el('div', 'top');
top.append(header.element, actions.errorLine, composer.element, toolbar, drawer.element);
const app = document.getElementById('app') ?? document.body;
app.append(top, events.element, actions.liveRegion);
// The drawer fits between the sticky top and the bottom of the panel (CSSOM: allowed by the policy).
new ResizeObserver(() => document.documentElement.style.setProperty('--top-height', `${top.offsetHeight}px`)).observe(top);

composer.input.control.addEventListener('keydown', (e: Event) => {
  if ((e as KeyboardEvent).key === 'Escape') {
    e.preventDefault();
    events.focus();
  }
});

installKeys({
  note: () => composer.focus(),
  panel: (name) => drawer.toggle(panels.get(name)!),
  events: () => events.focus(),
  closeDrawer: () => drawer.close(),
  drawerOpen: () => drawer.openPanel !== undefined,
});

// --- Rendering ------------------------------------------------------------------------------
function renderView(): void {
  if (!view) return;
  header.render(view, severities);
  statusButton.textContent = `Status: ${STATUS_NAMES[view.incident.status]}`;
  severityButton.textContent = `Severity: ${view.incident.severity}`;
}

// --- Messages from the host -------------------------------------------------------------------
function init(m: Extract<HostMessage, { type: 'init' }>, received: number): void {
  view = m.view;
  severities = m.severities;
  setTimeFormatter(new TimeFormatter(m.timeStyle));
  events.reset(m.events);
  state.incidentId = view.incident.id;
  // Notes that were being saved when the page went away: if they did not arrive, give them
  // back to the note box instead of sending them twice.
  const arrived = new Set(events.events.filter((e) => e.type === 'note').map((e) => (e as { text: string }).text));
  const unsent = state.pendingNotes.filter((n) => !arrived.has(n));
  state.pendingNotes = [];
  // The newer of the two copies of the half-typed note: this page's state (survives a reload)
  // or the host's (survives closing the panel and a crash of the extension host).
  const hostIsNewer = m.draftRevision > state.draftRevision;
  const draft = hostIsNewer ? m.draft : state.draft;
  state.draftRevision = Math.max(state.draftRevision, m.draftRevision);
  composer.setText([...unsent, draft].filter(Boolean).join('\n'));
  if (unsent.length > 0) composer.draftChanged(true);
  else state.draft = composer.input.value;
  // The status update being written: the page's copy, else the host's.
  const written = state.update?.text.trim() ? state.update : m.updateDraft;
  if (written) update.show(written);
  header.renderSaveState(m.saveState);
  renderView();
  composer.renderPending();
  saveState();
  const since = (t: number) => Math.round((performance.now() - t) * 10) / 10;
  events.renderAll(
    // First render: the header and the newest rows are on screen (the next frame).
    () => requestAnimationFrame(() => (document.body.dataset.renderMs = String(since(received)))),
    () => {
      document.body.dataset.renderCompleteMs = String(since(received));
      document.body.dataset.renderedEvents = String(events.events.length);
      post({ type: 'rendered', events: events.events.length, ms: Number(document.body.dataset.renderMs ?? since(received)) });
    },
  );
  composer.focus();
}

function onHostMessage(raw: unknown): void {
  const received = performance.now();
  const checked = validateHostMessage(raw);
  if (!checked.ok) {
    console.warn(`On-Call timeline: dropped a malformed message: ${checked.reason}`);
    return;
  }
  const m: HostMessage = checked.message;
  switch (m.type) {
    case 'init':
      init(m, received);
      break;
    case 'events': {
      view = m.view;
      renderView();
      const fresh = events.add(m.events);
      // A pending note that arrived is no longer pending.
      for (const e of fresh) if (e.type === 'note') composer.arrived(e.text);
      composer.renderPending();
      saveState();
      document.body.dataset.renderedEvents = String(events.events.length);
      post({ type: 'rendered', events: events.events.length, ms: 0 });
      break;
    }
    case 'view':
      view = m.view;
      renderView();
      break;
    case 'timeStyle':
      setTimeFormatter(new TimeFormatter(m.timeStyle));
      renderView();
      events.renderAll();
      break;
    case 'showUpdate':
      update.show(m.draft);
      openPanel('update');
      break;
    case 'focus':
      drawer.close({ restoreFocus: false });
      composer.focus();
      break;
    case 'saveState':
      header.renderSaveState(m.state, m.detail);
      break;
    case 'reply':
      tracker.settle(m);
      break;
  }
}

window.addEventListener('message', (e: MessageEvent) => onHostMessage(e.data));
post({ type: 'ready' });
