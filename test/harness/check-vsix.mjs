#!/usr/bin/env node
// The shipped artifact works: packages the .vsix (npm run package), installs it into a fresh
// extensions folder with code-server's --install-extension, opens the sample runbooks WITHOUT
// the development extension, and runs test/vsix/index.ts inside that editor.
// Usage: node test/harness/check-vsix.mjs [--no-package]
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureRealVsCode, installVsix, launchBrowser, makeWorkspace, projectDir, startCodeServer, tempDir, workbenchUrl } from './codeServer.mjs';

const vsix = join(projectDir, 'dist-vsix', 'oncall-runbooks.vsix');
ensureRealVsCode();
if (!process.argv.includes('--no-package')) {
  execFileSync('npm', ['run', '--silent', 'package'], { cwd: projectDir, stdio: ['ignore', 'ignore', 'inherit'] });
}
execFileSync(process.execPath, ['esbuild.mjs', '--tests'], { cwd: projectDir, stdio: 'inherit' });
console.log(`  .vsix: ${(statSync(vsix).size / 1024).toFixed(0)} KiB`);

const extensionsDir = tempDir('vsix-ext');
installVsix(vsix, extensionsDir);
const resultsFile = join(tempDir('vsix-results'), 'results.json');
// The workbench runs extension tests only for a development extension: give it an empty one,
// so that the extension under test is the installed .vsix and nothing from this folder.
const driver = tempDir('vsix-driver');
writeFileSync(join(driver, 'package.json'), JSON.stringify({ name: 'vsix-check-driver', publisher: 'test', version: '0.0.0', engines: { vscode: '*' } }));
const workspace = makeWorkspace();
const server = await startCodeServer({
  workspace,
  extensionsDir,
  env: { ONCALL_TEST_RESULTS: resultsFile, ONCALL_VSIX_EXTENSIONS_DIR: extensionsDir },
});
const browser = await launchBrowser();
let exit;
try {
  const page = await browser.newPage();
  const exited = new Promise((res) => void page.exposeFunction('codeAutomationExit', (code) => res(code)));
  await page.exposeFunction('codeAutomationLog', () => {});
  await page.goto(workbenchUrl(server, { folder: workspace, extensionDevelopmentPath: driver, extensionTestsPath: join(projectDir, 'dist-test/vsix/index.js') }));
  exit = await Promise.race([exited, new Promise((res) => setTimeout(() => res('timeout'), 180_000))]);
} finally {
  await browser.close().catch(() => {});
  await server.stop();
}
let passed = 0;
let failed = 0;
if (existsSync(resultsFile)) {
  const summary = JSON.parse(readFileSync(resultsFile, 'utf8'));
  for (const t of summary.tests) {
    console.log(`  ${t.state === 'passed' ? '✓' : '✗'} ${t.title}`);
    if (t.error) console.log(`      ${t.error.split('\n').slice(0, 4).join('\n      ')}`);
  }
  passed = summary.passed;
  failed = summary.failed;
} else {
  console.log(`  ✗ the installed extension's checks did not report (exit ${exit})`);
  failed = 1;
}
console.log(`vsix: ${passed} passed, ${failed} failed`);
// Exit explicitly: terminals and language servers started by the editor can outlive it and
// keep pipes open.
process.exit(failed > 0 || passed === 0 ? 1 : 0);
