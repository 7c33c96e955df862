// Reading what changed in a repository in a time window: commits on its branches, tags and
// remote-tracking branches, and tags created in the window. Read-only git commands through the
// sanitised runner; the only values on the command line are dates we format and fixed formats,
// never text from a person or a repository.
import * as path from 'node:path';
import { LOG_FORMAT, parseLog, parseTags, TAG_FORMAT, type ChangeObservation } from '../incidents/changes';
import { GitTimeoutError, GitUnavailableError, runGit } from './run';

export interface HistoryRequest {
  /** A folder inside the working tree. */
  dir: string;
  /** ISO UTC times. */
  since: string;
  until: string;
  timeoutMs: number;
  /** Commits read at most (newest first). */
  maxCommits?: number;
  env?: NodeJS.ProcessEnv;
}

export type HistoryResult = { ok: true; repo: string; changes: ChangeObservation[] } | { ok: false; problem: string };

const isoArg = (iso: string) => {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) throw new Error(`not a time: ${iso}`);
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
};

/** The commits and tags of the repository that holds `dir`, in the window. Never throws for git failures: they come back as a problem. */
export async function changesInWindow(request: HistoryRequest): Promise<HistoryResult> {
  const since = isoArg(request.since);
  const until = isoArg(request.until);
  const run = (args: string[]) => runGit(args, { cwd: request.dir, env: request.env, timeoutMs: request.timeoutMs });
  const folder = path.basename(request.dir) || request.dir;
  try {
    const top = await run(['rev-parse', '--show-toplevel']);
    if (top.exitCode !== 0) return { ok: false, problem: `${folder} is not a git repository` };
    const repo = path.basename(top.stdout.trim()) || folder;
    const max = String(Math.max(1, Math.min(request.maxCommits ?? 200, 1000)));
    const log = await run(['log', '--branches', '--tags', '--remotes', `--since=${since}`, `--until=${until}`, `--max-count=${max}`, `--format=${LOG_FORMAT}`, '--']);
    // An empty repository (no commit yet) has no history to show: not a problem.
    const commits = log.exitCode === 0 ? parseLog(log.stdout, repo) : [];
    if (log.exitCode !== 0 && !/does not have any commits|bad default revision/i.test(log.stderr)) {
      return { ok: false, problem: `${repo}: git log failed (${log.stderr.trim().split('\n')[0] ?? `exit ${log.exitCode}`})` };
    }
    const tags = await run(['for-each-ref', '--sort=-creatordate', '--count=200', `--format=${TAG_FORMAT}`, 'refs/tags']);
    const tagged = tags.exitCode === 0 ? parseTags(tags.stdout, repo, { start: since, end: until }) : [];
    return { ok: true, repo, changes: [...commits, ...tagged] };
  } catch (err) {
    if (err instanceof GitTimeoutError) return { ok: false, problem: `${folder}: reading history took longer than ${Math.round(request.timeoutMs / 1000)} s` };
    if (err instanceof GitUnavailableError) return { ok: false, problem: 'git could not be started' };
    throw err;
  }
}
