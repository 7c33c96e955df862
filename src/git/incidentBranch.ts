// The fallback for hosts that refuse refs outside branches and tags, as pure functions: the one
// dedicated branch, its layout, and the tree edits a writer makes to it. Nothing here runs git
// (see shareRepo.ts for the commands and branchShare.ts for the push protocol).
//
// On the remote, one branch holds every shared incident, one folder per writer per incident:
//
//   refs/heads/oncall/incidents
//     <incidentId>/<writerId>/events.jsonl
//     <incidentId>/<writerId>/writer.json
//
// with the same two files (and the same checks on them) as a writer's ref. A writer's commit is
// the branch tip's tree with only its own folders replaced, on top of that tip: each writer only
// ever writes its own folders, so a push that lost a race is rebuilt on the new tip and is a
// union, never a merge of the same file, and never forced.
import { createHash } from 'node:crypto';
import { isIncidentId, isWriterId } from '../incidents/ids';
import { EVENTS_FILE, WRITER_FILE, isObjectId } from './incidentRefs';

/** The branch name (named here only). */
export const SHARE_BRANCH_NAME = 'oncall/incidents';
/** The branch on the remote. */
export const SHARE_BRANCH = `refs/heads/${SHARE_BRANCH_NAME}`;
/** Where its fetched copy is kept in the private repository (never a branch there). */
export const FETCHED_BRANCH = `refs/oncall-fetched/branch/${SHARE_BRANCH_NAME}`;
/**
 * Fetches the branch into the private namespace. A pattern (the `*` matches the empty string),
 * so a remote without the branch yet is not an error.
 */
export const BRANCH_FETCH_REFSPEC = `+${SHARE_BRANCH}*:${FETCHED_BRANCH}*`;

export type ShareTransport = 'refs' | 'branch';
/** `oncall.incidents.shareTransport`: `auto` tries refs and falls back to the branch for a remote that refuses them. */
export type TransportSetting = ShareTransport | 'auto';

export function isTransportSetting(value: unknown): value is TransportSetting {
  return value === 'refs' || value === 'branch' || value === 'auto';
}

/** The key under which a branch folder's taken-in version is remembered (not a ref). */
export function branchFolderKey(incidentId: string, writer: string): string {
  if (!isIncidentId(incidentId) || !isWriterId(writer)) throw new Error('not an incident folder');
  return `${FETCHED_BRANCH}/${incidentId}/${writer}`;
}

// ---------------------------------------------------------------------------------------------
// Trees

/** One entry of a tree, as `git ls-tree -z` prints it; the name kept byte for byte (latin1). */
export interface TreeEntry {
  mode: string;
  type: string;
  oid: string;
  name: string;
}

/** Parses `git ls-tree -z` output (recursive listings give paths as names). Never throws. */
export function parseLsTree(out: Buffer): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (const record of out.toString('latin1').split('\0')) {
    const m = /^([0-7]{6}) ([a-z]+) ([0-9a-f]{40,64})\t([^\0]+)$/.exec(record);
    if (m) entries.push({ mode: m[1], type: m[2], oid: m[3], name: m[4] });
  }
  return entries;
}

/** Input for `git mktree -z`: every entry as it was listed, names byte for byte. */
export function mktreeInput(entries: readonly TreeEntry[]): Buffer {
  const parts = entries.map((e) => {
    if (!/^[0-7]{5,6}$/.test(e.mode) || !/^(blob|tree|commit)$/.test(e.type) || !isObjectId(e.oid) || !e.name || /[\0/]/.test(e.name)) {
      throw new Error(`bad tree entry ${JSON.stringify(e.name).slice(0, 60)}`);
    }
    return `${e.mode} ${e.type} ${e.oid}\t${e.name}\0`;
  });
  return Buffer.from(parts.join(''), 'latin1');
}

/** The entries with `entry` in place of the one of the same name (or added): nothing else changes. */
export function withEntry(entries: readonly TreeEntry[], entry: TreeEntry): TreeEntry[] {
  return [...entries.filter((e) => e.name !== entry.name), entry];
}

/** A folder entry. */
export function folderEntry(name: string, oid: string): TreeEntry {
  return { mode: '040000', type: 'tree', oid, name };
}

/**
 * The id git gives the tree of a writer folder (two files with these blob ids), SHA-1 object
 * format, computed here to tell without git whether a folder on the branch is already ours.
 */
export function writerFolderId(blobs: { events: string; writer: string }): string {
  const files = [
    { name: EVENTS_FILE, oid: blobs.events },
    { name: WRITER_FILE, oid: blobs.writer },
  ].sort((a, b) => (a.name < b.name ? -1 : 1));
  const body = Buffer.concat(files.map((f) => {
    if (!/^[0-9a-f]{40}$/.test(f.oid)) throw new Error('bad blob id');
    return Buffer.concat([Buffer.from(`100644 ${f.name}\0`, 'utf8'), Buffer.from(f.oid, 'hex')]);
  }));
  return createHash('sha1').update(`tree ${body.length}\0`).update(body).digest('hex');
}

/**
 * The writer folders of the branch, from `git ls-tree -r -d -z <tip>`: trees at
 * `<incidentId>/<writerId>` whose names are valid ids. Anything else on the branch is left alone.
 */
export function writerFolders(entries: readonly TreeEntry[]): { incidentId: string; writer: string; oid: string }[] {
  const out: { incidentId: string; writer: string; oid: string }[] = [];
  for (const e of entries) {
    if (e.type !== 'tree') continue;
    const parts = e.name.split('/');
    if (parts.length !== 2) continue;
    const [incidentId, writer] = parts;
    if (isIncidentId(incidentId) && isWriterId(writer)) out.push({ incidentId, writer, oid: e.oid });
  }
  return out;
}
