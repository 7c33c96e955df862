// One place that turns command handlers into registered VS Code commands, with the rules every
// command follows (architecture.md, "The public surface"):
// - called from the palette (no argument), a handler may prompt; called with an argument
//   object it never prompts, and whatever cannot be done is an error for the caller;
// - a command that runs workspace content checks workspace trust in the handler itself;
// - a UserError is shown as a message, not as a crash, and logged.
import * as vscode from 'vscode';
import type { BaseServices } from './services';

/** An error whose message is meant for the user (bad input, a refused action). */
export class UserError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UserError';
  }
}

export interface CommandContext {
  /** True when the command was called with an argument object: never prompt. */
  readonly fromCode: boolean;
}

export interface CommandSpec {
  id: string;
  /** Why this command needs a trusted workspace; omitted for commands safe in Restricted Mode. */
  requiresTrust?: string;
  run(arg: Record<string, unknown> | undefined, ctx: CommandContext): unknown;
}

/** Arguments from code are plain objects; anything else (a tree item, a URI) is passed through as `{ target }`. */
export function normalizeArgument(arg: unknown): Record<string, unknown> | undefined {
  if (arg === undefined || arg === null) return undefined;
  if (typeof arg === 'object' && Object.getPrototypeOf(arg) === Object.prototype) {
    return arg as Record<string, unknown>;
  }
  return { target: arg };
}

export function registerCommands(base: BaseServices, specs: readonly CommandSpec[]): void {
  for (const spec of specs) {
    base.context.subscriptions.push(
      vscode.commands.registerCommand(spec.id, async (rawArg: unknown) => {
        const arg = normalizeArgument(rawArg);
        // A tree item or URI argument comes from a UI gesture: prompting is fine then.
        const fromCode = arg !== undefined && !('target' in arg);
        try {
          if (spec.requiresTrust && !vscode.workspace.isTrusted) {
            throw new UntrustedError(spec.requiresTrust);
          }
          // Called from code before the index and the incident store are loaded: wait, rather
          // than answer from half-loaded state (api.ready).
          if (fromCode && base.ready) await untilReady(base);
          return await spec.run(arg, { fromCode });
        } catch (err) {
          return reportFailure(base, spec.id, err, fromCode);
        }
      }),
    );
  }
}

/** How long a command called from code waits for readiness before going ahead anyway. */
const READY_WAIT_MS = 120_000;

async function untilReady(base: BaseServices): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<'late'>((r) => (timer = setTimeout(() => r('late'), READY_WAIT_MS)));
  const outcome = await Promise.race([base.ready!.then(() => 'ready' as const, () => 'ready' as const), late]);
  clearTimeout(timer);
  if (outcome === 'late') base.log.warn(`the index and incident store were not ready after ${READY_WAIT_MS / 1000} s; going ahead`);
}

class UntrustedError extends UserError {
  constructor(reason: string) {
    super(`This workspace is in Restricted Mode: ${reason}`);
  }
}

async function reportFailure(base: BaseServices, id: string, err: unknown, fromCode: boolean): Promise<undefined> {
  const message = err instanceof Error ? err.message : String(err);
  if (err instanceof UserError) {
    base.log.warn(`${id}: ${message}`);
  } else {
    base.log.error(`${id} failed`, err instanceof Error ? err : new Error(message));
  }
  if (fromCode) throw err instanceof Error ? err : new Error(message);
  if (err instanceof UntrustedError) {
    const manage = 'Manage Workspace Trust';
    void vscode.window.showWarningMessage(message, manage).then((choice) => {
      if (choice === manage) void vscode.commands.executeCommand('workbench.trust.manage');
    });
  } else if (err instanceof UserError) {
    void vscode.window.showWarningMessage(message);
  } else {
    void vscode.window.showErrorMessage(`On-Call: ${message}`);
  }
  return undefined;
}
