// Our own integrated terminals: named, reused per incident (or per runbook when no incident is
// active) so `cd` and `export` carry from block to block, never the engineer's own terminal,
// and never a busy one — `executeCommand` sends Ctrl+C to whatever runs, so a terminal that is
// running something (a block of ours, or a command typed by hand) makes us open another.
import { existsSync } from 'node:fs';
import * as vscode from 'vscode';
import { historyGuard, historyShell } from '../../shell/history';
import type { StepEnd, StepExecution, StepRunner } from '../../shell/runSteps';
import { UserError } from '../commandRegistry';

interface Slot {
  terminal: vscode.Terminal;
  key: string;
}

const BASH_CANDIDATES = ['/bin/bash', '/usr/bin/bash', '/usr/local/bin/bash', '/opt/homebrew/bin/bash', 'C:\\Program Files\\Git\\bin\\bash.exe'];

/**
 * The shell for our terminals: the user's default when it is bash or zsh (shells with VS Code
 * shell integration and POSIX quoting), else bash. Without either we refuse: our quoting is
 * POSIX, and another shell would read the values differently.
 */
export function chooseShell(defaultShell: string): string {
  const base = (defaultShell.split(/[\\/]/).pop() ?? '').toLowerCase().replace(/\.exe$/, '');
  if (base === 'bash' || base === 'zsh') return defaultShell;
  const bash = BASH_CANDIDATES.find((p) => existsSync(p));
  if (bash) return bash;
  throw new UserError('Running runbook commands needs bash or zsh (POSIX quoting and shell integration), and neither was found.');
}

/** Longest title in a terminal's name: the terminal tabs show about this much. */
const NAME_TITLE_CHARS = 28;

function shorten(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat;
}

/**
 * A terminal's name, readable where the tabs cut it: what it is about first. An incident's
 * terminal is named after its title (then its id); a runbook's after the runbook's title.
 */
export function terminalName(kind: 'incident' | 'runbook', label: string, incidentTitle?: string): string {
  if (kind === 'incident') return incidentTitle?.trim() ? `${shorten(incidentTitle, NAME_TITLE_CHARS)} — ${label}` : label;
  return shorten(label, NAME_TITLE_CHARS) || 'Runbook';
}

export class RunTerminals implements vscode.Disposable {
  private readonly slots: Slot[] = [];
  /** The execution each of our terminals is running (ours or typed by hand), from the shell integration events. */
  private readonly executing = new Map<vscode.Terminal, vscode.TerminalShellExecution>();
  /** Terminals a run of ours holds (between commands too). */
  private readonly held = new Set<vscode.Terminal>();
  /** Terminals with a command typed but not run (no shell integration): never reused. */
  private readonly abandoned = new Set<vscode.Terminal>();
  /** Terminals whose shell already leaves lines led by a space out of its history. */
  private readonly historyGuarded = new Set<vscode.Terminal>();
  private readonly subscriptions: vscode.Disposable[] = [];

  /** `incidentTitle`: the title of an incident (by id), for its terminal's name. */
  constructor(private readonly incidentTitle: (incidentId: string) => string | undefined = () => undefined) {
    this.subscriptions.push(
      vscode.window.onDidStartTerminalShellExecution((e) => {
        if (this.isOurs(e.terminal)) this.executing.set(e.terminal, e.execution);
      }),
      vscode.window.onDidEndTerminalShellExecution((e) => {
        if (this.executing.get(e.terminal) === e.execution) this.executing.delete(e.terminal);
      }),
      vscode.window.onDidCloseTerminal((t) => this.forget(t)),
    );
  }

  isOurs(terminal: vscode.Terminal): boolean {
    return this.slots.some((s) => s.terminal === terminal);
  }

  isBusy(terminal: vscode.Terminal): boolean {
    return this.held.has(terminal) || this.executing.has(terminal) || this.abandoned.has(terminal) || terminal.exitStatus !== undefined;
  }

  /**
   * A terminal for `key` (incident or runbook) that is idle, or a new one named after `label`.
   * `fresh` always opens a new one. The terminal is held until `release`.
   */
  acquire(key: string, label: string, options: { fresh: boolean; cwd?: vscode.Uri; shellPath: string }): { terminal: vscode.Terminal; created: boolean } {
    if (!options.fresh) {
      const idle = this.slots.find((s) => s.key === key && !this.isBusy(s.terminal));
      if (idle) {
        this.held.add(idle.terminal);
        return { terminal: idle.terminal, created: false };
      }
    }
    const taken = new Set(vscode.window.terminals.map((t) => t.name));
    const kind = key.startsWith('incident:') ? 'incident' : 'runbook';
    const base = terminalName(kind, label, kind === 'incident' ? this.incidentTitle(label) : undefined);
    let name = base;
    for (let n = 2; taken.has(name); n++) name = `${base} (${n})`;
    const terminal = vscode.window.createTerminal({
      name,
      shellPath: options.shellPath,
      ...(options.cwd ? { cwd: options.cwd } : {}),
      iconPath: new vscode.ThemeIcon(kind === 'incident' ? 'flame' : 'book'),
      // Bash leaves lines that start with a space out of its history: we send secrets that way
      // (guardHistory sets it again, and zsh's option, once the start-up files have run).
      env: { HISTCONTROL: 'ignorespace' },
      isTransient: true,
    });
    this.slots.push({ terminal, key });
    this.held.add(terminal);
    return { terminal, created: true };
  }

  /**
   * Before the first command with a secret in a terminal: the line that makes its shell leave
   * space-led lines out of the history (src/shell/history.ts), run once, after the user's
   * start-up files, which may have reset the setting the terminal was started with. Resolves to
   * why the guard could not be confirmed (then no secret may be sent), or undefined.
   */
  async guardHistory(terminal: vscode.Terminal, integration: vscode.TerminalShellIntegration | undefined, waitMs: number): Promise<string | undefined> {
    if (this.historyGuarded.has(terminal)) return undefined;
    const shell = historyShell((terminal.creationOptions as vscode.TerminalOptions).shellPath ?? '');
    const guard = shell && historyGuard(shell);
    if (!guard) {
      this.historyGuarded.add(terminal);
      return undefined;
    }
    if (!integration) {
      // Typed with Enter before the command, which is typed without: the shell reads the guard first.
      terminal.sendText(guard, true);
      this.historyGuarded.add(terminal);
      return undefined;
    }
    const { ended } = new ShellIntegrationRunner(terminal, integration).execute(guard);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const end = await Promise.race([ended, new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), waitMs)))]);
    clearTimeout(timer);
    if (end?.exitCode !== 0) return end ? `the history guard ended with ${end.exitCode === null ? `an unknown exit code (${end.unknownReason ?? 'no reason given'})` : `exit code ${end.exitCode}`}` : `the history guard did not finish within ${Math.round(waitMs / 1000)} s`;
    this.historyGuarded.add(terminal);
    return undefined;
  }

  release(terminal: vscode.Terminal): void {
    this.held.delete(terminal);
  }

  /** A command was typed without Enter: the terminal's prompt is the engineer's now. */
  abandon(terminal: vscode.Terminal): void {
    this.abandoned.add(terminal);
  }

  private forget(terminal: vscode.Terminal): void {
    const k = this.slots.findIndex((s) => s.terminal === terminal);
    if (k >= 0) this.slots.splice(k, 1);
    this.executing.delete(terminal);
    this.held.delete(terminal);
    this.abandoned.delete(terminal);
    this.historyGuarded.delete(terminal);
  }

  dispose(): void {
    for (const s of this.subscriptions) s.dispose();
  }
}

/** Waits for the terminal's shell integration, up to `timeoutMs`. */
export function waitForShellIntegration(terminal: vscode.Terminal, timeoutMs: number): Promise<vscode.TerminalShellIntegration | undefined> {
  if (terminal.shellIntegration) return Promise.resolve(terminal.shellIntegration);
  return new Promise((resolve) => {
    const done = (value: vscode.TerminalShellIntegration | undefined) => {
      clearTimeout(timer);
      changed.dispose();
      closed.dispose();
      resolve(value);
    };
    const changed = vscode.window.onDidChangeTerminalShellIntegration((e) => {
      if (e.terminal === terminal) done(e.shellIntegration);
    });
    const closed = vscode.window.onDidCloseTerminal((t) => {
      if (t === terminal) done(undefined);
    });
    const timer = setTimeout(() => done(terminal.shellIntegration), timeoutMs);
  });
}

/**
 * In a new terminal, shell integration comes up before the first prompt is drawn. Text sent in
 * between is read by the pty in line mode (echoed early, and cut at 4 KiB). The working
 * directory is reported just before the prompt: wait for it (bounded), then a moment more.
 */
export async function waitForFirstPrompt(terminal: vscode.Terminal, timeoutMs = 2000): Promise<void> {
  if (!terminal.shellIntegration?.cwd) {
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        changed.dispose();
        resolve();
      };
      const changed = vscode.window.onDidChangeTerminalShellIntegration((e) => {
        if (e.terminal === terminal && e.shellIntegration.cwd) done();
      });
      const timer = setTimeout(done, timeoutMs);
    });
  }
  await new Promise((resolve) => setTimeout(resolve, 150));
}

function describeExit(status: vscode.TerminalExitStatus | undefined): string {
  if (!status) return 'the terminal was closed';
  const code = status.code === undefined ? '' : ` (exit code ${status.code})`;
  switch (status.reason) {
    case vscode.TerminalExitReason.User: return `the terminal was closed${code}`;
    case vscode.TerminalExitReason.Process: return `the shell exited${code}`;
    case vscode.TerminalExitReason.Shutdown: return 'the window was closed';
    default: return `the terminal ended${code}`;
  }
}

/**
 * Runs commands through shell integration; the end comes from the end event, a close or the
 * shell dying. The execution is matched by what starts next in our (held, idle) terminal, not
 * only by the object `executeCommand` returns: VS Code pairs the two by comparing command
 * lines, and the line bash reports can differ from ours (HISTCONTROL=ignoreboth makes it report
 * `$BASH_COMMAND`, the first simple command; a line starting with a space is not in history),
 * in which case VS Code starts a new execution object and ours never ends.
 *
 * A command is not sent right after the previous one ended: the end is reported at the start of
 * the shell's prompt hook, and VS Code sends Ctrl+C before a command while it still sees text
 * after the prompt (the previous line, until the new prompt is drawn). zsh takes that Ctrl+C
 * inside its prompt hook, which then stops before marking the prompt, and shell integration
 * misses the next command altogether (no start, no end).
 */
export class ShellIntegrationRunner implements StepRunner {
  constructor(
    private readonly terminal: vscode.Terminal,
    private readonly integration: vscode.TerminalShellIntegration,
  ) {}

  execute(commandLine: string): StepExecution {
    const output = new ChunkQueue();
    const tracked = new Set<vscode.TerminalShellExecution>();
    let started = false;
    let settled = false;
    let settle!: (end: StepEnd) => void;
    const ended = new Promise<StepEnd>((resolve) => (settle = resolve));
    const finish = (end: StepEnd) => {
      for (const s of subscriptions) s.dispose();
      clearInterval(poll);
      settle(end);
    };
    const pipe = (execution: vscode.TerminalShellExecution) => {
      output.follow(execution.read());
    };
    const subscriptions = [
      vscode.window.onDidStartTerminalShellExecution((e) => {
        if (e.terminal !== this.terminal || started) return;
        started = true;
        if (!tracked.has(e.execution)) {
          tracked.add(e.execution);
          pipe(e.execution);
        }
      }),
      vscode.window.onDidEndTerminalShellExecution((e) => {
        if (!tracked.has(e.execution)) return;
        finish(e.exitCode === undefined ? { exitCode: null, unknownReason: 'the shell did not report an exit code' } : { exitCode: e.exitCode });
      }),
      vscode.window.onDidCloseTerminal((t) => {
        if (t === this.terminal) finish({ exitCode: null, unknownReason: describeExit(t.exitStatus) });
      }),
    ];
    // A shell that dies can leave its terminal open with a message, without a close event.
    const poll = setInterval(() => {
      if (this.terminal.exitStatus) finish({ exitCode: null, unknownReason: describeExit(this.terminal.exitStatus) });
    }, 1000);
    void promptDrawn(this.terminal).then(() => {
      if (settled) return;
      const execution = this.integration.executeCommand(commandLine);
      tracked.add(execution);
      // Read at once: output that comes before the first read is lost.
      pipe(execution);
    });
    void ended.then(() => {
      settled = true;
      lastEnd.set(this.terminal, Date.now());
      output.close();
    });
    return { ended, output };
  }
}

/** When the last command run through shell integration ended, per terminal. */
const lastEnd = new WeakMap<vscode.Terminal, number>();
/** How long after an end the shell has drawn its next prompt (its prompt hook runs in between). */
const PROMPT_SETTLE_MS = 400;

function promptDrawn(terminal: vscode.Terminal): Promise<void> {
  const since = Date.now() - (lastEnd.get(terminal) ?? 0);
  return since >= PROMPT_SETTLE_MS ? Promise.resolve() : new Promise((resolve) => setTimeout(resolve, PROMPT_SETTLE_MS - since));
}

/** Chunks from one or more streams, as one stream that ends when closed. */
class ChunkQueue implements AsyncIterable<string> {
  private readonly chunks: string[] = [];
  private waiting: (() => void) | undefined;
  private closed = false;

  follow(stream: AsyncIterable<string>): void {
    void (async () => {
      try {
        for await (const chunk of stream) this.push(chunk);
      } catch {
        // Output is best effort.
      }
    })();
  }

  private push(chunk: string): void {
    this.chunks.push(chunk);
    this.wake();
  }

  close(): void {
    // VS Code flushes an execution's data before its end event; a short grace covers a
    // second stream (see ShellIntegrationRunner) still delivering.
    setTimeout(() => {
      this.closed = true;
      this.wake();
    }, 30);
  }

  private wake(): void {
    const w = this.waiting;
    this.waiting = undefined;
    w?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<string> {
    for (;;) {
      while (this.chunks.length) yield this.chunks.shift()!;
      if (this.closed) return;
      await new Promise<void>((resolve) => (this.waiting = resolve));
    }
  }
}
