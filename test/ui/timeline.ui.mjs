// The timeline panel at 3 a.m., in the real workbench: the whole incident flow with the
// keyboard alone; an accessibility scan (axe-core) of the real panel in the light, dark and
// high-contrast themes with screenshots at 1500×950 and 1000×700; the Add Note key from the
// editor and the terminal.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openWorkbench, screenshotDir } from '../harness/workbench.mjs';
import { axeScan, declareFromPalette, focusedId, timelineFrame, waitForEvents } from './lib/timeline.mjs';

const ZONE = 'Europe/Berlin';

/** HH:MM in a zone, `minutesAgo` before now: what a responder types to backdate. */
function wallClock(minutesAgo, timeZone = ZONE) {
  return new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(Date.now() - minutesAgo * 60_000));
}

async function press(page, ...keys) {
  for (const k of keys) {
    await page.keyboard.press(k);
    await page.waitForTimeout(120);
  }
}

/** Declare Incident with the keyboard only: the palette, then each answer typed. */
async function declareWithKeyboard(page, { title, severity, impact }) {
  await press(page, 'Control+Shift+P');
  await page.keyboard.type('>On-Call: Declare Incident');
  await page.waitForTimeout(600);
  await press(page, 'Enter');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Declare Incident (1/4)' }).waitFor({ state: 'visible', timeout: 60_000 });
  await page.keyboard.type(title);
  await press(page, 'Enter');
  // No severity is preselected: Enter on the untouched list chooses nothing and says so.
  await page.locator('.quick-input-widget .quick-input-title', { hasText: 'Declare Incident (2/4)' }).waitFor({ state: 'visible', timeout: 60_000 });
  await page.locator('.quick-input-list .monaco-list-row').first().waitFor({ state: 'visible', timeout: 30_000 });
  await press(page, 'Enter');
  await page.waitForFunction(() => /Choose a severity first/.test(document.querySelector('.quick-input-widget input')?.getAttribute('placeholder') ?? ''), undefined, { timeout: 15_000 }).catch(() => undefined);
  assert.match(await input.getAttribute('placeholder'), /Choose a severity first/);
  assert.equal(await page.locator('.quick-input-list .monaco-list-row.focused').count(), 0, 'no severity row is active');
  await page.keyboard.type(severity);
  await page.waitForTimeout(400);
  await press(page, 'Enter');
  await page.waitForTimeout(300);
  await press(page, 'Enter'); // the commander: the default (git user.name)
  await page.waitForTimeout(300);
  await page.keyboard.type(impact);
  await press(page, 'Enter');
}

async function drawerPanel(frame) {
  return frame.evaluate(() => (document.querySelector('#drawer')?.hidden ? '' : document.querySelector('#drawer')?.dataset.panel ?? ''));
}

async function expectFocus(frame, id, what) {
  await frame.waitForFunction((want) => document.activeElement?.id === want, id, { timeout: 10_000 }).catch(() => undefined);
  assert.equal(await focusedId(frame), id, what);
}

/** Themes the panel is checked in: the workbench's own, chosen by name. */
const THEMES = [
  { name: 'light', colorTheme: 'Default Light Modern', kind: 'vs' },
  { name: 'dark', colorTheme: 'Default Dark Modern', kind: 'vs-dark' },
  { name: 'high-contrast', colorTheme: 'Default High Contrast', kind: 'hc-black' },
  { name: 'high-contrast-light', colorTheme: 'Default High Contrast Light', kind: 'hc-light' },
];

/** An incident with one of each kind of row: notes (one a follow-up), a status change, a role, a milestone, a posted update, a pin, a correction. */
async function populate(wb, frame) {
  const box = frame.locator('#note-input');
  for (const n of ['Error rate at 12% on checkout since 09:40', 'TODO: alert on checkout 5xx before customers do', 'Rolled back release 4.2; watching the error rate']) {
    await box.fill(n);
    await box.press('Enter');
  }
  await waitForEvents(frame, 3, 'note');
  await frame.locator('#open-status').click();
  await frame.locator('#status-choice-identified').click();
  await waitForEvents(frame, 1, 'statusChanged');
  await frame.locator('#open-roles').click();
  await frame.locator('#role-choice-techLead').click();
  await frame.locator('#role-person').fill('Bo');
  await frame.locator('#role-person').press('Enter');
  await waitForEvents(frame, 1, 'roleAssigned');
  await frame.locator('#open-update').click();
  await frame.locator('#draft-update').click();
  await frame.waitForFunction(() => document.querySelector('#update-text').value.length > 0);
  await frame.locator('#mark-posted').click();
  await waitForEvents(frame, 1, 'statusUpdate');
  const row = frame.locator('#events li.type-note').nth(1);
  await row.focus();
  await row.press('p');
  await waitForEvents(frame, 1, 'pinned');
  await frame.locator('#events li.type-note').first().focus();
  await frame.locator('#events li.type-note').first().press('c');
  await frame.locator('.correction-editor textarea').fill('Rolled back release 4.2 at 09:52; watching the error rate');
  await frame.locator('.correction-editor textarea').press('Enter');
  await waitForEvents(frame, 1, 'correction');
}

/** Opens each panel in turn (and the correction editor) and scans the page in each state. */
async function scanStates(frame) {
  const states = [];
  const scan = async (state) => states.push({ state, ...(await axeScan(frame)) });
  await scan('timeline');
  for (const panel of ['status', 'severity', 'roles', 'milestone', 'update', 'keys']) {
    await frame.locator(`#open-${panel}`).click();
    await frame.waitForFunction((p) => document.querySelector('#drawer').dataset.panel === p, panel);
    if (panel === 'update') {
      await frame.locator('#update-audience-external').click();
      await frame.locator('#customer-summary').fill('Some customers cannot pay by card at checkout.');
      await frame.locator('#save-customer-summary').click();
      await waitForEvents(frame, 1, 'customerSummaryChanged');
      await frame.locator('#draft-update').click();
      await frame.waitForFunction(() => document.querySelector('#update-text').value.startsWith('Identified: Some customers'));
    }
    await scan(`panel ${panel}`);
    if (panel !== 'update') await frame.locator('#drawer .close').click();
  }
  return states;
}

/** Rules axe could not decide, with the most elements in any one state. */
function undecided(states) {
  const most = new Map();
  for (const s of states) for (const entry of s.incomplete) {
    const [id, n] = entry.split(' ×');
    most.set(id, Math.max(most.get(id) ?? 0, Number(n)));
  }
  return [...most].map(([id, n]) => `${id} (up to ${n})`).join(', ');
}

export const checks = [
  {
    name: 'keyboard alone at 1000×700: declare, note, status, role, milestone, draft and post updates (internal, external), navigate and pin, resolve — focus kept where the user is',
    async run() {
      const wb = await openWorkbench({ colorTheme: 'Default Light Modern', viewport: { width: 1000, height: 700 }, env: { TZ: ZONE } });
      try {
        const { page } = wb;
        let dialogs = 0;
        page.on('dialog', (d) => {
          dialogs++;
          void d.dismiss();
        });
        await page.waitForTimeout(1000);
        const title = 'Checkout returns 502 on db-07.prod.internal';
        await declareWithKeyboard(page, { title, severity: 'SEV2', impact: 'Card payments fail for some users' });
        const frame = await timelineFrame(page);
        await waitForEvents(frame, 1);
        await expectFocus(frame, 'note-input', 'the note box has the focus when the panel opens');
        assert.equal(await frame.evaluate(() => document.hasFocus()), true, 'the keyboard is in the page');

        // A note: Enter adds it, the focus stays.
        await page.keyboard.type('Error rate at 12% on checkout since the deploy');
        await press(page, 'Enter');
        await waitForEvents(frame, 1, 'note');
        await expectFocus(frame, 'note-input', 'the focus stays in the note box');
        // The first event sits right under the sticky top, well within a 700 px window.
        const firstEventTop = await frame.evaluate(() => document.querySelector('#events li.event').getBoundingClientRect().top);
        assert.ok(firstEventTop < 330, `first event at ${firstEventTop}px`);
        await wb.screenshot('timeline-keyboard-1-note');

        // Status: s, the arrow keys, Enter. The panel closes; the focus is back on its button.
        await press(page, 'Escape'); // leave the note box: the focus goes to the events
        assert.match(await focusedId(frame), /^event:/);
        await press(page, 's');
        assert.equal(await drawerPanel(frame), 'status');
        await expectFocus(frame, 'status-choice-investigating', 'the current status has the focus');
        await wb.screenshot('timeline-keyboard-2-status');
        await press(page, 'ArrowDown', 'Enter');
        await frame.waitForFunction(() => document.querySelector('.badges .status')?.textContent === 'Identified');
        assert.equal(await drawerPanel(frame), '');
        await expectFocus(frame, 'open-status', 'the focus returns to the Status button');
        assert.equal(await frame.evaluate(() => document.querySelector('#open-status').textContent), 'Status: Identified');

        // Role: r, arrow to Tech lead, Enter, type the name, Enter.
        await press(page, 'r', 'ArrowDown', 'Enter');
        await expectFocus(frame, 'role-person', 'Enter on a role moves to the name');
        await page.keyboard.type('Bo');
        await press(page, 'Enter');
        await waitForEvents(frame, 1, 'roleAssigned');
        await expectFocus(frame, 'open-roles', 'the focus returns to the Roles button');

        // Milestone: m (impact started first), Enter, a backdated time in local time, a reason.
        await press(page, 'm');
        await expectFocus(frame, 'milestone-choice-impactStarted', 'the first unmarked milestone');
        await press(page, 'Enter');
        await expectFocus(frame, 'milestone-at', 'Enter on a milestone moves to its time');
        const label = await frame.evaluate(() => document.querySelector('label[for="milestone-at"]').textContent);
        assert.match(label, /local time, Europe\/Berlin \(UTC\+0[12]:00\)/, 'the time field says which zone it reads');
        const typed = wallClock(25);
        await page.keyboard.type(typed);
        await frame.waitForFunction(() => /Read as \d{2}:\d{2}/.test(document.querySelector('#milestone-at-hint')?.textContent ?? ''));
        await press(page, 'Tab');
        await page.keyboard.type('errors start in the graphs');
        await wb.screenshot('timeline-keyboard-3-milestone');
        await press(page, 'Enter');
        await waitForEvents(frame, 1, 'milestone');
        await expectFocus(frame, 'open-milestone', 'the focus returns to the Milestone button');
        const milestoneText = await frame.evaluate(() => document.querySelector('#events li.type-milestone .body').textContent);
        assert.match(milestoneText, new RegExp(`^Impact started at ${typed}:00 \\(\\d{2}:\\d{2}:00 UTC\\) — errors start in the graphs$`));

        // Internal update: u, Enter (Internal) → Draft, Enter → the text, Tab → Mark as posted, Enter.
        await press(page, 'u');
        await expectFocus(frame, 'update-audience-internal', 'the audience comes first');
        await press(page, 'Enter');
        await expectFocus(frame, 'draft-update', 'Enter on the audience moves to Draft');
        await press(page, 'Enter');
        await frame.waitForFunction(() => document.querySelector('#update-text').value.includes('Next update by'));
        await expectFocus(frame, 'update-text', 'the draft is ready to edit');
        const internal = await frame.evaluate(() => document.querySelector('#update-text').value);
        assert.match(internal, /^\[SEV2\] INC-\d{8}-[0-9A-Z]{3,5}: Checkout returns 502/);
        assert.match(internal, /Next update by \d{2}:\d{2} \(\d{2}:\d{2} UTC\)\./, 'local time with UTC beside it');
        const promise = await frame.evaluate(() => document.querySelector('#update-promise').textContent);
        const promised = /promises the next one by (\d{2}:\d{2} \(\d{2}:\d{2} UTC\))/.exec(promise)?.[1];
        assert.ok(promised, promise);
        assert.ok(internal.includes(`Next update by ${promised}.`), 'the text says the time the composer shows');
        assert.equal(await frame.evaluate(() => document.querySelectorAll('#events li.type-statusUpdate').length), 0, 'a draft is not an event');
        await press(page, 'Tab');
        await expectFocus(frame, 'mark-posted', 'Tab from the text reaches Mark as posted');
        await press(page, 'Enter');
        await waitForEvents(frame, 1, 'statusUpdate');
        await expectFocus(frame, 'open-update', 'the focus returns to the Status update button');
        // The reminder now follows the time the posted update promised.
        await frame.waitForFunction((p) => document.querySelector('.next-update').textContent.startsWith(`Next update due ${p}`), promised, { timeout: 10_000 });

        // External update: the customer-facing summary, written once, then the draft from it.
        await press(page, 'u', 'ArrowDown');
        await expectFocus(frame, 'update-audience-external', 'the arrow keys choose External');
        await press(page, 'Tab');
        await expectFocus(frame, 'customer-summary', 'the customer-facing summary comes next for customers');
        await page.keyboard.type('Some customers cannot pay by card at checkout.');
        await press(page, 'Enter');
        await waitForEvents(frame, 1, 'customerSummaryChanged');
        await expectFocus(frame, 'draft-update', 'saving the summary moves on to Draft');
        await press(page, 'Enter');
        await frame.waitForFunction(() => document.querySelector('#update-text').value.startsWith('Identified: Some customers cannot pay by card at checkout.'));
        const external = await frame.evaluate(() => document.querySelector('#update-text').value);
        for (const leak of ['Checkout returns 502', 'db-07', 'prod.internal', 'Card payments fail for some users', 'Error rate', 'Bo']) {
          assert.ok(!external.includes(leak), `the external draft copies ${JSON.stringify(leak)}:\n${external}`);
        }
        await press(page, 'Tab', 'Tab');
        await expectFocus(frame, 'copy-update', 'Copy after Mark as posted');
        await press(page, 'Enter');
        await frame.waitForFunction(() => document.querySelector('#copy-update').textContent.includes('Copied'));
        assert.match(await frame.evaluate(() => document.querySelector('#announce').textContent), /clipboard/);
        await wb.screenshot('timeline-keyboard-4-external-update');
        await press(page, 'Shift+Tab', 'Enter');
        await waitForEvents(frame, 2, 'statusUpdate');
        await expectFocus(frame, 'open-update', 'the focus returns to the Status update button');

        // The events: j/k move, p pins, the focus stays on the pinned row.
        await press(page, 'j');
        const first = await focusedId(frame);
        assert.match(first, /^event:/);
        await press(page, 'j', 'j');
        const third = await focusedId(frame);
        assert.notEqual(third, first);
        await press(page, 'k');
        const second = await focusedId(frame);
        assert.ok(second !== first && second !== third);
        await press(page, 'p');
        await frame.waitForFunction((id) => document.querySelector(`li[data-id="${id}"] .pin-mark`) !== null, second.slice('event:'.length));
        assert.equal(await focusedId(frame), second, 'the focus stays on the pinned row');

        // Resolve: s, End (Resolved…), Enter, a final summary, Ctrl+Enter.
        await press(page, 's', 'End', 'Enter');
        assert.equal(await drawerPanel(frame), 'resolve');
        await expectFocus(frame, 'resolve-summary', 'the final summary');
        await page.keyboard.press('Control+A');
        await page.keyboard.type('Pool limit raised; card payments recovered.');
        await press(page, 'Control+Enter');
        await frame.waitForFunction(() => document.querySelector('.badges .status')?.textContent === 'Resolved');
        await expectFocus(frame, 'open-status', 'the focus returns to the Status button after resolving');

        // Everything is on the timeline, and nothing else: posted updates only, no drafts.
        const types = await frame.evaluate(() => [...document.querySelectorAll('#events li.event')].map((li) => [...li.classList].find((c) => c.startsWith('type-')).slice(5)).reverse());
        for (const t of ['declared', 'note', 'statusChanged', 'roleAssigned', 'milestone', 'statusUpdate', 'customerSummaryChanged', 'pinned', 'summaryChanged']) assert.ok(types.includes(t), `${t} in ${types.join(', ')}`);
        const updates = await frame.evaluate(() => [...document.querySelectorAll('#events li.type-statusUpdate .kind')].map((k) => k.textContent));
        assert.deepEqual(updates.sort(), ['Update posted (external)', 'Update posted (internal)']);
        assert.equal(await frame.evaluate(() => document.body.dataset.cspViolations), '0');
        assert.equal(dialogs, 0);
        await wb.screenshot('timeline-keyboard-5-resolved');
        // Resolving from the page offers the close-out too (final update, then the post-mortem).
        await page.locator('.notification-toast', { hasText: 'is resolved. Next: the final status update' }).waitFor({ state: 'visible', timeout: 30_000 });
      } finally {
        await wb.close();
      }
    },
  },
  {
    name: 'the Add Note key (Ctrl+Alt+N): from the editor and from the terminal it asks for a note; in the timeline it goes to the note box',
    async run() {
      const wb = await openWorkbench({ colorTheme: 'Default Dark Modern', viewport: { width: 1400, height: 900 } });
      try {
        const { page } = wb;
        await declareFromPalette(wb, { title: 'Search latency above 2 s', severity: 'SEV3' });
        const frame = await timelineFrame(page);
        await waitForEvents(frame, 1);
        const input = page.locator('.quick-input-widget input');

        // In the timeline: the key moves the focus to the note box, and asks nothing.
        await expectFocus(frame, 'note-input', 'the note box first');
        await press(page, 'Escape');
        assert.match(await focusedId(frame), /^event:/);
        await press(page, 'Control+Alt+N');
        await expectFocus(frame, 'note-input', 'Ctrl+Alt+N in the timeline goes to the note box');
        assert.equal(await input.isVisible(), false, 'no input box over the timeline');

        // From a file in the editor (opened to the side, so the timeline stays in view): an
        // input box for the note; Enter records it.
        await press(page, 'Control+P');
        await page.keyboard.type('README.md');
        await page.waitForTimeout(800);
        await press(page, 'Control+Enter');
        await page.waitForSelector('.editor-instance .monaco-editor.focused', { timeout: 15_000 });
        await press(page, 'Control+Alt+N');
        await input.waitFor({ state: 'visible', timeout: 10_000 });
        assert.match(await page.locator('.quick-input-widget').innerText(), /Note for INC-\d{8}-[0-9A-Z]{3,5}/);
        await page.keyboard.type('from the editor: the runbook says to check the replica first');
        await press(page, 'Enter');
        await frame.waitForFunction(() => [...document.querySelectorAll('#events li.type-note .body')].some((b) => b.textContent.startsWith('from the editor')), undefined, { timeout: 15_000 });
        assert.ok(await page.locator('.editor-instance .monaco-editor.focused').count(), 'the focus is back in the editor');

        // From the terminal: the key reaches the editor (terminal.integrated.commandsToSkipShell,
        // contributed as a default), not the shell.
        await wb.runCommand('Terminal: Create New Terminal');
        const terminalFocused = () => page.waitForFunction(() => document.activeElement?.classList.contains('xterm-helper-textarea'), undefined, { timeout: 60_000 });
        await terminalFocused();
        await page.waitForTimeout(1500);
        await press(page, 'Control+Alt+N');
        await input.waitFor({ state: 'visible', timeout: 10_000 });
        await page.keyboard.type('from the terminal: replica lag 40 s');
        await press(page, 'Enter');
        await frame.waitForFunction(() => [...document.querySelectorAll('#events li.type-note .body')].some((b) => b.textContent.startsWith('from the terminal')), undefined, { timeout: 15_000 });
        await terminalFocused();
        await wb.screenshot('timeline-add-note-key-terminal');

        // Draft Status Update from the palette: the draft opens in the timeline's composer.
        await wb.runCommand('On-Call: Draft Status Update');
        await input.waitFor({ state: 'visible' });
        await input.fill('Internal');
        await page.waitForTimeout(400);
        await press(page, 'Enter');
        const panel = await timelineFrame(page);
        await panel.waitForFunction(() => document.querySelector('#drawer')?.dataset.panel === 'update' && document.querySelector('#update-text').value.startsWith('[SEV3]'), undefined, { timeout: 20_000 });
        assert.equal(await panel.evaluate(() => document.querySelectorAll('#events li.type-statusUpdate').length), 0, 'the draft is not on the timeline');
        await wb.screenshot('timeline-draft-from-palette');
        // Kept on request, it becomes an event (as a draft).
        await panel.locator('#keep-draft').click();
        await panel.waitForFunction(() => [...document.querySelectorAll('#events li.type-statusUpdate .kind')].some((k) => k.textContent === 'Update drafted (internal)'), undefined, { timeout: 15_000 });
      } finally {
        await wb.close();
      }
    },
  },
  ...THEMES.map((theme) => ({
    name: `accessibility (axe-core) and screenshots, ${theme.name} theme (${theme.colorTheme}): 0 serious or critical violations in every panel; 1500×950, 1000×700 and a narrow panel`,
    async run() {
      const wb = await openWorkbench({ colorTheme: theme.colorTheme, viewport: { width: 1500, height: 950 }, env: { TZ: ZONE } });
      try {
        const { page } = wb;
        // A scan in the wrong theme would pass for the wrong reason: the workbench must show the kind asked for.
        const kind = await page.evaluate(() => ['hc-black', 'hc-light', 'vs-dark', 'vs'].find((k) => document.querySelector('.monaco-workbench')?.classList.contains(k)));
        assert.equal(kind, theme.kind, `the workbench shows the ${theme.colorTheme} theme`);
        await declareFromPalette(wb, { title: 'Checkout returns 502 for card payments', severity: 'SEV2' });
        const frame = await timelineFrame(page);
        await waitForEvents(frame, 1);
        await populate(wb, frame);
        await wb.screenshot(`timeline-${theme.name}-1500x950`);
        const states = await scanStates(frame);
        // The update panel with the external draft: the panel as a responder sees it.
        await frame.locator('#open-update').click();
        await frame.waitForFunction(() => document.querySelector('#drawer').dataset.panel === 'update');
        await wb.screenshot(`timeline-${theme.name}-1500x950-update`);
        await page.setViewportSize({ width: 1000, height: 700 });
        await page.waitForTimeout(800);
        await wb.screenshot(`timeline-${theme.name}-1000x700-update`);
        await frame.locator('#drawer .close').click();
        await page.waitForTimeout(300);
        await wb.screenshot(`timeline-${theme.name}-1000x700`);
        // A narrow panel (about 420 px of webview): everything still reachable, the drawer fits.
        await page.setViewportSize({ width: 760, height: 700 });
        await page.waitForTimeout(800);
        await frame.locator('#open-milestone').click();
        const fits = await frame.evaluate(() => {
          const r = document.querySelector('#drawer').getBoundingClientRect();
          return r.left >= 0 && r.right <= window.innerWidth + 1 && r.bottom <= window.innerHeight + 1;
        });
        assert.ok(fits, 'the drawer fits a narrow panel');
        await wb.screenshot(`timeline-${theme.name}-narrow`);
        states.push({ state: 'narrow, milestone panel', ...(await axeScan(frame)) });

        const figures = { theme: theme.colorTheme, states: states.map((s) => ({ state: s.state, passes: s.passes, contrastChecked: s.contrastChecked, incomplete: s.incomplete, violations: s.violations })) };
        mkdirSync(join(screenshotDir, '..', 'axe'), { recursive: true });
        writeFileSync(join(screenshotDir, '..', 'axe', `${theme.name}.json`), JSON.stringify(figures, null, 2));
        const count = (impact) => states.reduce((n, s) => n + s.violations.filter((v) => v.impact === impact).reduce((m, v) => m + v.count, 0), 0);
        console.log(`      axe ${theme.name}: ${states.length} states scanned; critical ${count('critical')}, serious ${count('serious')}, moderate ${count('moderate')}, minor ${count('minor')}; rules passed per state ${Math.min(...states.map((s) => s.passes))}–${Math.max(...states.map((s) => s.passes))}; text contrast checked on ${Math.min(...states.map((s) => s.contrastChecked))}–${Math.max(...states.map((s) => s.contrastChecked))} elements; undecided: ${undecided(states) || 'none'}`);
        assert.ok(states.every((s) => s.contrastChecked > 20), 'axe measured the contrast of the page\'s text');
        const bad = states.flatMap((s) => s.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${s.state}: ${v.impact} ${v.id} (${v.help}) ×${v.count}\n          ${v.nodes.join('\n          ')}`));
        assert.deepEqual(bad, [], `serious or critical violations in the ${theme.name} theme`);
        assert.equal(await frame.evaluate(() => document.body.dataset.cspViolations), '0', 'the scan itself broke no policy');
      } finally {
        await wb.close();
      }
    },
  })),
];
