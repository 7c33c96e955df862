import * as assert from 'node:assert/strict';
import { IncidentBook, IncidentInputError, toSummary, type TimelineChange } from '../../../src/incidents/book';
import { createEventIdGenerator } from '../../../src/incidents/ids';
import { Journal } from '../../../src/incidents/journal';
import type { RunRecord } from '../../../src/runbooks/model';
import { counterBytes, counterHex, manualClock } from './fixtures';
import { MemFs, errno } from './memFs';

const MIN = 60_000;

function setup(fs = new MemFs(), clock = manualClock(), author = 'Ana', randomBytes?: (n: number) => Uint8Array) {
  const journal = new Journal({ fs, root: '/store/incidents', clock: clock.now, randomHex: counterHex(), pid: 1, isSegmentActive: () => false });
  const book = new IncidentBook({ journal, clock: clock.now, newEventId: createEventIdGenerator(clock.now, counterBytes()), author: () => author, randomBytes });
  return { fs, clock, journal, book };
}

/** Bytes 0, 1, 2, … : every generator made by it draws the same ids in the same order. */
function sameSequence(): (n: number) => Uint8Array {
  let n = 0;
  return (count) => Uint8Array.from({ length: count }, () => n++);
}

describe('incident book (actions → durable events → state)', () => {
  it('declares with defaults and a dated id, and records it durably', async () => {
    const { book, fs, clock } = setup();
    const incident = await book.declare({ title: '  Checkout   errors ', severity: 'SEV2', commander: 'Ana', summary: 'cards fail' });
    assert.match(incident.id, /^INC-20250304-[0-9A-HJKMNP-TV-Z]{5}$/);
    assert.equal(incident.title, 'Checkout errors');
    assert.equal(incident.status, 'investigating');
    assert.deepEqual(incident.roles, { commander: 'Ana' });
    const second = await book.declare({ title: 'Second' });
    assert.notEqual(second.id, incident.id);
    assert.equal(second.severity, 'SEV3');
    // A fresh book (a reload) sees both from disk.
    const reloaded = setup(fs, clock).book;
    await reloaded.load();
    assert.deepEqual(reloaded.incidents().map((i) => i.id).sort(), [incident.id, second.id].sort());
    assert.deepEqual(toSummary(reloaded.incident(incident.id)!), {
      id: incident.id, title: 'Checkout errors', severity: 'SEV2', status: 'investigating', declaredAt: incident.declaredAt,
      shared: false, responders: ['Ana'], declaredBy: 'Ana',
    });
  });

  it('skips an id another window claimed first (both drew the same random id)', async () => {
    const fs = new MemFs();
    const a = setup(fs, manualClock(), 'Ana', sameSequence());
    const b = setup(fs, manualClock(), 'Bo', sameSequence());
    const x = await a.book.declare({ title: 'A' });
    const y = await b.book.declare({ title: 'B' });
    assert.equal(x.id, 'INC-20250304-01234');
    assert.equal(y.id, 'INC-20250304-56789', 'the second window saw the claimed folder and drew again');
  });

  it('gives two windows declaring at the same moment different ids, even when both drew the same one (the folder claim decides)', async () => {
    const fs = new MemFs();
    const a = setup(fs, manualClock(), 'Ana', sameSequence());
    const b = setup(fs, manualClock(), 'Bo', sameSequence());
    const [x, y] = await Promise.all([a.book.declare({ title: 'A' }), b.book.declare({ title: 'B' })]);
    assert.notEqual(x.id, y.id);
    assert.deepEqual([x.id, y.id].sort(), ['INC-20250304-01234', 'INC-20250304-56789']);
  });

  it('records notes, status, severity, roles, milestones, pins, corrections, snoozes and updates', async () => {
    const { book, clock } = setup();
    const changes: TimelineChange[] = [];
    book.onDidChange((c) => changes.push(c));
    const { id } = await book.declare({ title: 'T', severity: 'SEV2' });
    clock.advance(MIN);
    const n = await book.addNote(id, 'TODO: fix the alert\n');
    assert.equal(n.type === 'note' && n.text, 'TODO: fix the alert');
    assert.equal(n.author, 'Ana');
    assert.equal(n.time, '2025-03-04T10:01:00.000Z');
    const s = await book.setStatus(id, 'identified');
    assert.deepEqual(s.type === 'statusChanged' && [s.from, s.to], ['investigating', 'identified']);
    const sev = await book.setSeverity(id, 'SEV1', 'spreading');
    assert.deepEqual(sev.type === 'severityChanged' && [sev.from, sev.to, sev.reason], ['SEV2', 'SEV1', 'spreading']);
    await book.assignRole(id, 'commander', 'Ana');
    const handoff = await book.assignRole(id, 'commander', 'Bo');
    assert.equal(handoff.type === 'roleAssigned' && handoff.previous, 'Ana');
    const m = await book.markMilestone(id, 'impactStarted', '2025-03-04T09:30:00Z', 'errors start in the graphs');
    assert.equal(m.type === 'milestone' && m.at, '2025-03-04T09:30:00.000Z');
    await book.pin(id, n.id);
    await book.correct(id, n.id, 'TODO: fix the paging alert');
    await book.snooze(id, 10, 'on a call with the vendor');
    await book.recordStatusUpdate(id, 'internal', 'update text', 'posted');
    const incident = book.incident(id)!;
    assert.equal(incident.status, 'identified');
    assert.equal(incident.severity, 'SEV1');
    assert.equal(incident.roles.commander, 'Bo');
    assert.deepEqual(incident.pinned, [n.id]);
    assert.deepEqual(incident.followUps, [{ eventId: n.id, text: 'fix the paging alert' }]);
    assert.equal(book.events(id).length, 11);
    assert.equal(changes.length, 11);
    assert.deepEqual(changes.at(-1)!.added.map((e) => e.type), ['statusUpdate']);
  });

  it('keeps the customer-facing summary and the posted update\'s next-update time; refuses a promise already past', async () => {
    const { book, clock } = setup();
    const { id } = await book.declare({ title: 'Checkout 502 on db-07', severity: 'SEV2', summary: 'cards fail' });
    const set = await book.setCustomerSummary(id, '  Some card payments fail.  ');
    assert.equal(set.type === 'customerSummaryChanged' && set.text, 'Some card payments fail.');
    assert.equal(book.incident(id)!.customerSummary, 'Some card payments fail.');
    assert.equal(book.incident(id)!.summary, 'cards fail', 'the internal impact is untouched');
    await assert.rejects(book.setCustomerSummary(id, 'Some card payments fail.'), /already that/);
    await assert.rejects(book.setCustomerSummary(id, '   '), /needed/);
    const promise = new Date(clock.now() + 30 * MIN).toISOString();
    const posted = await book.recordStatusUpdate(id, 'external', 'We will post another update by 10:30.', 'posted', promise);
    assert.equal(posted.type === 'statusUpdate' && posted.nextUpdateAt, promise);
    clock.advance(31 * MIN);
    await assert.rejects(book.recordStatusUpdate(id, 'external', 'stale draft', 'posted', promise), /has passed/);
    await assert.rejects(book.recordStatusUpdate(id, 'external', 'x', 'posted', 'at some point'), /not a valid date/);
    // A draft kept on the timeline may carry any time: it promises nothing yet.
    await book.recordStatusUpdate(id, 'external', 'stale draft', 'drafted', promise);
  });

  it('resolves with status, milestone and summary in one flush', async () => {
    const { book, journal } = setup();
    const { id } = await book.declare({ title: 'T' });
    const flushesBefore = journal.writer(id).flushes;
    const { incident, statusEvent } = await book.resolve(id, 'pool limit raised');
    assert.equal(journal.writer(id).flushes, flushesBefore + 1);
    assert.equal(statusEvent.type, 'statusChanged');
    assert.equal(incident.status, 'resolved');
    assert.equal(incident.milestones.resolved, incident.resolvedAt);
    assert.equal(incident.summary, 'pool limit raised');
    await assert.rejects(book.resolve(id), /already resolved/);
    // setStatus('resolved') is the same action.
    const other = await book.declare({ title: 'U' });
    const e = await book.setStatus(other.id, 'resolved');
    assert.equal(e.type === 'statusChanged' && e.to, 'resolved');
    assert.ok(book.incident(other.id)!.milestones.resolved);
  });

  it('records a command run from a runbook', async () => {
    const { book } = setup();
    const { id } = await book.declare({ title: 'T' });
    const run: RunRecord = {
      runbookPath: '/rb/db.md', runbookTitle: 'DB', blockIndex: 2, command: 'psql -c "select 1" ***', exitCode: null,
      durationMs: 1200, terminalName: 'bash', startedAt: '2025-03-04T10:00:00Z', unknownReason: 'no shell integration',
    };
    const e = await book.recordRun(id, run);
    assert.equal(e.type, 'commandRun');
    assert.equal(e.type === 'commandRun' && e.exitCode, null);
    assert.equal(e.type === 'commandRun' && e.unknownReason, 'no shell integration');
  });

  it('refuses bad input with a message, and records nothing', async () => {
    const { book } = setup();
    const { id } = await book.declare({ title: 'T', severity: 'SEV2' });
    const count = () => book.events(id).length;
    const bad: [Promise<unknown>, RegExp][] = [
      [book.declare({ title: '   ' }), /title is needed/i],
      [book.declare({ title: 'x', severity: 'SEV9' as never }), /Severity must be/],
      [book.addNote(id, ''), /note is needed/i],
      [book.addNote(id, 42), /note is needed/i],
      [book.addNote('INC-19990101-001', 'x'), /Unknown incident/],
      [book.addNote(undefined, 'x'), /none is active/],
      [book.setStatus(id, 'investigating'), /already investigating/],
      [book.setStatus(id, 'fixing'), /Status must be/],
      [book.setSeverity(id, 'SEV2'), /already SEV2/],
      [book.assignRole(id, 'boss', 'x'), /Role must be/],
      [book.markMilestone(id, 'detected', 'not a date'), /not a valid date/],
      [book.markMilestone(id, 'detected', '2099-01-01T00:00:00Z'), /future/],
      [book.pin(id, 'no-such-event'), /No event/],
      [book.snooze(id, 0, 'x'), /Snooze for/],
      [book.snooze(id, 10, ''), /reason/],
      [book.recordStatusUpdate(id, 'everyone', 'x', 'posted'), /Audience must be/],
    ];
    for (const [p, re] of bad) {
      await assert.rejects(p, (err: Error) => err instanceof IncidentInputError && re.test(err.message));
    }
    assert.equal(count(), 1);
  });

  it('keeps the save state of an incident visible, and acknowledges nothing unsaved', async () => {
    const fs = new MemFs();
    const { book, journal } = setup(fs);
    const { id } = await book.declare({ title: 'T' });
    fs.faults.datasync = () => errno('EIO');
    let acked = false;
    void book.addNote(id, 'x').then(() => (acked = true));
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    assert.equal(book.saveState(id), 'notSaved');
    assert.equal(acked, false);
    assert.equal(book.events(id).length, 1, 'the unsaved note is not in the timeline');
    fs.faults.datasync = undefined;
    await journal.writer(id).retryNow();
    for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
    assert.equal(acked, true);
    assert.equal(book.saveState(id), 'saved');
  });

  it('lists open incidents first, newest first', async () => {
    const { book, clock } = setup();
    const a = await book.declare({ title: 'A' });
    clock.advance(MIN);
    const b = await book.declare({ title: 'B' });
    clock.advance(MIN);
    const c = await book.declare({ title: 'C' });
    await book.resolve(c.id);
    assert.deepEqual(book.incidents().map((i) => i.id), [b.id, a.id, c.id]);
  });
});
