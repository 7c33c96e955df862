// Asking for placeholder values: one prompt per name, once. Each prompt shows what the runbook
// says about the input (the sentence or list item that explains it); alternatives written
// `<a|b>` are a pick list; a `$NAME` variable the runbook never sets may be left empty, and then
// the terminal's own value is used. The last value used in the current incident is offered
// again (pre-filled, or first in the pick list); values of secret-looking names are typed masked
// and never remembered, logged or recorded. Memory only: nothing is written to disk.
import * as vscode from 'vscode';
import { isSecretName } from '../../shell/commandText';
import type { Placeholder } from '../../runbooks/model';
import { refuseValue } from '../../shell/quote';

export class PlaceholderMemory {
  /** Scope (incident id, or '' without one) → name → last value. */
  private readonly values = new Map<string, Map<string, string>>();

  last(scope: string, name: string): string | undefined {
    return this.values.get(scope)?.get(name);
  }

  remember(scope: string, values: Readonly<Record<string, string>>): void {
    let memory = this.values.get(scope);
    if (!memory) this.values.set(scope, (memory = new Map()));
    for (const [name, value] of Object.entries(values)) {
      if (!isSecretName(name) && value !== '') memory.set(name, value);
    }
  }
}

export interface AskOptions {
  memory: PlaceholderMemory;
  scope: string;
  allowDash: boolean;
  title: string;
  /** What the runbook says about an input, shown in its prompt. */
  describe?: (placeholder: Placeholder) => string | undefined;
  /** Values from an alert's labels, by placeholder name: prefilled for the engineer to confirm (never used unseen). */
  suggestions?: Readonly<Record<string, Suggestion>>;
  /** Said before every value of a dangerous block. */
  danger?: string;
}

/** A value offered from the label of an alert. */
export interface Suggestion {
  value: string;
  label: string;
  alert: string;
}

/** A `$NAME` variable the runbook never sets: may be left empty (the terminal's own value is used). */
export function keepsTerminalValue(p: Pick<Placeholder, 'style'>, value: string | undefined): boolean {
  return p.style === 'variable' && (value === undefined || value === '');
}

function validate(value: string, p: Placeholder, allowDash: boolean): string | undefined {
  if (keepsTerminalValue(p, value)) return undefined;
  const refused = refuseValue(value, { allowDash });
  return refused ? `This value ${refused}.` : undefined;
}

/**
 * Values for every placeholder not in `given`, asked one after the other; undefined when the
 * engineer cancels any prompt (then nothing runs).
 */
export async function askForValues(placeholders: readonly Placeholder[], given: Readonly<Record<string, string>>, options: AskOptions): Promise<Record<string, string> | undefined> {
  const values: Record<string, string> = { ...given };
  const missing = placeholders.filter((p) => !Object.prototype.hasOwnProperty.call(values, p.name));
  for (const [k, p] of missing.entries()) {
    const secret = isSecretName(p.name);
    const remembered = secret ? undefined : options.memory.last(options.scope, p.name);
    const offered = Object.prototype.hasOwnProperty.call(options.suggestions ?? {}, p.name) ? options.suggestions![p.name] : undefined;
    // A label value a typed value could not have is not offered: an input box would show it
    // altered (line breaks dropped), and the engineer would confirm a value the alert never had.
    const labelRefusal = offered ? validate(offered.value, p, options.allowDash) : undefined;
    const suggested = labelRefusal ? undefined : offered;
    const refusedLabel = labelRefusal && offered ? `the alert's label “${offered.label}” is not used: ${labelRefusal.replace(/^This value /, 'its value ')}` : undefined;
    const step = {
      title: `${options.danger ? '⚠ ' : ''}${options.title} (${k + 1}/${missing.length})`, danger: options.danger, explanation: options.describe?.(p),
      remembered: labelRefusal ? undefined : remembered, suggested, refusedLabel,
    };
    const value = p.options && p.options.length > 0 && !secret ? await pickValue(p, step, options.allowDash) : await typeValue(p, step, secret, options.allowDash);
    if (value === undefined) return undefined;
    values[p.name] = value;
  }
  return values;
}

interface Step {
  title: string;
  /** The block is dangerous: said before the value is asked. */
  danger: string | undefined;
  explanation: string | undefined;
  remembered: string | undefined;
  suggested?: Suggestion;
  /** Why the alert's label for this input was not offered. */
  refusedLabel?: string;
}

function typeValue(p: Placeholder, step: Step, secret: boolean, allowDash: boolean): Thenable<string | undefined> {
  const notes = [
    step.suggested ? `from the label “${step.suggested.label}” of the alert ${step.suggested.alert}: check it, then press Enter` : '',
    step.refusedLabel ?? '',
    secret ? 'looks secret: typed masked, never stored' : '',
    p.style === 'variable' ? `leave empty to use the terminal's own ${p.raw}` : '',
    step.remembered !== undefined && !step.suggested ? 'pre-filled with the value used last in this incident' : '',
    allowDash ? '' : 'cannot start with “-”',
  ].filter(Boolean);
  return vscode.window.showInputBox({
    title: `${step.title}: ${p.raw}`,
    prompt: `${step.danger ? `${step.danger} ` : ''}${step.explanation ? `${step.explanation} — ` : ''}Value for ${p.raw}${notes.length ? ` (${notes.join('; ')})` : ''}`,
    placeHolder: p.label !== undefined ? `the alert's ${p.label} label` : p.name,
    value: step.suggested?.value ?? step.remembered,
    password: secret,
    ignoreFocusOut: true,
    validateInput: (v) => validate(v, p, allowDash),
  });
}

/** `<a|b>`: the alternatives as a pick list (the value used last first); another value may be typed. */
function pickValue(p: Placeholder, step: Step, allowDash: boolean): Promise<string | undefined> {
  const options = p.options as string[];
  const first = step.suggested?.value ?? step.remembered;
  const ordered = first !== undefined && options.includes(first) ? [first, ...options.filter((o) => o !== first)] : options;
  const pick = vscode.window.createQuickPick<vscode.QuickPickItem>();
  pick.title = `${step.title}: ${p.raw}`;
  pick.placeholder = `${step.danger ? `${step.danger} ` : ''}${step.explanation ?? `Pick a value for ${p.raw}, or type another`}`;
  pick.ignoreFocusOut = true;
  const describe = (o: string) =>
    o === step.suggested?.value ? `from the label “${step.suggested.label}” of the alert ${step.suggested.alert}` : o === step.remembered ? 'used last in this incident' : undefined;
  const base: vscode.QuickPickItem[] = ordered.map((o) => ({ label: o, description: describe(o) }));
  const update = () => {
    const typed = pick.value.trim();
    const extra = typed !== '' && !options.includes(typed) && !validate(typed, p, allowDash) ? [{ label: typed, description: 'typed value' }] : [];
    pick.items = [...base, ...extra];
  };
  update();
  return new Promise((resolve) => {
    let done = false;
    const disposables = [
      pick.onDidChangeValue(update),
      pick.onDidAccept(() => {
        const chosen = pick.selectedItems[0]?.label;
        if (chosen === undefined) return;
        done = true;
        resolve(chosen);
        pick.hide();
      }),
      pick.onDidHide(() => {
        if (!done) resolve(undefined);
        for (const d of disposables) d.dispose();
        pick.dispose();
      }),
    ];
    pick.show();
  });
}
