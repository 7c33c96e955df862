// The On-Call container is in the activity bar and opens with its views.
import assert from 'node:assert/strict';
import { openWorkbench } from '../harness/workbench.mjs';

export const checks = [
  {
    name: 'the On-Call container opens from the activity bar with the Runbooks and Incidents views',
    async run() {
      const wb = await openWorkbench();
      try {
        const item = wb.page.locator('.activitybar [aria-label^="On-Call"]').first();
        // The icon comes with the extension host; on a busy machine that takes a while.
        await item.waitFor({ state: 'visible', timeout: 60_000 }).catch(() => undefined);
        assert.equal(await item.count(), 1, 'the On-Call icon is in the activity bar');
        await wb.openOnCall();
        const headers = await wb.page.locator('.sidebar .pane-header').allInnerTexts();
        const text = headers.join(' | ').toUpperCase();
        assert.match(text, /RUNBOOKS/);
        assert.match(text, /INCIDENTS/);
        await wb.screenshot('foundation-oncall-container');
      } finally {
        await wb.close();
      }
    },
  },
];
