// What each severity level means, shown when someone picks one. Condensed from the five
// incident-response guides in the project's seeds (see practice.md for the side-by-side
// table), written in our own words.
import type { Severity } from './model';

export interface SeverityGuide {
  level: Severity;
  name: string;
  /** One short line (it must fit a quick pick): who is affected and how badly. */
  definition: string;
  examples: string[];
  /**
   * How soon someone should be working on it, as the rest of a sentence that starts with
   * "Respond" (the guides' acknowledge/response times, middle value).
   */
  respond: string;
  /** Who hears about it and how often, in words (the numbers are in the cadence setting). */
  updates: string;
}

export const SEVERITY_GUIDE: Record<Severity, SeverityGuide> = {
  SEV1: {
    level: 'SEV1',
    name: 'Critical',
    definition: 'Down, or a function people cannot work without is down, for all or nearly all users.',
    examples: [
      'the whole application or API is unreachable',
      'nobody can sign in',
      'payments fail every time',
      'the main database is down or its data is damaged',
      'a confirmed breach or data leak',
    ],
    respond: 'within 5–15 minutes, around the clock',
    updates: 'everyone affected, including the public status page, on a short fixed rhythm',
  },
  SEV2: {
    level: 'SEV2',
    name: 'High',
    definition: 'A major feature is broken or badly degraded for many users, with no easy workaround.',
    examples: [
      'error rate on a key endpoint well above normal (several percent)',
      'responses several times slower than usual',
      'one critical service down while the rest works',
      'a third-party integration people rely on has failed',
    ],
    respond: 'within 15–30 minutes',
    updates: 'leadership and affected teams, and the status page when customers notice',
  },
  SEV3: {
    level: 'SEV3',
    name: 'Medium',
    definition: 'A minor problem for a few users, or a side feature broken; a workaround exists.',
    examples: [
      'intermittent errors for a small share of requests',
      'reports or analytics unavailable',
      'notification e-mails arriving late',
      'one customer affected',
    ],
    respond: 'within a few hours, in working time',
    updates: 'the team internally; no public notice',
  },
  SEV4: {
    level: 'SEV4',
    name: 'Low',
    definition: 'No real user impact: a cosmetic flaw, a warning, or a bug with an easy workaround.',
    examples: ['a visual glitch', 'noisy but harmless log errors', 'a mistake in documentation'],
    respond: 'by the next working day, or as planned work',
    updates: 'a ticket is enough; no status updates',
  },
};

/**
 * The upper end of `respondWithin`, in minutes, for the levels that have a clock: the goal for
 * "time to acknowledge" in post-mortems, so the goal there and the picker's words agree.
 */
export const RESPOND_WITHIN_MINUTES: Partial<Record<Severity, number>> = { SEV1: 15, SEV2: 30 };

/** The level and its name: `SEV1 — Critical`. */
export function severityLabel(level: Severity): string {
  const g = SEVERITY_GUIDE[level];
  return `${level} — ${g.name}`;
}

/** The response time as a sentence: `Respond within 5–15 minutes, around the clock.` */
export function severityResponse(level: Severity): string {
  return `Respond ${SEVERITY_GUIDE[level].respond}.`;
}

/** A longer description for the webview: definition, examples and the response time. */
export function severityDetail(level: Severity): string {
  const g = SEVERITY_GUIDE[level];
  return `${g.definition} For example: ${g.examples.join('; ')}. ${severityResponse(level)}`;
}

/**
 * The quick pick item of a level, each part short enough to be shown whole: the response time
 * beside the name, the definition below.
 */
export function severityPick(level: Severity): { label: string; description: string; detail: string } {
  return { label: severityLabel(level), description: severityResponse(level), detail: SEVERITY_GUIDE[level].definition };
}
