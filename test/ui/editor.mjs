// Helpers for UI checks that work in an editor: open a file, find CodeLens links.

/** Opens a file by its absolute path through Quick Open. */
export async function openFile(wb, file) {
  await wb.page.locator('.monaco-workbench').click({ position: { x: 700, y: 450 } });
  await wb.page.keyboard.press('Control+P');
  const input = wb.page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible' });
  await input.fill(file);
  await wb.page.locator('.quick-input-list .monaco-list-row').first().waitFor({ timeout: 20_000 });
  await wb.page.keyboard.press('Enter');
  await wb.page.waitForSelector('.monaco-editor .view-lines', { timeout: 20_000 });
}

/** The CodeLens links with this exact text, in document order. */
export function lens(wb, text) {
  return wb.page.locator('.monaco-editor .codelens-decoration a').filter({ hasText: new RegExp(`^\\s*${text}\\s*$`) });
}
