// Runbooks learn from incidents: a step (code block) that failed during an incident, or a note
// written against it ("this step didn't work"), becomes a problem on that runbook, at that
// block — in the editor and in the CLI's lint — until the runbook is reviewed again after it.
import type { Problem } from '../runbooks/model';
import { compareEvents } from './eventSchema';
import type { TimelineEvent } from './model';

export interface RunbookFinding {
  /** The runbook path as the journal recorded it (relative to the workspace folder). */
  runbookPath: string;
  blockIndex: number;
  incidentId: string;
  kind: 'failed' | 'noted';
  /** When it happened (ISO). */
  at: string;
  exitCode?: number;
  /** The note's text (latest correction), for `noted`. */
  text?: string;
}

export const FINDING_RULES = { failed: 'failed-in-incident', noted: 'noted-in-incident' } as const;
/** Findings shown per block (the most recent). */
const PER_BLOCK = 3;

/** The findings in one incident's events. */
export function findingsFromEvents(events: readonly TimelineEvent[]): RunbookFinding[] {
  const sorted = [...events].sort(compareEvents);
  const runs = new Map<string, Extract<TimelineEvent, { type: 'commandRun' }>>();
  const corrections = new Map<string, string>();
  for (const e of sorted) {
    if (e.type === 'commandRun') runs.set(e.id, e);
    if (e.type === 'correction') corrections.set(e.target, e.text);
  }
  const out: RunbookFinding[] = [];
  for (const e of sorted) {
    if (e.type === 'commandRun' && typeof e.exitCode === 'number' && e.exitCode !== 0) {
      out.push({ runbookPath: e.runbookPath, blockIndex: e.blockIndex, incidentId: e.incidentId, kind: 'failed', at: e.attached && e.startedAt ? e.startedAt : e.time, exitCode: e.exitCode });
    }
    if (e.type === 'note') {
      const run = e.about ? runs.get(e.about) : undefined;
      const runbookPath = e.runbookPath ?? run?.runbookPath;
      const blockIndex = e.blockIndex ?? run?.blockIndex;
      if (runbookPath === undefined || blockIndex === undefined) continue;
      out.push({ runbookPath, blockIndex, incidentId: e.incidentId, kind: 'noted', at: e.time, text: corrections.get(e.id) ?? e.text });
    }
  }
  return out;
}

/** Path segments, without `.`, for comparing paths written relative to different folders. */
function segments(p: string): string[] {
  return p.replace(/\\/g, '/').split('/').filter((s) => s && s !== '.');
}

/**
 * Whether a recorded runbook path names this runbook: one path ends with the other, whole
 * segments (`runbooks/db/pool.md` and `db/pool.md`), so a journal written in the editor (paths
 * from the workspace folder) matches a lint run on a subfolder, and the reverse.
 */
export function samePath(recorded: string, runbookPath: string): boolean {
  const a = segments(recorded);
  const b = segments(runbookPath);
  if (a.length === 0 || b.length === 0) return false;
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  return short.every((s, i) => s === long[long.length - short.length + i]);
}

export interface FindingTarget {
  /** Paths this runbook may have been recorded under (relative to the workspace folder, to its root …). */
  paths: readonly string[];
  /** `YYYY-MM-DD`: findings from before a review are considered handled. */
  lastReviewed?: string;
  /** 0-based first line of each code block, by index. */
  blockLines: readonly number[];
}

function day(iso: string): string {
  return iso.slice(0, 10);
}

function message(f: RunbookFinding, more: number): string {
  const extra = more > 0 ? ` (and ${more} earlier)` : '';
  if (f.kind === 'failed') return `Step ${f.blockIndex + 1} failed in ${f.incidentId} on ${day(f.at)}, exit ${f.exitCode}${extra}. Check the step, then mark the runbook reviewed.`;
  const text = (f.text ?? '').replace(/\s+/g, ' ').trim();
  return `Noted in ${f.incidentId} on ${day(f.at)} about step ${f.blockIndex + 1}: “${text.length > 200 ? `${text.slice(0, 199)}…` : text}”${extra}`;
}

/** The findings for one runbook as problems at their blocks: newest first, a few per block, none older than its last review. */
export function findingProblems(findings: readonly RunbookFinding[], target: FindingTarget): Array<Problem & { incidentId: string }> {
  const relevant = findings.filter(
    (f) => target.paths.some((p) => samePath(f.runbookPath, p)) && f.blockIndex < target.blockLines.length && !(target.lastReviewed && day(f.at) < target.lastReviewed),
  );
  const byBlock = new Map<string, RunbookFinding[]>();
  for (const f of relevant) {
    const key = `${f.blockIndex}\u0000${f.kind}`;
    byBlock.set(key, [...(byBlock.get(key) ?? []), f]);
  }
  const problems: Array<Problem & { incidentId: string }> = [];
  for (const list of byBlock.values()) {
    const newest = [...list].sort((a, b) => (a.at < b.at ? 1 : a.at > b.at ? -1 : 0));
    const shown = newest.slice(0, PER_BLOCK);
    shown.forEach((f, i) => {
      problems.push({
        ruleId: FINDING_RULES[f.kind],
        severity: f.kind === 'failed' ? 'warning' : 'info',
        message: message(f, i === shown.length - 1 ? newest.length - shown.length : 0),
        line: target.blockLines[f.blockIndex],
        incidentId: f.incidentId,
      });
    });
  }
  return problems.sort((a, b) => a.line - b.line);
}
