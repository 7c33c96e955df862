// Asking for placeholder values: one input box per name, once. The last value used in the
// current incident is offered as the default; values of secret-looking names are typed masked
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
      if (!isSecretName(name)) memory.set(name, value);
    }
  }
}

/**
 * Values for every placeholder not in `given`, asked one after the other; undefined when the
 * engineer cancels any prompt (then nothing runs).
 */
export async function askForValues(
  placeholders: readonly Placeholder[],
  given: Readonly<Record<string, string>>,
  options: { memory: PlaceholderMemory; scope: string; allowDash: boolean; title: string; /** Said before every value of a dangerous block. */ danger?: string },
): Promise<Record<string, string> | undefined> {
  const values: Record<string, string> = { ...given };
  const missing = placeholders.filter((p) => !Object.prototype.hasOwnProperty.call(values, p.name));
  for (const [k, p] of missing.entries()) {
    const secret = isSecretName(p.name);
    const remembered = secret ? undefined : options.memory.last(options.scope, p.name);
    const value = await vscode.window.showInputBox({
      title: `${options.danger ? '⚠ ' : ''}${options.title} (${k + 1}/${missing.length})`,
      prompt: `${options.danger ? `${options.danger} ` : ''}Value for ${p.raw}${secret ? ' — looks secret: typed masked, never stored' : ''}${options.allowDash ? '' : ' (cannot start with “-”)'}`,
      placeHolder: p.name,
      value: remembered,
      password: secret,
      ignoreFocusOut: true,
      validateInput: (v) => {
        const refused = refuseValue(v, { allowDash: options.allowDash });
        return refused ? `This value ${refused}.` : undefined;
      },
    });
    if (value === undefined) return undefined;
    values[p.name] = value;
  }
  return values;
}
