// Status update drafts, for people inside the company (internal) and for customers (external),
// written from the incident and what happened since the last update was posted. Our wording;
// the responder edits the draft before posting it. External drafts never carry internal detail
// (hostnames, addresses, commands, paths, notes).
import type { CadenceConfig } from './cadence';
import { compareEvents } from './eventSchema';
import type { Audience, Incident, IncidentStatus, Role, TimelineEvent } from './model';

export interface DraftInput {
  incident: Incident;
  events: readonly TimelineEvent[];
  audience: Audience;
  /** ms since the epoch. */
  now: number;
  cadence: CadenceConfig;
}

const ROLE_NAMES: Record<Role, string> = {
  commander: 'Incident commander',
  techLead: 'Tech lead',
  commsLead: 'Communications lead',
  scribe: 'Scribe',
};

const STATUS_NAMES: Record<IncidentStatus, string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
};

/** `14:05 UTC`, or `2025-03-02 14:05 UTC` when not on the same UTC day as `now`. */
export function formatUtc(time: string | number, now: number): string {
  const iso = new Date(time).toISOString();
  const sameDay = iso.slice(0, 10) === new Date(now).toISOString().slice(0, 10);
  return `${sameDay ? '' : `${iso.slice(0, 10)} `}${iso.slice(11, 16)} UTC`;
}

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

function nextUpdateLine(input: DraftInput): string | undefined {
  if (input.incident.status === 'resolved') return undefined;
  const rule = input.cadence[input.incident.severity];
  if (!rule) return undefined;
  return formatUtc(input.now + rule.everyMinutes * 60_000, input.now);
}

function describeInternal(e: TimelineEvent, now: number): string | undefined {
  const at = formatUtc(e.time, now);
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
      return `${at} ${e.milestone} at ${formatUtc(e.at, now)}${e.reason ? ` (${oneLine(e.reason)})` : ''}`;
    case 'commandRun': {
      const result = e.exitCode === null ? 'exit code unknown' : `exit ${e.exitCode}`;
      return `${at} ran \`${oneLine(e.command)}\` from "${e.runbookTitle}": ${result}`;
    }
    case 'summaryChanged':
      return `${at} impact updated: ${oneLine(e.summary)}`;
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

function internalDraft(input: DraftInput): string {
  const { incident, now } = input;
  const lines: string[] = [];
  lines.push(`[${incident.severity}] ${incident.id}: ${oneLine(incident.title)} — ${STATUS_NAMES[incident.status]}`);
  const roles = (Object.keys(ROLE_NAMES) as Role[]).filter((r) => incident.roles[r]).map((r) => `${ROLE_NAMES[r]}: ${incident.roles[r]}`);
  if (roles.length > 0) lines.push(roles.join(' · '));
  if (incident.summary.trim()) lines.push(`Impact: ${oneLine(incident.summary, 600)}`);
  if (incident.services.length > 0) lines.push(`Services: ${incident.services.join(', ')}`);
  const { since, events } = eventsSinceLastUpdate(input.events, 'internal');
  const changes = events.map((e) => describeInternal(e, now)).filter((x): x is string => x !== undefined);
  lines.push('');
  lines.push(since ? `Since the last update (${formatUtc(since, now)}):` : 'So far:');
  if (changes.length === 0) lines.push('- nothing new recorded');
  const shown = changes.slice(-12);
  if (changes.length > shown.length) lines.push(`- … ${changes.length - shown.length} earlier entries in the timeline`);
  for (const c of shown) lines.push(`- ${c}`);
  lines.push('');
  lines.push(INTERNAL_NOW[incident.status]);
  const next = nextUpdateLine(input);
  if (next) lines.push(`Next update by ${next}.`);
  return lines.join('\n');
}

function externalDraft(input: DraftInput): string {
  const { incident, now } = input;
  const what = incident.services.length > 0 ? redactInternalDetail(incident.services.join(', ')) : 'some of our services';
  const impact = redactInternalDetail(oneLine(incident.summary, 600));
  const lines: string[] = [`${STATUS_NAMES[incident.status]}: ${redactInternalDetail(oneLine(incident.title))}`, ''];
  switch (incident.status) {
    case 'investigating':
      lines.push(`We are investigating a problem affecting ${what}.`);
      break;
    case 'identified':
      lines.push(`We have found the cause of the problem affecting ${what} and are working on a fix.`);
      break;
    case 'monitoring':
      lines.push(`A fix for the problem affecting ${what} is in place, and we are monitoring to make sure it holds.`);
      break;
    case 'resolved':
      lines.push(`The problem affecting ${what} has been resolved and service is working normally.`);
      break;
  }
  if (impact && incident.status !== 'resolved') lines.push(`What you may notice: ${impact}`);
  if (incident.status === 'resolved') {
    const start = incident.milestones.impactStarted ?? incident.declaredAt;
    const end = incident.milestones.resolved ?? incident.resolvedAt;
    if (end && Date.parse(end) > Date.parse(start)) {
      lines.push(`It lasted from ${formatUtc(start, now)} to ${formatUtc(end, now)}.`);
    }
    lines.push('We are sorry for the disruption, and thank you for your patience.');
  }
  const next = nextUpdateLine(input);
  if (next) lines.push(`We will post another update by ${next}.`);
  return lines.join('\n');
}

/** A status update draft for the incident's current status. */
export function draftStatusUpdate(input: DraftInput): string {
  return input.audience === 'external' ? externalDraft(input) : internalDraft(input);
}
