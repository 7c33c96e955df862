// Events and clocks for the incident tests.
import type { TimelineEvent } from '../../../src/incidents/model';

export const T0 = Date.parse('2025-03-04T10:00:00.000Z');

/** A clock the test moves by hand. */
export function manualClock(start = T0): { now: () => number; advance(ms: number): void; set(ms: number): void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms), set: (ms) => (t = ms) };
}

/** Deterministic "random" bytes for ids and names. */
export function counterBytes(): (n: number) => Uint8Array {
  let c = 0;
  return (n) => {
    const out = new Uint8Array(n);
    for (let i = 0; i < n; i++) out[i] = (c * 31 + i * 7) & 0xff;
    c++;
    return out;
  };
}

export function counterHex(): (digits: number) => string {
  let c = 0;
  return (digits) => (c++).toString(16).padStart(digits, '0').slice(-digits);
}

let seq = 0;
export function note(text: string, over: Partial<TimelineEvent> = {}): TimelineEvent {
  seq += 1;
  return {
    id: `e${String(seq).padStart(8, '0')}`,
    incidentId: 'INC-20250304-001',
    time: new Date(T0 + seq * 1000).toISOString(),
    author: 'Ana',
    type: 'note',
    text,
    ...over,
  } as TimelineEvent;
}

export function declared(over: Partial<Extract<TimelineEvent, { type: 'declared' }>> = {}): TimelineEvent {
  return {
    id: 'e00000000-decl',
    incidentId: 'INC-20250304-001',
    time: new Date(T0).toISOString(),
    author: 'Ana',
    type: 'declared',
    title: 'Checkout errors',
    severity: 'SEV2',
    summary: 'Card payments fail for some users',
    services: ['checkout'],
    commander: 'Ana',
    ...over,
  };
}

/** An event of any type at minute `minute` after T0. */
export function at<T extends TimelineEvent['type']>(minute: number, type: T, fields: Record<string, unknown>, id?: string): TimelineEvent {
  return {
    id: id ?? `e${String(Math.round(minute * 1000)).padStart(9, '0')}-${type}`,
    incidentId: 'INC-20250304-001',
    time: new Date(T0 + minute * 60_000).toISOString(),
    author: 'Ana',
    type,
    ...fields,
  } as TimelineEvent;
}
