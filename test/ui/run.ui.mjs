// Running code blocks in the real workbench: the CodeLens above each block, a run that ends in
// the On-Call terminal with its exit code shown in the lens, the real danger modal declined
// (nothing runs) and then accepted, and the placeholder input box.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeWorkspace } from '../harness/codeServer.mjs';
import { openWorkbench } from '../harness/workbench.mjs';
import { lens, openFile } from './editor.mjs';

function writeRunbook(workspace) {
  const victim = join(workspace, '..', 'ui-victim');
  mkdirSync(victim, { recursive: true });
  const out = join(workspace, '..', 'ui-namespace.txt');
  const md = [
    '---', 'title: Checkout latency', 'owner: team-payments', 'severity: SEV2', '---', '',
    '# Checkout latency', '', '## Diagnosis', '',
    'Check the service answers, then look at the second step.', '',
    '```bash', 'echo "checking the checkout service…"', "sh -c 'echo step two fails; exit 1'", 'echo never printed', '```', '',
    '## Mitigation', '',
    '```bash', `rm -rf '${victim}'`, '```', '',
    '```bash', `echo "namespace is <namespace>" | tee '${out}'`, '```', '',
    '```sql', 'SELECT count(*) FROM orders WHERE status = \'stuck\';', '```', '',
  ].join('\n');
  mkdirSync(join(workspace, 'payments'), { recursive: true });
  const file = join(workspace, 'payments', 'checkout-latency.md');
  writeFileSync(file, md);
  return { victim, out, file };
}

export const checks = [
  {
    name: 'run: CodeLens, terminal with the exit code, danger modal declined then accepted, placeholder prompt',
    async run() {
      const workspace = makeWorkspace();
      const { victim, out, file } = writeRunbook(workspace);
      const wb = await openWorkbench({ workspace, viewport: { width: 1400, height: 1000 } });
      try {
        await openFile(wb, file);
        await lens(wb, 'Run').first().waitFor({ timeout: 30_000 });
        // Copy only for the SQL block: three Run lenses for four blocks.
        assert.equal(await lens(wb, 'Run').count(), 3);
        assert.equal(await lens(wb, 'Copy').count(), 4);
        await wb.screenshot('run-codelens');

        // Run the first block: its second command fails, the third never runs.
        await lens(wb, 'Run').first().click();
        await wb.page.locator('.monaco-editor .codelens-decoration', { hasText: /last run just now, exit 1/ }).waitFor({ timeout: 30_000 });
        await wb.page.waitForSelector('.terminal-wrapper, .xterm', { timeout: 10_000 });
        await wb.page.waitForTimeout(800);
        const tabs = await wb.page.locator('.terminal-tabs-entry, .single-terminal-tab, .panel .composite.title').allInnerTexts();
        // Named after the runbook (no incident is active), readable where the tabs cut it.
        assert.ok(tabs.join(' ').includes('Checkout latency'), `the runbook's terminal is open: ${tabs.join(' | ')}`);
        await wb.screenshot('run-codelens-terminal-after-run');

        // The dangerous block: the real modal shows the exact command; Cancel runs nothing.
        await lens(wb, 'Run').nth(1).click();
        const dialog = wb.page.locator('.monaco-dialog-box');
        await dialog.waitFor({ state: 'visible', timeout: 15_000 });
        const shown = await dialog.innerText();
        assert.ok(shown.includes(`rm -rf '${victim}'`), `the modal shows the exact command: ${shown}`);
        assert.match(shown, /deletes files and folders recursively/i);
        await wb.screenshot('run-danger-modal');
        await dialog.locator('.monaco-button', { hasText: 'Cancel' }).click();
        await wb.page.waitForTimeout(1500);
        assert.ok(existsSync(victim), 'declining the modal ran nothing');

        // Run, confirmed.
        await lens(wb, 'Run').nth(1).click();
        await dialog.waitFor({ state: 'visible', timeout: 15_000 });
        await dialog.locator('.monaco-button', { hasText: /^Run$/ }).click();
        await wb.page.locator('.monaco-editor .codelens-decoration', { hasText: /last run just now, exit 0/ }).first().waitFor({ timeout: 30_000 });
        assert.equal(existsSync(victim), false, 'confirmed, the command ran');

        // A placeholder: the input box, then the value lands quoted and intact.
        await lens(wb, 'Run').nth(2).click();
        const input = wb.page.locator('.quick-input-widget input');
        await input.waitFor({ state: 'visible', timeout: 15_000 });
        const value = `payments "eu" $(id) 'x'`;
        await input.fill(value);
        await wb.page.waitForTimeout(300);
        await wb.screenshot('run-placeholder-prompt');
        await wb.page.keyboard.press('Enter');
        await wb.page.locator('.monaco-editor .codelens-decoration', { hasText: /last run just now, exit 0/ }).nth(1).waitFor({ timeout: 30_000 });
        assert.equal(readFileSync(out, 'utf8'), `namespace is ${value}\n`);
        await wb.screenshot('run-after-placeholder');
      } finally {
        await wb.close();
      }
    },
  },
];
