// Running one git command through simple-git, with the rules every git call here follows:
// a sanitised environment (no host GIT_* variables, never a terminal prompt), a hard deadline
// that stops a hanging hook or signing step, and the exit code returned rather than thrown, so
// callers can classify failures themselves.
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
