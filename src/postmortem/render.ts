// The post-mortem draft, as a pure function of the incident's journal: the same events give the
// same bytes. Facts from the journal go into generated regions (see regions.ts); what only
// people know is left as prompts to fill (HTML comments, invisible in the preview), never
// guessed. Sections follow the union of the guides' templates (practice.md), in our words.
import { stringify } from 'yaml';
import { formatDuration } from '../incidents/duration';
import { compareEvents } from '../incidents/eventSchema';
import { MILESTONE_NAMES, ROLE_NAMES } from '../incidents/names';
import { METRIC_LABELS, type Metric } from '../incidents/metrics';
import type { Incident, Milestone, Role, TimelineEvent } from '../incidents/model';
import { RESPOND_WITHIN_MINUTES } from '../incidents/severity';
import { foldIncident } from '../incidents/state';
import { changesRegion, evidenceRegion } from './evidenceSection';
import { displayPath, incidentFacts, type IncidentFacts } from './facts';
import { minutes, safeFileId, slugify, utcDateTime, utcDay, utcLabel } from './format';
import { fingerprintLine } from './frontMatter';
import { codeSpan, escapeInline, table } from './markdown';
import { DEFAULT_POSTMORTEM_POLICY, type PostmortemPolicy } from './policy';
import { writeRegion, type RegionName } from './regions';
import { timelineRegion, type TimelineOptions } from './timelineSection';

export { ROLE_NAMES as ROLE_LABELS };

export interface RenderOptions extends TimelineOptions {
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
  evidence: 'Evidence',
  changes: 'Changed nearby',
} as const;

const ROLE_KEYS: Record<Role, string> = { commander: 'commander', techLead: 'tech_lead', commsLead: 'comms_lead', scribe: 'scribe' };

/** What each section asks of the people writing it (shown as an invisible prompt, and by the review gate's quick fixes). */
export const PROMPTS: Record<keyof typeof SECTIONS, string> = {
  summary: 'In two or three sentences, for someone who was not there: what broke, who was affected, for how long, and what brought it back.',
  impact:
    'Who and what was affected, and how much: users or customers, failed requests or transactions, data lost or delayed, ' +
    'money, error budget spent, support tickets, and what customers were told.',
  timeline: 'Add context the journal does not hold (decisions, what people saw on dashboards) below the generated table.',
  evidence: 'Say what the output showed, if it is not obvious (for example: "21 of 120 responses were 5xx").',
  changes: 'Did any of these changes matter? Name the ones that did under "Root cause", and why.',
  detection: 'How did we find out: an alert, a dashboard, a customer? Was it fast enough, and what would have told us sooner?',
  rootCause:
    'The immediate cause (what directly broke), the contributing factors (what made it possible or worse), the underlying ' +
    'cause (why those factors existed), and why monitoring or safeguards did not catch it earlier.',
  resolution: 'What stopped the impact, what made the fix lasting, and anything still temporary.',
  wentWell: 'Tools, runbooks, alerts and habits that helped, so we keep them.',
  improve: 'Where detection, response, mitigation or communication was slow, unclear or missing.',
  lucky: 'Things that went right by chance and will not next time (timing, who happened to be around, low traffic).',
  actionItems: 'One row per concrete change with an owner and a due date. Priority: high, medium or low. Status: open, in progress or done.',
  lessons: 'What we learned, technically, about our process, and as a team.',
};

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
      'Prompts like this one are invisible in the preview; replace them with your text. ' +
      'Text between an "oncall:NAME" marker and its "oncall:/NAME" marker comes from the incident journal and is replaced when the draft is made again, so write outside those markers. -->',
  );

  section(parts, SECTIONS.summary, region('summary', summaryRegion(incident)), prompt(PROMPTS.summary));
  section(parts, SECTIONS.impact, region('impact', impactRegion(incident, sorted, facts)), prompt(PROMPTS.impact));
  section(parts, SECTIONS.timeline, region('timeline', timelineRegion(incident, sorted, options)), prompt(PROMPTS.timeline));
  section(parts, SECTIONS.evidence, region('evidence', evidenceRegion(sorted)), prompt(PROMPTS.evidence));
  section(parts, SECTIONS.changes, region('changes', changesRegion(sorted)), prompt(PROMPTS.changes));
  section(parts, SECTIONS.detection, region('detection', detectionRegion(incident, facts)), prompt(PROMPTS.detection));
  section(parts, SECTIONS.rootCause, prompt(PROMPTS.rootCause));
  section(parts, SECTIONS.resolution, region('resolution', resolutionRegion(incident, sorted, facts)), prompt(PROMPTS.resolution));
  section(parts, SECTIONS.wentWell, prompt(PROMPTS.wentWell));
  section(parts, SECTIONS.improve, prompt(PROMPTS.improve));
  section(parts, SECTIONS.lucky, prompt(PROMPTS.lucky));
  section(parts, SECTIONS.actionItems, region('follow-ups', followUpsRegion(incident, sorted)), actionItemsTable(incident), prompt(PROMPTS.actionItems));
  section(parts, SECTIONS.lessons, prompt(PROMPTS.lessons));
  return `${parts.join('\n')}\n`;
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
    services: facts?.services ?? incident?.services ?? [],
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

export function prompt(text: string): string {
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
    ['Status when drafted', escapeInline(incident.status)],
    ['Declared', utcLabel(incident.declaredAt)],
    ['Impact started', facts.impactStarted ? utcLabel(facts.impactStarted) : '_not marked_'],
    ['Mitigated', facts.mitigated ? utcLabel(facts.mitigated) : '_not marked_'],
    ['Resolved', facts.resolved ? utcLabel(facts.resolved) : '_not resolved yet_'],
    ['Duration', facts.durationMs === undefined ? '_not resolved yet_' : `${formatDuration(facts.durationMs)} (${facts.durationFrom ?? 'declaration'} to resolution)`],
  ];
  for (const role of ['commander', 'techLead', 'commsLead', 'scribe'] as const) {
    rows.push([ROLE_NAMES[role], incident.roles[role] ? escapeInline(incident.roles[role]) : '_not assigned_']);
  }
  rows.push(['Services', facts.services.length ? facts.services.map(escapeInline).join(', ') : '_none recorded_']);
  if (facts.alert) rows.push(['Alert', alertText(facts.alert)]);
  const dueText =
    rule.dueWithinHours === undefined
      ? `${rule.requirement} for ${incident.severity} (${rule.source})`
      : facts.due
        ? `**${utcLabel(facts.due)}** (${rule.source})`
        : `${hoursText(rule.dueWithinHours)} after resolution (${rule.source})`;
  rows.push(['Post-mortem due', dueText]);

  const metricRows = facts.metrics.map((m) => [
    METRIC_LABELS[m.name],
    `${MILESTONE_NAMES[m.from]} → ${MILESTONE_NAMES[m.to]}`,
    m.ms === undefined ? `_not measured: ${m.missing ?? 'missing milestone'}_` : `${formatDuration(m.ms)}${m.estimated ? ' (estimated)' : ''}`,
    m.goalMs === undefined ? '—' : `${formatDuration(m.goalMs)}${m.withinGoal === undefined ? '' : m.withinGoal ? ' (met)' : ' (missed)'}`,
  ]);
  return [
    `# Post-mortem: ${escapeInline(incident.title)}`,
    '',
    table(['Field', 'Value'], rows),
    '',
    `Response metrics. ${goalsText(incident.severity)} "Estimated" means the declaration time stood in for a missing *Detected* milestone, or the resolved status for a missing *Resolved* one.`,
    '',
    table(['Metric', 'Between', 'Measured', 'Goal'], metricRows),
  ].join('\n');
}

function goalsText(severity: Incident['severity']): string {
  const acknowledge = RESPOND_WITHIN_MINUTES[severity];
  if (acknowledge === undefined) return `${severity} has no time goals.`;
  return `Goals for ${severity}: acknowledge within ${formatDuration(acknowledge * 60_000)}, as the ${severity} definition says when it is picked; detect, mitigate and resolve as the incident-response practice sets them.`;
}

/** `**KubePodCrashLooping** (namespace=prod, pod=api-7f9c), link `https://…`` */
function alertText(alert: NonNullable<IncidentFacts['alert']>, inTable = true): string {
  const labels = Object.entries(alert.labels).map(([k, v]) => `${k}=${v}`);
  return [
    `**${escapeInline(alert.name)}**`,
    labels.length ? ` (labels: ${escapeInline(labels.join(', '))})` : '',
    alert.link ? `; link ${codeSpan(alert.link, { inTable })}` : '',
  ].join('');
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
  const start = facts.impactStarted;
  const mitigated = facts.mitigated;
  const toMitigation =
    start && mitigated && Date.parse(mitigated) >= Date.parse(start)
      ? `${utcLabel(start)} to ${utcLabel(mitigated)} (${formatDuration(Date.parse(mitigated) - Date.parse(start))})`
      : '_not measurable: mark the Impact started and Mitigated milestones_';
  const duration =
    facts.durationMs === undefined ? '_not resolved yet_' : `${formatDuration(facts.durationMs)} (${facts.durationFrom ?? 'declaration'} to resolution)`;
  const updates = { internal: 0, external: 0 };
  for (const e of sorted) if (e.type === 'statusUpdate' && e.state === 'posted') updates[e.audience] += 1;
  return [
    `- Services affected: ${facts.services.length ? facts.services.map(escapeInline).join(', ') : '_none recorded_'}`,
    `- Duration: ${duration}`,
    `- Impact start to mitigation: ${toMitigation}`,
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
    ...(facts.alert ? [`- Alert: ${alertText(facts.alert, false)}`] : []),
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
  const byRunbook = new Map<string, { title: string; runs: number; failed: number; withOutput: number; unknown: number }>();
  for (const run of facts.commandRuns) {
    const path = displayPath(run.runbookPath);
    const entry = byRunbook.get(path) ?? { title: run.runbookTitle, runs: 0, failed: 0, withOutput: 0, unknown: 0 };
    entry.runs += 1;
    if (run.exitCode === null) entry.unknown += 1;
    else if (run.exitCode !== 0) {
      entry.failed += 1;
      if (run.output && run.output.lines > 0) entry.withOutput += 1;
    }
    byRunbook.set(path, entry);
  }
  if (byRunbook.size === 0) {
    lines.push('- Runbook commands run: none recorded');
  } else {
    lines.push('- Runbook commands run:');
    const paths = [...byRunbook.keys()].sort();
    for (const p of paths) {
      const e = byRunbook.get(p)!;
      const outcome = [`${e.runs} run${e.runs === 1 ? '' : 's'}`];
      if (e.failed) outcome.push(`${e.failed} failed${e.withOutput ? ` (output of ${e.withOutput === e.failed ? (e.failed === 1 ? 'it' : 'them') : e.withOutput} under "Evidence")` : ''}`);
      if (e.unknown) outcome.push(`${e.unknown} with unknown exit code`);
      lines.push(`  - ${escapeInline(e.title)} (${codeSpan(p, { inTable: false })}): ${outcome.join(', ')}`);
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
