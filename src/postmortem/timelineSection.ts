// The post-mortem's timeline table: one row per event, in the order things happened (a
// backdated milestone where it happened, a run attached after the fact when it ran), in words
// people use. Drafted status updates are left out unless asked for: only what was posted
// reached anyone.
import { formatDuration } from '../incidents/duration';
import { compareEvents } from '../incidents/eventSchema';
import { MILESTONE_NAMES, ROLE_NAMES } from '../incidents/names';
import type { Incident, TimelineEvent } from '../incidents/model';
import { displayPath, runTime, type CommandRunEvent } from './facts';
import { utcDateTime } from './format';
import { codeLines, codeSpan, escapeInline, table } from './markdown';

export interface TimelineOptions {
  /** List drafted (never posted) status updates too. */
  includeDraftUpdates?: boolean;
}

interface TimelineRow {
  time: string;
  id: string;
  text: string;
  who: string;
  pinned: boolean;
}

/** When an event happened, which may be before it was recorded. */
function happenedAt(e: TimelineEvent): string {
  if (e.type === 'milestone' && !Number.isNaN(Date.parse(e.at))) return e.at;
  if (e.type === 'commandRun') return runTime(e);
  return e.time;
}

export function timelineRegion(incident: Incident | undefined, sorted: readonly TimelineEvent[], options: TimelineOptions = {}): string {
  if (!incident) return '_No events were recorded._';
  const pinned = new Set(incident.pinned);
  const rows: TimelineRow[] = [];
  for (const e of sorted) {
    if (e.type === 'statusUpdate' && e.state !== 'posted' && !options.includeDraftUpdates) continue;
    const text = describeEvent(e, incident);
    if (text === undefined) continue;
    rows.push({ time: happenedAt(e), id: e.id, text, who: escapeInline(e.author), pinned: pinned.has(e.id) });
  }
  rows.sort((a, b) => compareEvents(a, b));
  const cells = (r: TimelineRow) => [utcDateTime(r.time), r.pinned ? `★ ${r.text}` : r.text, r.who];
  const header = ['Time (UTC, +00:00)', 'Event', 'Who'];
  const keyRows = rows.filter((r) => r.pinned);
  const out: string[] = [];
  const drafts = options.includeDraftUpdates ? '' : ' Drafted status updates that were never posted are not listed.';
  out.push(`${rows.length} event${rows.length === 1 ? '' : 's'} from the incident journal, in the order they happened. ★ marks events pinned as key moments.${drafts}`);
  if (keyRows.length > 0) {
    out.push('', '### Key moments', '', table(header, keyRows.map(cells)));
  }
  out.push('', '### All events', '', table(header, rows.map(cells)));
  return out.join('\n');
}

export function exitLabel(e: Pick<CommandRunEvent, 'exitCode' | 'unknownReason'>): string {
  if (e.exitCode === null) return `exit code unknown${e.unknownReason ? ` (${escapeInline(e.unknownReason)})` : ''}`;
  return e.exitCode === 0 ? 'exit 0' : `**exit ${e.exitCode}**`;
}

function runText(e: CommandRunEvent, corrected: string | undefined): string {
  const note = corrected === undefined ? '' : `<br>_(correction: ${escapeInline(corrected)})_`;
  const source = `${escapeInline(e.runbookTitle)} (step ${e.blockIndex + 1})`;
  const output = e.output && e.output.lines > 0 ? `; ${e.output.lines} line${e.output.lines === 1 ? '' : 's'} of output` : '';
  const attached = e.attached ? ' (ran before the incident was declared; attached)' : '';
  return `Ran ${codeLines(e.command)} from ${source}: ${exitLabel(e)}, ${formatDuration(e.durationMs)}${output}${attached}${note}`;
}

/** One timeline cell for an event; undefined for events that only modify others (pins, corrections, pinned evidence). */
export function describeEvent(e: TimelineEvent, incident: Incident): string | undefined {
  const corrected = incident.corrections?.[e.id];
  const correction = (original: string) =>
    corrected === undefined ? escapeInline(original) : `${escapeInline(corrected)}<br>_(corrected; first recorded as: ${escapeInline(original)})_`;
  const suffix = (text?: string) => (text?.trim() ? `: ${escapeInline(text)}` : '');
  switch (e.type) {
    case 'declared': {
      const alert = e.alert ? ` from the alert **${escapeInline(e.alert.name)}**` : '';
      return `Declared **${e.severity}**${alert}: ${escapeInline(e.title)}${e.commander ? `; commander ${escapeInline(e.commander)}` : ''}`;
    }
    case 'note': {
      const step = e.runbookPath !== undefined && e.blockIndex !== undefined ? ` _(about step ${e.blockIndex + 1} of ${escapeInline(displayPath(e.runbookPath))})_` : '';
      return `${correction(e.text)}${step}`;
    }
    case 'statusChanged':
      return `Status **${e.from} → ${e.to}**${suffix(e.summary)}`;
    case 'severityChanged':
      return `Severity **${e.from} → ${e.to}**${suffix(e.reason)}`;
    case 'roleAssigned':
      return e.person.trim()
        ? `${ROLE_NAMES[e.role]}: ${escapeInline(e.person)}${e.previous ? ` (was ${escapeInline(e.previous)})` : ''}`
        : `${ROLE_NAMES[e.role]} unassigned`;
    case 'milestone': {
      const marked = e.at !== e.time ? ` (marked ${utcDateTime(e.time)})` : '';
      return `Milestone **${MILESTONE_NAMES[e.milestone]}**${marked}${suffix(e.reason)}`;
    }
    case 'commandRun':
      return runText(e, corrected);
    case 'statusUpdate':
      return `Status update (${e.audience}${e.state === 'posted' ? '' : ', drafted, not posted'}): ${correction(e.text)}`;
    case 'reminderSnoozed':
      return `Update reminder snoozed for ${e.minutes} min${suffix(e.reason)}`;
    case 'summaryChanged':
      return `Summary updated: ${escapeInline(e.summary)}${e.services ? ` (services: ${e.services.map(escapeInline).join(', ') || 'none'})` : ''}`;
    case 'customerSummaryChanged':
      return `Customer-facing summary: ${escapeInline(e.text)}`;
    case 'joined':
      return `Joined the response${e.role ? ` as ${ROLE_NAMES[e.role]}` : ''}`;
    case 'changesObserved': {
      if (e.changes.length === 0) return `Looked for changes in git history: none between ${utcDateTime(e.windowStart)} and ${utcDateTime(e.windowEnd)}`;
      const sources = changeSources(e.changes);
      const list = sources.slice(0, 5).map(({ source, tags }) => `${codeSpan(source)}${tags.length ? ` (tag${tags.length > 1 ? 's' : ''} ${tags.map((t) => codeSpan(t)).join(', ')})` : ''}`).join(', ');
      const more = sources.length > 5 ? ` and ${sources.length - 5} more` : '';
      return `Changes found in git history before impact start (observations, not causes; see "Changed nearby"): ${list}${more}`;
    }
    case 'pinned':
    case 'correction':
    case 'evidencePinned':
      return undefined;
    case 'unknown':
      return '_An event written by a newer version of the extension (kept in the journal as it is)_';
  }
}

/** Each `repo@sha` once, in order, with the tags that point at it (a tagged commit is one source, not two). */
function changeSources(changes: ReadonlyArray<{ repo: string; sha: string; kind: string; ref?: string }>): Array<{ source: string; tags: string[] }> {
  const bySource = new Map<string, string[]>();
  for (const c of changes) {
    const source = `${c.repo}@${c.sha.slice(0, 7)}`;
    const tags = bySource.get(source) ?? [];
    if (c.kind === 'tag' && c.ref) tags.push(c.ref);
    bySource.set(source, tags);
  }
  return [...bySource].map(([source, tags]) => ({ source, tags }));
}
