// "What changed nearby": commits and tags from git history in a window before impact start,
// recorded on the timeline as observations with their source (`repo@sha`, author, time,
// subject). They are never presented as the cause: a person decides that. Reading history is
// the git adapter's job (src/git/history.ts); this module is the window, the parsing of what
// git printed, and which changes are new to the timeline.
import type { Incident, TimelineEvent } from './model';

export interface ChangeObservation {
  /** The repository's display name (its folder name), never a local path. */
  repo: string;
  /** Full commit hash (for a tag: the commit it points at). */
  sha: string;
  kind: 'commit' | 'tag';
  /** The tag's name, for tags. */
  ref?: string;
  author: string;
  /** When it was committed (or tagged), ISO UTC. */
  at: string;
  subject: string;
}

export const DEFAULT_CHANGE_WINDOW_MINUTES = 120;
/** At most this many changes per repository per scan: enough to see a burst, bounded for the journal. */
export const MAX_CHANGES_PER_REPO = 30;

/** The window: `windowMinutes` before impact start (or the declaration, while impact start is not marked) up to that moment. */
export function changeWindow(incident: Pick<Incident, 'milestones' | 'declaredAt'>, windowMinutes = DEFAULT_CHANGE_WINDOW_MINUTES): { start: string; end: string } {
  const anchor = Date.parse(incident.milestones.impactStarted ?? incident.declaredAt);
  const minutes = Number.isFinite(windowMinutes) && windowMinutes > 0 ? Math.min(windowMinutes, 7 * 24 * 60) : DEFAULT_CHANGE_WINDOW_MINUTES;
  return { start: new Date(anchor - minutes * 60_000).toISOString(), end: new Date(anchor).toISOString() };
}

const FIELD = '\x1f';
const RECORD = '\x1e';

/** `git log` with this format prints one record per commit that `parseLog` reads. */
export const LOG_FORMAT = '%H%x1f%an%x1f%cI%x1f%s%x1e';
/** `git for-each-ref` with this format prints one record per tag that `parseTags` reads. */
export const TAG_FORMAT = '%(refname:short)%1f%(objectname)%1f%(*objectname)%1f%(creatordate:iso-strict)%1f%(taggername)%(authorname)%(committername)%1f%(contents:subject)%1e';

const oneLine = (s: string, max: number) => {
  const t = s.replace(/\s+/g, ' ').trim();
  return t.length > max ? `${t.slice(0, max - 1)}…` : t;
};

function isoUtc(text: string): string | undefined {
  const ms = Date.parse(text.trim());
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

/** Commits from `git log --format=LOG_FORMAT`. Malformed records are skipped. */
export function parseLog(stdout: string, repo: string): ChangeObservation[] {
  const out: ChangeObservation[] = [];
  for (const record of stdout.split(RECORD)) {
    const [sha, author, date, subject] = record.replace(/^\n+/, '').split(FIELD);
    const at = date === undefined ? undefined : isoUtc(date);
    if (!sha || !/^[0-9a-f]{40,64}$/.test(sha.trim()) || !at) continue;
    out.push({ repo, sha: sha.trim(), kind: 'commit', author: oneLine(author ?? '', 200), at, subject: oneLine(subject ?? '', 300) });
  }
  return out;
}

/** Tags from `git for-each-ref --format=TAG_FORMAT refs/tags`, kept when created inside the window. */
export function parseTags(stdout: string, repo: string, window: { start: string; end: string }): ChangeObservation[] {
  const from = Date.parse(window.start);
  const to = Date.parse(window.end);
  const out: ChangeObservation[] = [];
  for (const record of stdout.split(RECORD)) {
    const [name, object, peeled, date, author, subject] = record.replace(/^\n+/, '').split(FIELD);
    const sha = (peeled?.trim() || object?.trim()) ?? '';
    const at = date === undefined ? undefined : isoUtc(date);
    if (!name || !/^[0-9a-f]{40,64}$/.test(sha) || !at) continue;
    const ms = Date.parse(at);
    if (ms < from || ms > to) continue;
    out.push({ repo, sha, kind: 'tag', ref: oneLine(name, 200), author: oneLine(author ?? '', 200), at, subject: oneLine(subject ?? '', 300) });
  }
  return out;
}

const key = (c: Pick<ChangeObservation, 'repo' | 'sha' | 'kind' | 'ref'>) => `${c.repo}\u0000${c.kind}\u0000${c.sha}\u0000${c.ref ?? ''}`;

/** The changes not yet on the timeline (by repo, kind, hash and tag), newest first, bounded per repository. */
export function newChanges(events: readonly TimelineEvent[], found: readonly ChangeObservation[]): ChangeObservation[] {
  const seen = new Set<string>();
  for (const e of events) if (e.type === 'changesObserved') for (const c of e.changes) seen.add(key(c));
  const perRepo = new Map<string, number>();
  const out: ChangeObservation[] = [];
  for (const c of [...found].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0))) {
    const k = key(c);
    if (seen.has(k)) continue;
    seen.add(k);
    const n = perRepo.get(c.repo) ?? 0;
    if (n >= MAX_CHANGES_PER_REPO) continue;
    perRepo.set(c.repo, n + 1);
    out.push(c);
  }
  return out;
}

/** `tracking-api@3f2a9c1` (a tag adds its name). */
export function changeSource(c: Pick<ChangeObservation, 'repo' | 'sha' | 'kind' | 'ref'>): string {
  return `${c.repo}@${c.sha.slice(0, 7)}${c.kind === 'tag' && c.ref ? ` (tag ${c.ref})` : ''}`;
}

/** Every change observed on a timeline, oldest first, without repeats. */
export function observedChanges(events: readonly TimelineEvent[]): ChangeObservation[] {
  const byKey = new Map<string, ChangeObservation>();
  for (const e of events) if (e.type === 'changesObserved') for (const c of e.changes) if (!byKey.has(key(c))) byKey.set(key(c), c);
  return [...byKey.values()].sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.sha.localeCompare(b.sha)));
}
