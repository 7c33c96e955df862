// Property tests of recovery: a valid journal cut at any byte, or with one byte flipped inside
// a middle line, recovers exactly the records that are still intact, and never throws.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { Journal, encodeRecord } from '../../../src/incidents/journal';
import type { TimelineEvent } from '../../../src/incidents/model';
import { MemFs } from './memFs';

const ROOT = '/j';
const INC = 'INC-20250304-001';
const SEGMENT = 's-000000000001-1-00000001.jsonl';

const text = fc.string({ unit: 'binary', maxLength: 80 });
const eventArb = (i: number): fc.Arbitrary<TimelineEvent> =>
  fc.oneof(
    text.map((t) => ({ type: 'note', text: t })),
    fc.record({ type: fc.constant('statusChanged'), from: fc.constant('investigating'), to: fc.constantFrom('identified', 'monitoring') }),
    fc.record({
      type: fc.constant('commandRun'), runbookPath: text, runbookTitle: text, blockIndex: fc.nat(20), command: text,
      exitCode: fc.option(fc.integer({ min: -1, max: 255 }), { nil: null }), durationMs: fc.nat(100_000),
    }),
    fc.record({ type: fc.constant('futureThing'), payload: fc.jsonValue({ maxDepth: 3 }) }),
  ).map((body) => ({
    id: `e${String(i).padStart(6, '0')}`,
    incidentId: INC,
    time: new Date(Date.UTC(2025, 2, 4, 10, 0, i)).toISOString(),
    author: 'Ana',
    ...body,
  }) as unknown as TimelineEvent);

const journalArb = fc.integer({ min: 1, max: 12 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => eventArb(i))));

async function recover(data: Buffer): Promise<{ ids: string[]; fs: MemFs; problems: number }> {
  const fs = new MemFs();
  await fs.mkdir(`${ROOT}/${INC}`);
  fs.files.set(`${ROOT}/${INC}/${SEGMENT}`, data);
  const journal = new Journal({ fs, root: ROOT, isSegmentActive: () => false, randomHex: (d) => '0'.repeat(d) });
  const loaded = await journal.load(INC);
  return { ids: loaded.events.map((e) => e.id).sort(), fs, problems: loaded.problems.length };
}

/** All bytes that exist anywhere under the incident folder (segments and quarantine). */
function totalBytes(fs: MemFs): number {
  let n = 0;
  for (const [, b] of fs.files) n += b.length;
  return n;
}

describe('incident journal recovery (properties)', () => {
  it('a journal cut at any byte recovers exactly the records that end before the cut', async () => {
    await fc.assert(
      fc.asyncProperty(journalArb, fc.double({ min: 0, max: 1, noNaN: true }), async (events, where) => {
        const lines = events.map(encodeRecord);
        const data = Buffer.concat(lines);
        const cut = Math.floor(where * data.length);
        const expected: string[] = [];
        let end = 0;
        lines.forEach((line, i) => {
          end += line.length;
          // A record is intact when everything up to its closing brace survived the cut.
          if (end - 1 <= cut) expected.push(events[i].id);
        });
        const { ids, fs } = await recover(data.subarray(0, cut));
        assert.deepEqual(ids, expected.sort());
        // Nothing is deleted: every byte before the cut is still somewhere (plus added newlines).
        assert.ok(totalBytes(fs) >= cut);
      }),
      { numRuns: 300 },
    );
  });

  it('cutting at every byte of one journal never throws and never loses an intact record', async () => {
    const events = fc.sample(journalArb, { numRuns: 1, seed: 7 })[0];
    const data = Buffer.concat(events.map(encodeRecord));
    let previous = 0;
    for (let cut = 0; cut <= data.length; cut++) {
      const { ids } = await recover(data.subarray(0, cut));
      assert.ok(ids.length >= previous, 'a longer prefix never recovers fewer records');
      previous = ids.length;
    }
    assert.equal(previous, events.length);
  });

  it('one byte flipped inside a middle line loses that record only', async () => {
    await fc.assert(
      fc.asyncProperty(
        journalArb.filter((e) => e.length >= 3),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        fc.integer({ min: 1, max: 255 }),
        async (events, whichLine, whichByte, mask) => {
          const lines = events.map((e) => Buffer.from(encodeRecord(e)));
          const victim = 1 + Math.floor(whichLine * (lines.length - 2));
          // Any byte of the line, its newline included (a lost newline joins it to the next line).
          const offset = Math.min(lines[victim].length - 1, Math.floor(whichByte * lines[victim].length));
          const original = Buffer.from(lines[victim]);
          lines[victim][offset] ^= mask;
          const { ids, fs, problems } = await recover(Buffer.concat(lines));
          assert.deepEqual(ids, events.filter((_, i) => i !== victim).map((e) => e.id).sort());
          assert.ok(problems >= 1);
          // The damaged bytes were moved aside, not deleted.
          const quarantined = [...fs.files].filter(([p]) => p.includes('/quarantine/')).map(([, b]) => b);
          assert.equal(quarantined.length, 1);
          const damaged = lines[victim].subarray(0, -1);
          assert.ok(quarantined[0].includes(damaged.subarray(0, Math.min(offset, damaged.length))), 'the damaged line is in quarantine');
          assert.notDeepEqual(lines[victim], original);
        },
      ),
      { numRuns: 400 },
    );
  });

  it('never throws on arbitrary bytes, and keeps every one of them (in the segment or in quarantine)', async () => {
    const contentBytes = (b: Uint8Array) => b.reduce((n, x) => n + (x === 0x0a ? 0 : 1), 0);
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), async (bytes) => {
        const { ids, fs } = await recover(Buffer.from(bytes));
        // Only newlines may be added or dropped (empty lines carry nothing); every other byte stays.
        const kept = [...fs.files.values()].reduce((n, b) => n + contentBytes(b), 0);
        assert.equal(kept, contentBytes(bytes));
        assert.ok(ids.every((id) => Buffer.from(bytes).includes(id)), 'only records that were in the input come back');
      }),
      { numRuns: 300 },
    );
  });
});
