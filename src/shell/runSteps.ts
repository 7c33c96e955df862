// Running a block's commands one after the other in one shell, stopping at the first failure
// (see commandText.ts for what a command is). The terminal is behind the StepRunner interface,
// so this logic — stop rules, the watchdog, the bounded output tail — is tested without an
// editor; the VS Code adapter implements StepRunner with shell integration.

export interface StepEnd {
  /** The command's exit code, or null when the terminal could not tell. */
  exitCode: number | null;
  /** Why the exit code is unknown (terminal closed, shell died …). */
  unknownReason?: string;
}

export interface StepExecution {
  /** Settles when the command ends, the terminal closes or the shell dies. */
  ended: Promise<StepEnd>;
  /** The command's output as it comes; may be absent. */
  output?: AsyncIterable<string>;
}

export interface StepRunner {
  execute(commandLine: string): StepExecution;
}

export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const realTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export interface RunStepsOptions {
  /** A command whose end is not reported within this time is recorded as unknown. */
  watchdogMs: number;
  timers?: Timers;
  /** Characters of output kept (the tail). */
  tailChars?: number;
  /** Values to mask in the output tail. */
  secrets?: readonly string[];
  /** How long to wait for the rest of the output once a command has ended. */
  drainMs?: number;
}

export interface StepsResult {
  /** The first non-zero exit code, 0 when every command succeeded, null when one was unknown. */
  exitCode: number | null;
  unknownReason?: string;
  durationMs: number;
  /** The last characters of the output, escape sequences removed, secrets masked. */
  outputTail: string;
  /** How many commands were started. */
  stepsRun: number;
  /** Index of the command that failed or ended unknown, if any. */
  stoppedAt?: number;
}

/** Runs the steps in order; stops at the first one that fails or whose end is unknown. */
export async function runSteps(runner: StepRunner, steps: readonly string[], options: RunStepsOptions): Promise<StepsResult> {
  const timers = options.timers ?? realTimers;
  const tail = new OutputTail(options.tailChars ?? 4000);
  const started = timers.now();
  let stepsRun = 0;
  for (let k = 0; k < steps.length; k++) {
    stepsRun++;
    const execution = runner.execute(steps[k]);
    const reading = execution.output ? drain(execution.output, tail) : Promise.resolve();
    let watchdog: unknown;
    const timedOut = new Promise<StepEnd>((resolve) => {
      watchdog = timers.setTimeout(
        () => resolve({ exitCode: null, unknownReason: `the terminal reported no end within ${formatMinutes(options.watchdogMs)} (watchdog)` }),
        options.watchdogMs,
      );
    });
    const end = await Promise.race([execution.ended, timedOut]);
    timers.clearTimeout(watchdog);
    // Output can trail the end event a little; wait for it, briefly.
    let drainTimer: unknown;
    await Promise.race([reading, new Promise<void>((resolve) => (drainTimer = timers.setTimeout(resolve, options.drainMs ?? 150)))]);
    timers.clearTimeout(drainTimer);
    if (end.exitCode !== 0) {
      return {
        exitCode: end.exitCode,
        ...(end.exitCode === null ? { unknownReason: end.unknownReason ?? 'the terminal did not report an exit code' } : {}),
        durationMs: timers.now() - started,
        outputTail: tail.text(options.secrets ?? []),
        stepsRun,
        stoppedAt: k,
      };
    }
  }
  return { exitCode: 0, durationMs: timers.now() - started, outputTail: tail.text(options.secrets ?? []), stepsRun };
}

function formatMinutes(ms: number): string {
  const minutes = ms / 60_000;
  return minutes >= 1 ? `${Number(minutes.toFixed(1))} min` : `${Math.round(ms / 1000)} s`;
}

async function drain(output: AsyncIterable<string>, tail: OutputTail): Promise<void> {
  try {
    for await (const chunk of output) tail.push(chunk);
  } catch {
    // A stream that fails only loses output, never the result.
  }
}

/** Keeps the last characters of a stream. */
export class OutputTail {
  private buffer = '';
  constructor(private readonly limit: number) {}

  push(chunk: string): void {
    this.buffer += chunk;
    // Keep room for escape sequences that are removed later.
    if (this.buffer.length > this.limit * 4) this.buffer = this.buffer.slice(-this.limit * 2);
  }

  /** Plain text: escape sequences removed, line ends normalised, secrets masked, bounded. */
  text(secrets: readonly string[] = []): string {
    let text = stripAnsi(this.buffer).replace(/\r+\n/g, '\n').replace(/\r/g, '\n');
    for (const s of [...secrets].filter((v) => v.length > 0).sort((a, b) => b.length - a.length)) {
      text = text.split(s).join('********');
    }
    return text.length > this.limit ? text.slice(-this.limit) : text;
  }
}

/** Removes terminal escape sequences (CSI, OSC, and two-character escapes) and other controls but tab and line ends. */
export function stripAnsi(text: string): string {
  return text
    .replace(/\x1b\[[0-?]*[ -/]*[@-~]/g, '')
    .replace(/\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)/g, '')
    .replace(/\x1b[@-Z\\-_]/g, '')
    .replace(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, '');
}

/** "last run 3 min ago, exit 1" for a CodeLens or a tree item. */
export function describeLastRun(run: { exitCode: number | null; endedAt: number }, now: number): string {
  const seconds = Math.max(0, Math.round((now - run.endedAt) / 1000));
  const ago =
    seconds < 45 ? 'just now'
      : seconds < 90 ? '1 min ago'
        : seconds < 3600 ? `${Math.round(seconds / 60)} min ago`
          : seconds < 86_400 ? `${Math.round(seconds / 3600)} h ago`
            : `${Math.round(seconds / 86_400)} d ago`;
  return `last run ${ago}, ${run.exitCode === null ? 'exit unknown' : `exit ${run.exitCode}`}`;
}
