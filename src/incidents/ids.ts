// Identifiers for incidents, events and writers.
//
// Incident ids are short enough to say on a call and dated: `INC-YYYYMMDD-XXXXX`, the date in
// UTC and five characters of Crockford base32 (no I, L, O or U: nothing to mishear as 1 or 0),
// drawn from crypto randomness. Windows of one engineer share one store and claim an id by
// creating its folder, so they never collide; responders on other machines cannot coordinate
// before the first fetch, so the random part makes a clash between two incidents declared the
// same day about 1 in 33 million, and one that still happens is caught when their journals
// meet (two different `declared` events under one id, see `sameIdConflicts`). Ids of the old
// form (`INC-YYYYMMDD-NNN`, numbered per day) stay valid.
//
// Event ids sort by creation time so a merged journal can be ordered without trusting file
// order, and carry a random part so two windows writing in the same millisecond never collide.

const LEGACY_INCIDENT_ID = /^INC-(\d{8})-(\d{3,})$/;
const INCIDENT_ID = /^INC-(\d{8})-([0-9A-HJKMNP-TV-Z]{5})$/;
/** Crockford's base32 digits. */
export const CROCKFORD = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export type RandomBytes = (count: number) => Uint8Array;

export function isIncidentId(value: string): boolean {
  return INCIDENT_ID.test(value) || LEGACY_INCIDENT_ID.test(value);
}

/** `count` base32 characters from random bytes (5 bits each, no modulo bias). */
export function randomBase32(count: number, randomBytes: RandomBytes, alphabet = CROCKFORD): string {
  const bytes = randomBytes(count);
  let out = '';
  for (let i = 0; i < count; i++) out += alphabet[bytes[i] & 31];
  return out;
}

/**
 * A new incident id for the UTC day of `now`, different from every id in `existing` (this
 * store's incidents and every teammate's incident fetched so far).
 */
export function newIncidentId(now: Date, existing: Iterable<string>, randomBytes: RandomBytes): string {
  const day = now.toISOString().slice(0, 10).replace(/-/g, '');
  const taken = existing instanceof Set ? (existing as Set<string>) : new Set(existing);
  for (let attempt = 0; ; attempt++) {
    const id = `INC-${day}-${randomBase32(5, randomBytes)}`;
    if (!taken.has(id)) return id;
    // 33 million ids per day: only a broken random source gets here more than a few times.
    if (attempt > 1000) throw new Error('could not find a free incident id: is the random source constant?');
  }
}

/** The UTC day (`YYYYMMDD`) an incident id was declared on, if it has one. */
export function incidentIdDay(id: string): string | undefined {
  return (INCIDENT_ID.exec(id) ?? LEGACY_INCIDENT_ID.exec(id))?.[1];
}

const WRITER_ID = /^w[0-9a-z]{10}$/;
const LOWER_CROCKFORD = CROCKFORD.toLowerCase();

/**
 * A writer is one installation of the extension (one engineer on one machine; every window of
 * it shares the store). Its id names its refs on the shared remote and is stamped on each
 * event it writes. 50 random bits, lower case, safe in a ref name and a file name.
 */
export function newWriterId(randomBytes: RandomBytes): string {
  return `w${randomBase32(10, randomBytes, LOWER_CROCKFORD)}`;
}

export function isWriterId(value: unknown): value is string {
  return typeof value === 'string' && WRITER_ID.test(value);
}

function hex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/**
 * A generator of event ids: 12 hex digits of milliseconds, 4 of a per-generator counter (so
 * ids made in the same millisecond, or after the clock stepped back, still sort in creation
 * order), then 8 random hex digits. Example: `e018f3a2b4c000000-9f1c2d3e`.
 */
export function createEventIdGenerator(clock: () => number, randomBytes: RandomBytes): () => string {
  let lastMs = -1;
  let counter = 0;
  return () => {
    let ms = Math.max(0, Math.floor(clock()));
    if (ms <= lastMs) {
      ms = lastMs;
      counter += 1;
      if (counter > 0xffff) {
        // Borrow the next millisecond rather than wrap and break the order.
        ms = lastMs + 1;
        counter = 0;
      }
    } else {
      counter = 0;
    }
    lastMs = ms;
    return `e${ms.toString(16).padStart(12, '0')}${counter.toString(16).padStart(4, '0')}-${hex(randomBytes(4))}`;
  };
}

export { hex as bytesToHex };
