// The status update composer: choose who it is for, draft it from the incident, edit it, copy
// it, mark it posted. Drafts live here (kept in the page's state and on the host), not on the
// timeline; only a posted update, or a draft kept on request, becomes an event. External
// updates start from the customer-facing summary, written once here and reused by every draft.
// The reminder can be snoozed from here too.
import type { Audience } from '../../incidents/model';
import type { UpdateDraft, WebviewMessage } from '../../protocol/timeline';
import { radioGroup, textArea, textField } from '../controls';
import { el } from '../dom';
import { button, dropdown, setAppearance, setDisabled } from '../toolkit';
import type { Panel } from './drawer';
import { formButtons, type PanelContext } from './panels';
import { formatTime } from './render';
import type { PageState } from './state';

export interface UpdatePanel extends Panel {
  /** Puts a draft into the composer (from the host, or restored after a reload). */
  show(draft: UpdateDraft): void;
}

export function updatePanel(ctx: PanelContext, state: PageState, saveState: () => void, post: (m: WebviewMessage) => void): UpdatePanel {
  const element = el('div', 'panel-update');
  let nextUpdateAt: string | undefined = state.update?.nextUpdateAt;

  const audience = radioGroup<Audience>(
    [
      { value: 'internal', label: 'Internal', detail: 'the team and the company' },
      { value: 'external', label: 'External', detail: 'customers, the status page' },
    ],
    { label: 'Who the update is for', id: 'update-audience', value: state.audience, onChange: (a) => audienceChanged(a), onSubmit: () => draftButton.focus() },
  );

  // The customer-facing summary: external drafts use it and nothing else from the incident.
  const customer = el('div', 'customer-summary');
  const summary = textField({
    id: 'customer-summary',
    label: 'Customer-facing summary',
    placeholder: 'e.g. Some customers cannot see parcel tracking updates in the app.',
    hint: 'What customers notice, in their words; written once, reused by every external draft. Never the internal title or hosts.',
  });
  const saveSummary = button('Save summary', { id: 'save-customer-summary', onClick: () => void submitSummary() });
  customer.append(summary.element, saveSummary);

  const draftButton = button('Draft', { id: 'draft-update', onClick: () => void draft(), title: 'Fill in a draft from the incident and what changed since the last update' });
  const text = textArea({ id: 'update-text', label: 'Update text (edit it before posting)', rows: 7 });
  const promise = el('p', 'hint promise');
  promise.id = 'update-promise';
  text.control.setAttribute('aria-describedby', promise.id);
  const copy = button('Copy', { id: 'copy-update', onClick: () => void copyText() });
  const posted = button('Mark as posted', { id: 'mark-posted', onClick: () => void markPosted() });
  const keep = button('Keep on the timeline', { id: 'keep-draft', onClick: () => void keepDraft(), title: 'Record this draft as an event (drafts are not recorded otherwise)' });

  // Snoozing the reminder, with a reason (recorded).
  const snooze = el('div', 'snooze');
  const snoozeLabel = el('span', 'field-label', 'Snooze the reminder for');
  snoozeLabel.id = 'snooze-minutes-label';
  const minutes = dropdown<string>(['10', '15', '30', '60'].map((m) => ({ value: m, label: `${m} min` })), { ariaLabel: 'Snooze the reminder for', id: 'snooze-minutes', labelledBy: snoozeLabel.id });
  const reason = textField({ id: 'snooze-reason', label: 'Why the update can wait' });
  const snoozeButton = button('Snooze', { id: 'snooze', onClick: () => void submitSnooze() });
  const minutesField = el('div', 'field');
  minutesField.append(snoozeLabel, minutes.element);
  snooze.append(el('h3', undefined, 'Reminder'), minutesField, reason.element, snoozeButton);

  // In keyboard order: who it is for, (the customer summary,) Draft, the text, Mark as posted.
  const draftRow = el('div', 'row draft-row');
  draftRow.append(draftButton);
  element.append(audience.element, customer, draftRow, text.element, promise, formButtons(posted, ctx, copy, keep), snooze);

  let sendTimer: ReturnType<typeof setTimeout> | undefined;
  const remember = () => {
    const d: UpdateDraft = { audience: audience.value ?? 'internal', text: text.value, ...(nextUpdateAt ? { nextUpdateAt } : {}) };
    state.audience = d.audience;
    state.update = d;
    saveState();
    clearTimeout(sendTimer);
    sendTimer = setTimeout(() => post({ type: 'updateDraftChanged', draft: { ...d, text: d.text.slice(0, 100_000) } }), 400);
  };

  /** The primary action is Mark as posted only once there is text to post. */
  const refresh = () => {
    const has = text.value.trim() !== '';
    setAppearance(posted, has ? 'primary' : 'secondary');
    setDisabled(posted, !has);
    setDisabled(copy, !has);
    setDisabled(keep, !has);
    setAppearance(draftButton, has ? 'secondary' : 'primary');
    const external = audience.value === 'external';
    customer.hidden = !external;
    const current = ctx.view()?.incident.customerSummary ?? '';
    if (external && document.activeElement !== summary.control && !summary.value) summary.value = current;
    promise.textContent = nextUpdateAt
      ? `This update promises the next one by ${formatTime(nextUpdateAt, false)}; the reminder will follow that time once it is posted.`
      : text.value.trim()
        ? 'No next-update time from a draft: once posted, the reminder follows the severity’s rhythm.'
        : 'Draft fills this in from the incident; edit it, then copy it and mark it as posted.';
  };

  function audienceChanged(a: Audience): void {
    state.audience = a;
    if (text.value.trim()) ctx.actions.announce('Audience changed: draft again to rewrite the text for it');
    remember();
    refresh();
  }

  text.control.addEventListener('input', () => {
    remember();
    refresh();
  });

  async function submitSummary(): Promise<void> {
    const value = summary.value.trim();
    if (!value) {
      ctx.actions.showError('Write what customers notice first.');
      summary.focus();
      return;
    }
    await ctx.actions.act({ type: 'setCustomerSummary', text: value }).then(() => {
      ctx.actions.announce('Customer-facing summary saved');
      draftButton.focus();
    }, () => summary.focus());
  }

  async function draft(): Promise<void> {
    const a = audience.value ?? 'internal';
    const result = (await ctx.actions.act({ type: 'draftUpdate', audience: a }).catch(() => undefined)) as { text?: unknown; nextUpdateAt?: unknown } | undefined;
    if (!result || typeof result.text !== 'string') return;
    text.value = result.text;
    nextUpdateAt = typeof result.nextUpdateAt === 'string' ? result.nextUpdateAt : undefined;
    remember();
    refresh();
    ctx.actions.announce(`${a === 'external' ? 'External' : 'Internal'} draft written; edit it, then copy it and mark it as posted`);
    text.focus();
  }

  async function copyText(): Promise<void> {
    if (!text.value.trim()) return;
    await ctx.actions.act({ type: 'copyText', text: text.value }).then(() => {
      copy.textContent = 'Copied ✓';
      ctx.actions.announce('The update is on the clipboard');
      setTimeout(() => (copy.textContent = 'Copy'), 2500);
    }, () => undefined);
  }

  const clear = () => {
    text.value = '';
    nextUpdateAt = undefined;
    remember();
    refresh();
  };

  async function markPosted(): Promise<void> {
    if (!text.value.trim()) {
      ctx.actions.showError('Draft or write the update first.');
      text.focus();
      return;
    }
    const a = audience.value ?? 'internal';
    await ctx.actions.act({ type: 'markPosted', audience: a, text: text.value, ...(nextUpdateAt ? { nextUpdateAt } : {}) }).then(() => {
      clear();
      ctx.actions.announce(`${a === 'external' ? 'External' : 'Internal'} update recorded as posted`);
      ctx.close();
    }, () => text.focus());
  }

  async function keepDraft(): Promise<void> {
    if (!text.value.trim()) return;
    await ctx.actions.act({ type: 'keepDraft', audience: audience.value ?? 'internal', text: text.value }).then(() => ctx.actions.announce('Draft kept on the timeline'), () => undefined);
  }

  async function submitSnooze(): Promise<void> {
    const why = reason.value.trim();
    if (!why) {
      ctx.actions.showError('Say why the update can wait (it goes on the timeline).');
      reason.focus();
      return;
    }
    await ctx.actions.act({ type: 'snooze', minutes: Number(minutes.value), reason: why }).then(() => {
      reason.value = '';
      ctx.actions.announce(`Reminder snoozed for ${minutes.value} min`);
      ctx.close();
    }, () => reason.focus());
  }

  if (state.update) text.value = state.update.text;
  refresh();

  return {
    name: 'update',
    title: 'Status update',
    element,
    onOpen: refresh,
    focusFirst: () => (text.value.trim() ? text.focus() : audience.focus()),
    // Enter in a one-line field: the summary saves, the snooze reason snoozes.
    submit: () => {
      if (document.activeElement === summary.control) void submitSummary();
      else if (document.activeElement === reason.control) void submitSnooze();
    },
    show(d: UpdateDraft) {
      audience.value = d.audience;
      state.audience = d.audience;
      text.value = d.text;
      nextUpdateAt = d.nextUpdateAt;
      remember();
      refresh();
    },
  };
}
