// Running code blocks in the real workbench: the CodeLens above each block, a run that ends in
// the On-Call terminal with its exit code shown in the lens, the danger confirmation (Enter
// runs nothing; the kube context of a fake kubeconfig is shown; running takes typing the
// target's name), a dangerous block's placeholder prompt that says so, and the placeholder
// input box.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeWorkspace, tempDir } from '../harness/codeServer.mjs';
import { openWorkbench } from '../harness/workbench.mjs';
import { lens, openFile } from './editor.mjs';

const KUBE_CONTEXT = 'ui-prod-eu';

/** A kubeconfig of our own, pointed at by KUBECONFIG in the terminal's environment. */
function writeKubeconfig(dir) {
  const file = join(dir, 'kubeconfig.yaml');
  writeFileSync(file, [
    'apiVersion: v1', 'kind: Config', `current-context: ${KUBE_CONTEXT}`,
    // Port 1 refuses at once: a kubectl that runs fails fast, and the `||` leaves a trace.
    'clusters:', '  - name: eu-west-1', '    cluster: { server: "https://127.0.0.1:1" }',
    'contexts:', `  - name: ${KUBE_CONTEXT}`, '    context: { cluster: eu-west-1, namespace: payments, user: oncall }',
    'users:', '  - name: oncall', '    user: { token: not-a-real-token }', '',
  ].join('\n'));
  return file;
}

function writeRunbook(workspace, scratch) {
  const victim = join(scratch, 'ui-victim');
  mkdirSync(victim, { recursive: true });
  const out = join(scratch, 'ui-namespace.txt');
  const ran = join(scratch, 'kubectl-ran');
  const ranWithValues = join(scratch, 'kubectl-values-ran');
  const md = [
    '---', 'title: Checkout latency', 'owner: team-payments', 'severity: SEV2', '---', '',
    '# Checkout latency', '', '## Diagnosis', '',
    'Check the service answers, then look at the second step.', '',
    '```bash', 'echo "checking the checkout service…"', "sh -c 'echo step two fails; exit 1'", 'echo never printed', '```', '',
    '## Mitigation', '',
    '```bash', `rm -rf '${victim}'`, '```', '',
    '```bash', `echo "namespace is <namespace>" | tee '${out}'`, '```', '',
    '```sql', 'SELECT count(*) FROM orders WHERE status = \'stuck\';', '```', '',
    'Restart the stuck pod (the test cluster does not answer: the `||` leaves a trace when the line runs).', '',
    '```bash', `kubectl delete pod checkout-api-7d9f8b6c5d-x2k4q --force --grace-period=0 || touch '${ran}'`, '```', '',
    '```bash', `kubectl -n <namespace> delete pod <pod> || touch '${ranWithValues}'`, '```', '',
  ].join('\n');
  mkdirSync(join(workspace, 'payments'), { recursive: true });
  const file = join(workspace, 'payments', 'checkout-latency.md');
  writeFileSync(file, md);
  return { victim, out, ran, ranWithValues, file };
}

/** Lines of the dialog's detail text that the browser had to wrap (shown on more than one line). */
async function wrappedDetailLines(page) {
  return page.evaluate(() => {
    const el = document.querySelector('.monaco-dialog-box .dialog-message-detail');
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    const wrapped = [];
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      let start = 0;
      for (const line of node.data.split('\n')) {
        if (line.trim()) {
          const range = document.createRange();
          range.setStart(node, start);
          range.setEnd(node, start + line.length);
          const tops = new Set([...range.getClientRects()].map((r) => Math.round(r.top)));
          if (tops.size > 1) wrapped.push(line);
        }
        start += line.length + 1;
      }
    }
    return wrapped;
  });
}

export const checks = [
  {
    name: 'run: CodeLens, terminal with the exit code, danger dialog (Enter runs nothing, kube target shown, typed name), placeholder prompts',
    async run() {
      const workspace = makeWorkspace();
      const scratch = tempDir('ui-run');
      const kubeconfig = writeKubeconfig(scratch);
      const { victim, out, ran, ranWithValues, file } = writeRunbook(workspace, scratch);
      const wb = await openWorkbench({ workspace, viewport: { width: 1400, height: 1500 }, settings: { 'terminal.integrated.env.linux': { KUBECONFIG: kubeconfig } } });
      const { page } = wb;
      const dialog = page.locator('.monaco-dialog-box');
      const quickInput = page.locator('.quick-input-widget');
      try {
        await openFile(wb, file);
        await lens(wb, 'Run').first().waitFor({ timeout: 30_000 });
        // Copy only for the SQL block: five Run lenses for six blocks.
        assert.equal(await lens(wb, 'Run').count(), 5);
        assert.equal(await lens(wb, 'Copy').count(), 6);
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

        // The kubectl block: the dialog names the kube context of our kubeconfig; Enter runs nothing.
        await lens(wb, 'Run').nth(3).click();
        await dialog.waitFor({ state: 'visible', timeout: 15_000 });
        const shown = await dialog.innerText();
        assert.match(shown, new RegExp(`Target: Kubernetes context ${KUBE_CONTEXT} \\(cluster eu-west-1\\), namespace payments`), shown);
        assert.match(shown, /Deletes Kubernetes resources \(kubectl-delete\)/);
        assert.ok(shown.includes('--grace-period=0'), 'the option is shown whole');
        await wb.screenshot('run-danger-dialog-kube-target');
        // The command is the detail's second paragraph: none of its lines is wrapped by the dialog.
        const detail = await page.locator('.monaco-dialog-box .dialog-message-detail').innerText();
        const commandLines = detail.split('\n\n')[1].split('\n');
        assert.ok(commandLines.some((l) => l.startsWith('kubectl delete pod')), detail);
        const wrapped = await wrappedDetailLines(page);
        assert.deepEqual(wrapped.filter((l) => commandLines.includes(l)), [], `no line of the command is wrapped by the dialog: ${commandLines.join(' / ')}`);
        await page.keyboard.press('Enter');
        await dialog.waitFor({ state: 'hidden', timeout: 10_000 });
        await page.waitForTimeout(2500);
        assert.equal(await quickInput.isVisible(), false, 'Enter did not lead on to the typed confirmation');
        assert.equal(existsSync(ran), false, 'Enter on the danger dialog ran nothing');
        await wb.screenshot('run-danger-enter-ran-nothing');

        // Run… then the typed name: Enter on an empty or wrong name runs nothing; the name runs it.
        await lens(wb, 'Run').nth(3).click();
        await dialog.waitFor({ state: 'visible', timeout: 15_000 });
        await dialog.locator('.monaco-button', { hasText: 'Run…' }).click();
        await quickInput.waitFor({ state: 'visible', timeout: 10_000 });
        assert.match(await quickInput.innerText(), new RegExp(`Type “${KUBE_CONTEXT}” to run`));
        await page.keyboard.press('Enter');
        await page.waitForTimeout(800);
        assert.ok(await quickInput.isVisible(), 'an empty name is not accepted');
        await page.locator('.quick-input-widget input').fill('ui-prod');
        await page.waitForTimeout(800);
        await page.keyboard.press('Enter');
        await page.waitForTimeout(800);
        assert.ok(await quickInput.isVisible(), 'a wrong name is not accepted');
        assert.match(await quickInput.innerText(), new RegExp(`Type ${KUBE_CONTEXT} exactly`));
        await wb.screenshot('run-danger-type-target');
        assert.equal(existsSync(ran), false);
        await page.locator('.quick-input-widget input').fill(KUBE_CONTEXT);
        // The input box validates each change before it accepts Enter: give it that moment.
        await page.waitForTimeout(800);
        await page.keyboard.press('Enter');
        for (let k = 0; k < 60 && !existsSync(ran); k++) await page.waitForTimeout(500);
        assert.ok(existsSync(ran), 'typing the target name ran the command');

        // The rm block: no target, so the word is `run`; Cancel runs nothing.
        await lens(wb, 'Run').nth(1).click();
        await dialog.waitFor({ state: 'visible', timeout: 15_000 });
        const rmShown = await dialog.innerText();
        assert.ok(rmShown.includes(`rm -rf '${victim}'`), `the dialog shows the exact command: ${rmShown}`);
        assert.match(rmShown, /Target: this machine/);
        await wb.screenshot('run-danger-modal');
        await dialog.locator('.monaco-button', { hasText: /^Cancel$/ }).click();
        await page.waitForTimeout(1500);
        assert.ok(existsSync(victim), 'Cancel ran nothing');
        await lens(wb, 'Run').nth(1).click();
        await dialog.waitFor({ state: 'visible', timeout: 15_000 });
        await dialog.locator('.monaco-button', { hasText: 'Run…' }).click();
        await quickInput.waitFor({ state: 'visible', timeout: 10_000 });
        await page.locator('.quick-input-widget input').fill('run');
        await page.waitForTimeout(800);
        await page.keyboard.press('Enter');
        for (let k = 0; k < 60 && existsSync(victim); k++) await page.waitForTimeout(500);
        assert.equal(existsSync(victim), false, 'confirmed, the command ran');

        // A dangerous block with placeholders: the prompts say so before any value is asked.
        await lens(wb, 'Run').nth(4).click();
        await quickInput.waitFor({ state: 'visible', timeout: 15_000 });
        const prompt = await quickInput.innerText();
        assert.match(prompt, /⚠ Run: Checkout latency \(1\/2\)/);
        assert.match(prompt, /Dangerous block — Deletes Kubernetes resources \(kubectl-delete\)\. You will confirm before it runs\./);
        await wb.screenshot('run-danger-placeholder-notice');
        await page.keyboard.press('Escape');
        await page.waitForTimeout(800);
        assert.equal(existsSync(ranWithValues), false);

        // A placeholder: the input box, then the value lands quoted and intact.
        await lens(wb, 'Run').nth(2).click();
        const input = page.locator('.quick-input-widget input');
        await input.waitFor({ state: 'visible', timeout: 15_000 });
        const value = `payments "eu" $(id) 'x'`;
        await input.fill(value);
        await page.waitForTimeout(300);
        await wb.screenshot('run-placeholder-prompt');
        await page.keyboard.press('Enter');
        for (let k = 0; k < 60 && !existsSync(out); k++) await page.waitForTimeout(500);
        assert.equal(readFileSync(out, 'utf8'), `namespace is ${value}\n`);
        await wb.screenshot('run-after-placeholder');
      } finally {
        await wb.close();
      }
    },
  },
];
