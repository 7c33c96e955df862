// The incidents of one workspace: loads them from the journal, turns each user action into
// events, appends them durably, and keeps the folded state in memory for the views. The
// adapters (commands, webview, status bar, tree) only call this; it knows nothing of VS Code.
import { SEVERITIES, type RunRecord } from '../runbooks/model';
import { compareEvents } from './eventSchema';
import { newIncidentId } from './ids';
import { encodeRecord, JournalReadError, type Journal, type JournalProblem, type SaveState } from './journal';
import {
  MILESTONES, ROLES, STATUSES,
  type Audience, type EventBase, type Incident, type IncidentSummary, type Severity, type TimelineEvent,
} from './model';
import { foldIncident } from './state';

/** Bad input from a person or a caller (unknown incident, empty note…): shown as a message. */
export class IncidentInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IncidentInputError';
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** An event before it gets its id, incident, time and author. */
export type EventBody = DistributiveOmit<Exclude<TimelineEvent, { type: 'unknown' }>, keyof EventBase>;

export interface DeclareInput {
  title: string;
  severity?: Severity;
  commander?: string;
  summary?: string;
  services?: string[];
}

export interface BookOptions {
  journal: Journal;
  /** ms since the epoch. */
  clock: () => number;
  newEventId: () => string;
  /** The name recorded on events. */
  author: () => string;
  log?: (message: string) => void;
}

export interface TimelineChange {
  incidentId: string;
  /** The events just acknowledged (durable), in timeline order. */
  added: TimelineEvent[];
  incident: Incident;
}

const MAX_TITLE = 300;
const MAX_TEXT = 100_000;
const MAX_NAME = 200;
/** Milestones may be backdated freely, but not put more than this far in the future (clock skew). */
const FUTURE_SLACK_MS = 5 * 60_000;

export function toSummary(incident: Incident): IncidentSummary {
  const s: IncidentSummary = {
    id: incident.id,
    title: incident.title,
    severity: incident.severity,
    status: incident.status,
    declaredAt: incident.declaredAt,
  };
  if (incident.resolvedAt) s.resolvedAt = incident.resolvedAt;
  return s;
}

export class IncidentBook {
  private readonly timelines = new Map<string, { events: TimelineEvent[]; incident: Incident }>();
  private readonly listeners = new Set<(change: TimelineChange) => void>();
  private readonly claimed = new Set<string>();
  /** Problems found by the last load (torn or corrupt lines moved aside, conflicts, folders or segments that cannot be read). */
  problems: JournalProblem[] = [];

  constructor(private readonly options: BookOptions) {}

  get journal(): Journal {
    return this.options.journal;
  }

  /** (Re)reads every incident from the journal. */
  async load(): Promise<JournalProblem[]> {
    const { ids, problems } = await this.journal.listIncidents();
    for (const id of ids) {
      const loaded = await this.journal.load(id);
      problems.push(...loaded.problems);
      if (loaded.events.length === 0) continue;
      this.timelines.set(id, { events: loaded.events, incident: foldIncident(loaded.events) });
    }
    this.problems = problems;
    return problems;
  }

  /**
   * The incident's journal records (one line each, with checksum, no newline) in timeline
   * order, read again from the journal: for exporting next to a post-mortem. Empty when this
   * workspace has no journal for the incident; throws JournalReadError when any part of it
   * cannot be read, so an export never silently leaves events out.
   */
  async exportRecords(incidentId: string): Promise<string[]> {
    const loaded = await this.journal.load(incidentId, { recover: false });
    const unreadable = loaded.problems.filter((p) => p.kind === 'unreadable');
    if (unreadable.length > 0) throw new JournalReadError(incidentId, unreadable);
    // Every acknowledged event is on disk; the union only guards against a file removed since.
    const byId = new Map(loaded.events.map((e) => [e.id, e]));
    for (const e of this.events(incidentId)) if (!byId.has(e.id)) byId.set(e.id, e);
    return [...byId.values()].sort(compareEvents).map((e) => encodeRecord(e).toString('utf8').replace(/\n$/, ''));
  }

  onDidChange(listener: (change: TimelineChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Open incidents first (newest first), then resolved ones (newest first). */
  incidents(): Incident[] {
    return [...this.timelines.values()]
      .map((t) => t.incident)
      .sort((a, b) => {
        const ra = a.status === 'resolved' ? 1 : 0;
        const rb = b.status === 'resolved' ? 1 : 0;
        if (ra !== rb) return ra - rb;
        return a.declaredAt < b.declaredAt ? 1 : a.declaredAt > b.declaredAt ? -1 : 0;
      });
  }

  incident(id: string): Incident | undefined {
    return this.timelines.get(id)?.incident;
  }

  events(id: string): readonly TimelineEvent[] {
    return this.timelines.get(id)?.events ?? [];
  }

  /** The incident, or an error that names what is wrong. */
  require(id: string | undefined): Incident {
    if (!id) throw new IncidentInputError('No incident given and none is active: declare one or choose the active incident first.');
    const incident = this.incident(id);
    if (!incident) throw new IncidentInputError(`Unknown incident ${JSON.stringify(id)}.`);
    return incident;
  }

  saveState(id: string): SaveState {
    return this.journal.writer(id).state;
  }

  async declare(input: DeclareInput): Promise<Incident> {
    const title = requireText(input.title, 'A title', MAX_TITLE);
    const severity = input.severity ?? 'SEV3';
    if (!SEVERITIES.includes(severity)) throw new IncidentInputError(`Severity must be one of ${SEVERITIES.join(', ')}.`);
    const commander = optionalName(input.commander, 'The commander');
    const summary = typeof input.summary === 'string' ? input.summary.trim().slice(0, MAX_TEXT) : '';
    const services = (input.services ?? []).map((s) => String(s).trim()).filter(Boolean).slice(0, 50);
    const now = this.options.clock();
    let id: string;
    for (;;) {
      id = newIncidentId(new Date(now), [...this.timelines.keys(), ...this.claimed, ...(await this.journal.incidentIds())]);
      this.claimed.add(id);
      if (await this.journal.claimIncident(id)) break;
    }
    const body: EventBody = { type: 'declared', title, severity, summary, services, ...(commander ? { commander } : {}) };
    await this.record(id, [body], { allowNew: true });
    return this.require(id);
  }

  /** Appends events to an incident; resolves with them once they are durable. */
  async record(incidentId: string, bodies: EventBody[], { allowNew = false } = {}): Promise<TimelineEvent[]> {
    if (!allowNew) this.require(incidentId);
    const time = new Date(this.options.clock()).toISOString();
    const author = this.options.author();
    const events = bodies.map((b) => ({ ...b, id: this.options.newEventId(), incidentId, time, author }) as TimelineEvent);
    await this.journal.append(incidentId, events);
    this.accept(incidentId, events);
    return events;
  }

  private accept(incidentId: string, added: TimelineEvent[]): void {
    const t = this.timelines.get(incidentId);
    const events = t ? t.events : [];
    for (const e of added) {
      // Usually the newest: append; otherwise insert in order.
      if (events.length === 0 || compareEvents(events[events.length - 1], e) <= 0) events.push(e);
      else events.splice(lowerBound(events, e), 0, e);
    }
    const incident = foldIncident(events);
    this.timelines.set(incidentId, { events, incident });
    const change = { incidentId, added: [...added].sort(compareEvents), incident };
    for (const l of this.listeners) {
      try {
        l(change);
      } catch (err) {
        this.options.log?.(`a timeline listener failed: ${err instanceof Error ? err.message : String(err)}`);
      }
    }
  }

  // --- Actions: each validates its input and records the events it means. -------------------

  async addNote(incidentId: string | undefined, text: unknown): Promise<TimelineEvent> {
    const incident = this.require(incidentId);
    const note = requireText(text, 'A note', MAX_TEXT, false);
    return (await this.record(incident.id, [{ type: 'note', text: note }]))[0];
  }

  async setStatus(incidentId: string | undefined, status: unknown, summary?: unknown): Promise<TimelineEvent> {
    const incident = this.require(incidentId);
    const to = requireOneOf(status, STATUSES, 'Status');
    if (to === 'resolved') return (await this.resolve(incident.id, summary)).statusEvent;
    if (to === incident.status) throw new IncidentInputError(`${incident.id} is already ${to}.`);
    const s = typeof summary === 'string' && summary.trim() ? summary.trim().slice(0, MAX_TEXT) : undefined;
    return (await this.record(incident.id, [{ type: 'statusChanged', from: incident.status, to, ...(s ? { summary: s } : {}) }]))[0];
  }

  async setSeverity(incidentId: string | undefined, severity: unknown, reason?: unknown): Promise<TimelineEvent> {
    const incident = this.require(incidentId);
    const to = requireOneOf(severity, SEVERITIES, 'Severity');
    if (to === incident.severity) throw new IncidentInputError(`${incident.id} is already ${to}.`);
    const r = optionalText(reason);
    return (await this.record(incident.id, [{ type: 'severityChanged', from: incident.severity, to, ...(r ? { reason: r } : {}) }]))[0];
  }

  /** Assigns a role; an empty person unassigns it. A handoff is just the next assignment. */
  async assignRole(incidentId: string | undefined, role: unknown, person: unknown): Promise<TimelineEvent> {
    const incident = this.require(incidentId);
    const r = requireOneOf(role, ROLES, 'Role');
    if (typeof person !== 'string') throw new IncidentInputError('A person (name) is needed for the role.');
    const name = person.trim().slice(0, MAX_NAME);
    const previous = incident.roles[r];
    return (await this.record(incident.id, [{ type: 'roleAssigned', role: r, person: name, ...(previous ? { previous } : {}) }]))[0];
  }

  /** Marks a milestone now, or at `at` (backdated; say why in `reason`). */
  async markMilestone(incidentId: string | undefined, milestone: unknown, at?: unknown, reason?: unknown): Promise<TimelineEvent> {
    const incident = this.require(incidentId);
    const m = requireOneOf(milestone, MILESTONES, 'Milestone');
    const now = this.options.clock();
    let when = now;
    if (at !== undefined && at !== null && at !== '') {
      when = typeof at === 'string' || typeof at === 'number' ? new Date(at).getTime() : NaN;
      if (Number.isNaN(when)) throw new IncidentInputError('The milestone time is not a valid date.');
      if (when > now + FUTURE_SLACK_MS) throw new IncidentInputError('A milestone cannot be in the future.');
    }
    const r = optionalText(reason);
    return (await this.record(incident.id, [{ type: 'milestone', milestone: m, at: new Date(when).toISOString(), ...(r ? { reason: r } : {}) }]))[0];
  }

  async pin(incidentId: string | undefined, target: unknown, pinned = true): Promise<TimelineEvent> {
    const incident = this.require(incidentId);
    const id = this.requireEvent(incident.id, target);
    return (await this.record(incident.id, [{ type: 'pinned', target: id, pinned }]))[0];
  }

  /** A correction is a new event pointing at the old one; the old one is never changed. */
  async correct(incidentId: string | undefined, target: unknown, text: unknown): Promise<TimelineEvent> {
    const incident = this.require(incidentId);
    const id = this.requireEvent(incident.id, target);
    const t = requireText(text, 'The corrected text', MAX_TEXT, false);
    return (await this.record(incident.id, [{ type: 'correction', target: id, text: t }]))[0];
  }

  async snooze(incidentId: string | undefined, minutes: unknown, reason: unknown): Promise<TimelineEvent> {
    const incident = this.require(incidentId);
    if (typeof minutes !== 'number' || !Number.isFinite(minutes) || minutes <= 0 || minutes > 24 * 60) {
      throw new IncidentInputError('Snooze for 1 to 1440 minutes.');
    }
    const r = requireText(reason, 'A reason for snoozing', 2_000);
    return (await this.record(incident.id, [{ type: 'reminderSnoozed', minutes, reason: r }]))[0];
  }

  async recordStatusUpdate(incidentId: string | undefined, audience: unknown, text: unknown, state: 'drafted' | 'posted'): Promise<TimelineEvent> {
    const incident = this.require(incidentId);
    const a = requireOneOf(audience, ['internal', 'external'] as const, 'Audience') as Audience;
    const t = requireText(text, 'The update text', MAX_TEXT, false);
    return (await this.record(incident.id, [{ type: 'statusUpdate', audience: a, text: t, state }]))[0];
  }

  /** Resolves: the status change, the `resolved` milestone (unless marked) and the final summary, in one flush. */
  async resolve(incidentId: string | undefined, summary?: unknown): Promise<{ incident: Incident; statusEvent: TimelineEvent }> {
    const incident = this.require(incidentId);
    if (incident.status === 'resolved') throw new IncidentInputError(`${incident.id} is already resolved.`);
    const bodies: EventBody[] = [{ type: 'statusChanged', from: incident.status, to: 'resolved' }];
    if (!incident.milestones.resolved) {
      bodies.push({ type: 'milestone', milestone: 'resolved', at: new Date(this.options.clock()).toISOString() });
    }
    const s = optionalText(summary);
    if (s) bodies.push({ type: 'summaryChanged', summary: s });
    const events = await this.record(incident.id, bodies);
    return { incident: this.require(incident.id), statusEvent: events[0] };
  }

  async recordRun(incidentId: string, run: RunRecord): Promise<TimelineEvent> {
    const incident = this.require(incidentId);
    const body: EventBody = {
      type: 'commandRun',
      runbookPath: run.runbookPath,
      runbookTitle: run.runbookTitle,
      blockIndex: run.blockIndex,
      command: run.command,
      exitCode: run.exitCode,
      durationMs: Math.max(0, run.durationMs),
      ...(run.outputTail ? { outputTail: run.outputTail.slice(-20_000) } : {}),
      ...(run.unknownReason ? { unknownReason: run.unknownReason } : {}),
      ...(run.target ? { target: run.target } : {}),
    };
    return (await this.record(incident.id, [body]))[0];
  }

  private requireEvent(incidentId: string, target: unknown): string {
    if (typeof target !== 'string' || !this.events(incidentId).some((e) => e.id === target)) {
      throw new IncidentInputError(`No event ${JSON.stringify(target)} in ${incidentId}.`);
    }
    return target;
  }
}

function lowerBound(events: TimelineEvent[], e: TimelineEvent): number {
  let lo = 0;
  let hi = events.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (compareEvents(events[mid], e) <= 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function requireText(value: unknown, what: string, max: number, singleLine = true): string {
  if (typeof value !== 'string' || value.trim() === '') throw new IncidentInputError(`${what} is needed.`);
  const text = singleLine ? value.replace(/\s+/g, ' ').trim() : value.replace(/\s+$/, '').replace(/^\s*\n/, '');
  if (text.length > max) throw new IncidentInputError(`${what} is too long (at most ${max} characters).`);
  return text;
}

function optionalText(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim().slice(0, MAX_TEXT) : undefined;
}

function optionalName(value: unknown, what: string): string | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value !== 'string') throw new IncidentInputError(`${what} must be a name.`);
  return value.trim().slice(0, MAX_NAME) || undefined;
}

function requireOneOf<T extends string>(value: unknown, allowed: readonly T[], what: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new IncidentInputError(`${what} must be one of ${allowed.join(', ')}.`);
  }
  return value as T;
}

