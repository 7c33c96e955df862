// Native form controls for the webview, each with a visible label that is also its accessible
// name (a <label for>), so a screen reader never announces a bare "Text field". The toolkit's
// text fields are not used: their label is slotted into a shadow root, and a field labelled
// only by `aria-label` on the host was announced without its name.
import { el } from './dom';

export interface TextInput {
  /** The label, the control and its hint, to put on the page. */
  readonly element: HTMLElement;
  readonly control: HTMLInputElement | HTMLTextAreaElement;
  readonly label: HTMLLabelElement;
  value: string;
  focus(): void;
}

interface TextOptions {
  id: string;
  label: string;
  placeholder?: string;
  /** A line under the field, announced with it (aria-describedby). */
  hint?: string;
  /** Hides the label visually; it is still the field's accessible name. */
  labelHidden?: boolean;
}

function wrap(control: HTMLInputElement | HTMLTextAreaElement, options: TextOptions): TextInput {
  control.id = options.id;
  control.className = 'native-input';
  if (options.placeholder) control.placeholder = options.placeholder;
  const label = el('label', options.labelHidden ? 'field-label visually-hidden' : 'field-label', options.label);
  label.htmlFor = options.id;
  const element = el('div', 'field');
  element.append(label, control);
  if (options.hint) {
    const hint = el('p', 'hint', options.hint);
    hint.id = `${options.id}-hint`;
    control.setAttribute('aria-describedby', hint.id);
    element.append(hint);
  }
  return {
    element,
    control,
    label,
    get value() {
      return control.value;
    },
    set value(v: string) {
      control.value = v;
    },
    focus: () => control.focus(),
  };
}

export function textField(options: TextOptions): TextInput {
  const input = document.createElement('input');
  input.type = 'text';
  input.autocomplete = 'off';
  input.spellcheck = false;
  return wrap(input, options);
}

export function textArea(options: TextOptions & { rows?: number }): TextInput {
  const area = document.createElement('textarea');
  area.rows = options.rows ?? 3;
  return wrap(area, options);
}

/** Changes the text of a field's hint (creating none). */
export function setHint(input: TextInput, text: string): void {
  const hint = input.element.querySelector('.hint');
  if (hint) hint.textContent = text;
}

export interface RadioChoice<T extends string> {
  value: T;
  label: string;
  /** A second, quieter line. */
  detail?: string;
}

export interface RadioGroup<T extends string> {
  readonly element: HTMLElement;
  value: T | undefined;
  /** Focuses the checked choice (the first when none is). */
  focus(): void;
}

/**
 * Radio buttons as one tab stop (WAI-ARIA radio group): the arrow keys move and choose; Enter
 * calls `onSubmit` (apply the choice), as does a click. The checked one is marked three ways:
 * `aria-checked`, a check mark and a filled style, so it never looks disabled.
 */
export function radioGroup<T extends string>(choices: readonly RadioChoice<T>[], options: { label: string; id: string; value?: T; onSubmit?: (value: T) => void; onChange?: (value: T) => void }): RadioGroup<T> {
  const group = el('div', 'radio-group');
  group.id = options.id;
  group.setAttribute('role', 'radiogroup');
  group.setAttribute('aria-label', options.label);
  const buttons = choices.map((c) => {
    const b = el('button', 'radio');
    b.type = 'button';
    b.setAttribute('role', 'radio');
    b.id = `${options.id}-${c.value}`;
    b.dataset.value = c.value;
    b.append(el('span', 'radio-mark'), el('span', 'radio-label', c.label));
    if (c.detail) b.append(el('span', 'radio-detail', c.detail));
    return b;
  });
  group.append(...buttons);
  let value: T | undefined;
  const set = (v: T | undefined) => {
    value = v;
    buttons.forEach((b, i) => {
      const checked = choices[i].value === v;
      b.setAttribute('aria-checked', String(checked));
      b.classList.toggle('checked', checked);
      b.querySelector('.radio-mark')!.textContent = checked ? '✓' : '';
    });
    const current = buttons.find((b) => b.dataset.value === v) ?? buttons[0];
    for (const b of buttons) b.tabIndex = b === current ? 0 : -1;
  };
  set(options.value);
  const choose = (i: number) => {
    const c = choices[(i + choices.length) % choices.length];
    set(c.value);
    buttons[choices.indexOf(c)].focus();
    options.onChange?.(c.value);
  };
  group.addEventListener('keydown', (e: KeyboardEvent) => {
    const i = buttons.indexOf(e.target as HTMLButtonElement);
    if (i < 0) return;
    if (e.key === 'ArrowDown' || e.key === 'ArrowRight') choose(i + 1);
    else if (e.key === 'ArrowUp' || e.key === 'ArrowLeft') choose(i - 1);
    else if (e.key === 'Home') choose(0);
    else if (e.key === 'End') choose(choices.length - 1);
    else if (e.key === 'Enter' || e.key === ' ') {
      set(choices[i].value);
      options.onSubmit?.(choices[i].value);
    } else return;
    e.preventDefault();
    e.stopPropagation();
  });
  group.addEventListener('click', (e) => {
    const b = (e.target as HTMLElement).closest('button.radio') as HTMLButtonElement | null;
    const i = b ? buttons.indexOf(b) : -1;
    if (i < 0) return;
    set(choices[i].value);
    options.onChange?.(choices[i].value);
    // A click on a keyboard-activated button (Enter/Space) was handled in keydown.
    if (e.detail > 0) options.onSubmit?.(choices[i].value);
  });
  return {
    element: group,
    get value() {
      return value;
    },
    set value(v: T | undefined) {
      set(v);
    },
    focus: () => (buttons.find((b) => b.tabIndex === 0) ?? buttons[0])?.focus(),
  };
}
