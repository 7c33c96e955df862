// A teammate's segment as fetched: what is believed, what is set aside, and why.
import * as assert from 'node:assert/strict';
import { encodeRecord } from '../../../src/incidents/journal';
import type { TimelineEvent } from '../../../src/incidents/model';
import { checkWriterSegment, encodeWriterSegment, gitBlobId, mergeWithPrevious, type FetchedSegment } from '../../../src/incidents/sharedSegment';
import { execFileSync } from 'node:child_process';

const INC = 'INC-20250304-7KQ2M';
const BO = 'wb000000000';
const ANA = 'wa000000000';

function ev(id: string, over: Partial<TimelineEvent> = {}): TimelineEvent {
  return { id, incidentId: INC, time: '2025-03-04T10:00:00.000Z', author: 'Bo', writer: BO, type: 'note', text: `note ${id}`, ...over } as TimelineEvent;
}

function fetched(events: Buffer, writerFile: Buffer | string, over: Partial<FetchedSegment> = {}): FetchedSegment {
  const w = Buffer.from(writerFile);
  return { incidentId: INC, writer: BO, events: { size: events.length, content: events }, writerFile: { size: w.length, content: w }, ...over };
}

describe('shared segments: encoding', () => {
  it('encodes a writer\'s events sorted, with the claim, and gives the blob id git would', () => {
    const seg = encodeWriterSegment(INC, BO, 'Bo', [ev('e2', { time: '2025-03-04T10:02:00.000Z' }), ev('e1')]);
    assert.equal(seg.count, 2);
    const check = checkWriterSegment(fetched(seg.events, seg.writer));
    assert.deepEqual(check.events.map((e) => e.id), ['e1', 'e2']);
    assert.deepEqual(check.problems, []);
    assert.equal(check.claimedName, 'Bo');
    const viaGit = execFileSync('git', ['hash-object', '--stdin'], { input: seg.events, encoding: 'utf8' }).trim();
    assert.equal(gitBlobId(seg.events), viaGit);
  });
});

describe('shared segments: checks on what a teammate pushed', () => {
  const good = encodeWriterSegment(INC, BO, 'Bo', [ev('e1'), ev('e2')]);

  it('refuses a segment over the size limit without reading it', () => {
    const c = checkWriterSegment({ incidentId: INC, writer: BO, events: { size: 17 * 1024 * 1024 }, writerFile: { size: good.writer.length, content: good.writer } });
    assert.equal(c.refused, true);
    assert.equal(c.problems[0].kind, 'huge');
    assert.match(c.problems[0].reason, /over the limit/);
    // Even when the bytes were read, a segment over the limit is not taken.
    const read = checkWriterSegment({ ...fetched(good.events, good.writer), maxBytes: good.events.length - 1 });
    assert.equal(read.refused, true);
    assert.equal(read.problems[0].kind, 'huge');
  });

  it('refuses a segment whose claim names another writer or another incident, or is not a claim', () => {
    const forged = encodeWriterSegment(INC, ANA, 'Ana', [ev('e1')]);
    const c1 = checkWriterSegment(fetched(forged.events, forged.writer));
    assert.equal(c1.refused, true);
    assert.equal(c1.problems[0].kind, 'forgedWriter');
    const other = encodeWriterSegment('INC-20250304-00000', BO, 'Bo', [ev('e1')]);
    assert.equal(checkWriterSegment(fetched(other.events, other.writer)).problems[0].kind, 'wrongIncident');
    for (const claim of ['not json', '[]', '{"format":2,"incidentId":"INC-20250304-7KQ2M","writer":"wb000000000","name":"Bo"}', '{"format":1,"incidentId":"x","writer":"wb000000000","name":"Bo"}', `{"format":1,"incidentId":"${INC}","writer":"wb000000000","name":${JSON.stringify('x'.repeat(300))}}`]) {
      const c = checkWriterSegment(fetched(good.events, claim));
      assert.equal(c.refused, true, claim);
      assert.equal(c.problems[0].kind, 'malformed', claim);
    }
    assert.equal(checkWriterSegment({ ...fetched(good.events, good.writer), writerFile: undefined }).refused, true);
  });

  it('sets aside lines with a bad checksum, garbage, events stamped with another writer or incident, and repeated ids; keeps the rest', () => {
    const tampered = encodeRecord(ev('e3')).toString('utf8').replace('note e3', 'note e4');
    const lines = [
      encodeRecord(ev('e1')),
      Buffer.from(tampered),
      Buffer.from('{"hello": "world"}\n'),
      encodeRecord(ev('e5', { writer: ANA, author: 'Ana' })),
      encodeRecord(ev('e6', { incidentId: 'INC-20250304-00000' })),
      encodeRecord(ev('e1')),
      encodeRecord(ev('e7', { writer: undefined })),
    ];
    const c = checkWriterSegment(fetched(Buffer.concat(lines), good.writer));
    assert.equal(c.refused, false);
    assert.deepEqual(c.events.map((e) => e.id), ['e1', 'e7'], 'an event without a writer is the segment owner\'s (written before sharing existed)');
    assert.deepEqual(c.problems.map((p) => [p.line, p.kind]).sort(), [[2, 'badRecord'], [3, 'badRecord'], [4, 'forgedWriter'], [5, 'wrongIncident'], [6, 'badRecord']].sort());
    assert.match(c.problems.find((p) => p.line === 2)!.reason, /checksum mismatch/);
    assert.match(c.problems.find((p) => p.line === 4)!.reason, /claims writer wa000000000/);
    assert.ok(c.quarantined.includes(Buffer.from('note e4')), 'the set-aside bytes are kept for the quarantine file');
  });

  it('takes hostile text as data: it is only ever text on an event', () => {
    const hostile = '<img src=x onerror=alert(1)> $(rm -rf ~) `reboot` \u202Eevil';
    const seg = encodeWriterSegment(INC, BO, hostile, [
      ev('e1', { text: hostile } as Partial<TimelineEvent>),
      ev('e2', { type: 'commandRun', runbookPath: '/x.md', runbookTitle: hostile, blockIndex: 0, command: 'rm -rf / --no-preserve-root', exitCode: 0, durationMs: 1 } as Partial<TimelineEvent>),
    ]);
    const c = checkWriterSegment(fetched(seg.events, seg.writer));
    assert.deepEqual(c.problems, []);
    assert.equal(c.claimedName, hostile);
    assert.equal((c.events[0] as { text: string }).text, hostile);
  });

  it('keeps what was taken before when a later copy drops or changes events', () => {
    const first = [ev('e1'), ev('e2')];
    const merged = mergeWithPrevious(first, [ev('e1', { text: 'rewritten' } as Partial<TimelineEvent>), ev('e3')]);
    assert.deepEqual(merged.events.map((e) => e.id), ['e1', 'e2', 'e3']);
    assert.equal(merged.added, 1);
    assert.equal((merged.events[0] as { text: string }).text, 'note e1');
    assert.equal(merged.problems[0].kind, 'changedEvent');
  });
});
