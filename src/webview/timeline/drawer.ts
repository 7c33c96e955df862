// The action drawer: one panel at a time (status, severity, roles, milestone, update, resolve,
// keys) laid over the timeline under the sticky top, so opening one never pushes the timeline
// down. Keyboard: the panel's first control gets the focus; Enter in a one-line field (Ctrl+Enter
// in a text area) submits the panel; Escape closes it; closing puts the focus back on whatever opened it.
import { el } from '../dom';

export interface Panel {
  /** Stable name, used for ids (`panel-<name>`) and tests. */
  readonly name: string;
  readonly title: string;
  /** Built once; shown while the panel is open. */
  readonly element: HTMLElement;
  /** Called each time it opens (refresh values from the incident), before focusing. */
  onOpen?(): void;
  /** Where the keyboard focus goes when it opens. */
  focusFirst(): void;
  /** What Enter in a one-line field of the panel does. */
  submit?(): void;
}

export class Drawer {
  readonly element = el('section', 'drawer');
  private readonly heading = el('h2', 'drawer-title');
  private readonly body = el('div', 'drawer-body');
  private current: Panel | undefined;
  private opener: HTMLElement | undefined;
  private readonly openers = new Map<string, HTMLElement>();

  constructor() {
    this.element.id = 'drawer';
    this.element.setAttribute('role', 'dialog');
    this.element.setAttribute('aria-modal', 'false');
    this.heading.id = 'drawer-title';
    this.element.setAttribute('aria-labelledby', this.heading.id);
    this.element.hidden = true;
    const close = el('button', 'icon-button close');
    close.type = 'button';
    const cross = el('span', undefined, '✕ ');
    cross.setAttribute('aria-hidden', 'true');
    close.append(cross, 'Close');
    close.setAttribute('aria-keyshortcuts', 'Escape');
    close.title = 'Close the panel (Escape)';
    close.addEventListener('click', () => this.close());
    const top = el('div', 'drawer-top');
    top.append(this.heading, close);
    this.element.append(top, this.body);
    this.element.addEventListener('keydown', (e: KeyboardEvent) => this.onKey(e));
  }

  /** Ties a toolbar button to its panel: `aria-expanded` follows, and focus returns to it. */
  registerOpener(name: string, button: HTMLElement): void {
    this.openers.set(name, button);
  }

  get openPanel(): string | undefined {
    return this.current?.name;
  }

  /** Opens a panel (closing any other); `opener` gets the focus back on close. */
  open(panel: Panel, opener?: HTMLElement): void {
    // A panel opened from another (status → resolve) gives the focus back to the first opener.
    const earlier = this.current ? this.opener : undefined;
    if (this.current && this.current !== panel) this.close({ restoreFocus: false });
    this.opener = opener ?? this.openers.get(panel.name) ?? earlier ?? (document.activeElement as HTMLElement | null) ?? undefined;
    this.current = panel;
    this.heading.textContent = panel.title;
    this.element.dataset.panel = panel.name;
    this.body.replaceChildren(panel.element);
    this.element.hidden = false;
    for (const [name, b] of this.openers) b.setAttribute('aria-expanded', String(name === panel.name));
    panel.onOpen?.();
    panel.focusFirst();
  }

  /** Opens, or closes when that panel is already open. */
  toggle(panel: Panel, opener?: HTMLElement): void {
    if (this.current === panel) this.close();
    else this.open(panel, opener);
  }

  close({ restoreFocus = true } = {}): void {
    if (!this.current) return;
    this.current = undefined;
    this.element.hidden = true;
    delete this.element.dataset.panel;
    for (const b of this.openers.values()) b.setAttribute('aria-expanded', 'false');
    const back = this.opener;
    this.opener = undefined;
    if (restoreFocus && back?.isConnected) back.focus();
  }

  private onKey(e: KeyboardEvent): void {
    if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      this.close();
      return;
    }
    const target = e.target as HTMLElement;
    // Enter in a one-line field, Ctrl+Enter (Cmd+Enter) in a text area.
    const oneLine = target instanceof HTMLInputElement && !e.shiftKey;
    const area = target instanceof HTMLTextAreaElement && (e.ctrlKey || e.metaKey);
    if (e.key === 'Enter' && !e.isComposing && (oneLine || area) && this.current?.submit) {
      e.preventDefault();
      e.stopPropagation();
      this.current.submit();
    }
  }
}
