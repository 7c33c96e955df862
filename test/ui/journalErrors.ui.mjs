// A journal folder that cannot be read, in the real workbench: the engineer sees an error
// notification that says which folder and why (here a symbolic link loop, ELOOP), not an empty
// incident list without a word; the log has the same line. Screenshot:
// test-output/screenshots/journal-errors-1-unreadable-folder.png.
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { makeWorkspace } from '../harness/codeServer.mjs';
import { openWorkbench } from '../harness/workbench.mjs';

export const checks = [
  {
    name: 'an unreadable journal folder is an error notification, not an empty list',
    async run() {
      const ws = makeWorkspace();
      // The journal lives in the workspace folder; its folder is a link to itself.
      mkdirSync(join(ws, '.oncall'), { recursive: true });
      const journal = join(ws, '.oncall', 'incidents');
      symlinkSync(journal, journal);
      const wb = await openWorkbench({ workspace: ws, settings: { 'oncall.incidents.journalLocation': 'workspaceFolder' } });
      try {
        await wb.openOnCall();
        const toast = wb.page.locator('.notification-toast', { hasText: 'incident journal could not be read' });
        await toast.waitFor({ state: 'visible', timeout: 30_000 });
        const text = await toast.innerText();
        assert.match(text, /\.oncall\/incidents/);
        assert.match(text, /too many symbolic links .*ELOOP/);
        assert.doesNotMatch(text, /does not exist|no such/i);
        const view = wb.page.locator('.pane-body', { hasText: 'could not be read, so no incidents are listed' });
        await view.waitFor({ state: 'visible', timeout: 20_000 });
        assert.equal(await wb.page.locator('.pane-body', { hasText: 'No incidents yet' }).count(), 0);
        await wb.screenshot('journal-errors-1-unreadable-folder');

        // "Show Log" opens the extension's log with the same problem in it.
        await toast.locator('.monaco-button', { hasText: 'Show Log' }).click();
        const output = wb.page.locator('.part.panel .monaco-editor .view-lines');
        await output.waitFor({ state: 'visible', timeout: 20_000 });
        await wb.page.waitForFunction(() => /ELOOP/.test(document.querySelector('.part.panel .monaco-editor .view-lines')?.textContent ?? ''), null, { timeout: 20_000 });
        await wb.screenshot('journal-errors-2-log');
        assert.deepEqual(wb.pageErrors, []);
      } finally {
        await wb.close();
      }
    },
  },
];
