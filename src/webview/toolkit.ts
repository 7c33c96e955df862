// The only module that touches @vscode/webview-ui-toolkit. The toolkit is deprecated upstream;
// everything else in the webview uses these few functions, so swapping it (for native elements
// or another library) means rewriting this file only. Text fields and radio groups are native
// (src/webview/controls.ts): they need labels the toolkit's shadow roots do not carry through.
import { provideVSCodeDesignSystem, vsCodeButton, vsCodeCheckbox, vsCodeDivider, vsCodeDropdown, vsCodeOption } from '@vscode/webview-ui-toolkit';

let registered = false;

/** Registers the custom elements once. */
export function registerToolkit(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(vsCodeButton(), vsCodeCheckbox(), vsCodeDivider(), vsCodeDropdown(), vsCodeOption());
}

interface ValueElement extends HTMLElement {
  value: string;
}

export interface ButtonOptions {
  onClick: () => void;
  appearance?: 'primary' | 'secondary';
  title?: string;
  id?: string;
  /** The key that does the same on this page (`aria-keyshortcuts`, shown in the tooltip). */
  shortcut?: string;
  /** Says that the button opens a panel, and whether it is open (`aria-expanded`). */
  opensPanel?: boolean;
}

export function button(label: string, options: ButtonOptions): HTMLElement {
  const el = document.createElement('vscode-button');
  el.textContent = label;
  el.setAttribute('appearance', options.appearance ?? 'secondary');
  const title = [options.title, options.shortcut ? `(key: ${options.shortcut})` : ''].filter(Boolean).join(' ');
  if (title) el.title = title;
  if (options.id) el.id = options.id;
  if (options.shortcut) el.setAttribute('aria-keyshortcuts', options.shortcut);
  if (options.opensPanel) {
    el.setAttribute('aria-haspopup', 'dialog');
    el.setAttribute('aria-expanded', 'false');
  }
  el.addEventListener('click', () => {
    if (!el.hasAttribute('disabled')) options.onClick();
  });
  return el;
}

export function setDisabled(el: HTMLElement, disabled: boolean): void {
  el.toggleAttribute('disabled', disabled);
}

export function setAppearance(el: HTMLElement, appearance: 'primary' | 'secondary'): void {
  el.setAttribute('appearance', appearance);
}

export interface Choice<T extends string> {
  value: T;
  label: string;
  title?: string;
}

export interface Select<T extends string> {
  readonly element: HTMLElement;
  value: T;
}

/** A drop-down; `labelledBy` names the element whose text is its accessible name. */
export function dropdown<T extends string>(choices: readonly Choice<T>[], options: { ariaLabel: string; id?: string; value?: T; labelledBy?: string }): Select<T> {
  const el = document.createElement('vscode-dropdown') as ValueElement;
  el.setAttribute('aria-label', options.ariaLabel);
  if (options.labelledBy) el.setAttribute('aria-labelledby', options.labelledBy);
  if (options.id) el.id = options.id;
  for (const c of choices) {
    const opt = document.createElement('vscode-option');
    opt.setAttribute('value', c.value);
    opt.textContent = c.label;
    if (c.title) opt.title = c.title;
    if (c.value === options.value) opt.setAttribute('selected', '');
    el.appendChild(opt);
  }
  return {
    element: el,
    get value() {
      return (el.value || choices[0]?.value) as T;
    },
    set value(v: T) {
      el.value = v;
    },
  };
}

export function checkbox(label: string, checked: boolean, onChange: (checked: boolean) => void, id?: string): HTMLElement {
  const el = document.createElement('vscode-checkbox') as HTMLElement & { checked: boolean };
  el.textContent = label;
  if (checked) el.setAttribute('checked', '');
  if (id) el.id = id;
  el.addEventListener('change', () => onChange(Boolean(el.checked)));
  return el;
}

/**
 * A badge. Not the toolkit's `vscode-badge`: its template binds a `style` attribute, which a
 * strict policy (no 'unsafe-inline' styles) blocks and reports. A span with theme colours
 * (see .badge in media/timeline.css) looks the same.
 */
export function badge(text: string, className?: string): HTMLElement {
  const el = document.createElement('span');
  el.textContent = text;
  el.className = className ? `badge ${className}` : 'badge';
  return el;
}

export function divider(): HTMLElement {
  const el = document.createElement('vscode-divider');
  el.setAttribute('role', 'separator');
  return el;
}
