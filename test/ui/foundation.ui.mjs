// The On-Call container is in the activity bar and opens with its views.
import assert from 'node:assert/strict';
import { openWorkbench } from '../harness/workbench.mjs';

export const checks = [
  {
    name: 'the On-Call container opens from the activity bar with the Runbooks and Incidents views',
    async run() {
      const wb = await openWorkbench();
      try {
        const item = wb.page.locator('.activitybar [aria-label^="On-Call"]');
        // The container appears once the extension host has started: on a busy machine that is
        // later than the workbench itself. Waiting (with a deadline) keeps the check from failing
        // on timing while it still fails when the icon never comes.
        await item.first().waitFor({ state: 'visible', timeout: 60_000 }).catch(() => {});
        assert.ok(await item.first().isVisible(), 'the On-Call icon is in the activity bar');
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
