// Names, objects and outputs of incident sharing through git, as pure functions: nothing here
// runs git. See shareRepo.ts for the commands and src/incidents/teamSync.ts for the protocol.
//
// On the remote, each writer (one installation of the extension) owns one ref per incident:
//
//   refs/oncall/incidents/<incidentId>/<writerId>
//
// holding a commit whose tree has two files: `writer.json` (who claims to write it) and
// `events.jsonl` (every event that writer recorded for the incident, as journal records with
// their checksums). Each push is a child of the writer's previous commit, so it is always a
// fast-forward of a ref nobody else writes: two responders pushing at once touch different
// refs, and no push needs a merge, a force or a retry. Fetches go into a private namespace of
// the extension's own repository, never into anyone's branches.
import { isIncidentId, isWriterId } from '../incidents/ids';

export const REMOTE_NAMESPACE = 'refs/oncall/incidents/';
export const FETCHED_NAMESPACE = 'refs/oncall-fetched/incidents/';
export const EVENTS_FILE = 'events.jsonl';
export const WRITER_FILE = 'writer.json';
export const ZERO_OID = '0000000000000000000000000000000000000000';
const OID = /^[0-9a-f]{40}([0-9a-f]{24})?$/;

export function isObjectId(value: string): boolean {
  return OID.test(value);
}

function requireParts(incidentId: string, writer: string): void {
  if (!isIncidentId(incidentId)) throw new Error(`not an incident id: ${JSON.stringify(incidentId).slice(0, 60)}`);
  if (!isWriterId(writer)) throw new Error(`not a writer id: ${JSON.stringify(writer).slice(0, 60)}`);
}

/** The ref a writer owns for an incident (same name on the remote and in the private repository). */
export function writerRef(incidentId: string, writer: string): string {
  requireParts(incidentId, writer);
  return `${REMOTE_NAMESPACE}${incidentId}/${writer}`;
}

/** Where a fetched copy of that ref is kept in the private repository. */
export function fetchedRef(incidentId: string, writer: string): string {
  requireParts(incidentId, writer);
  return `${FETCHED_NAMESPACE}${incidentId}/${writer}`;
}

/** The refspec that fetches every incident ref into the private namespace. */
export const FETCH_REFSPEC = `+${REMOTE_NAMESPACE}*:${FETCHED_NAMESPACE}*`;

/** Incident and writer of a ref in `namespace`; undefined for anything else (left alone). */
export function parseIncidentRef(refname: string, namespace: string): { incidentId: string; writer: string } | undefined {
  if (!refname.startsWith(namespace)) return undefined;
  const parts = refname.slice(namespace.length).split('/');
  if (parts.length !== 2) return undefined;
  const [incidentId, writer] = parts;
  return isIncidentId(incidentId) && isWriterId(writer) ? { incidentId, writer } : undefined;
}

/** `git for-each-ref --format='%(objectname) %(refname)'` → ref → object id. */
export function parseRefList(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const m = /^([0-9a-f]{40,64}) (\S+)$/.exec(line.trim());
    if (m) out.set(m[2], m[1]);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Objects

/** Input for `git mktree`: the two files of a writer's tree. */
export function treeInput(files: { name: string; blob: string }[]): Buffer {
  const lines = files.map((f) => {
    if (!isObjectId(f.blob) || !/^[a-z.]+$/.test(f.name)) throw new Error(`bad tree entry ${f.name}`);
    return `100644 blob ${f.blob}\t${f.name}\n`;
  });
  return Buffer.from(lines.join(''), 'utf8');
}

/** A name as it may appear in a commit's author line: no angle brackets, no line breaks, bounded. */
export function identityName(name: string): string {
  const clean = name.replace(/[<>\u0000-\u001f\u007f]/g, ' ').replace(/\s+/g, ' ').trim().slice(0, 100);
  return clean || 'unknown';
}

export interface CommitSpec {
  tree: string;
  parents: string[];
  /** The writer's name as they claim it (git user.name or the setting). */
  name: string;
  writer: string;
  timeMs: number;
  message: string;
}

/**
 * The raw text of a commit object (for `git hash-object -t commit --stdin`): written by us, so
 * no git identity needs to be configured and user text never reaches git as an option.
 */
export function commitObject(spec: CommitSpec): Buffer {
  if (!isObjectId(spec.tree) || !spec.parents.every(isObjectId)) throw new Error('bad object id in a commit');
  if (!isWriterId(spec.writer)) throw new Error('bad writer id');
  const who = `${identityName(spec.name)} <${spec.writer}@oncall.invalid> ${Math.floor(spec.timeMs / 1000)} +0000`;
  const lines = [`tree ${spec.tree}`, ...spec.parents.map((p) => `parent ${p}`), `author ${who}`, `committer ${who}`, '', spec.message.replace(/\r/g, '')];
  return Buffer.from(`${lines.join('\n').replace(/\n*$/, '')}\n`, 'utf8');
}

// ---------------------------------------------------------------------------------------------
// `git cat-file --batch` / `--batch-check`

export type BatchEntry = { name: string; oid: string; type: string; size: number; content?: Buffer } | { name: string; missing: true };

/**
 * Parses `--batch` (with contents) or `--batch-check` output for the object names asked, in
 * order. Never throws: a malformed answer ends the list.
 */
export function parseCatFileBatch(out: Buffer, names: readonly string[], withContent: boolean): BatchEntry[] {
  const entries: BatchEntry[] = [];
  let at = 0;
  for (const name of names) {
    const nl = out.indexOf(0x0a, at);
    if (nl === -1) break;
    const header = out.subarray(at, nl).toString('utf8');
    at = nl + 1;
    if (/ (missing|ambiguous)$/.test(header)) {
      entries.push({ name, missing: true });
      continue;
    }
    const m = /^([0-9a-f]{40,64}) (\w+) (\d+)$/.exec(header);
    if (!m) break;
    const size = Number(m[3]);
    const entry: BatchEntry = { name, oid: m[1], type: m[2], size };
    if (withContent) {
      if (at + size > out.length) break;
      entry.content = out.subarray(at, at + size);
      at += size + 1; // the content is followed by a newline
    }
    entries.push(entry);
  }
  return entries;
}

// ---------------------------------------------------------------------------------------------
// `git push --porcelain`

export interface PushedRef {
  /** ' ' fast-forward, '*' new ref, '=' up to date, '!' rejected, '+' forced, '-' deleted. */
  flag: string;
  to: string;
  summary: string;
}

export function parsePushPorcelain(stdout: string): PushedRef[] {
  const out: PushedRef[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^([ *=!+-])\t([^\t]*)\t(.*)$/.exec(line);
    if (!m) continue;
    const to = m[2].includes(':') ? m[2].slice(m[2].indexOf(':') + 1) : m[2];
    out.push({ flag: m[1], to, summary: m[3] });
  }
  return out;
}

export type PushFailureKind =
  /** Someone else moved this writer's ref (the same writer id elsewhere, or a rewritten history). */
  | 'notFastForward'
  /** The host does not take refs outside branches and tags (or a hook refused ours). */
  | 'refusedRef'
  /** No route, DNS, refused connection, timeout. */
  | 'unreachable'
  /** Credentials missing or refused. */
  | 'auth'
  | 'other';

/** What a failed push means, from its porcelain lines and its stderr. */
export function classifyPushFailure(refs: readonly PushedRef[], stderr: string): PushFailureKind {
  const rejected = refs.find((r) => r.flag === '!');
  if (rejected) {
    if (/non-fast-forward|fetch first|stale info/i.test(rejected.summary)) return 'notFastForward';
    return 'refusedRef';
  }
  const text = stderr.toLowerCase();
  if (/authentication failed|permission denied|could not read username|access denied|403|401|terminal prompts disabled|publickey/.test(text)) return 'auth';
  if (/could not resolve host|connection refused|connection timed out|network is unreachable|unable to access|does not appear to be a git repository|could not read from remote|no such file or directory|timed out|not found/.test(text)) return 'unreachable';
  if (/funny refname|refusing to|denied|not allowed|prohibited|hook declined|rejected/.test(text)) return 'refusedRef';
  return 'other';
}

// ---------------------------------------------------------------------------------------------
// The remote

/**
 * Whether a configured remote is safe to hand to git: an https/ssh/git/file URL, an scp-like
 * `user@host:path`, or an absolute local path. Transport helpers (`ext::`, `fd::`, any
 * `name::address`) and anything that could be read as an option are refused.
 */
export function checkRemoteUrl(url: string): string | undefined {
  if (!url || url.length > 2000) return 'the remote is empty or too long';
  if (/[\u0000-\u001f\u007f]/.test(url)) return 'the remote contains control characters';
  if (url.startsWith('-')) return 'the remote starts with "-"';
  if (/^[A-Za-z][A-Za-z0-9+.-]*::/.test(url)) return 'remote helpers ("name::address") are not allowed';
  if (/^(https?|ssh|git|file):\/\//i.test(url)) return undefined;
  if (/^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:[^/\\]/.test(url) || /^[A-Za-z0-9._-]+@[A-Za-z0-9.-]+:\//.test(url)) return undefined;
  if (url.startsWith('/') || /^[A-Za-z]:[\\/]/.test(url)) return undefined;
  return 'the remote is not a URL (https://, ssh://, git://, file://), an scp-like user@host:path, or an absolute path';
}

/** A remote name as `git remote` accepts (and nothing that reads as an option). */
export function isRemoteName(value: string): boolean {
  return /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(value);
}
