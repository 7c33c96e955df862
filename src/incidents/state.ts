// Derives an incident's current state from its events. Nothing here mutates an event: a
// correction, a pin or a status change is itself an event, and the latest one wins.
import { compareEvents } from './eventSchema';
import type { Incident, TimelineEvent } from './model';

const TODO = /^\s*TODO:\s*/i;

/** The follow-up text of a note, if it is a `TODO:` note. */
export function followUpText(text: string): string | undefined {
  if (!TODO.test(text)) return undefined;
  const rest = text.replace(TODO, '').trim();
  return rest.length > 0 ? rest : undefined;
}

/**
 * Folds events (in any order; they are sorted by time, then id) into the incident they
 * describe. Without a `declared` event (for instance when that record was quarantined) the
 * incident is still returned, with placeholders, so its other events are not hidden.
 */
export function foldIncident(events: readonly TimelineEvent[]): Incident {
  if (events.length === 0) throw new Error('An incident needs at least one event.');
  const sorted = [...events].sort(compareEvents);
  const first = sorted[0];
  const incident: Incident = {
    id: first.incidentId,
    title: `${first.incidentId} (declaration missing)`,
    severity: 'SEV3',
    status: 'investigating',
    summary: '',
    services: [],
    roles: {},
    milestones: {},
    declaredAt: first.time,
    pinned: [],
    followUps: [],
    corrections: {},
    unknownEvents: 0,
    lastEventAt: sorted[sorted.length - 1].time,
  };
  const responders = new Set<string>();
  const notes = new Map<string, string>();
  const pins = new Map<string, boolean>();
  const ids = new Set(sorted.map((e) => e.id));
  let declared = false;

  for (const e of sorted) {
    if (e.author.trim()) responders.add(e.author);
    switch (e.type) {
      case 'declared':
        if (declared) {
          // A second declaration (two incidents under one id) does not reset the incident; it is counted and shown.
          incident.extraDeclarations = (incident.extraDeclarations ?? 0) + 1;
          break;
        }
        declared = true;
        incident.declaredBy = e.author;
        incident.id = e.incidentId;
        incident.title = e.title;
        incident.severity = e.severity;
        incident.summary = e.summary;
        incident.services = [...e.services];
        incident.declaredAt = e.time;
        if (e.commander) incident.roles.commander = e.commander;
        break;
      case 'note':
        notes.set(e.id, e.text);
        break;
      case 'statusChanged':
        incident.status = e.to;
        if (e.to === 'resolved') incident.resolvedAt = e.time;
        else delete incident.resolvedAt;
        if (e.summary) incident.summary = e.summary;
        break;
      case 'severityChanged':
        incident.severity = e.to;
        break;
      case 'roleAssigned':
        if (e.person.trim()) incident.roles[e.role] = e.person;
        else delete incident.roles[e.role];
        break;
      case 'milestone':
        incident.milestones[e.milestone] = e.at;
        break;
      case 'summaryChanged':
        incident.summary = e.summary;
        if (e.services) incident.services = [...e.services];
        break;
      case 'customerSummaryChanged':
        incident.customerSummary = e.text;
        break;
      case 'pinned':
        // Re-inserting keeps the order of the latest pin.
        pins.delete(e.target);
        pins.set(e.target, e.pinned);
        break;
      case 'correction':
        incident.corrections![e.target] = e.text;
        break;
      case 'unknown':
        incident.unknownEvents! += 1;
        break;
      case 'commandRun':
      case 'statusUpdate':
      case 'reminderSnoozed':
      case 'evidencePinned':
      case 'changesObserved':
      case 'joined':
        break;
    }
  }

  incident.responders = [...responders];
  incident.pinned = [...pins].filter(([id, on]) => on && ids.has(id)).map(([id]) => id);
  for (const [eventId, text] of notes) {
    const current = incident.corrections![eventId] ?? text;
    const followUp = followUpText(current);
    if (followUp) incident.followUps.push({ eventId, text: followUp });
  }
  return incident;
}

/** The text an event shows: its latest correction, if any. */
export function displayedText(incident: Incident, event: TimelineEvent): string | undefined {
  const corrected = incident.corrections?.[event.id];
  if (corrected !== undefined) return corrected;
  if (event.type === 'note') return event.text;
  return undefined;
}
