// The views at 3 a.m., in the real workbench: the alert pick says which runbook (and area)
// each alert opens, and the runbook opened is revealed in the tree; code blocks are named by
// step and heading; incident rows lead with the severity and have a context menu; the status
// bar item is not cut; the incident report opens as a read-only preview that closes without
// asking to be saved.
import assert from 'node:assert/strict';
import { openWorkbench } from '../harness/workbench.mjs';
import { declareFromPalette, timelineFrame, waitForEvents } from './lib/timeline.mjs';

const runbookRows = (page) => page.locator('.pane:has(.pane-header[aria-label^="Runbooks"]) .monaco-list-row');
const incidentRows = (page) => page.locator('.pane:has(.pane-header[aria-label^="Incidents"]) .monaco-list-row');

/** Expands a tree row, trying again until the tree has its children (a runbook is expandable once fully indexed). */
async function expand(row) {
  await row.waitFor({ state: 'visible', timeout: 30_000 });
  const deadline = Date.now() + 30_000;
  while ((await row.getAttribute('aria-expanded')) !== 'true') {
    if (Date.now() > deadline) throw new Error(`could not expand ${await row.innerText()}`);
    if ((await row.getAttribute('aria-expanded')) === 'false') await row.locator('.monaco-tl-twistie').click();
    await row.page().waitForTimeout(400);
  }
}

export const checks = [
  {
    name: 'views: the alert pick shows runbook and area, the runbook is revealed in the tree with step-named blocks; incident rows lead with severity and have a context menu; the status bar is whole; the report is a read-only preview',
    async run() {
      const wb = await openWorkbench({ colorTheme: 'Default Light Modern', viewport: { width: 1400, height: 900 } });
      try {
        const { page } = wb;
        let dialogs = 0;
        page.on('dialog', (d) => {
          dialogs++;
          void d.dismiss();
        });
        await wb.openOnCall();
        await runbookRows(page).filter({ hasText: 'queue' }).first().waitFor({ timeout: 60_000 });

        // The alert pick: each alert with the runbook it opens and its area.
        await wb.runCommand('On-Call: Open Runbook for Alert');
        const input = page.locator('.quick-input-widget input');
        await input.waitFor({ state: 'visible' });
        await input.fill('KafkaConsumerLag');
        await page.waitForTimeout(600);
        const row = page.locator('.quick-input-list .monaco-list-row').first();
        const text = await row.innerText();
        assert.match(text, /KafkaConsumerLagHigh/);
        assert.match(text, /Kafka consumer lag on carrier scan events/, 'the runbook it opens');
        assert.match(text, /queue/, 'and its area');
        await wb.screenshot('views-alert-pick');
        await page.keyboard.press('Enter');

        // The runbook opens and is selected in the Runbooks view, its area expanded.
        await page.waitForSelector('.tab.active[aria-label^="consumer-lag.md"]', { timeout: 20_000 });
        const selected = runbookRows(page).filter({ hasText: 'Kafka consumer lag on carrier scan events' }).first();
        await selected.waitFor({ state: 'visible', timeout: 20_000 });
        await page.waitForFunction(() => [...document.querySelectorAll('.monaco-list-row.selected')].some((r) => r.textContent.includes('Kafka consumer lag on carrier scan events')), undefined, { timeout: 20_000 });
        // Its code blocks: "Step n · heading", no two alike.
        await expand(selected);
        await expand(runbookRows(page).filter({ hasText: 'Diagnosis' }).first());
        await expand(runbookRows(page).filter({ hasText: 'Mitigation' }).first());
        await page.waitForFunction(() => [...document.querySelectorAll('.monaco-list-row')].filter((r) => /^Step \d+ · /.test(r.innerText)).length >= 2, undefined, { timeout: 20_000 });
        const steps = (await runbookRows(page).allInnerTexts()).filter((t) => /^Step \d+ · /.test(t)).map((t) => t.split('\n')[0]);
        assert.ok(steps.length >= 2, `step rows: ${steps.join(' | ')}`);
        assert.equal(new Set(steps).size, steps.length, 'no two blocks share a label');
        await wb.screenshot('views-runbook-revealed');

        // An incident: its row leads with the severity; right-click gives the actions.
        await declareFromPalette(wb, { title: 'Carrier scan events delayed by more than twenty minutes in every region', severity: 'SEV2' });
        const frame = await timelineFrame(page);
        await waitForEvents(frame, 1);
        const statusItem = page.locator('.statusbar-item:has-text("SEV2 Carrier scan")').first();
        await statusItem.waitFor({ state: 'visible', timeout: 15_000 });
        const statusText = await statusItem.innerText();
        assert.match(statusText, /SEV2 Carrier scan events del…\s·\supdate in \d+ (min|s)/, `the status bar item is whole: ${statusText}`);
        const clipped = await statusItem.evaluate((el) => el.scrollWidth > el.clientWidth + 1);
        assert.equal(clipped, false, 'the status bar item is not cut');
        const incident = incidentRows(page).filter({ hasText: 'Carrier scan events' }).first();
        await incident.waitFor({ state: 'visible', timeout: 15_000 });
        assert.match(await incident.innerText(), /^SEV2 Carrier scan events/);
        await incident.click({ button: 'right' });
        const menu = page.locator('.context-view .monaco-menu, .monaco-menu-container').first();
        await menu.waitFor({ state: 'visible', timeout: 10_000 });
        const items = await menu.innerText();
        for (const action of ['Open Incident Timeline', 'Set Active Incident', 'Add Note to Incident', 'Draft Status Update', 'Resolve Incident', 'Draft Post-Mortem']) {
          assert.ok(items.includes(action), `${action} in the context menu:\n${items}`);
        }
        await page.waitForTimeout(500);
        // (Separators are disabled items too.)
        assert.equal(await menu.locator('.action-item.disabled .action-label:not(.separator)').count(), 0, 'every action is enabled');
        await wb.screenshot('views-incident-context-menu');
        await page.keyboard.press('Escape');

        // The report: a preview, read-only; closing it asks nothing.
        await wb.runCommand('On-Call: Incident Report by Severity and Month');
        const tab = page.locator('.tab.active');
        await page.waitForFunction(() => /Preview/.test(document.querySelector('.tab.active')?.getAttribute('aria-label') ?? ''), undefined, { timeout: 20_000 });
        assert.doesNotMatch(await tab.getAttribute('class'), /dirty/);
        await page.waitForTimeout(2500);
        await wb.screenshot('views-report-preview');
        await page.keyboard.press('Control+W');
        await page.waitForTimeout(800);
        assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'no "save changes?" dialog');
        assert.equal(dialogs, 0);
      } finally {
        await wb.close();
      }
    },
  },
];
