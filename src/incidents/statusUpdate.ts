// Status update drafts, for people inside the company (internal) and for customers (external),
// written from the incident and what happened since the last update was posted. Our wording;
// the responder edits the draft before posting it.
//
// External drafts are written in customer language from one thing only: the customer-facing
// summary the responder writes once (and may change). They never carry the internal title,
// the impact text, services, hosts, commands or notes. Every draft says when the next update
// comes; that time (`nextUpdateAt`) travels with the posted update, and the reminder uses it.
import type { CadenceConfig } from './cadence';
import { compareEvents } from './eventSchema';
import type { Audience, Incident, IncidentStatus, Role, TimelineEvent } from './model';
import { MILESTONE_NAMES, ROLE_NAMES, STATUS_NAMES } from './names';
import type { TimeFormatter } from './timeFormat';

export interface DraftInput {
  incident: Incident;
  events: readonly TimelineEvent[];
  audience: Audience;
  /** ms since the epoch. */
  now: number;
  cadence: CadenceConfig;
  time: TimeFormatter;
}

export interface StatusUpdateDraft {
  text: string;
  /** When the draft says the next update comes (ISO, a whole minute); none once resolved or without reminders. */
  nextUpdateAt?: string;
}

/** Stands in an external draft until the customer-facing summary is written. */
export const CUSTOMER_SUMMARY_PLACEHOLDER = '[What customers notice, in their words: write the customer-facing summary]';

/** The events after the last posted update for this audience (all events when none was posted). */
export function eventsSinceLastUpdate(events: readonly TimelineEvent[], audience: Audience): { since?: string; events: TimelineEvent[] } {
  const sorted = [...events].sort(compareEvents);
  let cut = -1;
  sorted.forEach((e, i) => {
    if (e.type === 'statusUpdate' && e.state === 'posted' && e.audience === audience) cut = i;
  });
  return { since: cut >= 0 ? sorted[cut].time : undefined, events: sorted.slice(cut + 1) };
}

const REDACTED = '[internal detail]';
const REDACTIONS: RegExp[] = [
  /`[^`]*`/g, // inline code
  /\b[a-z][a-z0-9+.-]*:\/\/\S+/gi, // URLs
  /\b[\w.+-]+@[\w-]+(\.[\w-]+)+\b/g, // e-mail addresses
  /\b\d{1,3}(\.\d{1,3}){3}(:\d+)?\b/g, // IPv4 (with port)
  /\b(?=[0-9a-f:]*:[0-9a-f:]*:)[0-9a-f]{0,4}(:[0-9a-f]{0,4}){2,7}\b/gi, // IPv6
  /\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z][a-z0-9-]*[a-z0-9](:\d+)?\b/gi, // host names (two labels or more)
  /(^|\s)(~|\.{1,2})?\/[\w.-]+(\/[\w.-]*)+/g, // file paths
];

/** Removes hostnames, addresses, URLs, paths and inline code from text meant for customers. */
export function redactInternalDetail(text: string): string {
  let out = text.replace(BIDI_CONTROLS, '');
  for (const re of REDACTIONS) {
    out = out.replace(re, (_match, lead?: unknown) => (typeof lead === 'string' && /^\s$/.test(lead) ? `${lead}${REDACTED}` : REDACTED));
  }
  // Several redactions in a row read as one.
  return out.replace(/(\[internal detail\][\s,;]*){2,}/g, `${REDACTED} `).replace(/[ \t]{2,}/g, ' ').trim();
}

const MINUTE = 60_000;

/**
 * When an update posted at `now` says the next one comes: the severity's interval later,
 * rounded up to a whole minute (drafts write minutes). Undefined when resolved or when the
 * severity has no reminders.
 */
export function nextUpdateTime(incident: Incident, cadence: CadenceConfig, now: number): number | undefined {
  if (incident.status === 'resolved') return undefined;
  const rule = cadence[incident.severity];
  if (!rule) return undefined;
  return Math.ceil((now + rule.everyMinutes * MINUTE) / MINUTE) * MINUTE;
}

function describeInternal(e: TimelineEvent, input: DraftInput): string | undefined {
  const when = (t: string) => input.time.time(t, { now: input.now });
  const at = when(e.time);
  switch (e.type) {
    case 'note':
      return `${at} ${e.author}: ${oneLine(e.text)}`;
    case 'statusChanged':
      return `${at} status ${STATUS_NAMES[e.from]} → ${STATUS_NAMES[e.to]}`;
    case 'severityChanged':
      return `${at} severity ${e.from} → ${e.to}${e.reason ? ` (${oneLine(e.reason)})` : ''}`;
    case 'roleAssigned':
      return `${at} ${ROLE_NAMES[e.role]}: ${e.person || 'unassigned'}`;
    case 'milestone':
      return `${at} ${MILESTONE_NAMES[e.milestone]} at ${when(e.at)}${e.reason ? ` (${oneLine(e.reason)})` : ''}`;
    case 'commandRun': {
      const result = e.exitCode === null ? 'exit code unknown' : `exit ${e.exitCode}`;
      return `${at} ran \`${oneLine(e.command)}\` from "${e.runbookTitle}": ${result}`;
    }
    case 'summaryChanged':
      return `${at} impact updated: ${oneLine(e.summary)}`;
    case 'customerSummaryChanged':
      return `${at} customer-facing summary: ${oneLine(e.text)}`;
    case 'correction':
      return `${at} correction: ${oneLine(e.text)}`;
    default:
      return undefined;
  }
}

/** Direction overrides and isolates: in a pasted update they could reverse the words after them. */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/g;

function oneLine(text: string, max = 240): string {
  const flat = text.replace(BIDI_CONTROLS, '').replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

const INTERNAL_NOW: Record<IncidentStatus, string> = {
  investigating: 'We are still looking for the cause.',
  identified: 'The cause is known; the fix is being worked on.',
  monitoring: 'A fix is in place; we are watching to confirm it holds.',
  resolved: 'The incident is resolved. This is the last update; a post-mortem follows where required.',
};

function internalDraft(input: DraftInput, next: number | undefined): string {
  const { incident } = input;
  const lines: string[] = [];
  lines.push(`[${incident.severity}] ${incident.id}: ${oneLine(incident.title)} — ${STATUS_NAMES[incident.status]}`);
  const roles = (Object.keys(ROLE_NAMES) as Role[]).filter((r) => incident.roles[r]).map((r) => `${ROLE_NAMES[r]}: ${incident.roles[r]}`);
  if (roles.length > 0) lines.push(roles.join(' · '));
  if (incident.summary.trim()) lines.push(`Impact: ${oneLine(incident.summary, 600)}`);
  if (incident.services.length > 0) lines.push(`Services: ${incident.services.join(', ')}`);
  const { since, events } = eventsSinceLastUpdate(input.events, 'internal');
  const changes = events.map((e) => describeInternal(e, input)).filter((x): x is string => x !== undefined);
  lines.push('');
  lines.push(since ? `Since the last update (${input.time.time(since, { now: input.now })}):` : 'So far:');
  if (changes.length === 0) lines.push('- nothing new recorded');
  const shown = changes.slice(-12);
  if (changes.length > shown.length) lines.push(`- … ${changes.length - shown.length} earlier entries in the timeline`);
  for (const c of shown) lines.push(`- ${c}`);
  lines.push('');
  lines.push(INTERNAL_NOW[incident.status]);
  if (next !== undefined) lines.push(`Next update by ${input.time.time(next, { now: input.now })}.`);
  return lines.join('\n');
}

/** Customer wording per status: what we are doing, never how. */
const EXTERNAL_NOW: Record<IncidentStatus, string> = {
  investigating: 'We are aware of the problem and are investigating.',
  identified: 'We have found the cause and are working on a fix.',
  monitoring: 'A fix is in place, and we are monitoring to make sure it holds.',
  resolved: 'This is resolved, and the service is working normally again.',
};

function externalDraft(input: DraftInput, next: number | undefined): string {
  const { incident } = input;
  const summary = incident.customerSummary?.trim() ? redactInternalDetail(oneLine(incident.customerSummary, 600)) : CUSTOMER_SUMMARY_PLACEHOLDER;
  const lines: string[] = [`${STATUS_NAMES[incident.status]}: ${summary}`, '', EXTERNAL_NOW[incident.status]];
  if (incident.status === 'resolved') {
    const start = incident.milestones.impactStarted ?? incident.declaredAt;
    const end = incident.milestones.resolved ?? incident.resolvedAt;
    if (end && Date.parse(end) > Date.parse(start)) {
      lines.push(`It lasted from ${input.time.time(start, { now: input.now })} to ${input.time.time(end, { now: input.now })}.`);
    }
    lines.push('We are sorry for the disruption, and thank you for your patience.');
  }
  if (next !== undefined) lines.push(`We will post another update by ${input.time.time(next, { now: input.now })}.`);
  return lines.join('\n');
}

/** A status update draft for the incident's current status. */
export function draftStatusUpdate(input: DraftInput): StatusUpdateDraft {
  const next = nextUpdateTime(input.incident, input.cadence, input.now);
  const text = input.audience === 'external' ? externalDraft(input, next) : internalDraft(input, next);
  return next === undefined ? { text } : { text, nextUpdateAt: new Date(next).toISOString() };
}

/**
 * Why a text cannot be posted as it is (the placeholder for the customer-facing summary is
 * still in it), or undefined.
 */
export function postingProblem(audience: Audience, text: string): string | undefined {
  if (audience === 'external' && text.includes(CUSTOMER_SUMMARY_PLACEHOLDER)) {
    return 'The update still has the placeholder for the customer-facing summary: write the summary (or replace the placeholder) first.';
  }
  return undefined;
}
