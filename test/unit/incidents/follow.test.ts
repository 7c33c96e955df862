// Several windows on one store, and a store with many past incidents: what the book reads at
// startup, and how it follows what other windows and the team sync write.
import * as assert from 'node:assert/strict';
import { IncidentBook, type TimelineChange } from '../../../src/incidents/book';
import { createEventIdGenerator } from '../../../src/incidents/ids';
import { Journal, sharedCopyName } from '../../../src/incidents/journal';
import type { TimelineEvent } from '../../../src/incidents/model';
import { counterHex, manualClock } from './fixtures';
import { encodeRecord } from '../../../src/incidents/journal';
import { MemFs } from './memFs';

const ROOT = '/user/incidents';
const ME = 'wmeeeeeeeee';
const TEAMMATE = 'wteammate00';

function windowOn(fs: MemFs, { pid = 1, author = 'Ana', writer = ME as string | undefined, clock = manualClock() } = {}) {
  const reads: string[] = [];
  const counting = new Proxy(fs, {
    get(target, prop, receiver) {
      if (prop === 'readFile') return (p: string) => (reads.push(p), target.readFile(p));
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  const journal = new Journal({ fs: counting, root: ROOT, clock: clock.now, randomHex: counterHex(), pid, isSegmentActive: () => false });
  // Each window draws its own random part, as real windows do (a shared deterministic source
  // would give two windows the same event ids).
  const random = (n: number) => globalThis.crypto.getRandomValues(new Uint8Array(n));
  const book = new IncidentBook({ journal, clock: clock.now, newEventId: createEventIdGenerator(clock.now, random), author: () => author, writer: () => writer });
  return { journal, book, reads, clock };
}

describe('incident book: many past incidents', () => {
  it('lists resolved incidents from the summary cache without reading their journals; reads them on demand', async function () {
    this.timeout(60_000);
    const fs = new MemFs();
    const first = windowOn(fs);
    const ids: string[] = [];
    for (let i = 0; i < 1000; i++) {
      const inc = await first.book.declare({ title: `Past ${i}` });
      await first.book.addNote(inc.id, `note ${i}`);
      if (i < 998) await first.book.resolve(inc.id, 'fixed');
      ids.push(inc.id);
    }
    await first.journal.close();
    // The first load builds the cache.
    const warm = windowOn(fs, { pid: 2 });
    await warm.book.load();
    assert.equal(warm.book.loadStats.read, 1000);

    const next = windowOn(fs, { pid: 3 });
    await next.book.load();
    assert.deepEqual(next.book.loadStats, { read: 2, fromCache: 998 }, 'only the two open incidents were read');
    const segmentReads = next.reads.filter((p) => p.endsWith('.jsonl'));
    assert.equal(segmentReads.length, 2);
    assert.equal(next.book.incidents().length, 1000);
    const past = next.book.incident(ids[5])!;
    assert.equal(past.title, 'Past 5');
    assert.equal(past.status, 'resolved');
    assert.equal(next.book.isLoaded(ids[5]), false);
    assert.deepEqual(next.book.events(ids[5]), []);
    await next.book.ensureLoaded(ids[5]);
    assert.deepEqual(next.book.events(ids[5]).map((e) => e.type), ['declared', 'note', 'statusChanged', 'milestone', 'summaryChanged']);
    // Appending to a past incident reads it first.
    await next.book.addNote(ids[6], 'late note');
    assert.equal(next.book.events(ids[6]).length, 6);
    assert.equal(await next.book.loadRemaining(), 996);
    assert.ok(ids.every((id) => next.book.isLoaded(id)));
  });

  it('reads an incident in full when its files changed since the cache was written', async () => {
    const fs = new MemFs();
    const a = windowOn(fs);
    const inc = await a.book.declare({ title: 'T' });
    await a.book.resolve(inc.id);
    await a.journal.close();
    await windowOn(fs, { pid: 2 }).book.load(); // writes the cache
    const b = windowOn(fs, { pid: 3 });
    await b.book.load();
    await b.book.ensureLoaded(inc.id);
    b.clock.advance(60_000);
    await b.book.addNote(inc.id, 'after resolution');
    await b.journal.close();
    const c = windowOn(fs, { pid: 4 });
    await c.book.load();
    assert.deepEqual(c.book.loadStats, { read: 1, fromCache: 0 });
    assert.equal(c.book.events(inc.id).at(-1)?.type, 'note');
  });

  it('ignores a damaged cache and reads the journals', async () => {
    const fs = new MemFs();
    const a = windowOn(fs);
    const inc = await a.book.declare({ title: 'T' });
    await a.book.resolve(inc.id);
    await windowOn(fs, { pid: 2 }).book.load();
    fs.put(`${ROOT}/summaries.json`, '{"version":1,"incidents":{"x":{"stamps":{},"shared":false,"incident":{"id":"other"}}}}');
    const b = windowOn(fs, { pid: 3 });
    await b.book.load();
    assert.deepEqual(b.book.loadStats, { read: 1, fromCache: 0 });
    assert.equal(b.book.incident(inc.id)?.title, 'T');
  });
});

describe('incident book: following other windows of the same engineer', () => {
  it('takes in what another window appended, once, as an external change', async () => {
    const fs = new MemFs();
    const clock = manualClock();
    const a = windowOn(fs, { pid: 1, clock });
    const b = windowOn(fs, { pid: 2, clock });
    const inc = await a.book.declare({ title: 'Shared store', severity: 'SEV2' });
    await b.book.load();
    const seen: TimelineChange[] = [];
    b.book.onDidChange((c) => seen.push(c));
    clock.advance(1000);
    await a.book.addNote(inc.id, 'from window A');
    clock.advance(1000);
    await a.book.addNote(inc.id, 'and another');
    clock.advance(1000);
    assert.deepEqual(await b.book.refresh(), [inc.id]);
    assert.deepEqual(seen.map((c) => [c.origin, c.added.map((e) => e.type === 'note' && e.text)]), [['external', ['from window A', 'and another']]]);
    assert.deepEqual(await b.book.refresh(), [], 'nothing new the second time');
    // B writes too; A follows; every event once.
    await b.book.addNote(inc.id, 'from window B');
    await a.book.refresh();
    assert.deepEqual(a.book.events(inc.id).map((e) => e.type === 'note' && e.text).filter(Boolean), ['from window A', 'and another', 'from window B']);
    assert.deepEqual(b.book.events(inc.id).map((e) => e.id), a.book.events(inc.id).map((e) => e.id));
  });

  it('sees an incident declared in another window', async () => {
    const fs = new MemFs();
    const a = windowOn(fs, { pid: 1 });
    const b = windowOn(fs, { pid: 2 });
    await b.book.load();
    const inc = await a.book.declare({ title: 'New elsewhere' });
    assert.deepEqual(await b.book.refresh(), [inc.id]);
    assert.equal(b.book.incident(inc.id)?.title, 'New elsewhere');
  });

  it('does not take the unfinished last line of a segment another window is still writing, then takes it once complete', async () => {
    const fs = new MemFs();
    const a = windowOn(fs, { pid: 1 });
    const b = windowOn(fs, { pid: 2 });
    const inc = await a.book.declare({ title: 'T' });
    await b.book.load();
    const dir = `${ROOT}/${inc.id}`;
    const [segment] = [...fs.filesIn(dir).keys()].filter((n) => n.startsWith('s-'));
    const path = `${dir}/${segment}`;
    const record = encodeRecord({ id: 'e-half', incidentId: inc.id, time: '2025-03-04T10:01:00.000Z', author: 'Ana', type: 'note', text: 'written in two parts' });
    const whole = fs.files.get(path)!;
    fs.put(path, Buffer.concat([whole, record.subarray(0, 30)]));
    assert.deepEqual(await b.book.refresh(), [], 'half a record is not an event yet');
    fs.put(path, Buffer.concat([whole, record]));
    assert.deepEqual(await b.book.refresh(), [inc.id]);
    assert.equal(b.book.events(inc.id).at(-1)?.id, 'e-half');
  });
});

describe('incident book: own events, teammates\' copies, joining', () => {
  it('tells this writer\'s events from a teammate\'s shared copy, and counts legacy events without a writer as its own', async () => {
    const fs = new MemFs();
    const clock = manualClock();
    const legacy = windowOn(fs, { writer: undefined, clock });
    const inc = await legacy.book.declare({ title: 'Old incident' });
    const me = windowOn(fs, { pid: 2, clock });
    await me.book.load();
    clock.advance(1000);
    await me.book.addNote(inc.id, 'mine, with a writer');
    const theirs: TimelineEvent = { id: 'ezzzz-1', incidentId: inc.id, time: '2025-03-04T10:05:00.000Z', author: 'Bo', writer: TEAMMATE, type: 'note', text: 'from Bo' };
    const added = await me.book.importShared(inc.id, TEAMMATE, [theirs]);
    assert.equal(added, 1);
    assert.equal(me.book.originOf(inc.id, 'ezzzz-1'), sharedCopyName(TEAMMATE));
    assert.deepEqual(me.book.ownEvents(inc.id).map((e) => e.type), ['declared', 'note']);
    assert.equal(me.book.isShared(inc.id), true, 'a teammate copy makes it shared');
    assert.deepEqual(me.book.summary(inc.id)?.responders, ['Ana', 'Bo']);
    // A reload reads the shared copy like a segment.
    const again = windowOn(fs, { pid: 3 });
    await again.book.load();
    assert.equal(again.book.events(inc.id).length, 3);
    assert.deepEqual(again.book.ownEvents(inc.id).map((e) => e.type), ['declared', 'note']);
  });

  it('joins a teammate\'s incident: joined and the role in one flush, marked shared', async () => {
    const fs = new MemFs();
    const me = windowOn(fs, { author: 'Bo' });
    await me.book.load();
    const declared: TimelineEvent = { id: 'e0001', incidentId: 'INC-20250304-7KQ2M', time: '2025-03-04T10:00:00.000Z', author: 'Ana', writer: TEAMMATE, type: 'declared', title: 'Checkout 502', severity: 'SEV2', summary: '', services: [], commander: 'Ana' };
    await me.book.importShared(declared.incidentId, TEAMMATE, [declared]);
    assert.equal(me.book.hasOwnEvents(declared.incidentId), false);
    const events = await me.book.join(declared.incidentId, 'commander');
    assert.deepEqual(events.map((e) => e.type), ['joined', 'roleAssigned']);
    const handoff = events[1];
    assert.ok(handoff.type === 'roleAssigned' && handoff.person === 'Bo' && handoff.previous === 'Ana', 'a handoff is one event that names both');
    assert.ok(events.every((e) => e.writer === ME));
    assert.equal(me.book.incident(declared.incidentId)?.roles.commander, 'Bo');
    assert.equal(me.book.isShared(declared.incidentId), true);
    await assert.rejects(me.book.join(declared.incidentId, 'boss'), /Role must be/);
  });

  it('counts a second declaration under one id (an id clash between responders) instead of resetting the incident', async () => {
    const fs = new MemFs();
    const me = windowOn(fs);
    const inc = await me.book.declare({ title: 'Mine' });
    const clash: TimelineEvent = { id: 'e9999', incidentId: inc.id, time: '2025-03-04T11:00:00.000Z', author: 'Bo', writer: TEAMMATE, type: 'declared', title: 'Theirs', severity: 'SEV1', summary: '', services: [] };
    await me.book.importShared(inc.id, TEAMMATE, [clash]);
    assert.equal(me.book.incident(inc.id)?.title, 'Mine');
    assert.equal(me.book.incident(inc.id)?.extraDeclarations, 1);
  });
});
