// The action panels opened from the toolbar (or a key): status, severity, roles, milestone,
// resolve and the list of keys. Each is a small form: labelled controls, a visible primary
// action and Cancel; Enter in a one-line field submits (drawer.ts), Escape cancels. After an
// action the panel closes and the focus returns to the button that opened it.
import { MILESTONES, ROLES, STATUSES, type IncidentStatus, type Milestone, type Role, type Severity } from '../../incidents/model';
import type { IncidentView, SeverityChoice } from '../../protocol/timeline';
import { radioGroup, setHint, textArea, textField } from '../controls';
import { el } from '../dom';
import { visibleText } from '../../protocol/visibleText';
import { button } from '../toolkit';
import type { Actions } from './actions';
import type { Panel } from './drawer';
import { formatTime, MILESTONE_NAMES, ROLE_NAMES, STATUS_NAMES, timeFormatter } from './render';

export interface PanelContext {
  actions: Actions;
  view(): IncidentView | undefined;
  severities(): SeverityChoice[];
  /** Closes the drawer; the focus goes back to the opener. */
  close(): void;
  /** Opens another panel (status → resolve). */
  open(name: string): void;
}

/** A row of buttons: the primary action, then Cancel. */
export function formButtons(primary: HTMLElement, ctx: PanelContext, ...others: HTMLElement[]): HTMLElement {
  const row = el('div', 'form-buttons');
  row.append(primary, ...others, button('Cancel', { onClick: () => ctx.close(), title: 'Close without changing anything (Escape)' }));
  return row;
}

export function statusPanel(ctx: PanelContext): Panel {
  const element = el('div', 'panel-status');
  const help = el('p', 'hint', 'The arrow keys choose, Enter sets it. Resolved asks for a final summary.');
  const apply = (status: IncidentStatus) => {
    const current = ctx.view()?.incident.status;
    if (status === current) {
      ctx.actions.announce(`Already ${STATUS_NAMES[status]}`);
      ctx.close();
      return;
    }
    if (status === 'resolved') {
      ctx.open('resolve');
      return;
    }
    void ctx.actions.act({ type: 'setStatus', status }).then(() => {
      ctx.actions.announce(`Status set to ${STATUS_NAMES[status]}`);
      ctx.close();
    }, () => undefined);
  };
  const group = radioGroup(
    STATUSES.map((s) => ({ value: s, label: s === 'resolved' ? 'Resolved…' : STATUS_NAMES[s] })),
    { label: 'Incident status', id: 'status-choice', onSubmit: apply },
  );
  element.append(group.element, help);
  return {
    name: 'status',
    title: 'Set the status',
    element,
    onOpen: () => (group.value = ctx.view()?.incident.status),
    focusFirst: () => group.focus(),
  };
}

export function resolvePanel(ctx: PanelContext): Panel {
  const element = el('div', 'panel-resolve');
  const summary = textArea({
    id: 'resolve-summary',
    label: 'Final summary of the impact (optional)',
    rows: 3,
    hint: 'Ctrl+Enter resolves. The update reminders stop; the post-mortem starts from this.',
  });
  const submit = () => {
    void ctx.actions.act({ type: 'resolve', ...(summary.value.trim() ? { summary: summary.value.trim() } : {}) }).then(() => {
      ctx.actions.announce('Incident resolved');
      ctx.close();
    }, () => summary.focus());
  };
  element.append(summary.element, formButtons(button('Resolve incident', { appearance: 'primary', onClick: submit, id: 'resolve-submit' }), ctx));
  return {
    name: 'resolve',
    title: 'Resolve the incident',
    element,
    onOpen: () => (summary.value = ctx.view()?.incident.summary ?? ''),
    focusFirst: () => summary.focus(),
    submit,
  };
}

export function severityPanel(ctx: PanelContext): Panel {
  const element = el('div', 'panel-severity');
  const detail = el('p', 'hint severity-detail');
  detail.id = 'severity-detail';
  const describe = (level: Severity | undefined) => {
    const choice = ctx.severities().find((s) => s.level === level);
    detail.textContent = choice ? `${choice.label}: ${choice.detail}` : '';
  };
  const reason = textField({ id: 'severity-reason', label: 'Reason for the change (optional)' });
  let group = radioGroup<Severity>([], { label: 'Severity', id: 'severity-choice' });
  const holder = el('div');
  const submit = () => {
    const level = group.value;
    const current = ctx.view()?.incident.severity;
    if (!level || level === current) {
      ctx.actions.showError(level ? `The severity is already ${level}.` : 'Choose a severity.');
      group.focus();
      return;
    }
    void ctx.actions.act({ type: 'setSeverity', severity: level, ...(reason.value.trim() ? { reason: reason.value.trim() } : {}) }).then(() => {
      reason.value = '';
      ctx.actions.announce(`Severity set to ${level}`);
      ctx.close();
    }, () => undefined);
  };
  element.append(holder, detail, reason.element, formButtons(button('Set severity', { appearance: 'primary', onClick: submit, id: 'set-severity' }), ctx));
  return {
    name: 'severity',
    title: 'Change the severity',
    element,
    onOpen: () => {
      // Built on open: the choices (with their descriptions) come from the host.
      const current = ctx.view()?.incident.severity;
      group = radioGroup(
        ctx.severities().map((s) => ({ value: s.level, label: s.label })),
        { label: 'Severity', id: 'severity-choice', value: current, onChange: describe, onSubmit: () => reason.focus() },
      );
      group.element.setAttribute('aria-describedby', detail.id);
      holder.replaceChildren(group.element);
      describe(current);
    },
    focusFirst: () => group.focus(),
    submit,
  };
}

export function rolesPanel(ctx: PanelContext): Panel {
  const element = el('div', 'panel-roles');
  const person = textField({ id: 'role-person', label: 'Person', hint: 'Enter assigns. A new name is a handoff; empty unassigns.' });
  const label = (r: Role) => ctx.view()?.incident.roles[r];
  const group = radioGroup<Role>(
    ROLES.map((r) => ({ value: r, label: ROLE_NAMES[r] })),
    {
      label: 'Role',
      id: 'role-choice',
      value: 'commander',
      onChange: (r) => (person.value = label(r) ?? ''),
      onSubmit: () => person.focus(),
    },
  );
  const holders = el('p', 'hint role-holders');
  const submit = () => {
    const role = group.value ?? 'commander';
    const name = person.value.trim();
    void ctx.actions.act({ type: 'assignRole', role, person: name }).then(() => {
      ctx.actions.announce(name ? `${ROLE_NAMES[role]}: ${name}` : `${ROLE_NAMES[role]} unassigned`);
      ctx.close();
    }, () => person.focus());
  };
  element.append(group.element, holders, person.element, formButtons(button('Assign', { appearance: 'primary', onClick: submit, id: 'assign-role' }), ctx));
  return {
    name: 'roles',
    title: 'Assign a role',
    element,
    onOpen: () => {
      const i = ctx.view()?.incident;
      const text = ROLES.filter((r) => i?.roles[r]).map((r) => `${ROLE_NAMES[r]}: ${i!.roles[r]}`).join(' · ');
      holders.textContent = text ? visibleText(`Now: ${text}`) : 'No roles assigned yet.';
      person.value = label(group.value ?? 'commander') ?? '';
    },
    focusFirst: () => group.focus(),
    submit,
  };
}

export function milestonePanel(ctx: PanelContext): Panel {
  const element = el('div', 'panel-milestone');
  const when = textField({ id: 'milestone-at', label: 'When', placeholder: 'empty for now, or 09:40, or 2026-11-24 09:40', hint: 'Empty: now.' });
  const reason = textField({ id: 'milestone-reason', label: 'Reason for a backdated time (optional)', placeholder: 'e.g. errors start at 09:40 in the graphs' });
  const choices = () => MILESTONES.map((m) => {
    const at = ctx.view()?.incident.milestones[m];
    return { value: m, label: MILESTONE_NAMES[m], ...(at ? { detail: `marked ${formatTime(at, false)}` } : {}) };
  });
  let group = radioGroup<Milestone>(choices(), { label: 'Milestone', id: 'milestone-choice' });
  const holder = el('div');
  /** The label says which zone a typed time is read in; the hint says what it was read as. */
  const explain = () => {
    const time = timeFormatter();
    const now = Date.now();
    when.label.textContent = `When (${time.inputZoneLabel(now)}; empty for now)`;
    const text = when.value.trim();
    if (!text) return setHint(when, 'Empty: now. Or a time such as 09:40 (today; yesterday if that is still ahead), or 2026-11-24 09:40.');
    const ms = time.parseInput(text, now);
    setHint(when, ms === undefined ? 'Not a time: use 09:40 or 2026-11-24 09:40.' : `Read as ${time.time(ms, { now })}.`);
  };
  when.control.addEventListener('input', explain);
  const submit = () => {
    const milestone = group.value;
    if (!milestone) {
      ctx.actions.showError('Choose a milestone.');
      group.focus();
      return;
    }
    let at: string | undefined;
    if (when.value.trim()) {
      const ms = timeFormatter().parseInput(when.value, Date.now());
      if (ms === undefined) {
        ctx.actions.showError('The time is not one this page can read: use 09:40 or 2026-11-24 09:40.');
        when.focus();
        return;
      }
      at = new Date(ms).toISOString();
    }
    const why = reason.value.trim();
    void ctx.actions.act({ type: 'markMilestone', milestone, ...(at ? { at } : {}), ...(why ? { reason: why } : {}) }).then(() => {
      when.value = '';
      reason.value = '';
      ctx.actions.announce(`${MILESTONE_NAMES[milestone]} marked`);
      ctx.close();
    }, () => when.focus());
  };
  element.append(holder, when.element, reason.element, formButtons(button('Mark milestone', { appearance: 'primary', onClick: submit, id: 'mark-milestone' }), ctx));
  return {
    name: 'milestone',
    title: 'Mark a milestone',
    element,
    onOpen: () => {
      const previous = group.value;
      group = radioGroup(choices(), { label: 'Milestone', id: 'milestone-choice', value: previous ?? firstUnmarked(ctx), onSubmit: () => when.focus() });
      holder.replaceChildren(group.element);
      explain();
    },
    focusFirst: () => group.focus(),
    submit,
  };
}

function firstUnmarked(ctx: PanelContext): Milestone {
  const marked = ctx.view()?.incident.milestones ?? {};
  return MILESTONES.find((m) => !marked[m]) ?? 'resolved';
}

/** The page's keys, as a list (`?`). */
export function keysPanel(ctx: PanelContext): Panel {
  const element = el('div', 'panel-keys');
  const list = el('dl', 'keys');
  const keys: [string, string][] = [
    ['N', 'write a note (Enter adds it, Shift+Enter starts a new line)'],
    ['S', 'set the status'],
    ['V', 'change the severity'],
    ['R', 'assign a role'],
    ['M', 'mark a milestone'],
    ['U', 'write a status update (draft, copy, post, snooze)'],
    ['J / K or ↓ / ↑', 'next / previous event (Home, End: newest, oldest)'],
    ['P', 'pin the current event as evidence, or unpin it'],
    ['C', 'correct the current event'],
    ['Escape', 'close a panel, or leave the note box'],
    ['Ctrl+Alt+N', 'from the editor or the terminal: add a note (the On-Call: Add Note key)'],
  ];
  for (const [k, what] of keys) list.append(el('dt', undefined, k), el('dd', undefined, what));
  const done = button('Close', { appearance: 'primary', onClick: () => ctx.close() });
  element.append(list, done);
  return { name: 'keys', title: 'Keys', element, focusFirst: () => done.focus() };
}
