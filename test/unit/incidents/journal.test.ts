import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { canonicalJson } from '../../../src/incidents/canonical';
import {
  Journal, SegmentWriter, decodeRecord, encodeRecord, scanSegment, segmentName,
} from '../../../src/incidents/journal';
import type { TimelineEvent } from '../../../src/incidents/model';
import { counterHex, declared, note } from './fixtures';
import { MemFs, errno } from './memFs';

const ROOT = '/ws/journal';
const INC = 'INC-20250304-001';
const DIR = `${ROOT}/${INC}`;

function journal(fs: MemFs, extra: Partial<ConstructorParameters<typeof Journal>[0]> = {}): Journal {
  return new Journal({ fs, root: ROOT, clock: () => Date.parse('2025-03-04T10:00:00Z'), randomHex: counterHex(), pid: 4242, isSegmentActive: () => false, ...extra });
}

function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

describe('incident journal', () => {
  describe('records', () => {
    it('writes one line per event with a sha256 of the canonical payload', () => {
      const e = note('hello');
      const line = encodeRecord(e).toString('utf8');
      assert.ok(line.endsWith('}\n'));
      assert.equal(line.split('\n').length, 2);
      const parsed = JSON.parse(line);
      const payload = canonicalJson(e);
      assert.equal(parsed.sha256, createHash('sha256').update(payload).digest('hex'));
      assert.deepEqual(parsed.event, JSON.parse(payload));
      assert.equal(parsed.event.id, e.id);
      assert.equal(parsed.event.author, 'Ana');
      assert.match(parsed.event.time, /Z$/);
    });

    it('gives the same bytes whatever the key order of the event', () => {
      const a = note('x');
      const reordered = Object.fromEntries(Object.entries(a).reverse()) as TimelineEvent;
      assert.deepEqual(encodeRecord(a), encodeRecord(reordered));
    });

    it('refuses a record whose payload was changed, even to equivalent JSON', () => {
      const line = encodeRecord(note('a\u001fb')).subarray(0, -1);
      assert.equal(decodeRecord(line).ok, true);
      const changed = Buffer.from(line.toString('utf8').replace('\\u001f', '\\u001F'));
      const decoded = decodeRecord(changed);
      assert.equal(decoded.ok, false);
      assert.equal(!decoded.ok && decoded.reason, 'checksum mismatch');
    });

    it('keeps records of unknown types as unknown events with the whole record', () => {
      const future = { id: 'e1', incidentId: INC, time: '2025-03-04T10:00:00.000Z', author: 'Bo', type: 'aiSummary', text: 'later version' };
      const decoded = decodeRecord(encodeRecord(future as unknown as TimelineEvent).subarray(0, -1));
      assert.ok(decoded.ok);
      assert.equal(decoded.event.type, 'unknown');
      assert.equal(decoded.event.type === 'unknown' && decoded.event.originalType, 'aiSummary');
      assert.equal(decoded.event.type === 'unknown' && decoded.event.raw.text, 'later version');
    });

    it('treats a known type with missing fields as unknown rather than dropping it', () => {
      const broken = { id: 'e2', incidentId: INC, time: '2025-03-04T10:00:00.000Z', author: 'Bo', type: 'note' };
      const decoded = decodeRecord(encodeRecord(broken as unknown as TimelineEvent).subarray(0, -1));
      assert.ok(decoded.ok && decoded.event.type === 'unknown' && decoded.event.originalType === 'note');
    });

    it('scans lines into records, corrupt lines and a torn tail', () => {
      const a = encodeRecord(note('a'));
      const b = encodeRecord(note('b'));
      const c = encodeRecord(note('c'));
      const data = Buffer.concat([a, Buffer.from('garbage\n'), b, c.subarray(0, 20)]);
      const scan = scanSegment(data);
      assert.deepEqual(scan.records.map((r) => (r.event as { text: string }).text), ['a', 'b']);
      assert.deepEqual(scan.bad.map((b2) => [b2.line.line, b2.kind]), [[2, 'corrupt'], [4, 'torn']]);
    });
  });

  describe('appending', () => {
    it('acknowledges an append only after write and fdatasync', async () => {
      const fs = new MemFs();
      const gate = deferred();
      fs.beforeDatasync = () => gate.promise;
      const j = journal(fs);
      let acked = false;
      const p = j.append(INC, [declared()]).then(() => (acked = true));
      await settle();
      assert.deepEqual(fs.log.filter((o) => o.op === 'write' || o.op === 'datasync').map((o) => o.op), ['write', 'datasync']);
      assert.equal(acked, false, 'not acknowledged while the flush is running');
      gate.resolve();
      await p;
      assert.equal(acked, true);
    });

    it('groups appends that arrive during a flush into one write and one flush', async () => {
      const fs = new MemFs();
      const gate = deferred();
      let first = true;
      fs.beforeDatasync = () => {
        if (!first) return undefined;
        first = false;
        return gate.promise;
      };
      const j = journal(fs);
      const p1 = j.append(INC, [note('1')]);
      await settle();
      const rest = Array.from({ length: 10 }, (_, i) => j.append(INC, [note(`g${i}`)]));
      await settle();
      gate.resolve();
      await Promise.all([p1, ...rest]);
      const ops = fs.log.filter((o) => o.op === 'write' || o.op === 'datasync').map((o) => o.op);
      assert.deepEqual(ops, ['write', 'datasync', 'write', 'datasync']);
      assert.equal(j.writer(INC).flushes, 2);
      const loaded = await j.load(INC);
      assert.equal(loaded.events.length, 11);
    });

    it('gives each writer (window) its own segment and merges them by id on load', async () => {
      const fs = new MemFs();
      const w1 = journal(fs, { pid: 1, randomHex: () => 'aaaaaaaa' });
      const w2 = journal(fs, { pid: 2, randomHex: () => 'bbbbbbbb' });
      const shared = declared();
      await w1.append(INC, [shared, note('from one')]);
      await w2.append(INC, [shared, note('from two')]);
      const segments = [...fs.filesIn(DIR).keys()].filter((n) => n.endsWith('.jsonl'));
      assert.equal(segments.length, 2);
      const loaded = await journal(fs).load(INC);
      assert.deepEqual(loaded.events.map((e) => e.type === 'note' ? e.text : e.type).sort(), ['declared', 'from one', 'from two']);
      assert.deepEqual(loaded.problems, []);
    });

    it('reports a conflict when two segments hold different events under one id, keeping the first', async () => {
      const fs = new MemFs();
      const a = note('original');
      await journal(fs, { pid: 1, randomHex: () => 'aaaaaaaa' }).append(INC, [a]);
      await journal(fs, { pid: 2, randomHex: () => 'bbbbbbbb' }).append(INC, [{ ...a, text: 'impostor' } as TimelineEvent]);
      const loaded = await journal(fs).load(INC);
      assert.equal(loaded.events.length, 1);
      assert.equal((loaded.events[0] as { text: string }).text, 'original');
      assert.equal(loaded.problems[0].kind, 'conflict');
    });

    it('names segments so they sort by creation time and carry the writer process', () => {
      assert.equal(segmentName(0x18f3a2b4c5d, 77, 'ab12cd34'), 's-018f3a2b4c5d-77-ab12cd34.jsonl');
    });
  });

  describe('fault injection', () => {
    for (const code of ['EIO', 'ENOSPC']) {
      for (const where of ['write', 'datasync'] as const) {
        it(`${code} on ${where}: no acknowledgement, no retry on that handle, events rewritten to a new segment`, async () => {
          const fs = new MemFs();
          let failedHandle: number | undefined;
          fs.faults[where] = (handle) => {
            if (failedHandle === undefined || failedHandle === handle) {
              failedHandle = handle;
              return errno(code);
            }
            return undefined;
          };
          // Hold the retry's flush so we can look at the state in between.
          const gate = deferred();
          fs.beforeDatasync = (h) => (h !== failedHandle && failedHandle !== undefined ? gate.promise : undefined);
          const j = journal(fs);
          const states: string[] = [];
          j.writer(INC).onState((s) => states.push(s));
          let acked = false;
          const events = [declared(), note('must survive')];
          const p = j.append(INC, events).then(() => (acked = true));
          await settle();
          assert.equal(acked, false);
          assert.equal(j.writer(INC).state, 'notSaved');
          gate.resolve();
          await p;
          assert.equal(acked, true);
          assert.deepEqual(fs.callsAfterFailure, [], 'nothing written or flushed on the failed handle afterwards');
          const opens = fs.log.filter((o) => o.op === 'open');
          assert.equal(opens.length, 2, 'a new segment was opened');
          assert.notEqual(opens[0].path, opens[1].path);
          const second = fs.files.get(opens[1].path)!;
          assert.equal(scanSegment(second).records.length, 2, 'both events are in the new segment');
          assert.deepEqual(states, ['saving', 'notSaved', 'saved']);
          const loaded = await journal(fs, { isSegmentActive: () => false }).load(INC);
          assert.deepEqual(loaded.events.map((e) => e.id).sort(), events.map((e) => e.id).sort());
        });
      }
    }

    it('stays "not saved" while every attempt fails, and saves on the next successful flush', async () => {
      const fs = new MemFs();
      let failing = true;
      fs.faults.datasync = () => (failing ? errno('EIO') : undefined);
      const timers: (() => void)[] = [];
      const j = journal(fs, { setTimer: (fn) => (timers.push(fn), { cancel() {} }) });
      let acked = false;
      const p = j.append(INC, [note('one')]).then(() => (acked = true));
      await settle();
      assert.equal(j.writer(INC).state, 'notSaved');
      assert.equal(acked, false);
      assert.equal(timers.length, 1, 'a retry is scheduled');
      assert.equal(fs.log.filter((o) => o.op === 'open').length, 2, 'two segments tried');
      failing = false;
      timers[0]();
      await p;
      assert.equal(j.writer(INC).state, 'saved');
      assert.equal(fs.log.filter((o) => o.op === 'open').length, 3, 'the retry used a third, new segment');
      assert.deepEqual(fs.callsAfterFailure, []);
    });

    it('retries unconfirmed events together with the next append', async () => {
      const fs = new MemFs();
      let failing = true;
      fs.faults.write = () => (failing ? errno('ENOSPC') : undefined);
      const j = journal(fs);
      const first = j.append(INC, [note('early')]);
      await settle();
      assert.equal(j.writer(INC).state, 'notSaved');
      failing = false;
      await Promise.all([first, j.append(INC, [note('late')])]);
      const loaded = await journal(fs).load(INC);
      assert.deepEqual(loaded.events.map((e) => (e as { text: string }).text), ['early', 'late']);
    });

    it('treats a failure to create a segment like a failed write', async () => {
      const fs = new MemFs();
      let opens = 0;
      fs.faults.open = () => (++opens === 1 ? errno('ENOSPC') : undefined);
      const j = journal(fs);
      await j.append(INC, [note('x')]);
      assert.equal(j.writer(INC).state, 'saved');
      assert.equal((await journal(fs).load(INC)).events.length, 1);
    });

    it('rejects what could not be saved when closed, and refuses appends afterwards', async () => {
      const fs = new MemFs();
      fs.faults.datasync = () => errno('EIO');
      const w = new SegmentWriter({ fs, dir: DIR, newSegmentName: counterName() });
      const p = w.append([note('lost?')]);
      await settle();
      await w.close();
      await assert.rejects(p, /closed before/);
      await assert.rejects(w.append([note('after')]), /closed/);
    });
  });

  describe('recovery', () => {
    async function segmentWith(fs: MemFs, data: Buffer, name = 's-000000000001-99-00000001.jsonl'): Promise<string> {
      await fs.mkdir(DIR);
      fs.files.set(`${DIR}/${name}`, data);
      return name;
    }

    it('moves a torn last line aside, keeps every complete record, and says so', async () => {
      const fs = new MemFs();
      const good = [declared(), note('a'), note('b')];
      const torn = encodeRecord(note('c')).subarray(0, 30);
      const name = await segmentWith(fs, Buffer.concat([...good.map(encodeRecord), torn]));
      const loaded = await journal(fs).load(INC);
      assert.deepEqual(loaded.events.map((e) => e.id), good.map((e) => e.id).sort());
      assert.equal(loaded.problems.length, 1);
      assert.equal(loaded.problems[0].kind, 'torn');
      assert.equal(loaded.problems[0].line, 4);
      const q = loaded.problems[0].quarantinedTo!;
      assert.match(q, /^quarantine\//);
      assert.deepEqual(fs.files.get(`${DIR}/${q}`), Buffer.concat([torn, Buffer.from('\n')]), 'the torn bytes are kept');
      assert.deepEqual(fs.files.get(`${DIR}/${name}`), Buffer.concat(good.map(encodeRecord)), 'the segment holds the good records');
      const again = await journal(fs).load(INC);
      assert.deepEqual(again.problems, [], 'a second load finds nothing left to fix');
      assert.equal(again.events.length, 3);
    });

    it('moves a corrupt middle line aside and keeps the records after it', async () => {
      const fs = new MemFs();
      const lines = [declared(), note('a'), note('b'), note('c')].map(encodeRecord);
      const bad = Buffer.from(lines[2]);
      bad[100] ^= 0x20;
      await segmentWith(fs, Buffer.concat([lines[0], lines[1], bad, lines[3]]));
      const loaded = await journal(fs).load(INC);
      assert.equal(loaded.events.length, 3);
      assert.deepEqual(loaded.problems.map((p) => [p.kind, p.line]), [['corrupt', 3]]);
      assert.deepEqual(fs.files.get(`${DIR}/${loaded.problems[0].quarantinedTo}`), bad);
    });

    it('leaves a segment that is still being written alone', async () => {
      const fs = new MemFs();
      const data = Buffer.concat([encodeRecord(declared()), encodeRecord(note('c')).subarray(0, 40)]);
      const name = await segmentWith(fs, data);
      const loaded = await journal(fs, { isSegmentActive: () => true }).load(INC);
      assert.equal(loaded.events.length, 1);
      assert.deepEqual(loaded.problems, [], 'an unfinished last line of a live writer is not a problem');
      assert.deepEqual(fs.files.get(`${DIR}/${name}`), data, 'untouched');
      assert.equal([...fs.files.keys()].some((p) => p.includes('quarantine')), false);
    });

    it('keeps a complete last record that only lacks its newline', async () => {
      const fs = new MemFs();
      const last = encodeRecord(note('z'));
      await segmentWith(fs, Buffer.concat([encodeRecord(declared()), last.subarray(0, last.length - 1)]));
      const loaded = await journal(fs).load(INC);
      assert.equal(loaded.events.length, 2);
      assert.deepEqual(loaded.problems, []);
    });

    it('reads without changing anything when asked not to recover', async () => {
      const fs = new MemFs();
      const data = Buffer.concat([encodeRecord(declared()), Buffer.from('{"torn')]);
      const name = await segmentWith(fs, data);
      const loaded = await journal(fs).load(INC, { recover: false });
      assert.equal(loaded.events.length, 1);
      assert.equal(loaded.problems[0].quarantinedTo, undefined);
      assert.deepEqual(fs.files.get(`${DIR}/${name}`), data);
    });

    it('lists incidents by folder and claims a new id only once', async () => {
      const fs = new MemFs();
      const j = journal(fs);
      assert.deepEqual(await j.incidentIds(), []);
      assert.equal(await j.claimIncident(INC), true);
      assert.equal(await j.claimIncident(INC), false);
      assert.deepEqual(await j.incidentIds(), [INC]);
    });
  });

  describe('note drafts', () => {
    it('stores the half-typed note next to the journal and reads it back', async () => {
      const fs = new MemFs();
      const j = journal(fs);
      assert.deepEqual(await j.readDraft(INC), { text: '', revision: 0 });
      await j.writeDraft(INC, 'half a tho', 9);
      await j.writeDraft(INC, 'half a thought', 10);
      assert.deepEqual(await journal(fs).readDraft(INC), { text: 'half a thought', revision: 10 });
      assert.equal((await j.load(INC)).events.length, 0, 'a draft is not an event');
    });
  });
});

function counterName(): () => string {
  let n = 0;
  return () => segmentName(1, 1, String(++n).padStart(8, '0'));
}
