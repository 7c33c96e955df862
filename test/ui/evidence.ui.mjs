// Evidence on the record in the real workbench, as an on-call engineer goes through it: an alert
// link (Developer: Open URL, as the OS would hand it over) opens the runbook; declare from the
// alert; a run whose inputs come prefilled from the labels; a failing run, notified, coloured on
// the timeline with its output; lines of it pinned as evidence; the failed step on the runbook
// in the Problems panel; resolve → final update → post-mortem → commit to postmortem/<id>.
// Screenshots: test-output/screenshots/evidence-*.png.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeWorkspace } from '../harness/codeServer.mjs';
import { openWorkbench } from '../harness/workbench.mjs';
import { timelineFrame, waitForEvents } from './lib/timeline.mjs';

const RUNBOOK = 'checkout-crashloop.md';

/** The sample runbooks plus one for this check, committed, with a bare remote as `origin`. */
function workspace() {
  const ws = makeWorkspace();
  const git = (...args) => execFileSync('git', args, { cwd: ws, encoding: 'utf8' });
  mkdirSync(join(ws, 'payments'), { recursive: true });
  writeFileSync(
    join(ws, 'payments', RUNBOOK),
    [
      '---', 'title: Checkout pods crash-looping', 'owner: team-payments', 'severity: SEV2', 'service: checkout',
      'alerts: [CheckoutPodCrashLooping]', '---', '', '# Checkout pods crash-looping', '', '## Diagnosis', '',
      'Which pod, in which namespace (from the alert):', '', '```bash', "printf 'pod %s in %s\\n' <pod> <namespace>", '```', '',
      'Count the failed responses (exits 3 when over budget):', '', '```bash',
      'echo "route /checkout, last 10 min: 120 responses"; echo "2xx: 99"; echo "5xx: 21 (17.5 %)"; echo "budget: 5 % - over budget"; sh -c \'exit 3\'',
      '```', '', '## Mitigation', '', '```bash', 'echo rollback requested', '```', '',
    ].join('\n'),
  );
  git('add', '-A');
  git('commit', '-q', '-m', 'checkout runbook');
  const bare = mkdtempSync(join(tmpdir(), 'oncall-ui-remote-'));
  execFileSync('git', ['init', '-q', '--bare', '--initial-branch=main', bare]);
  git('remote', 'add', 'origin', bare);
  git('push', '-q', 'origin', 'main');
  git('fetch', '-q', 'origin');
  git('remote', 'set-head', 'origin', 'main');
  return { ws, bare, git };
}

async function palette(page, title) {
  await page.keyboard.press('Escape');
  await page.locator('.monaco-workbench .part.editor').first().click({ position: { x: 600, y: 300 } });
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 15_000 });
  await input.fill(`>${title}`);
  await page.waitForTimeout(800);
  await page.keyboard.press('Enter');
}

async function quickInput(page) {
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 20_000 });
  return input;
}

async function toastButton(page, text, button, timeout = 30_000) {
  const toast = page.locator('.notification-toast', { hasText: text }).last();
  await toast.waitFor({ state: 'visible', timeout });
  return { toast, click: () => toast.locator('.monaco-button', { hasText: button }).first().click() };
}

function codeLens(page, text) {
  return page.locator('.monaco-editor .codelens-decoration a').filter({ hasText: new RegExp(`^\\s*${text}\\s*$`) });
}

export const checks = [
  {
    name: 'alert link → declare → labelled run → failed run evidence → finding → close-out to postmortem/<id>',
    async run() {
      const { ws, bare, git } = workspace();
      const wb = await openWorkbench({ workspace: ws, viewport: { width: 1500, height: 950 } });
      const { page } = wb;
      try {
        // 1. The alert link, as the OS hands it to the editor (code-server's scheme is code-oss).
        await palette(page, 'Developer: Open URL');
        const url = await quickInput(page);
        await url.fill('code-oss://oncall-runbooks.oncall-runbooks/alert?name=CheckoutPodCrashLooping&namespace=prod&pod=api-7f9c&link=https%3A%2F%2Falerts.example.invalid%2F%23%2Falerts%2F42');
        await page.keyboard.press('Enter');
        const allow = page.locator('.monaco-dialog-box .monaco-button', { hasText: /^Open$/ });
        if (await allow.isVisible({ timeout: 5_000 }).catch(() => false)) await allow.click();
        await page.waitForSelector(`.tab[aria-label^="${RUNBOOK}"]`, { timeout: 30_000 });
        const alertToast = await toastButton(page, 'Alert CheckoutPodCrashLooping', 'Declare Incident');
        assert.match(await alertToast.toast.innerText(), /namespace=prod, pod=api-7f9c/);
        await wb.screenshot('evidence-1-alert-link-opens-runbook');

        // 2. Declare from the alert: the title comes from it, the runbook's severity is first.
        await alertToast.click();
        const title = await quickInput(page);
        assert.match(await title.inputValue(), /^CheckoutPodCrashLooping \(namespace=prod, pod=api-7f9c\)$/);
        await page.keyboard.press('Enter');
        await page.waitForSelector('.quick-input-list .monaco-list-row >> text=/SEV2/', { timeout: 10_000 });
        assert.match(await page.locator('.quick-input-list .monaco-list-row').first().innerText(), /SEV2[\s\S]*the runbook's severity/);
        await wb.screenshot('evidence-2-declare-from-alert-severity');
        await page.keyboard.press('Enter');
        let frame = await timelineFrame(page);
        await frame.waitForFunction(() => document.querySelector('#events li.type-declared') !== null, undefined, { timeout: 30_000 });

        // 3. Run the first block: both inputs prefilled from the labels, each confirmed.
        await page.locator(`.tab[aria-label^="${RUNBOOK}"]`).click();
        await codeLens(page, 'Run').first().click();
        const first = await quickInput(page);
        await page.waitForTimeout(500);
        const prompt = await page.locator('.quick-input-widget').innerText();
        assert.match(prompt, /from the label “pod” of the alert CheckoutPodCrashLooping/);
        assert.equal(await first.inputValue(), 'api-7f9c');
        await wb.screenshot('evidence-3-input-prefilled-from-label');
        await page.keyboard.press('Enter');
        await page.waitForTimeout(600);
        assert.equal(await (await quickInput(page)).inputValue(), 'prod');
        await page.keyboard.press('Enter');

        // 4. The failing block: notified with its last line, Show Output and Add Note.
        await page.locator('.monaco-editor .codelens-decoration', { hasText: /last run just now, exit 0/ }).first().waitFor({ timeout: 40_000 });
        await codeLens(page, 'Run').nth(1).click();
        const failure = await toastButton(page, 'exit 3', 'Show Output', 60_000);
        assert.match(await failure.toast.innerText(), /Checkout pods crash-looping, step 2: exit 3 — budget: 5 % - over budget/);
        assert.match(await failure.toast.innerText(), /Add Note/);
        await wb.screenshot('evidence-4-failed-run-notification');

        // 5. The timeline: the failed run coloured, its output numbered; pin lines 1–3.
        await palette(page, 'On-Call: Open Incident Timeline');
        frame = await timelineFrame(page);
        const failed = frame.locator('#events li.type-commandRun.failed');
        await failed.waitFor({ state: 'visible', timeout: 30_000 });
        assert.match(await failed.locator('pre.output').innerText(), /5xx: 21 \(17\.5 %\)/);
        await failed.evaluate((li) => {
          const lines = li.querySelectorAll('.output-line');
          const range = document.createRange();
          range.setStart(lines[0], 0);
          range.setEnd(lines[2], lines[2].childNodes.length);
          const selection = document.getSelection();
          selection.removeAllRanges();
          selection.addRange(range);
        });
        await failed.locator('button[data-action="pinEvidence"]').click();
        await frame.waitForFunction(() => [...document.querySelectorAll('#events li.type-evidencePinned .body')].some((b) => /lines 1–3/.test(b.textContent ?? '')), undefined, { timeout: 30_000 });
        await failed.scrollIntoViewIfNeeded();
        await wb.screenshot('evidence-5-timeline-failed-run-output-pinned');

        // 6. The failed step shows on its runbook in the Problems panel.
        await page.keyboard.press('Escape');
        await page.locator(`.tab[aria-label^="${RUNBOOK}"]`).click();
        await page.keyboard.press('Control+Shift+M');
        // The runbook has other problems (lint) too: filter the list, which only draws the rows in view.
        const filter = page.locator('.viewpane-filter input, .viewpane-filter textarea').first();
        await filter.waitFor({ state: 'visible', timeout: 30_000 });
        await filter.fill('failed in INC-');
        await page.waitForSelector('.markers-panel .monaco-list-row >> text=/Step 2 failed in INC-/', { timeout: 30_000 });
        await wb.screenshot('evidence-6-failed-step-on-runbook');

        // 7. Resolve: the final update, then the post-mortem.
        await palette(page, 'On-Call: Resolve Incident');
        await quickInput(page);
        await page.keyboard.press('Enter');
        const closeOut = await toastButton(page, 'is resolved', 'Draft Final Update');
        await page.waitForTimeout(600);
        await wb.screenshot('evidence-7-resolve-offers-final-update');
        await closeOut.click();
        await quickInput(page);
        await page.keyboard.press('Enter'); // External (customers)
        // The final update opens in the timeline's composer: post it there.
        frame = await timelineFrame(page);
        const post = frame.locator('#mark-posted');
        await post.waitFor({ state: 'visible', timeout: 30_000 });
        await frame.waitForFunction(() => /^Resolved:/.test(document.querySelector('textarea#update-text')?.value ?? ''), undefined, { timeout: 30_000 });
        // For customers, the update needs the customer-facing summary (the draft keeps a placeholder until then).
        await frame.locator('#customer-summary').fill('Some customers could not check out.');
        await frame.locator('#save-customer-summary').click();
        await waitForEvents(frame, 1, 'customerSummaryChanged');
        await frame.locator('#draft-update').click();
        await frame.waitForFunction(() => /^Resolved: Some customers could not check out\./.test(document.querySelector('textarea#update-text')?.value ?? ''), undefined, { timeout: 30_000 });
        await wb.screenshot('evidence-7b-final-update-in-composer');
        await post.click();
        const pm = await toastButton(page, 'final update of', 'Draft Post-Mortem', 60_000);
        await pm.click();
        await page.waitForSelector('.tab[aria-label*="checkoutpodcrashlooping"]', { timeout: 30_000 });
        const commitOffer = await toastButton(page, 'then commit the post-mortem', 'Commit');
        await wb.screenshot('evidence-8-postmortem-drafted');

        // 8. Commit: incomplete → as a draft; the message prefilled; a new branch.
        await commitOffer.click();
        const dialog = page.locator('.monaco-dialog-box');
        await dialog.waitFor({ state: 'visible', timeout: 20_000 });
        await dialog.locator('.monaco-button', { hasText: 'Commit as Draft' }).click();
        const message = await quickInput(page);
        assert.match(await message.inputValue(), /^postmortem \(draft\): INC-\d{8}-[0-9A-Z]{3,5} CheckoutPodCrashLooping/);
        await page.keyboard.press('Enter');
        await page.waitForSelector('.quick-input-list .monaco-list-row >> text=/New branch postmortem\\/INC-/', { timeout: 20_000 });
        await wb.screenshot('evidence-9-commit-to-new-branch');
        await page.keyboard.press('Enter');
        const done = await toastButton(page, 'Your checkout is unchanged', 'Reveal Commit', 60_000);
        assert.match(await done.toast.innerText(), /on postmortem\/INC-\d{8}-[0-9A-Z]{3,5} and pushed it to origin/);
        await wb.screenshot('evidence-10-committed-on-branch');

        const branch = git('branch', '--list', 'postmortem/*').trim().replace(/^\*?\s*/, '');
        const files = git('log', '--format=', '--name-only', `origin/main..${branch}`).trim().split('\n').filter(Boolean).sort();
        assert.equal(files.length, 2, files.join(', '));
        assert.ok(files.every((f) => f.startsWith('postmortems/')), files.join(', '));
        assert.equal(git('symbolic-ref', '--short', 'HEAD').trim(), 'main', 'still on main');
        assert.equal(execFileSync('git', ['rev-parse', branch], { cwd: bare, encoding: 'utf8' }).trim(), git('rev-parse', branch).trim(), 'pushed');
        assert.deepEqual(wb.pageErrors, []);
      } finally {
        await wb.close();
      }
    },
  },
];
