// Words people read for the values the journal stores: milestones, statuses and event kinds are
// identifiers in the data (`impactStarted`, `commandRun`) and never appear as such in a
// post-mortem, a message or the timeline. No imports: the webview uses this too.
import type { EventType, IncidentStatus, Milestone, Role } from './model';

export const MILESTONE_LABELS: Record<Milestone, string> = {
  impactStarted: 'Impact started',
  detected: 'Detected',
  acknowledged: 'Acknowledged',
  mitigated: 'Mitigated',
  resolved: 'Resolved',
};

export const STATUS_LABELS: Record<IncidentStatus, string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
};

export const ROLE_LABELS: Record<Role, string> = {
  commander: 'Incident commander',
  techLead: 'Tech lead',
  commsLead: 'Communications lead',
  scribe: 'Scribe',
};

/** What kind of event it is, in a few words (for "pinned: …" and similar references). */
export const EVENT_TYPE_LABELS: Record<EventType, string> = {
  declared: 'declaration',
  note: 'note',
  statusChanged: 'status change',
  severityChanged: 'severity change',
  roleAssigned: 'role change',
  milestone: 'milestone',
  commandRun: 'command run',
  statusUpdate: 'status update',
  reminderSnoozed: 'snoozed reminder',
  summaryChanged: 'impact summary',
  pinned: 'pin',
  correction: 'correction',
  evidencePinned: 'pinned evidence',
  changesObserved: 'changes found in git history',
  unknown: 'event of an unknown kind',
};
