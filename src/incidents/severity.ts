// What each severity level means, shown when someone picks one. Condensed from the five
// incident-response guides in the project's seeds (see practice.md for the side-by-side
// table), written in our own words.
import type { Severity } from './model';

export interface SeverityGuide {
  level: Severity;
  name: string;
  /** One line: who is affected and how badly. */
  definition: string;
  examples: string[];
  /** How soon someone should be working on it (the guides' acknowledge/response times, middle value). */
  respondWithin: string;
  /** Who hears about it and how often, in words (the numbers are in the cadence setting). */
  updates: string;
}

export const SEVERITY_GUIDE: Record<Severity, SeverityGuide> = {
  SEV1: {
    level: 'SEV1',
    name: 'Critical',
    definition: 'The service, or a function people cannot work without, is down for all or nearly all users.',
    examples: [
      'the whole application or API is unreachable',
      'nobody can sign in',
      'payments fail every time',
      'the main database is down or its data is damaged',
      'a confirmed breach or data leak',
    ],
    respondWithin: '5–15 minutes, around the clock',
    updates: 'everyone affected, including the public status page, on a short fixed rhythm',
  },
  SEV2: {
    level: 'SEV2',
    name: 'High',
    definition: 'A major feature is broken or badly degraded for a large share of users, with no easy way around it.',
    examples: [
      'error rate on a key endpoint well above normal (several percent)',
      'responses several times slower than usual',
      'one critical service down while the rest works',
      'a third-party integration people rely on has failed',
    ],
    respondWithin: '15–30 minutes',
    updates: 'leadership and affected teams, and the status page when customers notice',
  },
  SEV3: {
    level: 'SEV3',
    name: 'Medium',
    definition: 'Something minor is degraded or a non-essential feature is broken for a limited group, and a workaround exists.',
    examples: [
      'intermittent errors for a small share of requests',
      'reports or analytics unavailable',
      'notification e-mails arriving late',
      'one customer affected',
    ],
    respondWithin: 'within a few hours, in working time',
    updates: 'the team internally; no public notice',
  },
  SEV4: {
    level: 'SEV4',
    name: 'Low',
    definition: 'No real user impact: a cosmetic flaw, a warning, or a bug with an easy workaround.',
    examples: ['a visual glitch', 'noisy but harmless log errors', 'a mistake in documentation'],
    respondWithin: 'next working day, or planned work',
    updates: 'a ticket is enough; no status updates',
  },
};

/**
 * The upper end of `respondWithin`, in minutes, for the levels that have a clock: the goal for
 * "time to acknowledge" in post-mortems, so the goal there and the picker's words agree.
 */
export const RESPOND_WITHIN_MINUTES: Partial<Record<Severity, number>> = { SEV1: 15, SEV2: 30 };

/** One line for a quick pick: `SEV1 — Critical: …`. */
export function severityLabel(level: Severity): string {
  const g = SEVERITY_GUIDE[level];
  return `${level} — ${g.name}`;
}

/** A longer description for pickers and the webview: definition plus examples. */
export function severityDetail(level: Severity): string {
  const g = SEVERITY_GUIDE[level];
  return `${g.definition} For example: ${g.examples.join('; ')}. Respond within ${g.respondWithin}.`;
}
