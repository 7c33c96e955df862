// Reading one git setting (the author name for incident events) through the one sanitised
// runner, like every other git call: no host GIT_* variables, no prompt, a deadline.
import { runGit } from './run';

export interface ConfigReadOptions {
  /** The folder git runs in: its repository's config counts, then the global one. */
  cwd: string;
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
}

/** The value of `key` (`user.name`…), or undefined when it is unset, empty or git cannot run. */
export async function readGitConfig(key: string, options: ConfigReadOptions): Promise<string | undefined> {
  if (!/^[A-Za-z][A-Za-z0-9-]*(\.[^\s=]+)*\.[A-Za-z][A-Za-z0-9-]*$/.test(key)) throw new Error(`"${key}" is not a git config key.`);
  try {
    // `--get` with the key after `--`: the key is never read as an option.
    const out = await runGit(['config', '--get', '--', key], { cwd: options.cwd, env: options.env, timeoutMs: options.timeoutMs ?? 3_000 });
    return out.exitCode === 0 ? out.stdout.trim() || undefined : undefined;
  } catch {
    return undefined;
  }
}
