// Two generated parts of a post-mortem that come from what the tools saw rather than what
// people typed: "Evidence" (the output of failed runs, and output pinned as evidence) and
// "Changed nearby" (commits and tags found in git history before impact start — observations,
// never causes).
import { observedChanges } from '../incidents/changes';
import { compareEvents } from '../incidents/eventSchema';
import type { TimelineEvent } from '../incidents/model';
import { excerptLines } from '../incidents/runOutput';
import { displayPath, runTime, type CommandRunEvent } from './facts';
import { utcDateTime } from './format';
import { codeSpan, escapeInline, fencedBlock, table } from './markdown';
import { neutralizeMarker } from './regions';
import { exitLabel } from './timelineSection';

/** At most this many failed runs are shown with their output (the most recent ones). */
const MAX_FAILED_SHOWN = 10;

interface PinnedEvidence {
  run: CommandRunEvent;
  pinnedBy: string;
  pinnedAt: string;
  fromLine?: number;
  toLine?: number;
  text?: string;
}

/** The evidence pinned on a timeline (the latest pin or unpin of each run and range wins), in the order the runs happened. */
export function pinnedEvidence(sorted: readonly TimelineEvent[]): PinnedEvidence[] {
  const runs = new Map<string, CommandRunEvent>();
  for (const e of sorted) if (e.type === 'commandRun') runs.set(e.id, e);
  const latest = new Map<string, PinnedEvidence | undefined>();
  for (const e of sorted) {
    if (e.type !== 'evidencePinned') continue;
    const run = runs.get(e.target);
    if (!run) continue;
    const key = `${e.target}\u0000${e.fromLine ?? ''}\u0000${e.toLine ?? ''}`;
    latest.delete(key);
    latest.set(key, e.pinned ? { run, pinnedBy: e.author, pinnedAt: e.time, fromLine: e.fromLine, toLine: e.toLine, text: e.text } : undefined);
  }
  return [...latest.values()]
    .filter((p): p is PinnedEvidence => p !== undefined)
    .sort((a, b) => compareEvents({ time: runTime(a.run), id: a.run.id }, { time: runTime(b.run), id: b.run.id }) || (a.fromLine ?? 0) - (b.fromLine ?? 0));
}

function runHeading(run: CommandRunEvent): string {
  return `**${utcDateTime(runTime(run))} UTC** · ${exitLabel(run).replace(/\*\*/g, '')} · ${escapeInline(run.runbookTitle)}, step ${run.blockIndex + 1} (${codeSpan(displayPath(run.runbookPath), { inTable: false })})`;
}

function commandBlock(run: CommandRunEvent): string {
  return fencedBlock(run.command.replace(/\r\n?/g, '\n').replace(/\n+$/, '').split('\n'), neutralizeMarker, 'sh');
}

function excerptBlock(run: CommandRunEvent): string[] {
  const output = run.output!;
  const rows = excerptLines(output);
  const lines = rows.map((r, i) => {
    if (r) return r[1];
    const next = rows[i + 1];
    const hidden = next ? next[0] - (rows[i - 1]?.[0] ?? 0) - 1 : 0;
    return `[… ${hidden} line${hidden === 1 ? '' : 's'} not shown …]`;
  });
  const shown = output.head.length + output.tail.length;
  const which = shown >= output.lines ? `all ${output.lines} line${output.lines === 1 ? '' : 's'}` : `the first ${output.head.length} and last ${output.tail.length} of ${output.lines} lines`;
  return [`Output, ${which}${output.truncated ? ' (the middle was over the size cap and was not kept)' : ''}:`, '', fencedBlock(lines, neutralizeMarker)];
}

function pinnedBlock(p: PinnedEvidence): string[] {
  const range = p.fromLine === undefined ? 'The output' : p.fromLine === p.toLine ? `Line ${p.fromLine} of the output` : `Lines ${p.fromLine}–${p.toLine} of the output`;
  const intro = `${range}, pinned by ${escapeInline(p.pinnedBy)} at ${utcDateTime(p.pinnedAt)} UTC:`;
  if (p.text !== undefined) return [intro, '', fencedBlock(p.text.split('\n'), neutralizeMarker)];
  if (p.run.output) return excerptBlock(p.run).map((l, i) => (i === 0 ? intro : l));
  return [intro, '', '_No output was recorded for this run._'];
}

export function evidenceRegion(sorted: readonly TimelineEvent[]): string {
  const pinned = pinnedEvidence(sorted);
  const pinnedRuns = new Set(pinned.map((p) => p.run.id));
  const failed = sorted
    .filter((e): e is CommandRunEvent => e.type === 'commandRun' && e.exitCode !== null && e.exitCode !== 0 && !!e.output && e.output.lines > 0 && !pinnedRuns.has(e.id))
    .slice(-MAX_FAILED_SHOWN);
  if (pinned.length === 0 && failed.length === 0) {
    return '_No output was pinned as evidence, and no run with recorded output failed._';
  }
  const out = [
    'Output as the runs recorded it (secret values and credentials were masked before anything was written). ' +
      'Line numbers are those of the whole output, which is kept with its checksum beside the incident journal.',
  ];
  if (pinned.length > 0) {
    out.push('', '**Pinned as evidence**');
    for (const p of pinned) out.push('', runHeading(p.run), '', commandBlock(p.run), '', ...pinnedBlock(p));
  }
  if (failed.length > 0) {
    out.push('', `**Failed runs**${failed.length === MAX_FAILED_SHOWN ? ` (the last ${MAX_FAILED_SHOWN})` : ''}`);
    for (const run of failed) out.push('', runHeading(run), '', commandBlock(run), '', ...excerptBlock(run));
  }
  return out.join('\n');
}

export function changesRegion(sorted: readonly TimelineEvent[]): string {
  const scans = sorted.filter((e): e is Extract<TimelineEvent, { type: 'changesObserved' }> => e.type === 'changesObserved');
  if (scans.length === 0) {
    return '_Git history was not read for this incident (it is read when an incident is declared in a trusted workspace, or with "On-Call: Find What Changed Nearby")._';
  }
  const first = scans.reduce((a, b) => (a.windowStart < b.windowStart ? a : b));
  const last = scans.reduce((a, b) => (a.windowEnd > b.windowEnd ? a : b));
  const repos = [...new Set(scans.flatMap((s) => s.repos))].sort();
  const changes = observedChanges(sorted);
  const lines = [
    `Commits and tags in git history between ${utcDateTime(first.windowStart)} and ${utcDateTime(last.windowEnd)} UTC ` +
      `(repositories: ${repos.length ? repos.map(escapeInline).join(', ') : '_none found_'}). ` +
      'These are observations, not causes: say under "Root cause" whether any of them mattered.',
  ];
  if (changes.length === 0) lines.push('', '_No commits or tags in that window._');
  else {
    const source = (c: (typeof changes)[number]) => `${codeSpan(`${c.repo}@${c.sha.slice(0, 7)}`)}${c.kind === 'tag' && c.ref ? ` tag ${codeSpan(c.ref)}` : ''}`;
    lines.push('', table(['When (UTC)', 'Source', 'Author', 'Subject'], changes.map((c) => [utcDateTime(c.at), source(c), escapeInline(c.author), escapeInline(c.subject)])));
  }
  const problems = [...new Set(scans.flatMap((s) => s.problems ?? []))];
  if (problems.length) lines.push('', ...problems.map((p) => `- Not read: ${escapeInline(p)}`));
  return lines.join('\n');
}
