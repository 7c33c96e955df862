// When a post-mortem is required and when it is due, per severity. The guides disagree in
// places (practice.md, "Post-mortem"); each default names the guide it follows.
import type { Severity } from '../incidents/model';

export type PostmortemRequirement = 'required' | 'optional' | 'not required';

export interface PostmortemRule {
  requirement: PostmortemRequirement;
  /** Hours after resolution by which the post-mortem should be final. */
  dueWithinHours?: number;
  /** The rule in words, shown next to the due date (no guide numbers: readers do not know them). */
  source: string;
}

export type PostmortemPolicy = Record<Severity, PostmortemRule>;

export const DEFAULT_POSTMORTEM_POLICY: PostmortemPolicy = {
  // 000, 002 and 004 agree on 48 hours for the most severe level.
  SEV1: { requirement: 'required', dueWithinHours: 48, source: 'within 48 hours of resolution' },
  // 000 requires one without a deadline, 002 gives a week, 004 48 hours: we follow 002.
  SEV2: { requirement: 'required', dueWithinHours: 7 * 24, source: 'within a week of resolution' },
  // 000: optional, recommended when the incident repeats.
  SEV3: { requirement: 'optional', source: 'optional; recommended when the same incident happens again' },
  // 000: not required.
  SEV4: { requirement: 'not required', source: 'not required' },
};

/** The due time (ISO, UTC) of the post-mortem, once the incident is resolved and the level has a deadline. */
export function postmortemDue(severity: Severity, resolvedAt: string | undefined, policy = DEFAULT_POSTMORTEM_POLICY): string | undefined {
  const hours = policy[severity]?.dueWithinHours;
  if (hours === undefined || !resolvedAt) return undefined;
  const resolved = Date.parse(resolvedAt);
  if (Number.isNaN(resolved)) return undefined;
  return new Date(resolved + hours * 3_600_000).toISOString();
}
