// The incident model: an incident is what its journal of events says it is. Events are never
// edited or deleted; `foldIncident` (in state.ts) derives the current state from them.
import type { RunRecord, Severity } from '../runbooks/model';
import type { ChangeObservation } from './changes';

export type { Severity };
export type IncidentStatus = 'investigating' | 'identified' | 'monitoring' | 'resolved';
export const STATUSES: readonly IncidentStatus[] = ['investigating', 'identified', 'monitoring', 'resolved'];

export type Role = 'commander' | 'techLead' | 'commsLead' | 'scribe';
export const ROLES: readonly Role[] = ['commander', 'techLead', 'commsLead', 'scribe'];

export type Milestone = 'impactStarted' | 'detected' | 'acknowledged' | 'mitigated' | 'resolved';
export const MILESTONES: readonly Milestone[] = ['impactStarted', 'detected', 'acknowledged', 'mitigated', 'resolved'];

export type Audience = 'internal' | 'external';
export const AUDIENCES: readonly Audience[] = ['internal', 'external'];

/** Whether everything appended to an incident's journal is durable (`notSaved`: a write or flush failed). */
export type SaveState = 'saved' | 'saving' | 'notSaved';

/** Fields every event carries. `time` is ISO 8601 UTC; `author` is a person's name. */
export interface EventBase {
  /** Unique id (sortable: time prefix + random part). */
  id: string;
  incidentId: string;
  time: string;
  author: string;
  /**
   * The writer (one installation of the extension, see ids.ts) that recorded the event. Absent
   * on events written before incidents could be shared; a teammate's events carry theirs.
   */
  writer?: string;
}

export type TimelineEvent =
  | (EventBase & { type: 'declared'; title: string; severity: Severity; summary: string; services: string[]; commander?: string; alert?: AlertInfo })
  // A note may be written against a runbook step (`runbookPath`, `blockIndex`) or a run (`about`: its event id).
  | (EventBase & { type: 'note'; text: string; runbookPath?: string; blockIndex?: number; about?: string })
  | (EventBase & { type: 'statusChanged'; from: IncidentStatus; to: IncidentStatus; summary?: string })
  | (EventBase & { type: 'severityChanged'; from: Severity; to: Severity; reason?: string })
  | (EventBase & { type: 'roleAssigned'; role: Role; person: string; previous?: string })
  | (EventBase & { type: 'milestone'; milestone: Milestone; at: string; reason?: string })
  // A command run is the run record as the run-commands feature reports it (secrets masked),
  // less what only matters in the moment (terminal, start time).
  | (EventBase & { type: 'commandRun' } & Pick<
        RunRecord,
        'runbookPath' | 'runbookTitle' | 'blockIndex' | 'command' | 'exitCode' | 'durationMs' | 'outputTail' | 'unknownReason' | 'output' | 'service' | 'target'
      > & {
        /** Set on runs attached after the fact (they ran before the incident was declared): when they ran. */
        startedAt?: string;
        attached?: boolean;
      })
  // `nextUpdateAt`: the time the update promises the next one by; the reminder follows it.
  | (EventBase & { type: 'statusUpdate'; audience: Audience; text: string; state: 'drafted' | 'posted'; nextUpdateAt?: string })
  | (EventBase & { type: 'reminderSnoozed'; minutes: number; reason: string })
  | (EventBase & { type: 'summaryChanged'; summary: string; services?: string[] })
  // What customers notice, in their words: the only incident text external updates start from.
  | (EventBase & { type: 'customerSummaryChanged'; text: string })
  | (EventBase & { type: 'pinned'; target: string; pinned: boolean })
  | (EventBase & { type: 'correction'; target: string; text: string })
  // A run's output (or lines `fromLine`–`toLine` of it) pinned as evidence for the post-mortem; `text` is the pinned lines, masked.
  | (EventBase & { type: 'evidencePinned'; target: string; pinned: boolean; fromLine?: number; toLine?: number; text?: string })
  // Commits and tags found in git history in a window before impact start: observations, never causes.
  | (EventBase & { type: 'changesObserved'; windowStart: string; windowEnd: string; repos: string[]; changes: ChangeObservation[]; problems?: string[] })
  // A responder joined a shared incident (optionally taking a role: a separate roleAssigned event).
  | (EventBase & { type: 'joined'; role?: Role })
  | (EventBase & { type: 'unknown'; originalType: string; raw: Record<string, unknown> });

export type EventType = TimelineEvent['type'];

/** The alert an incident was declared from: its name, labels and link (as the alert URI carried them). */
export interface AlertInfo {
  name: string;
  labels: Record<string, string>;
  link?: string;
  /** The runbook that answered the alert (relative to the workspace folder). */
  runbookPath?: string;
}

/** The incident as derived from its events. */
export interface Incident {
  id: string;
  title: string;
  severity: Severity;
  status: IncidentStatus;
  summary: string;
  /** The customer-facing summary (external updates use it, never `title` or `summary`). */
  customerSummary?: string;
  services: string[];
  roles: Partial<Record<Role, string>>;
  milestones: Partial<Record<Milestone, string>>;
  declaredAt: string;
  resolvedAt?: string;
  /** Ids of pinned events (key for the post-mortem). */
  pinned: string[];
  /** `TODO:` notes, as follow-ups for the post-mortem's action items. */
  followUps: { eventId: string; text: string }[];
  /** Latest correction text per corrected event id (the original event stays as written). */
  corrections?: Record<string, string>;
  /** How many events are of a type this version does not know (kept, shown as such). */
  unknownEvents?: number;
  /** Time of the newest event. */
  lastEventAt?: string;
  /** Everyone who wrote an event or joined, by the name each claims, in order of first appearance. */
  responders?: string[];
  /** The name on the `declared` event. */
  declaredBy?: string;
  /**
   * `declared` events after the first: two incidents declared under one id (a clash of ids
   * between responders who had not fetched each other's yet). Shown as a problem.
   */
  extraDeclarations?: number;
}

/** What the public API returns for an incident. */
export interface IncidentSummary {
  id: string;
  title: string;
  severity: Severity;
  status: IncidentStatus;
  declaredAt: string;
  resolvedAt?: string;
  /** Whether the incident travels through the team's git remote (shared by this engineer or a teammate). */
  shared: boolean;
  /** Everyone who wrote an event or joined, by the name each claims. */
  responders: string[];
  /** Who declared it (the name on the `declared` event). */
  declaredBy?: string;
}
