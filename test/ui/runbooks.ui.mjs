// The Runbooks view in the real workbench: areas, runbooks with severity and owner, a runbook
// expanded to its sections and code blocks, the inline actions on a block; and an alert link
// (`<scheme>://oncall-runbooks.oncall-runbooks/alert?name=…`) opened through the workbench.
import assert from 'node:assert/strict';
import { openWorkbench } from '../harness/workbench.mjs';

const EXTENSION_ID = 'oncall-runbooks.oncall-runbooks';

/** Rows of the Runbooks view. */
function rows(wb) {
  return wb.page.locator('.pane:has(.pane-header[aria-label^="Runbooks"]) .monaco-list-row');
}

/**
 * Expands a row. A runbook first shows from the quick pass (no sections yet, so nothing to
 * expand); it becomes expandable when the full model arrives: keep trying until it is open.
 */
async function expand(wb, label) {
  const row = rows(wb).filter({ hasText: label }).first();
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  const deadline = Date.now() + 30_000;
  while ((await row.getAttribute('aria-expanded')) !== 'true') {
    if (Date.now() > deadline) throw new Error(`could not expand ${label}`);
    if ((await row.getAttribute('aria-expanded')) === 'false') await row.locator('.monaco-tl-twistie').click();
    await wb.page.waitForTimeout(400);
  }
  return row;
}

export const checks = [
  {
    name: 'runbooks tree: areas, runbooks, sections and code blocks, expanded',
    async run() {
      const wb = await openWorkbench({ viewport: { width: 1400, height: 1000 } });
      try {
        await wb.openOnCall();
        // A wider sidebar, so descriptions (severity · owner) are readable in the screenshot.
        const sash = wb.page.locator('.part.sidebar + .monaco-sash, .monaco-sash.vertical').first();
        const box = await wb.page.locator('.part.sidebar').boundingBox();
        if (box) {
          await wb.page.mouse.move(box.x + box.width - 1, box.y + 300);
          await wb.page.mouse.down();
          await wb.page.mouse.move(box.x + 560, box.y + 300, { steps: 8 });
          await wb.page.mouse.up();
        }
        void sash;
        // Give the Runbooks pane most of the sidebar.
        const incidents = wb.page.locator('.pane-header[aria-label^="Incidents"]');
        if ((await incidents.getAttribute('aria-expanded')) === 'true') await incidents.click();
        await rows(wb).filter({ hasText: 'database' }).first().waitFor({ timeout: 60_000 });
        const areas = await rows(wb).allInnerTexts();
        for (const area of ['api-gateway', 'database', 'infrastructure', 'queue', 'security']) {
          assert.ok(areas.some((t) => t.includes(area)), `area ${area} shown`);
        }
        await expand(wb, 'database');
        const runbook = await expand(wb, 'Database connection pool exhausted');
        assert.match(await runbook.innerText(), /SEV2/);
        await expand(wb, 'Diagnosis');
        await wb.page.waitForTimeout(600);
        const texts = await rows(wb).allInnerTexts();
        assert.ok(texts.some((t) => /README/.test(t)), 'the area README is shown');
        // Hover a code block so its inline actions (run, copy, open) show.
        const block = rows(wb).filter({ has: wb.page.locator('.codicon-terminal') }).first();
        await block.hover();
        await wb.page.waitForTimeout(500);
        assert.ok((await block.locator('.action-label').count()) >= 2, 'inline actions on a runnable block');
        await wb.screenshot('runbooks-tree-expanded');

        // The tooltip of a runbook: metadata as text.
        await runbook.hover();
        await wb.page.waitForTimeout(1500);
        await wb.screenshot('runbooks-tree-tooltip');
      } finally {
        await wb.close();
      }
    },
  },
  {
    name: 'an alert link opens its runbook through the workbench',
    async run() {
      const wb = await openWorkbench();
      try {
        await wb.openOnCall();
        await rows(wb).filter({ hasText: 'database' }).first().waitFor({ timeout: 60_000 });
        await wb.runCommand('Developer: Open URL');
        const input = wb.page.locator('.quick-input-widget input');
        await input.waitFor({ state: 'visible' });
        await input.fill(`code-oss://${EXTENSION_ID}/alert?name=pgbouncerpoolexhausted`);
        await wb.page.keyboard.press('Enter');
        // The workbench asks once before handing a link to an extension.
        const allow = wb.page.locator('.monaco-dialog-box .monaco-button', { hasText: /^Open$|^Allow$|^Yes$/ }).first();
        if (await allow.isVisible({ timeout: 5000 }).catch(() => false)) await allow.click();
        const tab = wb.page.locator('.tabs-container .tab', { hasText: 'connection-pool-exhausted.md' });
        await tab.waitFor({ state: 'visible', timeout: 30_000 });
        await wb.screenshot('runbooks-alert-uri');
      } finally {
        await wb.close();
      }
    },
  },
];
