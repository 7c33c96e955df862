// Identifiers for incidents and events. Incident ids are readable and dated
// (`INC-YYYYMMDD-NNN`, the date in UTC); event ids sort by creation time so a merged journal
// can be ordered without trusting file order, and carry a random part so two windows writing
// in the same millisecond never collide.

const INCIDENT_ID = /^INC-(\d{8})-(\d{3,})$/;

export function isIncidentId(value: string): boolean {
  return INCIDENT_ID.test(value);
}

/** The next free incident id for the UTC day of `now`, given the ids already in use. */
export function newIncidentId(now: Date, existing: Iterable<string>): string {
  const day = now.toISOString().slice(0, 10).replace(/-/g, '');
  let highest = 0;
  for (const id of existing) {
    const m = INCIDENT_ID.exec(id);
    if (m && m[1] === day) highest = Math.max(highest, Number(m[2]));
  }
  return `INC-${day}-${String(highest + 1).padStart(3, '0')}`;
}

export type RandomBytes = (count: number) => Uint8Array;

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
