// How roles, milestones and statuses are written for people (the panel, drafts, pickers).
// Pure and shared by the host and the webview, so every surface uses the same words.
import type { IncidentStatus, Milestone, Role } from './model';

export const ROLE_NAMES: Record<Role, string> = {
  commander: 'Incident commander',
  techLead: 'Tech lead',
  commsLead: 'Communications lead',
  scribe: 'Scribe',
};

export const MILESTONE_NAMES: Record<Milestone, string> = {
  impactStarted: 'Impact started',
  detected: 'Detected',
  acknowledged: 'Acknowledged',
  mitigated: 'Mitigated',
  resolved: 'Resolved',
};

export const STATUS_NAMES: Record<IncidentStatus, string> = {
  investigating: 'Investigating',
  identified: 'Identified',
  monitoring: 'Monitoring',
  resolved: 'Resolved',
};
