// Runs made while no incident was active, kept in memory with their (masked) output, so that
// declaring an incident can offer the first, most telling ones for attachment. Bounded in
// number and age; nothing is written until a run is attached.
import type { RunRecord } from '../../runbooks/model';

export interface RecentRun {
  id: string;
  /** As it would be recorded: path relative to the workspace folder, output summarised (no file yet). */
  record: RunRecord;
  /** The whole output, masked. */
  text: string;
  endedAt: number;
}

const MAX_RUNS = 50;
const MAX_AGE_MS = 24 * 60 * 60_000;

export class RecentRuns {
  private runs: RecentRun[] = [];
  private counter = 0;

  constructor(private readonly clock: () => number = Date.now) {}

  add(record: RunRecord, text: string): RecentRun {
    this.counter += 1;
    const run: RecentRun = { id: `run-${this.clock().toString(36)}-${this.counter}`, record, text, endedAt: this.clock() };
    this.runs = [...this.prune(), run].slice(-MAX_RUNS);
    return run;
  }

  /** Runs that ended within `ms` before now, oldest first. */
  within(ms: number): RecentRun[] {
    const since = this.clock() - ms;
    return this.prune().filter((r) => r.endedAt >= since);
  }

  /** Removes and returns these runs (once attached they belong to the incident). */
  take(ids: readonly string[]): RecentRun[] {
    const wanted = new Set(ids);
    const taken = this.runs.filter((r) => wanted.has(r.id));
    this.runs = this.runs.filter((r) => !wanted.has(r.id));
    return taken;
  }

  private prune(): RecentRun[] {
    const cutoff = this.clock() - MAX_AGE_MS;
    this.runs = this.runs.filter((r) => r.endedAt >= cutoff);
    return this.runs;
  }
}
