// Inputs however a runbook writes them, in the real workbench: `<a|b>` alternatives are offered
// as a pick list whose placeholder is the runbook's own explanation; the value picked runs, and
// is offered first the next time; a `$VARIABLE` the runbook never sets is asked with its
// explanation and may be left empty (the terminal's own value is used).
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeWorkspace } from '../harness/codeServer.mjs';
import { openWorkbench } from '../harness/workbench.mjs';
import { lens, openFile } from './editor.mjs';

function writeRunbook(workspace) {
  const cellOut = join(workspace, '..', 'ui-cell.txt');
  const nsOut = join(workspace, '..', 'ui-ns.txt');
  const md = [
    '# Cell queue backlog', '',
    '## Diagnosis', '',
    'Pick the cell the page came from: cellsdev for staging, cellsprod for production.', '',
    '```bash', `echo "cell is <cellsdev|cellsprod>" | tee '${cellOut}'`, '```', '',
    '- `ONCALL_UI_NAMESPACE` is the namespace of the consumer that fell behind.', '',
    '```bash', `echo "namespace is [$ONCALL_UI_NAMESPACE]" | tee '${nsOut}'`, '```', '',
  ].join('\n');
  mkdirSync(join(workspace, 'queue'), { recursive: true });
  const file = join(workspace, 'queue', 'cell-queue-backlog.md');
  writeFileSync(file, md);
  return { cellOut, nsOut, file };
}

/** The labels of the rows the open quick pick shows. */
async function pickRows(wb) {
  const rows = wb.page.locator('.quick-input-widget .quick-input-list .monaco-list-row');
  await rows.first().waitFor({ timeout: 15_000 });
  return rows.allInnerTexts();
}

export const checks = [
  {
    name: 'inputs: <a|b> as a pick list with the runbook\'s explanation, remembered; a $VARIABLE left empty',
    async run() {
      const workspace = makeWorkspace();
      const { cellOut, nsOut, file } = writeRunbook(workspace);
      const wb = await openWorkbench({ workspace, viewport: { width: 1400, height: 1000 } });
      try {
        await openFile(wb, file);
        await lens(wb, 'Run').first().waitFor({ timeout: 30_000 });

        // The alternatives, as a pick list; the runbook's sentence about them as its placeholder.
        await lens(wb, 'Run').first().click();
        const rows = await pickRows(wb);
        assert.deepEqual(rows.map((r) => r.split('\n')[0].trim()), ['cellsdev', 'cellsprod'], `the pick list: ${rows.join(' | ')}`);
        const input = wb.page.locator('.quick-input-widget input');
        const placeholder = await input.getAttribute('placeholder');
        assert.match(placeholder ?? '', /Pick the cell the page came from/, `the explanation: ${placeholder}`);
        const title = await wb.page.locator('.quick-input-widget .quick-input-title').innerText();
        assert.match(title, /<cellsdev\|cellsprod>/);
        await wb.screenshot('inputs-pick-list');
        await wb.page.locator('.quick-input-widget .monaco-list-row', { hasText: 'cellsprod' }).click();
        await wb.page.locator('.monaco-editor .codelens-decoration', { hasText: /last run just now, exit 0/ }).first().waitFor({ timeout: 30_000 });
        assert.equal(readFileSync(cellOut, 'utf8'), 'cell is cellsprod\n');

        // Run again: the value picked last is offered first, and says so.
        await lens(wb, 'Run').first().click();
        const again = await pickRows(wb);
        assert.match(again[0] ?? '', /cellsprod[\s\S]*used last in this incident/, `remembered first: ${again.join(' | ')}`);
        await wb.screenshot('inputs-pick-list-remembered');
        await wb.page.keyboard.press('Escape');

        // A variable the runbook never sets: asked with its explanation; empty keeps the terminal's value.
        await lens(wb, 'Run').nth(1).click();
        const box = wb.page.locator('.quick-input-widget input');
        await box.waitFor({ state: 'visible', timeout: 15_000 });
        const message = await wb.page.locator('.quick-input-widget .quick-input-message').innerText();
        assert.match(message, /namespace of the consumer that fell behind/, `the explanation: ${message}`);
        assert.match(message, /leave empty to use the terminal's own \$ONCALL_UI_NAMESPACE/);
        await wb.screenshot('inputs-variable-prompt');
        await wb.page.keyboard.press('Enter');
        await wb.page.locator('.monaco-editor .codelens-decoration', { hasText: /last run just now, exit 0/ }).nth(1).waitFor({ timeout: 30_000 });
        assert.equal(readFileSync(nsOut, 'utf8'), 'namespace is []\n', 'left empty: the terminal has no value, the command ran as written');
      } finally {
        await wb.close();
      }
    },
  },
];
