// Post-mortems in the real workbench: the commit button in the editor title of a post-mortem,
// the "not complete" choice, the commit notification with "Reveal Commit", and an overdue
// post-mortem in the Problems panel. Screenshots go to test-output/screenshots/postmortem-*.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeWorkspace, projectDir } from '../harness/codeServer.mjs';
import { openWorkbench } from '../harness/workbench.mjs';

const NAME = '2026-11-24-INC-20261124-001-api-gateway-5xx-on-tracking-routes.md';

/** A workspace with the sample post-mortem, made overdue (due a month before it was declared). */
function workspaceWithPostmortem() {
  const ws = makeWorkspace();
  const sample = readFileSync(join(projectDir, 'docs', 'sample-postmortem.md'), 'utf8');
  mkdirSync(join(ws, 'postmortems'), { recursive: true });
  writeFileSync(join(ws, 'postmortems', NAME), sample.replace(/^postmortem_due: .*$/m, 'postmortem_due: 2026-10-01T00:00:00.000Z'));
  return ws;
}

async function openFile(page, name) {
  await page.locator('.monaco-workbench').click({ position: { x: 700, y: 450 } });
  await page.keyboard.press('Control+P');
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(name);
  await page.waitForTimeout(800);
  await page.keyboard.press('Enter');
  await page.waitForSelector(`.tab[aria-label^="${name}"]`, { timeout: 20_000 });
  await page.waitForTimeout(1500);
}

export const checks = [
  {
    name: 'commit button, incomplete choice, commit notification and reveal',
    async run() {
      const ws = workspaceWithPostmortem();
      const git = (...args) => execFileSync('git', args, { cwd: ws, encoding: 'utf8' }).trim();
      const before = Number(git('rev-list', '--count', 'HEAD'));
      const wb = await openWorkbench({ workspace: ws });
      try {
        await openFile(wb.page, NAME);
        const button = wb.page.locator('.editor-actions .action-label[aria-label^="Commit Post-Mortem"]');
        await button.waitFor({ state: 'visible', timeout: 20_000 });
        await wb.screenshot('postmortem-1-editor-with-commit-button');

        await button.click();
        const dialog = wb.page.locator('.monaco-dialog-box');
        await dialog.waitFor({ state: 'visible', timeout: 20_000 });
        const dialogText = await dialog.innerText();
        assert.match(dialogText, /not complete yet/);
        assert.match(dialogText, /Root cause and contributing factors/);
        await wb.screenshot('postmortem-2-incomplete-dialog');
        await dialog.locator('.monaco-button', { hasText: 'Commit as Draft' }).click();
        // The message, prefilled and editable; then where the commit goes.
        const message = wb.page.locator('.quick-input-widget input');
        await message.waitFor({ state: 'visible', timeout: 20_000 });
        assert.equal(await message.inputValue(), 'postmortem (draft): INC-20261124-001 API gateway 5xx on tracking routes (SEV2)');
        await wb.screenshot('postmortem-2b-commit-message');
        await wb.page.keyboard.press('Enter');
        await wb.page.waitForSelector('.quick-input-list .monaco-list-row >> text=/Current branch \\(main\\)/', { timeout: 20_000 });
        await message.fill('Current branch');
        await wb.page.waitForTimeout(400);
        await wb.page.keyboard.press('Enter');

        const toast = wb.page.locator('.notification-toast', { hasText: 'Committed' });
        await toast.waitFor({ state: 'visible', timeout: 30_000 });
        assert.match(await toast.innerText(), /postmortem \(draft\): INC-20261124-001 API gateway 5xx on tracking routes \(SEV2\)/);
        await wb.screenshot('postmortem-3-committed-notification');

        assert.equal(Number(git('rev-list', '--count', 'HEAD')), before + 1, 'one new commit');
        assert.equal(git('show', '--format=', '--name-only', 'HEAD'), `postmortems/${NAME}`);

        await toast.locator('.monaco-button', { hasText: 'Reveal Commit' }).click();
        await wb.page.waitForSelector('.tab[aria-label*=".diff"]', { timeout: 20_000 });
        await wb.page.waitForTimeout(1000);
        const editorText = (await wb.page.locator('.editor-instance .view-lines').first().innerText()).replace(/\u00a0/g, ' ');
        assert.match(editorText, /postmortem \(draft\)/);
        await wb.screenshot('postmortem-4-reveal-commit');
        assert.deepEqual(wb.pageErrors, []);
      } finally {
        await wb.close();
      }
    },
  },
  {
    name: 'an overdue post-mortem shows in the Problems panel',
    async run() {
      const wb = await openWorkbench({ workspace: workspaceWithPostmortem() });
      try {
        await wb.page.locator('.monaco-workbench').click({ position: { x: 700, y: 450 } });
        await wb.page.keyboard.press('Control+Shift+M');
        const problems = wb.page.locator('.markers-panel');
        await problems.waitFor({ state: 'visible', timeout: 20_000 });
        await wb.page.waitForSelector('.markers-panel .monaco-list-row >> text=/was due 2026-10-01 00:00 UTC/', { timeout: 30_000 });
        await wb.screenshot('postmortem-5-overdue-problem');
      } finally {
        await wb.close();
      }
    },
  },
];
