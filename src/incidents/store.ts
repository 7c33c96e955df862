// Where the incident store lives and what moves into it.
//
// - `user` (default): the extension's global storage. The store follows the engineer into
//   every window, whatever folder (or none) is open, and under whatever identity the editor
//   gives the workspace (another path to the same folder, a remote authority, a multi-root
//   workspace).
// - `workspace`: the extension's storage for this workspace (the place used before).
// - `workspaceFolder`: `.oncall/incidents` in the first folder — kept for those who set the
//   old `oncall.incidents.journalLocation` to it.
//
// Journals written in workspace storage before the user store existed are adopted: each
// segment is copied (flushed, then renamed into place) into the user store under its own name,
// so a copy made twice is the same file, and events merge by id as always; the originals stay
// where they were. A record of what was copied (path → size) keeps a later start from copying
// again unless the original grew.
import { join } from 'node:path';
import { isIncidentId } from './ids';
import { isSegmentName, type Journal, type JournalFs } from './journal';
import { isRecord } from './shape';

export type StoreKind = 'user' | 'workspace' | 'workspaceFolder';

export interface StoreSettingValues {
  /** `oncall.incidents.store`, only when set explicitly (any scope). */
  store?: unknown;
  /** The old `oncall.incidents.journalLocation`, only when set explicitly. */
  journalLocation?: unknown;
  /** Whether the window has a folder on the local file system. */
  hasFileFolder: boolean;
  /** Whether the window has a workspace at all (workspace storage exists only then). */
  hasWorkspace: boolean;
}

/** Which store a window uses, from the new setting, the old one, and what is open. */
export function resolveStoreKind(v: StoreSettingValues): { kind: StoreKind; reason: string } {
  if (v.store === 'workspace') {
    return v.hasWorkspace ? { kind: 'workspace', reason: 'oncall.incidents.store is "workspace"' } : { kind: 'user', reason: 'oncall.incidents.store is "workspace" but no workspace is open' };
  }
  if (v.store === 'user') return { kind: 'user', reason: 'oncall.incidents.store is "user"' };
  if (v.journalLocation === 'workspaceFolder' && v.hasFileFolder) {
    return { kind: 'workspaceFolder', reason: 'the older setting oncall.incidents.journalLocation is "workspaceFolder"' };
  }
  if (v.journalLocation === 'workspaceStorage' && v.hasWorkspace) {
    return { kind: 'workspace', reason: 'the older setting oncall.incidents.journalLocation is "workspaceStorage"' };
  }
  return { kind: 'user', reason: 'default' };
}

export const ADOPTED_FILE = 'adopted.json';
const DRAFT_FILE = 'note-draft.json';

export interface AdoptionReport {
  /** Source folders that held journals. */
  sources: string[];
  /** Incidents that got at least one file. */
  incidents: string[];
  /** Files copied. */
  files: number;
  /** Files that could not be copied (left where they are; tried again next start). */
  failures: string[];
}

/**
 * Copies journals from older stores (`sources`: folders laid out like a store) into `target`.
 * Idempotent: a file is copied when the target lacks it or its original grew since the last copy.
 */
export async function adoptJournals(fs: JournalFs, target: Journal, sources: readonly string[]): Promise<AdoptionReport> {
  const report: AdoptionReport = { sources: [], incidents: [], files: 0, failures: [] };
  const adopted = parseAdopted(await target.readRootFile(ADOPTED_FILE));
  let changed = false;
  for (const source of sources) {
    let names: string[];
    try {
      names = await fs.readdir(source);
    } catch {
      continue;
    }
    const ids = names.filter(isIncidentId);
    if (ids.length === 0) continue;
    report.sources.push(source);
    for (const id of ids) {
      let files: string[];
      try {
        files = (await fs.readdir(join(source, id))).filter((n) => isSegmentName(n) || n === DRAFT_FILE);
      } catch {
        continue;
      }
      let copiedHere = false;
      for (const name of files) {
        const from = join(source, id, name);
        try {
          const { size } = await fs.stat(from);
          const to = join(target.incidentDir(id), name);
          const present = await fs.stat(to).then(() => true, () => false);
          if (present && (adopted[from] ?? -1) >= size) continue;
          // A draft already in the user store is newer than any left behind.
          if (present && name === DRAFT_FILE) continue;
          const data = await fs.readFile(from);
          await fs.mkdir(target.incidentDir(id));
          await target.writeFileAtomically(to, data);
          adopted[from] = data.byteLength;
          changed = true;
          copiedHere = true;
          report.files += 1;
        } catch (err) {
          report.failures.push(`${from}: ${err instanceof Error ? err.message : String(err)}`);
        }
      }
      if (copiedHere) {
        report.incidents.push(id);
        await fs.syncDir(target.incidentDir(id)).catch(() => undefined);
      }
    }
  }
  if (changed) await target.writeRootFile(ADOPTED_FILE, Buffer.from(JSON.stringify(adopted), 'utf8'));
  return report;
}

function parseAdopted(bytes: Uint8Array | undefined): Record<string, number> {
  if (!bytes) return {};
  try {
    const raw = JSON.parse(Buffer.from(bytes).toString('utf8'));
    if (!isRecord(raw)) return {};
    const out: Record<string, number> = {};
    for (const [k, v] of Object.entries(raw)) if (typeof v === 'number' && Number.isFinite(v)) out[k] = v;
    return out;
  } catch {
    return {};
  }
}

// ---------------------------------------------------------------------------------------------
// The active incident: one pointer per store, so every window of the engineer agrees on it.

export const ACTIVE_FILE = 'active.json';

export async function readActivePointer(journal: Journal): Promise<string | undefined> {
  const bytes = await journal.readRootFile(ACTIVE_FILE);
  if (!bytes) return undefined;
  try {
    const raw = JSON.parse(Buffer.from(bytes).toString('utf8'));
    return isRecord(raw) && typeof raw.incidentId === 'string' && isIncidentId(raw.incidentId) ? raw.incidentId : undefined;
  } catch {
    return undefined;
  }
}

/** Whether a pointer file exists at all (an explicit "none" counts). */
export async function hasActivePointer(journal: Journal): Promise<boolean> {
  return (await journal.readRootFile(ACTIVE_FILE)) !== undefined;
}

export async function writeActivePointer(journal: Journal, incidentId: string | undefined, now: number): Promise<void> {
  const body = JSON.stringify({ incidentId: incidentId ?? null, setAt: new Date(now).toISOString() });
  await journal.writeRootFile(ACTIVE_FILE, Buffer.from(body, 'utf8'));
}
