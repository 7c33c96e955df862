// The incidents of one store: loads them from the journal, turns each user action into events,
// appends them durably, follows what other windows (and the team sync) add, and keeps the
// folded state in memory for the views. The adapters (commands, webview, status bar, tree)
// only call this; it knows nothing of VS Code.
//
// Loading: open incidents are read in full; a resolved incident whose files match the summary
// cache is listed from the cache and read when first needed (`ensureLoaded`), or by
// `loadRemaining` in the background after startup.
import { SEVERITIES, type RunRecord } from '../runbooks/model';
import { compareEvents } from './eventSchema';
import { isIncidentId, newIncidentId, type RandomBytes } from './ids';
import { encodeRecord, isSegmentName, JournalReadError, type Journal, type JournalCursor, type JournalProblem, type SaveState } from './journal';
import { encodeSummaries, parseSummaries, sameStamps, SUMMARY_FILE, toStampRecord, type CachedIncident } from './summaries';
import {
  MILESTONES, ROLES, STATUSES,
  type AlertInfo, type Audience, type EventBase, type Incident, type IncidentSummary, type Severity, type TimelineEvent,
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
  /** The alert the incident is declared from (recorded in the declaration, its first event). */
  alert?: AlertInfo;
}

export interface BookOptions {
  journal: Journal;
  /** ms since the epoch. */
  clock: () => number;
  newEventId: () => string;
  /** The name recorded on events. */
  author: () => string;
  /** This installation's writer id, stamped on every event (see ids.ts); none: events carry no writer. */
  writer?: () => string | undefined;
  /** Randomness for incident ids (crypto in production). */
  randomBytes?: RandomBytes;
  log?: (message: string) => void;
}

export interface TimelineChange {
  incidentId: string;
  /** The events just acknowledged (durable), in timeline order. */
  added: TimelineEvent[];
  incident: Incident;
  /** `local`: recorded through this book; `external`: another window or the team sync wrote them. */
  origin: 'local' | 'external';
}

const MAX_TITLE = 300;
const MAX_TEXT = 100_000;
const MAX_NAME = 200;
/** Milestones may be backdated freely, but not put more than this far in the future (clock skew). */
const FUTURE_SLACK_MS = 5 * 60_000;

export function toSummary(incident: Incident, shared = false): IncidentSummary {
  const s: IncidentSummary = {
    id: incident.id,
    title: incident.title,
    severity: incident.severity,
    status: incident.status,
    declaredAt: incident.declaredAt,
    shared,
    responders: [...(incident.responders ?? [])],
  };
  if (incident.resolvedAt) s.resolvedAt = incident.resolvedAt;
  if (incident.declaredBy) s.declaredBy = incident.declaredBy;
  return s;
}

interface Timeline {
  events: TimelineEvent[];
  incident: Incident;
  /** False while only the cached summary is known (events not read yet). */
  loaded: boolean;
  shared: boolean;
  /** Event id → file its copy came from (segment of this store or shared copy). */
  origins: Map<string, string>;
  cursor: JournalCursor;
  ids: Set<string>;
}

export class IncidentBook {
  private readonly timelines = new Map<string, Timeline>();
  private readonly listeners = new Set<(change: TimelineChange) => void>();
  private readonly claimed = new Set<string>();
  private readonly loading = new Map<string, Promise<void>>();
  private summaries = new Map<string, CachedIncident>();
  private summariesDirty = false;
  /** Problems found by the last load (torn or corrupt lines moved aside, conflicts, folders or segments that cannot be read). */
  problems: JournalProblem[] = [];
  /** How the last load went: incidents read in full, and listed from the summary cache. */
  loadStats = { read: 0, fromCache: 0 };

  constructor(private readonly options: BookOptions) {}

  get journal(): Journal {
    return this.options.journal;
  }

  /**
   * Reads the store: open incidents (and resolved ones whose files changed) in full, the rest
   * from the summary cache. Call `loadRemaining` afterwards to read those too.
   */
  async load(): Promise<JournalProblem[]> {
    const { ids, problems } = await this.journal.listIncidents();
    this.summaries = parseSummaries(await this.journal.readRootFile(SUMMARY_FILE));
    this.loadStats = { read: 0, fromCache: 0 };
    const seen = new Set<string>();
    for (const id of ids) {
      seen.add(id);
      if (this.timelines.get(id)?.loaded) continue;
      const cached = this.summaries.get(id);
      if (cached && cached.incident.status === 'resolved') {
        const stamps = await this.journal.stamps(id).catch(() => undefined);
        if (stamps && sameStamps(cached.stamps, stamps.files)) {
          this.timelines.set(id, { events: [], incident: cached.incident, loaded: false, shared: stamps.shared, origins: new Map(), cursor: new Map(), ids: new Set() });
          this.loadStats.fromCache += 1;
          continue;
        }
      }
      problems.push(...(await this.readIncident(id)));
    }
    for (const id of [...this.summaries.keys()]) {
      if (!seen.has(id)) {
        this.summaries.delete(id);
        this.summariesDirty = true;
      }
    }
    this.problems = problems;
    await this.saveSummaries();
    return problems;
  }

  /** Reads one incident in full (replacing what was known of it); returns its problems. */
  private async readIncident(id: string): Promise<JournalProblem[]> {
    const loaded = await this.journal.load(id);
    this.loadStats.read += 1;
    if (loaded.events.length === 0) return loaded.problems;
    const stamps = await this.journal.stamps(id).catch(() => undefined);
    const incident = foldIncident(loaded.events);
    const shared = stamps?.shared ?? false;
    this.timelines.set(id, { events: loaded.events, incident, loaded: true, shared, origins: loaded.origins, cursor: loaded.cursor, ids: new Set(loaded.events.map((e) => e.id)) });
    if (stamps) {
      this.summaries.set(id, { stamps: toStampRecord(stamps.files), shared, incident });
      this.summariesDirty = true;
    }
    return loaded.problems;
  }

  private async saveSummaries(): Promise<void> {
    if (!this.summariesDirty) return;
    this.summariesDirty = false;
    try {
      await this.journal.writeRootFile(SUMMARY_FILE, encodeSummaries(this.summaries));
    } catch (err) {
      this.options.log?.(`could not save the incident summary cache: ${errorMessage(err)}`);
    }
  }

  /** Whether an incident's events have been read (false for one listed from the summary cache). */
  isLoaded(id: string): boolean {
    return this.timelines.get(id)?.loaded ?? false;
  }

  /** Reads an incident's events if only its summary is known yet. */
  ensureLoaded(id: string): Promise<void> {
    const t = this.timelines.get(id);
    if (!t || t.loaded) return Promise.resolve();
    let p = this.loading.get(id);
    if (!p) {
      p = this.readIncident(id)
        .then((problems) => {
          this.problems.push(...problems);
        })
        .finally(() => this.loading.delete(id));
      this.loading.set(id, p);
    }
    return p;
  }

  /** Reads every incident still known only by its summary, a few at a time (`pause` between batches). */
  async loadRemaining(pause: () => Promise<void> = () => Promise.resolve(), batch = 20): Promise<number> {
    const waiting = [...this.timelines.entries()].filter(([, t]) => !t.loaded).map(([id]) => id);
    for (let i = 0; i < waiting.length; i += batch) {
      await Promise.all(waiting.slice(i, i + batch).map((id) => this.ensureLoaded(id)));
      await pause();
    }
    await this.saveSummaries();
    return waiting.length;
  }

  /**
   * Takes in what other windows or the team sync wrote: new events of known incidents (read
   * from where reading stopped), and incidents that appeared. Listeners hear of each change
   * with origin `external`. `ids` limits the look to those incidents (known or new); without
   * it every known incident is looked at and the store is listed for new ones.
   */
  async refresh(ids?: readonly string[]): Promise<string[]> {
    const changed: string[] = [];
    const targets = new Set(ids ?? [...this.timelines.keys()]);
    if (!ids) for (const id of await this.journal.incidentIds()) if (!this.timelines.has(id)) targets.add(id);
    for (const id of targets) {
      try {
        if (await this.refreshOne(id)) changed.push(id);
      } catch (err) {
        this.options.log?.(`could not read new events of ${id}: ${errorMessage(err)}`);
      }
    }
    if (changed.length > 0) await this.saveSummaries();
    return changed;
  }

  private async refreshOne(id: string): Promise<boolean> {
    const t = this.timelines.get(id);
    if (!t) {
      // A new incident (declared in another window, or fetched from the team).
      if (this.loading.has(id) || !isIncidentId(id)) return false;
      await this.readIncident(id);
      const fresh = this.timelines.get(id);
      if (!fresh) return false;
      this.notify({ incidentId: id, added: [...fresh.events], incident: fresh.incident, origin: 'external' });
      return true;
    }
    if (!t.loaded) {
      // Known by summary only: a change means it is worth reading now.
      const stamps = await this.journal.stamps(id).catch(() => undefined);
      const cached = this.summaries.get(id);
      if (stamps && cached && sameStamps(cached.stamps, stamps.files)) return false;
      await this.ensureLoaded(id);
      const now = this.timelines.get(id)!;
      this.notify({ incidentId: id, added: [...now.events], incident: now.incident, origin: 'external' });
      return true;
    }
    const changes = await this.journal.readNew(id, t.cursor);
    t.cursor = changes.cursor;
    if (!changes.changed) return false;
    const stamps = await this.journal.stamps(id).catch(() => undefined);
    if (stamps && stamps.shared !== t.shared) t.shared = stamps.shared;
    const fresh = changes.events.filter((e) => !t.ids.has(e.id) && e.incidentId === id);
    for (const e of fresh) if (!t.origins.has(e.id)) t.origins.set(e.id, changes.origins.get(e.id) ?? '');
    if (fresh.length > 0) this.accept(id, fresh, 'external');
    // Only resolved incidents are listed from the cache at startup: keep theirs current, and do
    // not rewrite the cache for every note another window adds to an open one.
    if (stamps && t.incident.status === 'resolved') {
      this.summaries.set(id, { stamps: toStampRecord(stamps.files), shared: t.shared, incident: t.incident });
      this.summariesDirty = true;
    }
    return fresh.length > 0;
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

  /** Whether an incident travels through the team's remote (shared here, or a teammate's). */
  isShared(id: string): boolean {
    return this.timelines.get(id)?.shared ?? false;
  }

  summary(id: string): IncidentSummary | undefined {
    const t = this.timelines.get(id);
    return t ? toSummary(t.incident, t.shared) : undefined;
  }

  /**
   * The events this installation wrote: stamped with its writer id, or (written before
   * events carried one) found in one of this store's own segments.
   */
  ownEvents(id: string): TimelineEvent[] {
    const t = this.timelines.get(id);
    if (!t) return [];
    const me = this.options.writer?.();
    return t.events.filter((e) => (e.writer !== undefined ? e.writer === me : isSegmentName(t.origins.get(e.id) ?? '')));
  }

  /** The file an event's kept copy came from (a segment of this store, or a shared copy). */
  originOf(incidentId: string, eventId: string): string | undefined {
    return this.timelines.get(incidentId)?.origins.get(eventId);
  }

  /** Whether any event of this incident came from this store (false for a teammate's incident not joined yet). */
  hasOwnEvents(id: string): boolean {
    return this.ownEvents(id).length > 0;
  }

  /** Marks an incident shared (after its first push, or on joining). */
  async markShared(id: string, info: Record<string, unknown> = {}): Promise<void> {
    await this.journal.markShared(id, info);
    const t = this.timelines.get(id);
    if (t && !t.shared) {
      t.shared = true;
      this.notify({ incidentId: id, added: [], incident: t.incident, origin: 'local' });
    }
  }

  /**
   * Takes in events fetched from a teammate (already checked): written as that writer's
   * shared copy, then merged like any other window's events. Returns how many were new.
   */
  async importShared(incidentId: string, writer: string, events: readonly TimelineEvent[]): Promise<number> {
    await this.journal.writeSharedCopy(incidentId, writer, events);
    const before = this.timelines.get(incidentId)?.ids.size ?? 0;
    await this.refresh([incidentId]);
    return (this.timelines.get(incidentId)?.ids.size ?? 0) - before;
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
      id = newIncidentId(new Date(now), [...this.timelines.keys(), ...this.claimed, ...(await this.journal.incidentIds())], this.randomBytes);
      this.claimed.add(id);
      if (await this.journal.claimIncident(id)) break;
    }
    const alert = declaredAlert(input.alert);
    const body: EventBody = { type: 'declared', title, severity, summary, services, ...(commander ? { commander } : {}), ...(alert ? { alert } : {}) };
    await this.record(id, [body], { allowNew: true });
    return this.require(id);
  }

  /** Appends events to an incident; resolves with them once they are durable. */
  async record(incidentId: string, bodies: EventBody[], { allowNew = false } = {}): Promise<TimelineEvent[]> {
    if (!allowNew) this.require(incidentId);
    if (!allowNew) await this.ensureLoaded(incidentId);
    const time = new Date(this.options.clock()).toISOString();
    const author = this.options.author();
    const writer = this.options.writer?.();
    const events = bodies.map((b) => ({ ...b, id: this.options.newEventId(), incidentId, time, author, ...(writer ? { writer } : {}) }) as TimelineEvent);
    await this.journal.append(incidentId, events);
    const segment = this.journal.writer(incidentId).segments.at(-1) ?? '';
    this.accept(incidentId, events, 'local', segment);
    return events;
  }

  private get randomBytes(): RandomBytes {
    return this.options.randomBytes ?? defaultRandomBytes;
  }

  private accept(incidentId: string, added: TimelineEvent[], origin: 'local' | 'external', segment?: string): void {
    let t = this.timelines.get(incidentId);
    if (!t) {
      t = { events: [], incident: undefined as unknown as Incident, loaded: true, shared: false, origins: new Map(), cursor: new Map(), ids: new Set() };
      this.timelines.set(incidentId, t);
    }
    const events = t.events;
    for (const e of added) {
      if (t.ids.has(e.id)) continue;
      t.ids.add(e.id);
      if (segment !== undefined && !t.origins.has(e.id)) t.origins.set(e.id, segment);
      // Usually the newest: append; otherwise insert in order.
      if (events.length === 0 || compareEvents(events[events.length - 1], e) <= 0) events.push(e);
      else events.splice(lowerBound(events, e), 0, e);
    }
    t.incident = foldIncident(events);
    this.notify({ incidentId, added: [...added].sort(compareEvents), incident: t.incident, origin });
  }

  private notify(change: TimelineChange): void {
    for (const l of this.listeners) {
      try {
        l(change);
      } catch (err) {
        this.options.log?.(`a timeline listener failed: ${errorMessage(err)}`);
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

  /**
   * Records a status update. `nextUpdateAt` is the time the text promises the next update by
   * (from the draft); the reminder then follows it. A promise already in the past is refused.
   */
  async recordStatusUpdate(incidentId: string | undefined, audience: unknown, text: unknown, state: 'drafted' | 'posted', nextUpdateAt?: unknown): Promise<TimelineEvent> {
    const incident = this.require(incidentId);
    const a = requireOneOf(audience, ['internal', 'external'] as const, 'Audience') as Audience;
    const t = requireText(text, 'The update text', MAX_TEXT, false);
    let next: string | undefined;
    if (nextUpdateAt !== undefined && nextUpdateAt !== null) {
      const ms = typeof nextUpdateAt === 'string' ? Date.parse(nextUpdateAt) : NaN;
      if (Number.isNaN(ms)) throw new IncidentInputError('The next-update time is not a valid date.');
      if (state === 'posted' && ms <= this.options.clock()) {
        throw new IncidentInputError('This draft promises the next update by a time that has passed: draft it again (or change the time in it) before posting.');
      }
      next = new Date(ms).toISOString();
    }
    return (await this.record(incident.id, [{ type: 'statusUpdate', audience: a, text: t, state, ...(next ? { nextUpdateAt: next } : {}) }]))[0];
  }

  /** Sets the customer-facing summary that external updates start from. */
  async setCustomerSummary(incidentId: string | undefined, text: unknown): Promise<TimelineEvent> {
    const incident = this.require(incidentId);
    const t = requireText(text, 'The customer-facing summary', 2_000);
    if (t === incident.customerSummary) throw new IncidentInputError('The customer-facing summary is already that.');
    return (await this.record(incident.id, [{ type: 'customerSummaryChanged', text: t }]))[0];
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

  /**
   * Joins a (teammate's) incident: records who joined, and the role taken if any, in one flush;
   * from then on this engineer's events travel with the incident too.
   */
  async join(incidentId: string | undefined, role?: unknown): Promise<TimelineEvent[]> {
    const incident = this.require(incidentId);
    await this.ensureLoaded(incident.id);
    const r = role === undefined || role === null || role === '' ? undefined : requireOneOf(role, ROLES, 'Role');
    const bodies: EventBody[] = [{ type: 'joined', ...(r ? { role: r } : {}) }];
    if (r) {
      const previous = incident.roles[r];
      bodies.push({ type: 'roleAssigned', role: r, person: this.options.author().trim().slice(0, MAX_NAME), ...(previous ? { previous } : {}) });
    }
    const events = await this.record(incident.id, bodies);
    await this.markShared(incident.id, { joinedAt: events[0].time });
    return events;
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
      ...(run.output ? { output: run.output } : {}),
      ...(run.service ? { service: run.service.slice(0, MAX_NAME) } : {}),
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

/** The alert as a declaration records it: a name, string labels, an http(s) link; anything else is left out. */
function declaredAlert(value: AlertInfo | undefined): AlertInfo | undefined {
  if (!value || typeof value !== 'object' || typeof value.name !== 'string' || !value.name.trim()) return undefined;
  const labels: Record<string, string> = {};
  for (const [k, v] of Object.entries(value.labels ?? {}).slice(0, 100)) if (typeof v === 'string' && k.length <= 200) labels[k] = v.slice(0, 10_000);
  const link = typeof value.link === 'string' && /^https?:\/\//i.test(value.link) ? value.link.slice(0, 2_000) : undefined;
  const runbookPath = typeof value.runbookPath === 'string' ? value.runbookPath.slice(0, 2_000) : undefined;
  return { name: value.name.trim().slice(0, 300), labels, ...(link ? { link } : {}), ...(runbookPath ? { runbookPath } : {}) };
}

function defaultRandomBytes(count: number): Uint8Array {
  return globalThis.crypto.getRandomValues(new Uint8Array(count));
}

function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
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

