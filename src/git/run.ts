// Running one git command through simple-git, with the rules every git call here follows:
// a sanitised environment (no host GIT_* variables, never a terminal prompt), a hard deadline
// that stops a hanging hook or signing step, and the exit code returned rather than thrown, so
// callers can classify failures themselves.
import { spawn, type ChildProcess } from 'node:child_process';
import { simpleGit } from 'simple-git';

/** What a finished git command produced. */
export interface GitOutput {
  exitCode: number;
  stdout: string;
  stderr: string;
}

export interface GitRunOptions {
  cwd: string;
  /** The environment to start from (default: this process's); it is sanitised first. */
  env?: NodeJS.ProcessEnv;
  /** Stop the command after this long. */
  timeoutMs: number;
}

/** Thrown when a git command hit its deadline and was stopped. */
export class GitTimeoutError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly timeoutMs: number,
  ) {
    super(`git ${args[0] ?? ''} did not finish within ${Math.round(timeoutMs / 1000)} s and was stopped`);
    this.name = 'GitTimeoutError';
  }
}

/** Thrown when the git executable itself cannot be started. */
export class GitUnavailableError extends Error {
  constructor(detail: string) {
    super(`git could not be started: ${detail}`);
    this.name = 'GitUnavailableError';
  }
}

// Variables that simple-git refuses (they name programs git would run) or that change which
// repository, index or config git uses. A VS Code launched from a hook or a terminal inside a
// repository can carry them; none of them should steer our commit.
const DROPPED = new Set(['EDITOR', 'VISUAL', 'PAGER', 'PREFIX', 'SSH_ASKPASS']);

/**
 * The environment git runs with: the host's minus every `GIT_*` variable and the program-naming
 * ones above, plus `GIT_TERMINAL_PROMPT=0` so a credential prompt fails instead of hanging.
 */
export function sanitizeGitEnv(host: NodeJS.ProcessEnv): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(host)) {
    if (value === undefined) continue;
    const upper = key.toUpperCase();
    if (upper.startsWith('GIT_') || DROPPED.has(upper)) continue;
    env[key] = value;
  }
  env.GIT_TERMINAL_PROMPT = '0';
  return env;
}

/** How many git commands this process started (tests check that Restricted Mode starts none). */
export const gitCommandsStarted = { count: 0 };

/**
 * Run `git <args>` in `cwd`. Resolves with the exit code and output whatever the exit code;
 * rejects only when git could not start or ran past the deadline.
 */
export async function runGit(args: readonly string[], options: GitRunOptions): Promise<GitOutput> {
  gitCommandsStarted.count += 1;
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), options.timeoutMs);
  let captured: { exitCode: number; stdout: string; stderr: string } | undefined;
  const git = simpleGit({
    baseDir: options.cwd,
    abort: controller.signal,
    trimmed: false,
    // Keep simple-git from turning a non-zero exit into an exception: we classify it ourselves.
    errors: (error, result) => {
      captured = {
        exitCode: result.exitCode,
        stdout: Buffer.concat(result.stdOut).toString('utf8'),
        stderr: Buffer.concat(result.stdErr).toString('utf8'),
      };
      return error;
    },
  }).env(sanitizeGitEnv(options.env ?? process.env));
  try {
    const stdout = await git.raw([...args]);
    return captured ?? { exitCode: 0, stdout, stderr: '' };
  } catch (err) {
    if (controller.signal.aborted) throw new GitTimeoutError(args, options.timeoutMs);
    const message = err instanceof Error ? err.message : String(err);
    if (/ENOENT|spawn git/i.test(message)) throw new GitUnavailableError(message);
    if (captured) return captured;
    throw err;
  } finally {
    clearTimeout(timer);
  }
}

/** What a finished git command produced, byte for byte (for object contents). */
export interface GitBinaryOutput {
  exitCode: number;
  stdout: Buffer;
  stderr: string;
}

export interface GitBinaryRunOptions extends GitRunOptions {
  /** Bytes written to git's standard input (then closed). */
  input?: Uint8Array;
  /** Stop reading (and fail) when standard output grows past this many bytes. */
  maxOutputBytes?: number;
}

/**
 * Like `runGit`, with standard input and binary-safe output: for the plumbing commands that
 * read objects or object lists on stdin (`cat-file --batch`, `hash-object --stdin`, `mktree`).
 * Same rules: the sanitised environment, no shell, a hard deadline, the exit code returned.
 */
export function runGitBinary(args: readonly string[], options: GitBinaryRunOptions): Promise<GitBinaryOutput> {
  return new Promise<GitBinaryOutput>((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawn('git', [...args], { cwd: options.cwd, env: sanitizeGitEnv(options.env ?? process.env), stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true });
    } catch (err) {
      reject(new GitUnavailableError(err instanceof Error ? err.message : String(err)));
      return;
    }
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let outBytes = 0;
    let settled = false;
    const finish = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      fn();
    };
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      finish(() => reject(new GitTimeoutError(args, options.timeoutMs)));
    }, options.timeoutMs);
    child.on('error', (e) => finish(() => reject(/ENOENT/.test(String(e)) ? new GitUnavailableError(e.message) : e)));
    child.stdout!.on('data', (d: Buffer) => {
      outBytes += d.length;
      if (options.maxOutputBytes !== undefined && outBytes > options.maxOutputBytes) {
        child.kill('SIGKILL');
        finish(() => reject(new Error(`git ${args[0] ?? ''} printed more than ${options.maxOutputBytes} bytes and was stopped`)));
        return;
      }
      out.push(d);
    });
    child.stderr!.on('data', (d: Buffer) => err.push(d));
    child.on('close', (code) => finish(() => resolve({ exitCode: code ?? 1, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8') })));
    child.stdin!.on('error', () => undefined);
    child.stdin!.end(options.input ? Buffer.from(options.input) : undefined);
  });
}
