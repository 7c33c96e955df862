// The post-mortem draft, as a pure function of the incident's journal: the same events give the
// same bytes. Facts from the journal go into generated regions (see regions.ts); what only
// people know is left as prompts to fill (HTML comments, invisible in the preview), never
// guessed. Sections follow the union of the guides' templates (practice.md), in our words.
import { stringify } from 'yaml';
import { formatDuration } from '../incidents/cadence';
import { compareEvents } from '../incidents/eventSchema';
import { incidentMetrics, METRIC_LABELS, type Metric } from '../incidents/metrics';
import type { Incident, Milestone, Role, Severity, TimelineEvent } from '../incidents/model';
import { foldIncident } from '../incidents/state';
import { minutes, safeFileId, slugify, utcDateTime, utcDay, utcLabel } from './format';
import { fingerprintLine } from './frontMatter';
import { codeSpan, escapeInline, table } from './markdown';
import { DEFAULT_POSTMORTEM_POLICY, postmortemDue, type PostmortemPolicy, type PostmortemRequirement } from './policy';
import { writeRegion, type RegionName } from './regions';

export interface RenderOptions {
  /** The incident id to use when the journal has no events at all. */
  incidentId?: string;
  policy?: PostmortemPolicy;
}

export const POSTMORTEM_STATUSES = ['draft', 'in review', 'final'] as const;

/** Section headings, in order. Completeness checks find them by these words. */
export const SECTIONS = {
  summary: 'Summary',
  impact: 'Impact',
  timeline: 'Timeline',
  detection: 'Detection',
  rootCause: 'Root cause and contributing factors',
  resolution: 'Resolution',
  wentWell: 'What went well',
  improve: 'What could be improved',
  lucky: 'Where we got lucky',
  actionItems: 'Action items',
  lessons: 'Lessons learned',
} as const;

export const ROLE_LABELS: Record<Role, string> = {
  commander: 'Incident commander',
  techLead: 'Tech lead',
  commsLead: 'Communications lead',
  scribe: 'Scribe',
};

const ROLE_KEYS: Record<Role, string> = { commander: 'commander', techLead: 'tech_lead', commsLead: 'comms_lead', scribe: 'scribe' };

/** Cells of an action-item row still to be filled. `_(…)_` marks a prompt cell. */
export const PROMPT_CELL = /^_\(.*\)_$/;
const OWNER_PROMPT = '_(owner)_';
const DUE_PROMPT = '_(YYYY-MM-DD)_';
const PRIORITY_PROMPT = '_(high / medium / low)_';

/** `YYYY-MM-DD-<incident id>-<slug>.md`, dated by the declaration (UTC). */
export function postmortemFileName(incident: { id: string; title: string; declaredAt?: string }): string {
  const fromId = /^INC-(\d{4})(\d{2})(\d{2})-/.exec(incident.id);
  const day = (incident.declaredAt && utcDay(incident.declaredAt)) ?? (fromId ? `${fromId[1]}-${fromId[2]}-${fromId[3]}` : '0000-00-00');
  return `${day}-${safeFileId(incident.id)}-${slugify(incident.title)}.md`;
}

export function renderPostmortem(events: readonly TimelineEvent[], options: RenderOptions = {}): string {
  const policy = options.policy ?? DEFAULT_POSTMORTEM_POLICY;
  const incident = events.length > 0 ? foldIncident(events) : undefined;
  const sorted = [...events].sort(compareEvents);
  const id = incident?.id ?? options.incidentId ?? 'unknown incident';
  const facts = incident ? incidentFacts(incident, sorted, policy) : undefined;

  const parts: string[] = [];
  parts.push(frontMatter(id, incident, facts));
  parts.push('');
  parts.push(region('overview', overview(id, incident, facts, policy)));
  parts.push('');
  parts.push(
    '<!-- Blameless: describe what the systems, tools and processes made easy or hard, not who was at fault. ' +
      'Prompts like this one are invisible in the preview; replace them with your text. -->',
  );

  section(parts, SECTIONS.summary, region('summary', summaryRegion(incident)), prompt(
    'In two or three sentences, for someone who was not there: what broke, who was affected, for how long, and what brought it back.',
  ));
  section(parts, SECTIONS.impact, region('impact', impactRegion(incident, sorted, facts)), prompt(
    'Who and what was affected, and how much: users or customers, failed requests or transactions, data lost or delayed, ' +
      'money, error budget spent, support tickets, and what customers were told.',
  ));
  section(parts, SECTIONS.timeline, region('timeline', timelineRegion(incident, sorted)), prompt(
    'Add context the journal does not hold (decisions, what people saw on dashboards) below the generated table.',
  ));
  section(parts, SECTIONS.detection, region('detection', detectionRegion(incident, facts)), prompt(
    'How did we find out: an alert, a dashboard, a customer? Was it fast enough, and what would have told us sooner?',
  ));
  section(parts, SECTIONS.rootCause, prompt(
    'The immediate cause (what directly broke), the contributing factors (what made it possible or worse), the underlying ' +
      'cause (why those factors existed), and why monitoring or safeguards did not catch it earlier.',
  ));
  section(parts, SECTIONS.resolution, region('resolution', resolutionRegion(incident, sorted, facts)), prompt(
    'What stopped the impact, what made the fix lasting, and anything still temporary.',
  ));
  section(parts, SECTIONS.wentWell, prompt('Tools, runbooks, alerts and habits that helped, so we keep them.'));
  section(parts, SECTIONS.improve, prompt('Where detection, response, mitigation or communication was slow, unclear or missing.'));
  section(parts, SECTIONS.lucky, prompt('Things that went right by chance and will not next time (timing, who happened to be around, low traffic).'));
  section(parts, SECTIONS.actionItems, region('follow-ups', followUpsRegion(incident, sorted)), actionItemsTable(incident), prompt(
    'One row per concrete change with an owner and a due date. Priority: high, medium or low. Status: open, in progress or done.',
  ));
  section(parts, SECTIONS.lessons, prompt('What we learned, technically, about our process, and as a team.'));
  return `${parts.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// Facts derived once

interface IncidentFacts {
  metrics: Metric[];
  impactStarted?: string;
  mitigated?: string;
  resolved?: string;
  durationMs?: number;
  due?: string;
  requirement: PostmortemRequirement;
  severityHistory: Severity[];
  commandRuns: Extract<TimelineEvent, { type: 'commandRun' }>[];
}

function incidentFacts(incident: Incident, sorted: readonly TimelineEvent[], policy: PostmortemPolicy): IncidentFacts {
  const resolved = incident.milestones.resolved ?? incident.resolvedAt;
  const impactStarted = incident.milestones.impactStarted;
  const start = impactStarted ?? incident.declaredAt;
  const durationMs = resolved && Date.parse(resolved) >= Date.parse(start) ? Date.parse(resolved) - Date.parse(start) : undefined;
  const severityHistory: Severity[] = [];
  for (const e of sorted) {
    if (e.type === 'declared' && severityHistory.length === 0) severityHistory.push(e.severity);
    if (e.type === 'severityChanged') severityHistory.push(e.to);
  }
  return {
    metrics: incidentMetrics(incident),
    impactStarted,
    mitigated: incident.milestones.mitigated,
    resolved,
    durationMs: durationMs !== undefined && !Number.isNaN(durationMs) ? durationMs : undefined,
    due: postmortemDue(incident.severity, resolved, policy),
    requirement: policy[incident.severity].requirement,
    severityHistory,
    commandRuns: sorted.filter((e): e is Extract<TimelineEvent, { type: 'commandRun' }> => e.type === 'commandRun'),
  };
}

// ---------------------------------------------------------------------------------------------
// Front matter

const METRIC_KEYS: Record<Metric['name'], string> = {
  timeToDetect: 'time_to_detect',
  timeToAcknowledge: 'time_to_acknowledge',
  timeToMitigate: 'time_to_mitigate',
  timeToResolve: 'time_to_resolve',
};

/** The keys the generator owns, in order; `status` (after `severity`) belongs to people. */
export function generatedFrontMatter(id: string, incident: Incident | undefined, facts: IncidentFacts | undefined): Record<string, unknown> {
  const roles: Record<string, string> = {};
  for (const role of ['commander', 'techLead', 'commsLead', 'scribe'] as const) {
    const person = incident?.roles[role];
    if (person) roles[ROLE_KEYS[role]] = person;
  }
  const metrics: Record<string, number | null> = {};
  for (const m of facts?.metrics ?? []) metrics[METRIC_KEYS[m.name]] = m.ms === undefined ? null : minutes(m.ms);
  return {
    incident: id,
    title: incident?.title ?? null,
    severity: incident?.severity ?? null,
    declared: incident?.declaredAt ?? null,
    impact_started: facts?.impactStarted ?? null,
    mitigated: facts?.mitigated ?? null,
    resolved: facts?.resolved ?? null,
    duration_minutes: facts?.durationMs === undefined ? null : minutes(facts.durationMs),
    roles,
    services: incident?.services ?? [],
    metrics_minutes: metrics,
    postmortem_required: facts?.requirement ?? null,
    postmortem_due: facts?.due ?? null,
  };
}

function frontMatter(id: string, incident: Incident | undefined, facts: IncidentFacts | undefined): string {
  const generated = generatedFrontMatter(id, incident, facts);
  const { incident: inc, title, severity, ...rest } = generated;
  const ordered = { incident: inc, title, severity, status: 'draft', ...rest };
  const yaml = stringify(ordered, { lineWidth: 0 })
    .trimEnd()
    .replace(/^status: draft$/m, 'status: draft # draft, in review or final');
  const note = '# Times are UTC (ISO 8601); metrics_minutes are minutes. Keys listed in the last line are regenerated from the journal.';
  return ['---', note, yaml, fingerprintLine(generated), '---'].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Body pieces

function region(name: RegionName, content: string): string {
  return writeRegion(name, content);
}

function prompt(text: string): string {
  return `<!-- To fill: ${text} -->`;
}

function section(parts: string[], heading: string, ...blocks: string[]): void {
  parts.push('', `## ${heading}`);
  for (const block of blocks) parts.push('', block);
}

function overview(id: string, incident: Incident | undefined, facts: IncidentFacts | undefined, policy: PostmortemPolicy): string {
  if (!incident || !facts) {
    return [
      `# Post-mortem: ${escapeInline(id)}`,
      '',
      '_The incident journal has no events, so there is nothing to generate yet. Fill in the sections by hand, or draft again once the timeline has events._',
    ].join('\n');
  }
  const rule = policy[incident.severity];
  const severity =
    facts.severityHistory.length > 1
      ? `**${incident.severity}** (${facts.severityHistory.join(' → ')})`
      : `**${incident.severity}**`;
  const rows: string[][] = [
    ['Incident', escapeInline(incident.id)],
    ['Severity', severity],
    ['Status at drafting', escapeInline(incident.status)],
    ['Declared', utcLabel(incident.declaredAt)],
    ['Impact started', facts.impactStarted ? utcLabel(facts.impactStarted) : '_not marked_'],
    ['Mitigated', facts.mitigated ? utcLabel(facts.mitigated) : '_not marked_'],
    ['Resolved', facts.resolved ? utcLabel(facts.resolved) : '_not resolved yet_'],
    ['Duration', facts.durationMs === undefined ? '_not resolved yet_' : `${formatDuration(facts.durationMs)} (${facts.impactStarted ? 'impact start' : 'declaration'} to resolution)`],
  ];
  for (const role of ['commander', 'techLead', 'commsLead', 'scribe'] as const) {
    rows.push([ROLE_LABELS[role], incident.roles[role] ? escapeInline(incident.roles[role]) : '_not assigned_']);
  }
  rows.push(['Services', incident.services.length ? incident.services.map(escapeInline).join(', ') : '_none recorded_']);
  const dueText =
    rule.dueWithinHours === undefined
      ? `${rule.requirement} for ${incident.severity} (${rule.source})`
      : facts.due
        ? `**${utcLabel(facts.due)}** (${rule.source}; counted from resolution)`
        : `${hoursText(rule.dueWithinHours)} after resolution (${rule.source})`;
  rows.push(['Post-mortem due', dueText]);

  const metricRows = facts.metrics.map((m) => [
    METRIC_LABELS[m.name],
    `${m.from} → ${m.to}`,
    m.ms === undefined ? `_not measured: ${m.missing ?? 'missing milestone'}_` : `${formatDuration(m.ms)}${m.estimated ? ' (estimated)' : ''}`,
    m.goalMs === undefined ? '—' : `${formatDuration(m.goalMs)}${m.withinGoal === undefined ? '' : m.withinGoal ? ' (met)' : ' (missed)'}`,
  ]);
  return [
    `# Post-mortem: ${escapeInline(incident.title)}`,
    '',
    table(['Field', 'Value'], rows),
    '',
    `Response metrics (goals for ${incident.severity} from guide 000; "estimated" uses the declaration time for a missing *detected* milestone, or the resolved status for a missing *resolved* one):`,
    '',
    table(['Metric', 'Between', 'Measured', 'Goal'], metricRows),
  ].join('\n');
}

function hoursText(hours: number): string {
  return hours >= 72 && hours % 24 === 0 ? `${hours / 24} days` : `${hours} hours`;
}

function summaryRegion(incident: Incident | undefined): string {
  if (!incident?.summary.trim()) return '_No summary was recorded during the incident._';
  return ['Summary recorded during the incident:', '', `> ${escapeInline(incident.summary)}`].join('\n');
}

function impactRegion(incident: Incident | undefined, sorted: readonly TimelineEvent[], facts: IncidentFacts | undefined): string {
  if (!incident || !facts) return '_No events recorded._';
  const end = facts.mitigated ?? facts.resolved;
  const start = facts.impactStarted;
  const window =
    start && end && Date.parse(end) >= Date.parse(start)
      ? `${utcLabel(start)} to ${utcLabel(end)} (${formatDuration(Date.parse(end) - Date.parse(start))}, impact start to ${facts.mitigated ? 'mitigation' : 'resolution'})`
      : '_not measurable: mark the impact-started and mitigated milestones_';
  const updates = { internal: 0, external: 0 };
  for (const e of sorted) if (e.type === 'statusUpdate' && e.state === 'posted') updates[e.audience] += 1;
  return [
    `- Services affected: ${incident.services.length ? incident.services.map(escapeInline).join(', ') : '_none recorded_'}`,
    `- Impact window: ${window}`,
    `- Status updates posted: ${updates.internal} internal, ${updates.external} external`,
  ].join('\n');
}

function detectionRegion(incident: Incident | undefined, facts: IncidentFacts | undefined): string {
  if (!incident || !facts) return '_No events recorded._';
  const at = (m: Milestone) => (incident.milestones[m] ? utcLabel(incident.milestones[m]) : '_not marked_');
  const metric = (name: Metric['name']) => {
    const m = facts.metrics.find((x) => x.name === name);
    return m?.ms === undefined ? '_not measured_' : `${formatDuration(m.ms)}${m.estimated ? ' (estimated)' : ''}`;
  };
  return [
    `- Impact started: ${at('impactStarted')}`,
    `- Detected: ${at('detected')}`,
    `- Acknowledged: ${at('acknowledged')}`,
    `- Declared: ${utcLabel(incident.declaredAt)}`,
    `- Time to detect: ${metric('timeToDetect')}; time to acknowledge: ${metric('timeToAcknowledge')}`,
  ].join('\n');
}

function resolutionRegion(incident: Incident | undefined, sorted: readonly TimelineEvent[], facts: IncidentFacts | undefined): string {
  if (!incident || !facts) return '_No events recorded._';
  const lines = [
    `- Mitigated: ${facts.mitigated ? utcLabel(facts.mitigated) : '_not marked_'}`,
    `- Resolved: ${facts.resolved ? utcLabel(facts.resolved) : '_not resolved yet_'}`,
  ];
  const resolvedEvent = [...sorted].reverse().find((e) => e.type === 'statusChanged' && e.to === 'resolved');
  if (resolvedEvent?.type === 'statusChanged' && resolvedEvent.summary?.trim()) {
    lines.push(`- Resolution recorded: ${escapeInline(resolvedEvent.summary)}`);
  }
  const byRunbook = new Map<string, { title: string; runs: number; failed: number; unknown: number }>();
  for (const run of facts.commandRuns) {
    const entry = byRunbook.get(run.runbookPath) ?? { title: run.runbookTitle, runs: 0, failed: 0, unknown: 0 };
    entry.runs += 1;
    if (run.exitCode === null) entry.unknown += 1;
    else if (run.exitCode !== 0) entry.failed += 1;
    byRunbook.set(run.runbookPath, entry);
  }
  if (byRunbook.size === 0) {
    lines.push('- Runbook commands run: none recorded');
  } else {
    lines.push('- Runbook commands run:');
    const paths = [...byRunbook.keys()].sort();
    for (const p of paths) {
      const e = byRunbook.get(p)!;
      const outcome = [`${e.runs} run${e.runs === 1 ? '' : 's'}`];
      if (e.failed) outcome.push(`${e.failed} failed`);
      if (e.unknown) outcome.push(`${e.unknown} with unknown exit code`);
      lines.push(`  - ${escapeInline(e.title)} (${codeSpan(p)}): ${outcome.join(', ')}`);
    }
  }
  return lines.join('\n');
}

function followUpsRegion(incident: Incident | undefined, sorted: readonly TimelineEvent[]): string {
  if (!incident || incident.followUps.length === 0) return '_No `TODO:` notes were recorded during the incident._';
  const byId = new Map(sorted.map((e) => [e.id, e]));
  const lines = ['`TODO:` notes from the timeline (the table below was prefilled from them when this draft was first written):', ''];
  for (const f of incident.followUps) {
    const e = byId.get(f.eventId);
    lines.push(`- ${e ? `${utcDateTime(e.time)} UTC, ${escapeInline(e.author)}: ` : ''}${escapeInline(f.text)}`);
  }
  return lines.join('\n');
}

function actionItemsTable(incident: Incident | undefined): string {
  const rows = (incident?.followUps ?? []).map((f) => [escapeInline(f.text), OWNER_PROMPT, DUE_PROMPT, PRIORITY_PROMPT, 'open']);
  if (rows.length === 0) rows.push(['_(action)_', OWNER_PROMPT, DUE_PROMPT, PRIORITY_PROMPT, 'open']);
  return table(['Action', 'Owner', 'Due', 'Priority', 'Status'], rows);
}

// ---------------------------------------------------------------------------------------------
// Timeline

interface TimelineRow {
  time: string;
  id: string;
  text: string;
  who: string;
  pinned: boolean;
}

function timelineRegion(incident: Incident | undefined, sorted: readonly TimelineEvent[]): string {
  if (!incident) return '_No events were recorded._';
  const pinned = new Set(incident.pinned);
  const rows: TimelineRow[] = [];
  for (const e of sorted) {
    const text = describe(e, incident);
    if (text === undefined) continue;
    // A milestone sits where it happened, which may be before it was marked.
    const time = e.type === 'milestone' && !Number.isNaN(Date.parse(e.at)) ? e.at : e.time;
    rows.push({ time, id: e.id, text, who: escapeInline(e.author), pinned: pinned.has(e.id) });
  }
  rows.sort((a, b) => compareEvents(a, b));
  const cells = (r: TimelineRow) => [utcDateTime(r.time), r.pinned ? `★ ${r.text}` : r.text, r.who];
  const header = ['Time (UTC, +00:00)', 'Event', 'Who'];
  const keyRows = rows.filter((r) => r.pinned);
  const out: string[] = [];
  out.push(`${rows.length} event${rows.length === 1 ? '' : 's'} from the incident journal. ★ marks events pinned as key moments.`);
  if (keyRows.length > 0) {
    out.push('', '### Key moments', '', table(header, keyRows.map(cells)));
  }
  out.push('', '### All events', '', table(header, rows.map(cells)));
  return out.join('\n');
}

function exitLabel(e: Extract<TimelineEvent, { type: 'commandRun' }>): string {
  if (e.exitCode === null) return `exit code unknown${e.unknownReason ? ` (${escapeInline(e.unknownReason)})` : ''}`;
  return e.exitCode === 0 ? 'exit 0' : `**exit ${e.exitCode}**`;
}

/** One timeline cell for an event; undefined for events that only modify others (pins, corrections). */
function describe(e: TimelineEvent, incident: Incident): string | undefined {
  const corrected = incident.corrections?.[e.id];
  const correction = (original: string) =>
    corrected === undefined ? escapeInline(original) : `${escapeInline(corrected)}<br>_(corrected; first recorded as: ${escapeInline(original)})_`;
  const suffix = (text?: string) => (text?.trim() ? `: ${escapeInline(text)}` : '');
  switch (e.type) {
    case 'declared':
      return `Declared **${e.severity}**: ${escapeInline(e.title)}${e.commander ? `; commander ${escapeInline(e.commander)}` : ''}`;
    case 'note':
      return correction(e.text);
    case 'statusChanged':
      return `Status **${e.from} → ${e.to}**${suffix(e.summary)}`;
    case 'severityChanged':
      return `Severity **${e.from} → ${e.to}**${suffix(e.reason)}`;
    case 'roleAssigned':
      return e.person.trim()
        ? `${ROLE_LABELS[e.role]}: ${escapeInline(e.person)}${e.previous ? ` (was ${escapeInline(e.previous)})` : ''}`
        : `${ROLE_LABELS[e.role]} unassigned`;
    case 'milestone': {
      const marked = e.at !== e.time ? ` (marked ${utcDateTime(e.time)})` : '';
      return `Milestone **${e.milestone}**${marked}${suffix(e.reason)}`;
    }
    case 'commandRun': {
      const note = corrected === undefined ? '' : `<br>_(correction: ${escapeInline(corrected)})_`;
      return `Ran ${codeSpan(e.command)} from ${escapeInline(e.runbookTitle)} (block ${e.blockIndex + 1}): ${exitLabel(e)}, ${formatDuration(e.durationMs)}${note}`;
    }
    case 'statusUpdate':
      return `Status update (${e.audience}, ${e.state}): ${correction(e.text)}`;
    case 'reminderSnoozed':
      return `Update reminder snoozed for ${e.minutes} min${suffix(e.reason)}`;
    case 'summaryChanged':
      return `Summary updated: ${escapeInline(e.summary)}${e.services ? ` (services: ${e.services.map(escapeInline).join(', ') || 'none'})` : ''}`;
    case 'customerSummaryChanged':
      return `Customer-facing summary: ${escapeInline(e.text)}`;
    case 'joined':
      return `Joined the response${e.role ? ` as ${ROLE_LABELS[e.role]}` : ''}`;
    case 'pinned':
    case 'correction':
      return undefined;
    case 'unknown':
      return `_An event of a type this version does not know (${escapeInline(e.originalType)})_`;
  }
}
