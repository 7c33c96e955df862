// Helpers for the UI checks of the incident timeline: finding its webview frame, answering the
// quick inputs of Declare Incident, and scanning the page with axe-core.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** The webview frame that holds the timeline page. */
export async function timelineFrame(page, timeoutMs = 30_000, skip = () => false) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    for (const f of page.frames()) {
      try {
        if ((await f.$('#note-input')) && !(await skip(f))) return f;
      } catch {
        // a frame that navigated away meanwhile
      }
    }
    await page.waitForTimeout(200);
  }
  throw new Error('the timeline webview did not appear');
}

/** Types into the open quick input and accepts (keyboard only); `step` waits for that title first. */
export async function answerQuickInput(page, text, step) {
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 90_000 });
  if (step) await page.locator('.quick-input-widget .quick-input-title', { hasText: step }).waitFor({ state: 'visible', timeout: 60_000 });
  await input.fill(text);
  await page.waitForTimeout(400);
  await page.keyboard.press('Enter');
  await page.waitForTimeout(300);
}

/** Declare Incident from the palette, every answer typed. */
export async function declareFromPalette(wb, { title, severity, commander = 'Ana', impact = 'Card payments fail for some users' }) {
  await wb.runCommand('On-Call: Declare Incident');
  // Each step by its title: the first command may wait for the extension to start (busy machine).
  await answerQuickInput(wb.page, title, 'Declare Incident (1/4)');
  await answerQuickInput(wb.page, severity, 'Declare Incident (2/4)');
  await answerQuickInput(wb.page, commander, 'Declare Incident (3/4)');
  await answerQuickInput(wb.page, impact, 'Declare Incident (4/4)');
}

/** Waits until the page has rendered `n` events of a type (or any type). */
export async function waitForEvents(frame, n, type) {
  await frame.waitForFunction(([count, t]) => document.querySelectorAll(t ? `#events li.type-${t}` : '#events li.event').length >= count, [n, type], { timeout: 30_000 });
}

/** The id of the focused element inside the page ('' for the body). */
export function focusedId(frame) {
  return frame.evaluate(() => {
    const a = document.activeElement;
    if (!a || a === document.body) return '';
    return a.id || (a.dataset && a.dataset.id ? `event:${a.dataset.id}` : a.tagName.toLowerCase());
  });
}

const require = createRequire(import.meta.url);
let axeSource;

/**
 * Runs axe-core inside the timeline page and returns its violations, each with its impact, rule
 * and the elements. The script is evaluated through the debugging protocol, so the page's
 * Content Security Policy stays as it is (and any violation would still be counted).
 */
export async function axeScan(frame) {
  axeSource ??= readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
  if (!(await frame.evaluate(() => typeof window.axe === 'object'))) await frame.evaluate(axeSource);
  return frame.evaluate(async () => {
    const result = await window.axe.run(document);
    return {
      passes: result.passes.length,
      /** Rules axe could not decide (with how many elements), e.g. contrast over an image. */
      incomplete: result.incomplete.map((v) => `${v.id} ×${v.nodes.length}`),
      contrastChecked: result.passes.find((p) => p.id === 'color-contrast')?.nodes.length ?? 0,
      violations: result.violations.map((v) => ({
        id: v.id,
        impact: v.impact,
        help: v.help,
        nodes: v.nodes.slice(0, 5).map((n) => `${n.target.join(' ')}: ${n.failureSummary?.split('\n').slice(0, 3).join(' ')}`),
        count: v.nodes.length,
      })),
    };
  });
}

/**
 * User text as the panel shows it: direction overrides and isolates (U+202A–U+202E,
 * U+2066–U+2069) written out as code points, so they cannot reorder the rest of a line.
 */
export function asShown(text) {
  return text.replace(/[\u202A-\u202E\u2066-\u2069]/g, (c) => `[U+${c.charCodeAt(0).toString(16).toUpperCase()}]`);
}
