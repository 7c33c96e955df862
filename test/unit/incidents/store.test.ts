import * as assert from 'node:assert/strict';
import { IncidentBook } from '../../../src/incidents/book';
import { createEventIdGenerator } from '../../../src/incidents/ids';
import { Journal } from '../../../src/incidents/journal';
import { adoptJournals, readActivePointer, resolveStoreKind, writeActivePointer, hasActivePointer } from '../../../src/incidents/store';
import { counterBytes, counterHex, manualClock } from './fixtures';
import { MemFs } from './memFs';

function bookOn(fs: MemFs, root: string, author = 'Ana', writer?: string) {
  const clock = manualClock();
  const journal = new Journal({ fs, root, clock: clock.now, randomHex: counterHex(), pid: 1, isSegmentActive: () => false });
  const book = new IncidentBook({ journal, clock: clock.now, newEventId: createEventIdGenerator(clock.now, counterBytes()), author: () => author, writer: () => writer });
  return { journal, book, clock };
}

describe('incident store: where it lives', () => {
  const base = { hasFileFolder: true, hasWorkspace: true };
  it('defaults to the user store, whatever is open', () => {
    assert.equal(resolveStoreKind(base).kind, 'user');
    assert.equal(resolveStoreKind({ hasFileFolder: false, hasWorkspace: false }).kind, 'user');
  });
  it('keeps the workspace store when asked, by the new setting or the old one', () => {
    assert.equal(resolveStoreKind({ ...base, store: 'workspace' }).kind, 'workspace');
    assert.equal(resolveStoreKind({ ...base, journalLocation: 'workspaceStorage' }).kind, 'workspace');
    assert.equal(resolveStoreKind({ ...base, journalLocation: 'workspaceFolder' }).kind, 'workspaceFolder');
  });
  it('lets the new setting win over the old one, and falls back to the user store without a workspace', () => {
    assert.equal(resolveStoreKind({ ...base, store: 'user', journalLocation: 'workspaceFolder' }).kind, 'user');
    assert.equal(resolveStoreKind({ hasFileFolder: false, hasWorkspace: false, store: 'workspace' }).kind, 'user');
    assert.equal(resolveStoreKind({ hasFileFolder: false, hasWorkspace: true, journalLocation: 'workspaceFolder' }).kind, 'user');
    assert.equal(resolveStoreKind({ ...base, store: 'bogus' }).kind, 'user');
  });
});

describe('incident store: adopting journals from workspace storage', () => {
  it('copies every segment and draft once; the user store then shows the same events, nothing duplicated', async () => {
    const fs = new MemFs();
    const old = bookOn(fs, '/ws-a/incidents');
    const inc = await old.book.declare({ title: 'Disk full on db-1', severity: 'SEV2' });
    await old.book.addNote(inc.id, 'cleared /var/log');
    await old.journal.writeDraft(inc.id, 'half typed', 3);
    await old.journal.close();
    const other = bookOn(fs, '/ws-b/incidents');
    const inc2 = await other.book.declare({ title: 'Queue backlog' });
    await other.journal.close();

    const user = bookOn(fs, '/user/incidents');
    const report = await adoptJournals(fs, user.journal, ['/ws-a/incidents', '/ws-b/incidents', '/missing']);
    assert.deepEqual(report.sources, ['/ws-a/incidents', '/ws-b/incidents']);
    assert.deepEqual(report.incidents.sort(), [inc.id, inc2.id].sort());
    assert.equal(report.files, 3);
    assert.deepEqual(report.failures, []);
    await user.book.load();
    assert.deepEqual(user.book.incidents().map((i) => i.id).sort(), [inc.id, inc2.id].sort());
    assert.deepEqual(user.book.events(inc.id).map((e) => e.type), ['declared', 'note']);
    assert.deepEqual(await user.journal.readDraft(inc.id), { text: 'half typed', revision: 3 });

    // Again: nothing to copy; the originals are still where they were.
    const again = await adoptJournals(fs, user.journal, ['/ws-a/incidents', '/ws-b/incidents']);
    assert.equal(again.files, 0);
    assert.ok(fs.filesIn(`/ws-a/incidents/${inc.id}`).size > 0, 'the originals are never removed');
  });

  it('copies a segment again when an older window appended to it after adoption; merge by id keeps one copy of each event', async () => {
    const fs = new MemFs();
    const old = bookOn(fs, '/ws/incidents');
    const inc = await old.book.declare({ title: 'T' });
    const user = bookOn(fs, '/user/incidents');
    await adoptJournals(fs, user.journal, ['/ws/incidents']);
    await old.book.addNote(inc.id, 'written after the adoption by an old window');
    const report = await adoptJournals(fs, user.journal, ['/ws/incidents']);
    assert.equal(report.files, 1);
    await user.book.load();
    assert.deepEqual(user.book.events(inc.id).map((e) => e.type), ['declared', 'note']);
    assert.deepEqual(user.book.problems, []);
  });

  it('does not overwrite a draft already in the user store', async () => {
    const fs = new MemFs();
    const old = bookOn(fs, '/ws/incidents');
    const inc = await old.book.declare({ title: 'T' });
    await old.journal.writeDraft(inc.id, 'old draft', 1);
    const user = bookOn(fs, '/user/incidents');
    await user.journal.writeDraft(inc.id, 'newer draft', 5);
    await adoptJournals(fs, user.journal, ['/ws/incidents']);
    assert.equal((await user.journal.readDraft(inc.id)).text, 'newer draft');
  });
});

describe('incident store: the active incident pointer', () => {
  it('is one file every window reads; none and garbage read as no active incident', async () => {
    const fs = new MemFs();
    const { journal } = bookOn(fs, '/user/incidents');
    assert.equal(await readActivePointer(journal), undefined);
    assert.equal(await hasActivePointer(journal), false);
    await writeActivePointer(journal, 'INC-20250304-7KQ2M', 0);
    assert.equal(await readActivePointer(bookOn(fs, '/user/incidents').journal), 'INC-20250304-7KQ2M');
    await writeActivePointer(journal, undefined, 0);
    assert.equal(await readActivePointer(journal), undefined);
    assert.equal(await hasActivePointer(journal), true, 'an explicit "none" is still a pointer');
    fs.put('/user/incidents/active.json', '{"incidentId":"../../etc"}');
    assert.equal(await readActivePointer(journal), undefined);
    fs.put('/user/incidents/active.json', 'not json');
    assert.equal(await readActivePointer(journal), undefined);
  });
});
