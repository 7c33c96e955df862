// The timeline itself: events newest first, rendered in slices so thousands of them never block
// typing; filters; and the keyboard. The list is one tab stop: j/k or the arrow keys move between
// events, Home/End go to the newest/oldest, p pins, c corrects. The current row's own buttons
// join the tab order; the focus stays on a row when it is re-rendered.
import { compareEvents } from '../../incidents/eventSchema';
import type { Incident, TimelineEvent } from '../../incidents/model';
import { el } from '../dom';
import { checkbox } from '../toolkit';
import type { Actions } from './actions';
import { renderEvent } from './render';
import type { Filters } from './state';

/** Rows rendered in the first, synchronous pass: a screenful and then some. */
const FIRST_PASS = 60;
/** Time slice for each later pass, so typing and scrolling stay smooth while the rest renders. */
const SLICE_MS = 8;

export interface EventListDeps {
  actions: Actions;
  incident(): Incident | undefined;
  filters: Filters;
  onFiltersChanged(): void;
}

export class EventList {
  readonly element = el('section', 'timeline');
  readonly list = el('ol', 'events');
  events: TimelineEvent[] = [];
  readonly byId = new Map<string, TimelineEvent>();
  private generation = 0;
  /** The row that is the list's tab stop. */
  private current: HTMLElement | undefined;

  constructor(private readonly deps: EventListDeps) {
    const heading = el('h2', 'timeline-heading', 'Timeline');
    heading.id = 'timeline-heading';
    this.element.setAttribute('aria-labelledby', heading.id);
    this.list.id = 'events';
    this.list.setAttribute('aria-label', 'Events, newest first (j and k, or the arrow keys, move between them)');
    const filters = el('div', 'filters');
    filters.setAttribute('role', 'group');
    filters.setAttribute('aria-label', 'Show');
    const f = deps.filters;
    const changed = () => {
      this.applyFilters();
      deps.onFiltersChanged();
    };
    filters.append(
      el('span', 'row-label', 'Show'),
      checkbox('Notes', f.note, (c) => ((f.note = c), changed()), 'filter-note'),
      checkbox('Commands', f.command, (c) => ((f.command = c), changed()), 'filter-command'),
      checkbox('Status changes', f.status, (c) => ((f.status = c), changed()), 'filter-status'),
    );
    const top = el('div', 'timeline-top');
    top.append(heading, filters);
    this.element.append(top, this.list);
    this.applyFilters();
    this.list.addEventListener('click', (e) => this.onClick(e));
    this.list.addEventListener('keydown', (e) => this.onKey(e));
    this.list.addEventListener('focusin', (e) => {
      const row = (e.target as HTMLElement).closest('li.event') as HTMLElement | null;
      if (row) this.makeCurrent(row);
    });
  }

  applyFilters(): void {
    const f = this.deps.filters;
    this.list.classList.toggle('hide-note', !f.note);
    this.list.classList.toggle('hide-command', !f.command);
    this.list.classList.toggle('hide-status', !f.status);
  }

  reset(events: readonly TimelineEvent[]): void {
    this.events = [...events].sort(compareEvents);
    this.byId.clear();
    for (const e of this.events) this.byId.set(e.id, e);
  }

  /**
   * Renders the list newest first: the first screenful at once, the older rows in short slices
   * after it. `onDone` runs when every row is in the list.
   */
  renderAll(onFirst?: () => void, onDone?: () => void): void {
    const incident = this.deps.incident();
    if (!incident) return;
    const hadFocus = this.list.contains(document.activeElement);
    const focusedId = this.current?.dataset.id;
    const generation = ++this.generation;
    let next = this.events.length - 1;
    const pass = (limit: (count: number, started: number) => boolean) => {
      const frag = document.createDocumentFragment();
      const started = performance.now();
      let count = 0;
      while (next >= 0 && limit(count, started)) {
        frag.append(renderEvent(this.events[next], incident, this.byId));
        next -= 1;
        count += 1;
      }
      this.list.append(frag);
    };
    this.list.replaceChildren();
    this.current = undefined;
    pass((count) => count < FIRST_PASS);
    this.ensureTabStop(focusedId, hadFocus);
    onFirst?.();
    const more = () => {
      if (generation !== this.generation) return;
      pass((count, started) => count < 20 || performance.now() - started < SLICE_MS);
      if (next >= 0) setTimeout(more, 0);
      else onDone?.();
    };
    if (next >= 0) setTimeout(more, 0);
    else onDone?.();
  }

  /** Re-renders one row in place, keeping the keyboard focus on it when it had it. */
  rerenderRow(id: string): void {
    const e = this.byId.get(id);
    const incident = this.deps.incident();
    const old = this.rowOf(id);
    if (!e || !old || !incident) return;
    const hadFocus = old.contains(document.activeElement);
    const wasCurrent = old === this.current;
    const fresh = renderEvent(e, incident, this.byId);
    old.replaceWith(fresh);
    if (wasCurrent) this.makeCurrent(fresh);
    if (hadFocus) fresh.focus();
  }

  /** Adds events the host acknowledged; returns the ones that were new. */
  add(added: readonly TimelineEvent[]): TimelineEvent[] {
    const incident = this.deps.incident();
    if (!incident) return [];
    const fresh = added.filter((e) => !this.byId.has(e.id)).sort(compareEvents);
    if (fresh.length === 0) return [];
    for (const e of fresh) this.byId.set(e.id, e);
    const last = this.events[this.events.length - 1];
    if (!last || compareEvents(last, fresh[0]) <= 0) {
      // The tab stop follows the newest event unless the user has moved down the list.
      const atNewest = !this.current || this.current === this.list.firstElementChild;
      const focused = this.current?.contains(document.activeElement) ?? false;
      this.events.push(...fresh);
      for (const e of fresh) this.list.prepend(renderEvent(e, incident, this.byId));
      if (atNewest && !focused) this.ensureTabStop(undefined, false);
    } else {
      this.events = [...this.events, ...fresh].sort(compareEvents);
      this.renderAll();
    }
    // Corrections and pins change how their target looks.
    for (const e of fresh) if (e.type === 'correction' || e.type === 'pinned') this.rerenderRow(e.target);
    return fresh;
  }

  /** Puts the focus on the current row (the newest when none). */
  focus(): void {
    const row = this.current ?? this.visibleRows()[0];
    if (row) {
      this.makeCurrent(row);
      row.focus();
    }
  }

  private rowOf(id: string): HTMLElement | null {
    return this.list.querySelector(`li[data-id="${CSS.escape(id)}"]`);
  }

  private visibleRows(): HTMLElement[] {
    return [...this.list.children].filter((r): r is HTMLElement => r instanceof HTMLElement && r.offsetParent !== null);
  }

  private ensureTabStop(preferId: string | undefined, focus: boolean): void {
    const row = (preferId ? this.rowOf(preferId) : null) ?? (this.list.firstElementChild as HTMLElement | null);
    if (!row) return;
    this.makeCurrent(row);
    if (focus) row.focus();
  }

  /** The row that is the tab stop, with its buttons in the tab order. */
  private makeCurrent(row: HTMLElement): void {
    if (this.current === row) return;
    if (this.current) {
      this.current.tabIndex = -1;
      for (const b of this.current.querySelectorAll<HTMLElement>('.actions button')) b.tabIndex = -1;
    }
    this.current = row;
    row.tabIndex = 0;
    for (const b of row.querySelectorAll<HTMLElement>('.actions button')) b.tabIndex = 0;
  }

  private move(from: HTMLElement, to: 'next' | 'previous' | 'first' | 'last'): void {
    const rows = this.visibleRows();
    if (rows.length === 0) return;
    const i = rows.indexOf(from);
    const target = to === 'first' ? rows[0] : to === 'last' ? rows[rows.length - 1] : rows[Math.max(0, Math.min(rows.length - 1, i + (to === 'next' ? 1 : -1)))];
    this.makeCurrent(target);
    target.focus();
    target.scrollIntoView({ block: 'nearest' });
  }

  private onKey(e: KeyboardEvent): void {
    const target = e.target as HTMLElement;
    if (target.closest('.correction-editor')) return;
    const row = target.closest('li.event') as HTMLElement | null;
    if (!row || e.altKey || e.ctrlKey || e.metaKey) return;
    const onRow = target === row;
    switch (e.key) {
      case 'j':
      case 'ArrowDown':
        this.move(row, 'next');
        break;
      case 'k':
      case 'ArrowUp':
        this.move(row, 'previous');
        break;
      case 'Home':
        this.move(row, 'first');
        break;
      case 'End':
        this.move(row, 'last');
        break;
      case 'p':
        if (!onRow) return;
        this.pin(row);
        break;
      case 'c':
        if (!onRow) return;
        this.correct(row);
        break;
      default:
        return;
    }
    e.preventDefault();
    e.stopPropagation();
  }

  private onClick(e: Event): void {
    const target = (e.target as HTMLElement).closest('button[data-action]') as HTMLButtonElement | null;
    const row = target?.closest('li[data-id]') as HTMLElement | null;
    if (!target || !row?.dataset.id) return;
    const action = target.dataset.action;
    if (action === 'pin' || action === 'unpin') this.pin(row);
    if (action === 'correct') this.correct(row);
    if (action === 'pinEvidence') this.pinEvidence(row);
  }

  /** Pins the row's output as evidence: the lines selected in it, or the whole output. */
  private pinEvidence(row: HTMLElement): void {
    const id = row.dataset.id;
    if (!id) return;
    const range = selectedOutputLines(row);
    this.deps.actions.act({ type: 'pinEvidence', eventId: id, ...range }).then(
      () => this.deps.actions.announce(range.fromLine === undefined ? 'Output pinned as evidence' : `Lines ${range.fromLine}–${range.toLine} pinned as evidence`),
      () => undefined,
    );
  }

  private pin(row: HTMLElement): void {
    const id = row.dataset.id;
    const incident = this.deps.incident();
    if (!id || !incident) return;
    const pinned = !incident.pinned.includes(id);
    this.deps.actions.act({ type: 'pin', eventId: id, pinned }).then(
      () => this.deps.actions.announce(pinned ? 'Pinned as key evidence' : 'Unpinned'),
      () => undefined,
    );
  }

  /** Opens the correction editor under a row: a labelled box with visible Save and Cancel. */
  private correct(row: HTMLElement): void {
    const id = row.dataset.id;
    if (!id) return;
    const existing = row.querySelector<HTMLTextAreaElement>('.correction-editor textarea');
    if (existing) {
      existing.focus();
      return;
    }
    const box = el('div', 'correction-editor');
    const input = el('textarea', 'native-input');
    input.id = `correct-${id}`;
    input.rows = 2;
    const label = el('label', 'field-label', 'Corrected text (Enter saves, Shift+Enter new line, Escape cancels)');
    label.htmlFor = input.id;
    const current = this.byId.get(id);
    input.value = this.deps.incident()?.corrections?.[id] ?? (current?.type === 'note' ? current.text : '');
    const buttons = el('div', 'row');
    const save = el('button', 'text-button primary', 'Save correction');
    save.type = 'button';
    const cancel = el('button', 'text-button', 'Cancel');
    cancel.type = 'button';
    buttons.append(save, cancel);
    const close = () => {
      box.remove();
      (this.rowOf(id) ?? row).focus();
    };
    const submit = () => {
      if (!input.value.trim()) {
        this.deps.actions.showError('Write the corrected text, or cancel.');
        input.focus();
        return;
      }
      void this.deps.actions.act({ type: 'correct', eventId: id, text: input.value }).then(() => {
        this.deps.actions.announce('Correction saved');
        close();
      }, () => input.focus());
    };
    save.addEventListener('click', submit);
    cancel.addEventListener('click', close);
    box.addEventListener('keydown', (e: KeyboardEvent) => {
      if (e.key === 'Escape') {
        e.preventDefault();
        e.stopPropagation();
        close();
      } else if (e.key === 'Enter' && !e.shiftKey && e.target === input && !e.isComposing) {
        e.preventDefault();
        submit();
      }
    });
    box.append(label, input, buttons);
    row.append(box);
    input.focus();
  }
}

/** The output lines selected inside a row (by their `data-line`), or nothing for the whole output. */
function selectedOutputLines(row: HTMLElement): { fromLine?: number; toLine?: number } {
  const selection = document.getSelection();
  if (!selection || selection.isCollapsed) return {};
  const lineOf = (node: Node | null) => {
    const line = (node instanceof Element ? node : node?.parentElement)?.closest('.output-line') as HTMLElement | null;
    return line && row.contains(line) ? Number(line.dataset.line) : undefined;
  };
  const a = lineOf(selection.anchorNode);
  const b = lineOf(selection.focusNode);
  if (a === undefined || b === undefined) return {};
  return { fromLine: Math.min(a, b), toLine: Math.max(a, b) };
}

