// A journal that cannot be read is a problem that is reported, never an empty incident list
// or a silently shorter export.
import * as assert from 'node:assert/strict';
import { dirname } from 'node:path';
import { IncidentBook } from '../../../src/incidents/book';
import { createEventIdGenerator } from '../../../src/incidents/ids';
import { encodeRecord, Journal, JournalReadError, type JournalProblem } from '../../../src/incidents/journal';
import { counterBytes, counterHex, manualClock } from './fixtures';
import { MemFs, errno } from './memFs';

const ROOT = '/store/incidents';

/** MemFs whose reads can fail for chosen paths, like a folder or file without permission. */
class FaultyReadFs extends MemFs {
  /** Every read of the path fails with this code. */
  readonly failing = new Map<string, string>();
  /** Only listing the folder fails (it can still be looked at), like a folder without read permission. */
  readonly unlistable = new Map<string, string>();
  async readdir(path: string): Promise<string[]> {
    this.check(path);
    const code = this.unlistable.get(path);
    if (code) throw errno(code);
    return super.readdir(path);
  }
  async readFile(path: string): Promise<Uint8Array> {
    this.check(path);
    return super.readFile(path);
  }
  async isDirectory(path: string): Promise<boolean> {
    this.check(path);
    return super.isDirectory(path);
  }
  private check(path: string): void {
    const code = this.failing.get(path);
    if (code) throw errno(code);
  }
}

function setup(fs = new FaultyReadFs()) {
  const clock = manualClock();
  const reported: JournalProblem[] = [];
  const logged: string[] = [];
  const journal = new Journal({
    fs, root: ROOT, clock: clock.now, randomHex: counterHex(), pid: 1, isSegmentActive: () => false,
    log: (m) => logged.push(m), reportProblem: (p) => reported.push(p),
  });
  const book = new IncidentBook({ journal, clock: clock.now, newEventId: createEventIdGenerator(clock.now, counterBytes()), author: () => 'Ana' });
  return { fs, journal, book, reported, logged };
}

async function twoIncidents() {
  const s = setup();
  const a = await s.book.declare({ title: 'A' });
  await s.book.addNote(a.id, 'first note');
  const b = await s.book.declare({ title: 'B' });
  await s.journal.close();
  return { ...s, a: a.id, b: b.id };
}

describe('incident journal: read errors are reported, never an empty list', () => {
  it('a journal folder that cannot be read is a problem, not "no incidents"', async () => {
    const { fs } = await twoIncidents();
    fs.unlistable.set(ROOT, 'EACCES');
    const { book, logged } = setup(fs);
    const problems = await book.load();
    assert.equal(book.incidents().length, 0);
    assert.deepEqual(problems.map((p) => [p.kind, p.path, p.reason]), [['unreadable', ROOT, 'permission denied (EACCES)']]);
    assert.deepEqual(book.problems, problems);
    assert.ok(logged.some((l) => l.includes(ROOT) && l.includes('EACCES')), logged.join('\n'));
  });

  it('a journal folder that does not exist yet is simply empty', async () => {
    const { book } = setup();
    assert.deepEqual(await book.load(), []);
    assert.deepEqual(book.incidents(), []);
  });

  it("an incident's folder that cannot be read is named; the other incidents still load", async () => {
    const { fs, a, b } = await twoIncidents();
    fs.unlistable.set(`${ROOT}/${a}`, 'EIO');
    const { book } = setup(fs);
    const problems = await book.load();
    assert.deepEqual(book.incidents().map((i) => i.id), [b]);
    assert.deepEqual(problems.map((p) => [p.incidentId, p.kind, p.reason]), [[a, 'unreadable', 'input/output error (a failing disk or network share?) (EIO)']]);
  });

  it('an entry that cannot be looked at is a problem; one that vanished is not', async () => {
    const { fs, a, b } = await twoIncidents();
    fs.failing.set(`${ROOT}/${a}`, 'ELOOP');
    fs.failing.set(`${ROOT}/${b}`, 'ENOENT');
    const { journal } = setup(fs);
    const listed = await journal.listIncidents();
    assert.deepEqual(listed.ids, []);
    assert.deepEqual(listed.problems.map((p) => [p.incidentId, p.kind]), [[a, 'unreadable']]);
    assert.match(listed.problems[0].reason, /ELOOP/);
  });

  it('a segment that cannot be read is reported and the readable ones are kept', async () => {
    const { fs, a } = await twoIncidents();
    // A second writer (another window) adds a segment with one more note.
    const other = setup(fs);
    await other.book.load();
    await other.book.addNote(a, 'from the other window');
    await other.journal.close();
    const segments = [...fs.filesIn(`${ROOT}/${a}`).keys()].filter((n) => n.endsWith('.jsonl')).sort();
    assert.equal(segments.length, 2);
    fs.failing.set(`${ROOT}/${a}/${segments[1]}`, 'EACCES');
    const { book } = setup(fs);
    const problems = await book.load();
    assert.deepEqual(problems.map((p) => [p.segment, p.kind, p.reason]), [[segments[1], 'unreadable', 'permission denied (EACCES)']]);
    assert.deepEqual(book.events(a).map((e) => e.type), ['declared', 'note']);
  });
});

describe('incident journal: exporting records for a post-mortem', () => {
  it('re-reads the journal and returns its records in timeline order', async () => {
    const { fs, a } = await twoIncidents();
    const { book } = setup(fs);
    await book.load();
    const lines = await book.exportRecords(a);
    assert.deepEqual(lines, book.events(a).map((e) => encodeRecord(e).toString('utf8').trimEnd()));
    assert.equal(lines.length, 2);
  });

  it('is empty when this workspace has no journal for the incident', async () => {
    const { book } = setup();
    assert.deepEqual(await book.exportRecords('INC-20250101-001'), []);
  });

  it('throws when the incident folder or a segment cannot be read, instead of exporting less', async () => {
    const { fs, a } = await twoIncidents();
    const { book } = setup(fs);
    await book.load();
    fs.unlistable.set(`${ROOT}/${a}`, 'EACCES');
    await assert.rejects(book.exportRecords(a), (err: unknown) => {
      assert.ok(err instanceof JournalReadError);
      assert.equal(err.incidentId, a);
      assert.match(err.message, /could not be read: .*permission denied \(EACCES\)/);
      return true;
    });
    fs.unlistable.clear();
    const [segment] = [...fs.filesIn(`${ROOT}/${a}`).keys()].filter((n) => n.endsWith('.jsonl'));
    fs.failing.set(`${ROOT}/${a}/${segment}`, 'EIO');
    await assert.rejects(book.exportRecords(a), JournalReadError);
  });
});

describe('incident journal: note drafts that cannot be read', () => {
  const draftPath = (id: string) => `${ROOT}/${id}/note-draft.json`;

  it('a damaged draft is moved aside byte for byte and reported; the next draft does not replace it', async () => {
    const { fs, a } = await twoIncidents();
    const damaged = Buffer.from('{"text":"half a thought', 'utf8');
    fs.files.set(draftPath(a), damaged);
    const { journal, reported } = setup(fs);
    assert.deepEqual(await journal.readDraft(a), { text: '', revision: 0 });
    assert.equal(reported.length, 1);
    assert.equal(reported[0].kind, 'corrupt');
    assert.match(reported[0].quarantinedTo ?? '', /^quarantine\/note-draft\.json\..*\.bad$/);
    const moved = fs.files.get(`${ROOT}/${a}/${reported[0].quarantinedTo}`);
    assert.deepEqual(moved, damaged);
    await journal.writeDraft(a, 'new text', 1);
    assert.deepEqual(fs.files.get(`${ROOT}/${a}/${reported[0].quarantinedTo}`), damaged);
    assert.deepEqual(await journal.readDraft(a), { text: 'new text', revision: 1 });
    assert.equal(reported.length, 1);
  });

  it('a draft that cannot be read is reported as what it is', async () => {
    const { fs, a } = await twoIncidents();
    fs.files.set(draftPath(a), Buffer.from('{"text":"kept","revision":3}'));
    fs.failing.set(draftPath(a), 'EACCES');
    const { journal, reported } = setup(fs);
    assert.deepEqual(await journal.readDraft(a), { text: '', revision: 0 });
    assert.equal(reported[0].kind, 'unreadable');
    assert.match(reported[0].reason, /permission denied \(EACCES\)/);
    assert.ok(reported[0].quarantinedTo, 'moved aside so the next draft cannot replace it');
    assert.equal(dirname(reported[0].path ?? ''), `${ROOT}/${a}`);
  });

  it('no draft yet is not a problem', async () => {
    const { journal, reported, a } = await twoIncidents().then((s) => ({ ...setup(s.fs), a: s.a }));
    assert.deepEqual(await journal.readDraft(a), { text: '', revision: 0 });
    assert.deepEqual(reported, []);
  });
});
