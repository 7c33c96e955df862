// UI checks against the real workbench: code-server + headless Chromium (playwright-core).
// openWorkbench() gives a page with the extension under development (or an installed .vsix)
// loaded on a copy of the sample runbooks; screenshot() writes to test-output/screenshots/.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { launchBrowser, makeWorkspace, projectDir, startCodeServer, workbenchUrl } from './codeServer.mjs';

export const screenshotDir = join(projectDir, 'test-output', 'screenshots');

/**
 * @param {{ theme?: 'dark' | 'light', settings?: object, workspace?: string, restricted?: boolean,
 *           extensionsDir?: string, useDevelopmentExtension?: boolean, viewport?: {width:number,height:number},
 *           colorTheme?: string, env?: Record<string, string> }} options
 */
export async function openWorkbench(options = {}) {
  const {
    theme = 'dark',
    settings = {},
    restricted = false,
    extensionsDir,
    useDevelopmentExtension = true,
    viewport = { width: 1400, height: 900 },
    colorTheme,
    env = {},
  } = options;
  const workspace = options.workspace ?? makeWorkspace();
  const server = await startCodeServer({
    workspace,
    restricted,
    extensionsDir,
    // `theme` ('dark' or 'light') follows the browser's colour scheme, which the page below
    // emulates: the workbench picks its default dark or light theme. `colorTheme` (a theme's
    // name, e.g. 'Default High Contrast') turns the detection off and asks for that theme: the
    // high-contrast checks get a real high-contrast theme that way (not the browser's forced
    // colours, which repaint the webview too). Themes apply only because workbenchUrl() keeps
    // the development folder apart from code-server's own installation (see there).
    settings: { ...(colorTheme ? { 'window.autoDetectColorScheme': false, 'workbench.colorTheme': colorTheme } : { 'window.autoDetectColorScheme': true }), ...settings },
    env,
  });
  const browser = await launchBrowser();
  const page = await browser.newPage({ viewport, colorScheme: theme === 'light' ? 'light' : 'dark' });
  const pageErrors = [];
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(
    workbenchUrl(server, { folder: workspace, extensionDevelopmentPath: useDevelopmentExtension ? projectDir : undefined }),
  );
  await page.waitForSelector('.monaco-workbench', { timeout: 60_000 });
  // Let the extension host start and the first views render.
  await page.waitForSelector('.activitybar', { timeout: 60_000 });
  await page.waitForTimeout(2500);
  mkdirSync(screenshotDir, { recursive: true });
  const wb = {
    page,
    server,
    workspace,
    pageErrors,
    /** Saves a PNG and returns its path. */
    async screenshot(name) {
      const path = join(screenshotDir, `${name}.png`);
      await page.screenshot({ path });
      return path;
    },
    /** Runs a command from the command palette by its title. */
    async runCommand(title) {
      await page.locator('.monaco-workbench').click({ position: { x: 700, y: 450 } });
      await page.keyboard.press('Control+Shift+P');
      const input = page.locator('.quick-input-widget input');
      await input.waitFor({ state: 'visible' });
      await input.fill(`>${title}`);
      await page.waitForTimeout(500);
      // On a busy machine the list filters late: Enter only once the command is the chosen row.
      await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: title }).first().waitFor({ state: 'visible', timeout: 30_000 }).catch(() => undefined);
      await page.keyboard.press('Enter');
    },
    /** Opens the On-Call container in the activity bar. */
    async openOnCall() {
      await page.locator('.activitybar [aria-label^="On-Call"]').first().click();
      await page.waitForSelector('.pane-header[aria-label^="Runbooks"], .pane-header >> text=Runbooks', { timeout: 20_000 });
      await page.waitForTimeout(800);
    },
    /**
     * Opens another window of the same editor (same server, same user) on another folder:
     * a second browser page, with its own extension host.
     */
    async openWindow(folder) {
      const other = await browser.newPage({ viewport, colorScheme: theme === 'light' ? 'light' : 'dark' });
      other.on('pageerror', (e) => pageErrors.push(e.message));
      await other.goto(workbenchUrl(server, { folder, extensionDevelopmentPath: useDevelopmentExtension ? projectDir : undefined }));
      await other.waitForSelector('.monaco-workbench', { timeout: 60_000 });
      await other.waitForSelector('.activitybar', { timeout: 60_000 });
      await other.waitForTimeout(2500);
      return other;
    },
    async close() {
      await browser.close().catch(() => {});
      await server.stop();
    },
  };
  return wb;
}
