// The incident journals the CLI can read, for "runbooks learn from incidents" in CI: journals
// kept in the repository (`.oncall/incidents/<id>/`), journals exported next to committed
// post-mortems (`*.timeline.jsonl`), and any folder or file given with `--journals`. Read-only:
// nothing is recovered, moved or written.
import { existsSync, promises as fs, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { decodeRecord, Journal } from '../incidents/journal';
import type { TimelineEvent } from '../incidents/model';
import { nodeJournalFs } from '../incidents/nodeFs';

/** Where to look by default: `.oncall/incidents` and `postmortems/` in `root` and each folder above it, up to the repository's top. */
export function defaultJournalLocations(root: string): string[] {
  const out: string[] = [];
  let dir = resolve(root);
  for (;;) {
    for (const candidate of [join(dir, '.oncall', 'incidents'), join(dir, 'postmortems')]) if (existsSync(candidate)) out.push(candidate);
    if (existsSync(join(dir, '.git')) || dirname(dir) === dir) break;
    dir = dirname(dir);
  }
  return out;
}

async function exportedEvents(file: string): Promise<TimelineEvent[]> {
  const text = await fs.readFile(file);
  const events: TimelineEvent[] = [];
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    if (i < text.length && text[i] !== 0x0a) continue;
    const line = text.subarray(start, i);
    start = i + 1;
    if (line.length === 0) continue;
    const decoded = decodeRecord(line);
    if (decoded.ok) events.push(decoded.event);
  }
  return events;
}

async function exportsIn(dir: string, depth = 3): Promise<string[]> {
  const found: string[] = [];
  for (const entry of await fs.readdir(dir, { withFileTypes: true }).catch(() => [])) {
    if (entry.name === 'node_modules' || entry.name === '.git') continue;
    const full = join(dir, entry.name);
    if (entry.isFile() && entry.name.endsWith('.timeline.jsonl')) found.push(full);
    else if (entry.isDirectory() && depth > 0) found.push(...(await exportsIn(full, depth - 1)));
  }
  return found;
}

/** Every readable event of every incident at these locations, each event once (by id). Damaged lines are skipped. */
export async function readIncidentEvents(locations: readonly string[]): Promise<Map<string, TimelineEvent[]>> {
  const byIncident = new Map<string, Map<string, TimelineEvent>>();
  const add = (events: readonly TimelineEvent[]) => {
    for (const e of events) {
      const list = byIncident.get(e.incidentId) ?? new Map<string, TimelineEvent>();
      if (!list.has(e.id)) list.set(e.id, e);
      byIncident.set(e.incidentId, list);
    }
  };
  for (const location of locations) {
    const stat = statSync(location, { throwIfNoEntry: false });
    if (!stat) continue;
    if (stat.isFile()) {
      add(await exportedEvents(location));
      continue;
    }
    const journal = new Journal({ fs: nodeJournalFs(), root: location });
    for (const id of await journal.incidentIds()) add((await journal.load(id, { recover: false })).events);
    for (const file of await exportsIn(location)) add(await exportedEvents(file));
  }
  return new Map([...byIncident].map(([id, events]) => [id, [...events.values()]]));
}
