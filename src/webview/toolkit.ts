// The only module that touches @vscode/webview-ui-toolkit. The toolkit is deprecated upstream;
// everything else in the webview uses these few functions, so swapping it (for native elements
// or another library) means rewriting this file only.
import {
  provideVSCodeDesignSystem, vsCodeButton, vsCodeCheckbox, vsCodeDivider, vsCodeDropdown, vsCodeOption, vsCodeTextArea, vsCodeTextField,
} from '@vscode/webview-ui-toolkit';

let registered = false;

/** Registers the custom elements once. */
export function registerToolkit(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(
    vsCodeButton(), vsCodeCheckbox(), vsCodeDivider(), vsCodeDropdown(), vsCodeOption(), vsCodeTextArea(), vsCodeTextField(),
  );
}

interface ValueElement extends HTMLElement {
  value: string;
}

export interface TextInput {
  readonly element: HTMLElement;
  value: string;
  focus(): void;
}

function valueInput(element: ValueElement): TextInput {
  return {
    element,
    get value() {
      return element.value ?? '';
    },
    set value(v: string) {
      element.value = v;
    },
    focus: () => element.focus(),
  };
}

export function button(label: string, options: { onClick: () => void; appearance?: 'primary' | 'secondary'; title?: string; id?: string }): HTMLElement {
  const el = document.createElement('vscode-button');
  el.textContent = label;
  el.setAttribute('appearance', options.appearance ?? 'secondary');
  if (options.title) el.title = options.title;
  if (options.id) el.id = options.id;
  el.addEventListener('click', () => {
    if (!el.hasAttribute('disabled')) options.onClick();
  });
  return el;
}

export function setDisabled(el: HTMLElement, disabled: boolean): void {
  el.toggleAttribute('disabled', disabled);
}

export function textArea(options: { label: string; placeholder?: string; rows?: number; id?: string }): TextInput {
  const el = document.createElement('vscode-text-area') as ValueElement;
  el.textContent = options.label; // slotted: the element's visible label
  if (options.placeholder) el.setAttribute('placeholder', options.placeholder);
  el.setAttribute('rows', String(options.rows ?? 3));
  el.setAttribute('resize', 'vertical');
  if (options.id) el.id = options.id;
  return valueInput(el);
}

export function textField(options: { label: string; placeholder?: string; id?: string; size?: number }): TextInput {
  const el = document.createElement('vscode-text-field') as ValueElement;
  el.textContent = options.label;
  if (options.placeholder) el.setAttribute('placeholder', options.placeholder);
  if (options.size) el.setAttribute('size', String(options.size));
  if (options.id) el.id = options.id;
  return valueInput(el);
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

export function dropdown<T extends string>(choices: readonly Choice<T>[], options: { ariaLabel: string; id?: string; value?: T }): Select<T> {
  const el = document.createElement('vscode-dropdown') as ValueElement;
  el.setAttribute('aria-label', options.ariaLabel);
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
