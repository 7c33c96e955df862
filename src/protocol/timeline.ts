// The message protocol between the incident timeline webview and the extension host, shared by
// both sides. Every message is checked at runtime on receipt, in both directions: a message
// that does not match exactly is dropped and logged, never half-used.
//
// Conversation: the page sends `ready` first; only then does the host post `init`. Requests
// from the page carry a `requestId` and always get one `reply` with the same id.
// No `vscode`, no DOM: the webview bundle and the host import this same file.
import type { UpdateSchedule } from '../incidents/cadence';
import { TIME_DISPLAYS, type TimeStyle } from '../incidents/timeFormat';
import { eventProblem } from '../incidents/eventSchema';
import { AUDIENCES, MILESTONES, ROLES, STATUSES, type Audience, type SaveState, type Incident, type IncidentStatus, type Milestone, type Role, type Severity, type TimelineEvent } from '../incidents/model';
import { SEVERITIES } from '../runbooks/model';
import { arrayOf, bool, int, isRecord, isoTime, num, object, oneOf, str, type Check } from '../incidents/shape';

export const MAX_NOTE = 100_000;
const REQUEST_ID = str({ min: 1, max: 64, pattern: /^[A-Za-z0-9_-]+$/ });
const TEXT = str({ max: MAX_NOTE });
const REQUIRED_TEXT = str({ min: 1, max: MAX_NOTE });
const SHORT = str({ max: 2_000 });

/** A status update being written in the composer (kept on both sides until it is posted). */
export interface UpdateDraft {
  audience: Audience;
  text: string;
  /** The time the draft promises the next update by (from the host's draft). */
  nextUpdateAt?: string;
}

// ---------------------------------------------------------------------------------------------
// Page → host

export type WebviewRequest =
  | { type: 'addNote'; requestId: string; text: string }
  | { type: 'setStatus'; requestId: string; status: IncidentStatus }
  | { type: 'setSeverity'; requestId: string; severity: Severity; reason?: string }
  | { type: 'assignRole'; requestId: string; role: Role; person: string }
  | { type: 'markMilestone'; requestId: string; milestone: Milestone; at?: string; reason?: string }
  | { type: 'pin'; requestId: string; eventId: string; pinned: boolean }
  | { type: 'correct'; requestId: string; eventId: string; text: string }
  /** Replies with `{ text, nextUpdateAt? }` (an UpdateDraft without the audience); records nothing. */
  | { type: 'draftUpdate'; requestId: string; audience: Audience }
  | { type: 'markPosted'; requestId: string; audience: Audience; text: string; nextUpdateAt?: string }
  /** Keeps a drafted update on the timeline (only on request: drafts live in the composer). */
  | { type: 'keepDraft'; requestId: string; audience: Audience; text: string }
  | { type: 'setCustomerSummary'; requestId: string; text: string }
  | { type: 'resolve'; requestId: string; summary?: string }
  | { type: 'copyText'; requestId: string; text: string }
  | { type: 'snooze'; requestId: string; minutes: number; reason: string }
  /** Pins a run's output (or lines `fromLine`–`toLine` of it) as evidence for the post-mortem. */
  | { type: 'pinEvidence'; requestId: string; eventId: string; fromLine?: number; toLine?: number };

export type WebviewNotification =
  | { type: 'ready' }
  | { type: 'draftChanged'; text: string; revision: number }
  | { type: 'cspViolation'; directive: string; blockedUri: string; sample: string }
  | { type: 'rendered'; events: number; ms: number }
  /** The status update being written changed (text may be empty: nothing being written). */
  | { type: 'updateDraftChanged'; draft: UpdateDraft };

export type WebviewMessage = WebviewRequest | WebviewNotification;
export type WebviewRequestType = WebviewRequest['type'];

const EVENT_ID = str({ min: 1, max: 200 });
const updateDraftCheck: Check = object({ audience: oneOf(AUDIENCES), text: TEXT }, { nextUpdateAt: isoTime });

const webviewSchemas: Record<WebviewMessage['type'], Check> = {
  ready: object({ type: oneOf(['ready']) }),
  draftChanged: object({ type: oneOf(['draftChanged']), text: TEXT, revision: int({ min: 0 }) }),
  cspViolation: object({ type: oneOf(['cspViolation']), directive: SHORT, blockedUri: SHORT, sample: SHORT }),
  rendered: object({ type: oneOf(['rendered']), events: int({ min: 0 }), ms: num({ min: 0 }) }),
  updateDraftChanged: object({ type: oneOf(['updateDraftChanged']), draft: updateDraftCheck }),
  addNote: object({ type: oneOf(['addNote']), requestId: REQUEST_ID, text: REQUIRED_TEXT }),
  setStatus: object({ type: oneOf(['setStatus']), requestId: REQUEST_ID, status: oneOf(STATUSES) }),
  setSeverity: object({ type: oneOf(['setSeverity']), requestId: REQUEST_ID, severity: oneOf(SEVERITIES) }, { reason: SHORT }),
  assignRole: object({ type: oneOf(['assignRole']), requestId: REQUEST_ID, role: oneOf(ROLES), person: str({ max: 200 }) }),
  markMilestone: object({ type: oneOf(['markMilestone']), requestId: REQUEST_ID, milestone: oneOf(MILESTONES) }, { at: isoTime, reason: SHORT }),
  pin: object({ type: oneOf(['pin']), requestId: REQUEST_ID, eventId: EVENT_ID, pinned: bool }),
  correct: object({ type: oneOf(['correct']), requestId: REQUEST_ID, eventId: EVENT_ID, text: REQUIRED_TEXT }),
  draftUpdate: object({ type: oneOf(['draftUpdate']), requestId: REQUEST_ID, audience: oneOf(AUDIENCES) }),
  markPosted: object({ type: oneOf(['markPosted']), requestId: REQUEST_ID, audience: oneOf(AUDIENCES), text: REQUIRED_TEXT }, { nextUpdateAt: isoTime }),
  keepDraft: object({ type: oneOf(['keepDraft']), requestId: REQUEST_ID, audience: oneOf(AUDIENCES), text: REQUIRED_TEXT }),
  setCustomerSummary: object({ type: oneOf(['setCustomerSummary']), requestId: REQUEST_ID, text: str({ min: 1, max: 2_000 }) }),
  resolve: object({ type: oneOf(['resolve']), requestId: REQUEST_ID }, { summary: TEXT }),
  copyText: object({ type: oneOf(['copyText']), requestId: REQUEST_ID, text: REQUIRED_TEXT }),
  snooze: object({ type: oneOf(['snooze']), requestId: REQUEST_ID, minutes: int({ min: 1, max: 1440 }), reason: str({ min: 1, max: 2_000 }) }),
  pinEvidence: object({ type: oneOf(['pinEvidence']), requestId: REQUEST_ID, eventId: EVENT_ID }, { fromLine: int({ min: 1, max: 100_000_000 }), toLine: int({ min: 1, max: 100_000_000 }) }),
};

export const REQUEST_TYPES: readonly WebviewRequestType[] = [
  'addNote', 'setStatus', 'setSeverity', 'assignRole', 'markMilestone', 'pin', 'correct', 'draftUpdate', 'markPosted', 'copyText', 'snooze',
  'keepDraft', 'setCustomerSummary', 'resolve',
  'pinEvidence',
];

export type Validated<T> = { ok: true; message: T } | { ok: false; reason: string };

function validateWith<T>(schemas: Record<string, Check>, value: unknown): Validated<T> {
  if (!isRecord(value)) return { ok: false, reason: 'not an object' };
  const type = value.type;
  if (typeof type !== 'string' || !Object.prototype.hasOwnProperty.call(schemas, type)) {
    return { ok: false, reason: `unknown message type ${JSON.stringify(typeof type === 'string' ? type.slice(0, 40) : typeof type)}` };
  }
  const problem = schemas[type](value);
  return problem ? { ok: false, reason: `${type}: ${problem}` } : { ok: true, message: value as T };
}

export function validateWebviewMessage(value: unknown): Validated<WebviewMessage> {
  return validateWith<WebviewMessage>(webviewSchemas, value);
}

// ---------------------------------------------------------------------------------------------
// Host → page

export interface SeverityChoice {
  level: Severity;
  label: string;
  detail: string;
}

/** Whether an incident travels through the team's remote, and how far sharing got. */
export interface ShareView {
  shared: boolean;
  /** This engineer's events not yet accepted by the remote. */
  unshared: number;
  /** Problems found in teammates' segments (set aside). */
  problems: number;
  /** The last failure, in words. */
  detail?: string;
}

/** What the header shows: the folded incident and its update schedule (and sharing, when shared). */
export interface IncidentView {
  incident: Incident;
  schedule: UpdateSchedule;
  share?: ShareView;
}

export type HostMessage =
  /**
   * `draftRevision` counts edits of the note box; the page keeps whichever copy (its own state
   * or this) is newer. `updateDraft`: the status update being written, as the host kept it.
   */
  | {
      type: 'init';
      view: IncidentView;
      events: TimelineEvent[];
      draft: string;
      draftRevision: number;
      saveState: SaveState;
      severities: SeverityChoice[];
      timeStyle: TimeStyle;
      updateDraft?: UpdateDraft;
    }
  | { type: 'events'; view: IncidentView; events: TimelineEvent[] }
  /** How times are written changed (the setting, or the language). */
  | { type: 'timeStyle'; timeStyle: TimeStyle }
  /** Open the status update in the composer with this draft (Draft Status Update from the palette). */
  | { type: 'showUpdate'; draft: UpdateDraft }
  /** Move the keyboard focus to the note box (the Add Note key while the panel is active). */
  | { type: 'focus'; target: 'note' }
  | { type: 'view'; view: IncidentView }
  | { type: 'saveState'; state: SaveState; detail?: string }
  | { type: 'reply'; requestId: string; ok: true; result?: unknown }
  | { type: 'reply'; requestId: string; ok: false; error: string };

const eventCheck: Check = (v) => eventProblem(v);
const MAX_EVENTS = 1_000_000;

const incidentCheck: Check = object(
  {
    id: str({ min: 1, max: 200 }),
    title: str({ max: 100_000 }),
    severity: oneOf(SEVERITIES),
    status: oneOf(STATUSES),
    summary: str({ max: 1_000_000 }),
    services: arrayOf(str({ max: 10_000 })),
    roles: (v) => (isRecord(v) && Object.entries(v).every(([k, p]) => (ROLES as readonly string[]).includes(k) && typeof p === 'string') ? undefined : 'bad roles'),
    milestones: (v) => (isRecord(v) && Object.entries(v).every(([k, t]) => (MILESTONES as readonly string[]).includes(k) && !isoTime(t)) ? undefined : 'bad milestones'),
    declaredAt: isoTime,
    pinned: arrayOf(str({ max: 200 }), MAX_EVENTS),
    followUps: arrayOf(object({ eventId: str({ max: 200 }), text: str({ max: 1_000_000 }) }), MAX_EVENTS),
  },
  {
    resolvedAt: isoTime,
    customerSummary: str({ max: 1_000_000 }),
    corrections: (v) => (isRecord(v) && Object.values(v).every((t) => typeof t === 'string') ? undefined : 'bad corrections'),
    unknownEvents: int({ min: 0 }),
    lastEventAt: isoTime,
  },
  false,
);

const scheduleCheck: Check = object(
  { state: oneOf(['off', 'resolved', 'scheduled', 'overdue']) },
  { dueAt: isoTime, msUntilDue: num(), lastPostedAt: isoTime, snoozedUntil: isoTime, snoozeReason: str({ max: 2_000 }) },
);

const shareCheck: Check = object({ shared: bool, unshared: int({ min: 0 }), problems: int({ min: 0 }) }, { detail: SHORT });
const viewCheck: Check = object({ incident: incidentCheck, schedule: scheduleCheck }, { share: shareCheck });
const saveStateCheck = oneOf(['saved', 'saving', 'notSaved']);
const timeStyleCheck: Check = object({ locale: str({ min: 1, max: 100 }), timeZone: str({ min: 1, max: 100 }), display: oneOf(TIME_DISPLAYS) });

const hostSchemas: Record<HostMessage['type'], Check> = {
  init: object({
    type: oneOf(['init']),
    view: viewCheck,
    events: arrayOf(eventCheck, MAX_EVENTS),
    draft: TEXT,
    draftRevision: int({ min: 0 }),
    saveState: saveStateCheck,
    severities: arrayOf(object({ level: oneOf(SEVERITIES), label: SHORT, detail: SHORT }), 4),
    timeStyle: timeStyleCheck,
  }, { updateDraft: updateDraftCheck }),
  events: object({ type: oneOf(['events']), view: viewCheck, events: arrayOf(eventCheck, MAX_EVENTS) }),
  view: object({ type: oneOf(['view']), view: viewCheck }),
  timeStyle: object({ type: oneOf(['timeStyle']), timeStyle: timeStyleCheck }),
  showUpdate: object({ type: oneOf(['showUpdate']), draft: updateDraftCheck }),
  focus: object({ type: oneOf(['focus']), target: oneOf(['note']) }),
  saveState: object({ type: oneOf(['saveState']), state: saveStateCheck }, { detail: SHORT }),
  reply: (v) => {
    if (!isRecord(v)) return 'not an object';
    if (v.ok === true) return object({ type: oneOf(['reply']), requestId: REQUEST_ID, ok: bool }, { result: () => undefined })(v);
    return object({ type: oneOf(['reply']), requestId: REQUEST_ID, ok: bool, error: SHORT })(v);
  },
};

export function validateHostMessage(value: unknown): Validated<HostMessage> {
  return validateWith<HostMessage>(hostSchemas, value);
}

// ---------------------------------------------------------------------------------------------
// The host side: one dispatcher per panel.

export interface TimelineHandlers {
  /** The page is listening; post `init`. */
  ready(): void | Promise<void>;
  draftChanged(text: string, revision: number): void | Promise<void>;
  cspViolation(v: { directive: string; blockedUri: string; sample: string }): void;
  rendered?(info: { events: number; ms: number }): void;
  updateDraftChanged?(draft: UpdateDraft): void | Promise<void>;
  /** Carries out a request; the value is the reply's `result`; a thrown error becomes `ok: false`. */
  request(message: WebviewRequest): Promise<unknown>;
}

export interface DispatcherStats {
  received: number;
  dropped: number;
  handled: number;
}

/**
 * Validates every message from the page and routes it. Malformed, unknown and early (before
 * `ready`) messages are dropped and logged. It never throws: a failing handler becomes an
 * error reply (for requests) or a log line.
 */
export function createTimelineDispatcher(
  handlers: TimelineHandlers,
  post: (message: HostMessage) => void | Thenable<unknown>,
  log: (message: string) => void,
): { dispatch(raw: unknown): Promise<void>; readonly stats: DispatcherStats; readonly isReady: boolean } {
  const stats: DispatcherStats = { received: 0, dropped: 0, handled: 0 };
  let ready = false;
  const safeLog = (m: string) => {
    try {
      log(m);
    } catch {
      // Logging must never break message handling.
    }
  };
  const safePost = async (m: HostMessage) => {
    try {
      await post(m);
    } catch (err) {
      safeLog(`could not post ${m.type} to the timeline: ${String(err)}`);
    }
  };
  return {
    stats,
    get isReady() {
      return ready;
    },
    async dispatch(raw: unknown): Promise<void> {
      stats.received += 1;
      let checked: Validated<WebviewMessage>;
      try {
        checked = validateWebviewMessage(raw);
      } catch (err) {
        checked = { ok: false, reason: `validation failed: ${String(err)}` };
      }
      if (!checked.ok) {
        stats.dropped += 1;
        safeLog(`dropped a malformed message from the timeline page: ${checked.reason}`);
        return;
      }
      const message = checked.message;
      if (message.type !== 'ready' && !ready) {
        stats.dropped += 1;
        safeLog(`dropped ${message.type} from the timeline page: it came before ready`);
        return;
      }
      stats.handled += 1;
      try {
        switch (message.type) {
          case 'ready':
            ready = true;
            await handlers.ready();
            return;
          case 'draftChanged':
            await handlers.draftChanged(message.text, message.revision);
            return;
          case 'cspViolation':
            handlers.cspViolation({ directive: message.directive, blockedUri: message.blockedUri, sample: message.sample });
            return;
          case 'rendered':
            handlers.rendered?.({ events: message.events, ms: message.ms });
            return;
          case 'updateDraftChanged':
            await handlers.updateDraftChanged?.(message.draft);
            return;
          default: {
            const request = message;
            try {
              const result = await handlers.request(request);
              await safePost({ type: 'reply', requestId: request.requestId, ok: true, ...(result === undefined ? {} : { result }) });
            } catch (err) {
              await safePost({ type: 'reply', requestId: request.requestId, ok: false, error: (err instanceof Error ? err.message : String(err)).slice(0, 2_000) });
            }
          }
        }
      } catch (err) {
        safeLog(`the timeline handler for ${message.type} failed: ${String(err)}`);
      }
    },
  };
}

type Thenable<T> = PromiseLike<T>;

// ---------------------------------------------------------------------------------------------
// The page side: requests with ids, matched to their replies.

export class RequestTracker {
  private counter = 0;
  private readonly pending = new Map<string, { resolve(v: unknown): void; reject(e: Error): void }>();

  constructor(private readonly post: (message: WebviewMessage) => void, private readonly prefix: string) {}

  /** Sends a request and resolves with the reply's result (rejects with its error). */
  request(body: RequestBody): Promise<unknown> {
    this.counter += 1;
    const requestId = `${this.prefix}-${this.counter}`;
    return new Promise((resolve, reject) => {
      this.pending.set(requestId, { resolve, reject });
      this.post({ ...body, requestId } as WebviewRequest);
    });
  }

  /** Settles the request a reply answers; false when no request has that id. */
  settle(reply: Extract<HostMessage, { type: 'reply' }>): boolean {
    const p = this.pending.get(reply.requestId);
    if (!p) return false;
    this.pending.delete(reply.requestId);
    if (reply.ok) p.resolve(reply.result);
    else p.reject(new Error(reply.error));
    return true;
  }

  get outstanding(): number {
    return this.pending.size;
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;
/** A request as the page writes it; the tracker adds the id. */
export type RequestBody = DistributiveOmit<WebviewRequest, 'requestId'>;
