#!/usr/bin/env node
// Runs the extension tests (test/integration/*.test.ts) inside a real VS Code: code-server on a
// free loopback port, the extension under development loaded from this folder, the sample
// runbooks copied into a fresh git repository as the workspace, the tests run by the
// workbench's own extension-test support. Two passes: a trusted workspace, then (for
// *.restricted.test.ts) the same folder in Restricted Mode.
//
// Usage: node test/harness/run-integration.mjs [--grep TEXT] [--no-build] [--verbose]
// Prints each test, then `integration: N passed, N failed`; exits non-zero on any failure.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  ensureRealVsCode, launchBrowser, makeWorkspace, projectDir, startCodeServer, tempDir, workbenchUrl,
} from './codeServer.mjs';

const argv = process.argv.slice(2);
const opt = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const grep = opt('--grep');
const verbose = argv.includes('--verbose');
const timeoutMs = Number(opt('--timeout') ?? 10 * 60_000);

const outDir = join(projectDir, 'test-output');
mkdirSync(outDir, { recursive: true });
// One log per filter, so runs started side by side do not write into each other's log.
const logFile = join(outDir, grep ? `integration-${grep.replace(/[^A-Za-z0-9]+/g, '_').slice(0, 40)}.log` : 'integration.log');
writeFileSync(logFile, '');
const log = (line) => {
  appendFileSync(logFile, line.endsWith('\n') ? line : `${line}\n`);
  if (verbose) process.stdout.write(line.endsWith('\n') ? line : `${line}\n`);
};

ensureRealVsCode();
if (!argv.includes('--no-build')) {
  execFileSync(process.execPath, ['esbuild.mjs', '--tests'], { cwd: projectDir, stdio: 'inherit' });
}
const testsDir = join(projectDir, 'dist-test', 'integration');
const files = readdirSync(testsDir).filter((f) => f.endsWith('.test.js'));
const modes = ['trusted'];
if (files.some((f) => f.endsWith('.restricted.test.js'))) modes.push('restricted');
// Then the restart pass (two editors in turn), when its files are there.

/** The extension host forwards console calls as (format, ...args): apply %s/%d/%o like console does. */
function formatConsoleArgs(args) {
  if (typeof args[0] !== 'string') return args.map(String).join(' ');
  let rest = args.slice(1);
  const head = args[0].replace(/%[sdifoOc]/g, (m) => (rest.length ? (m === '%c' ? (rest.shift(), '') : String(rest.shift())) : m));
  return [head, ...rest.map(String)].join(' ');
}

/**
 * Restricted Mode must start no git process at all: the editor gets a `git` first on its PATH
 * that writes each call (folder and arguments) to a log, then runs the real git. The tests
 * read the log (ONCALL_TEST_GIT_LOG) and run their own git as ONCALL_TEST_REAL_GIT.
 */
function gitRecorder() {
  const dir = tempDir('git-recorder');
  const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  const logPath = join(dir, 'calls.log');
  writeFileSync(logPath, '');
  writeFileSync(join(dir, 'git'), `#!/bin/sh\nprintf '%s\\t%s\\n' "$PWD" "$*" >> "$ONCALL_TEST_GIT_LOG"\nexec '${realGit}' "$@"\n`, { mode: 0o755 });
  // VSCODE_CLI=1: the server keeps this environment for the extension host instead of
  // replacing PATH with the one a login shell would set up.
  return { PATH: `${dir}:${process.env.PATH ?? ''}`, VSCODE_CLI: '1', ONCALL_TEST_GIT_LOG: logPath, ONCALL_TEST_REAL_GIT: realGit };
}

async function runPass(mode, { workspace = makeWorkspace(), userDataDir, settings, env = {}, watchPage } = {}) {
  const resultsFile = join(tempDir('results'), 'results.json');
  const server = await startCodeServer({
    workspace,
    userDataDir,
    settings,
    restricted: mode === 'restricted',
    env: {
      ONCALL_TEST_RESULTS: resultsFile, ONCALL_TEST_MODE: mode, ...(grep ? { ONCALL_TEST_GREP: grep } : {}),
      ...(mode === 'restricted' ? gitRecorder() : {}),
      ...env,
    },
    log: (s) => log(`[server] ${s.trimEnd()}`),
  });
  const browser = await launchBrowser();
  const started = Date.now();
  let exitCode;
  try {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    const exited = new Promise((res) => {
      void page.exposeFunction('codeAutomationExit', (code) => res(code));
    });
    await page.exposeFunction('codeAutomationLog', (type, args) => log(`[${type}] ${formatConsoleArgs(args ?? [])}`));
    page.on('pageerror', (e) => log(`[page error] ${e.message}`));
    await page.goto(
      workbenchUrl(server, {
        folder: workspace,
        extensionDevelopmentPath: projectDir,
        extensionTestsPath: join(testsDir, 'index.js'),
      }),
    );
    const watched = watchPage ? watchPage(page) : Promise.resolve();
    exitCode = await Promise.race([exited, new Promise((res) => setTimeout(() => res('timeout'), timeoutMs))]);
    const extra = await watched;
    if (extra) pageChecks.push(...extra.map((t) => ({ ...t, mode })));
  } finally {
    await browser.close().catch(() => {});
    await server.stop();
  }
  const seconds = ((Date.now() - started) / 1000).toFixed(1);
  if (!existsSync(resultsFile)) {
    console.log(`  ${mode}: no results (exit ${exitCode}) after ${seconds}s — see test-output/integration.log`);
    return { passed: 0, failed: 1, tests: [{ title: `${mode} pass did not report results`, state: 'failed' }] };
  }
  const summary = JSON.parse(readFileSync(resultsFile, 'utf8'));
  console.log(`  ${mode} workspace: ${summary.passed} passed, ${summary.failed} failed in ${seconds}s`);
  return summary;
}

/** Results of checks the runner makes on the page itself (restart pass). */
const pageChecks = [];

/**
 * The restart pass: one editor declares an incident; then a second editor starts on the same
 * user (same user-data folder) with the same folder opened through another path, so the editor
 * gives it another workspace identity. Its extension tests check the API; this runner checks the
 * page for the status bar countdown and the update reminder, and takes a screenshot.
 */
async function runRestartPass() {
  const workspace = makeWorkspace();
  const alias = join(tempDir('alias'), 'runbooks-through-another-path');
  symlinkSync(workspace, alias);
  const userDataDir = join(tempDir('restart-ud'), 'user-data');
  const stateFile = join(tempDir('restart-state'), 'state.json');
  // SEV2 updates due 3 s after declaring: the reminder is due by the time the second editor is up.
  const settings = { 'oncall.incidents.updateCadence': { SEV2: { firstMinutes: 0.05, everyMinutes: 30 } } };
  const env = { ONCALL_RESTART_STATE: stateFile };
  const first = await runPass('restart1', { workspace, userDataDir, settings, env });
  if (first.failed > 0 || first.passed === 0) return first;
  const second = await runPass('restart2', {
    workspace: alias,
    userDataDir,
    settings,
    env,
    watchPage: async (page) => {
      const checks = [];
      const check = async (title, fn) => {
        try {
          await fn();
          checks.push({ title: `Restart (page): ${title}`, state: 'passed' });
        } catch (err) {
          checks.push({ title: `Restart (page): ${title}`, state: 'failed', error: String(err?.stack ?? err) });
        }
      };
      await check('the status bar shows the open incident with its update countdown', async () => {
        await page.locator('.statusbar-item', { hasText: 'Disk full on db-3' }).first().waitFor({ state: 'visible', timeout: 60_000 });
      });
      await check('the overdue update reminder is shown', async () => {
        await page.locator('.notification-toast', { hasText: 'a status update is due' }).first().waitFor({ state: 'visible', timeout: 40_000 });
      });
      mkdirSync(join(outDir, 'screenshots'), { recursive: true });
      await page.screenshot({ path: join(outDir, 'screenshots', 'restart-other-identity.png') }).catch(() => {});
      return checks;
    },
  });
  rmSync(userDataDir, { recursive: true, force: true });
  return { passed: first.passed + second.passed, failed: first.failed + second.failed, tests: [...first.tests, ...second.tests] };
}

let passed = 0;
let failed = 0;
const all = [];
for (const mode of modes) {
  const s = await runPass(mode);
  passed += s.passed;
  failed += s.failed;
  all.push(...s.tests.map((t) => ({ ...t, mode })));
}
if (files.some((f) => f.endsWith('.restart1.test.js')) && (!grep || /restart/i.test(grep))) {
  const s = await runRestartPass();
  passed += s.passed;
  failed += s.failed;
  all.push(...s.tests.map((t) => ({ ...t, mode: 'restart' })));
}
for (const t of pageChecks) {
  all.push(t);
  if (t.state === 'passed') passed += 1;
  else failed += 1;
}
for (const t of all) {
  const mark = t.state === 'passed' ? '✓' : t.state === 'failed' ? '✗' : '-';
  console.log(`  ${mark} [${t.mode}] ${t.title}`);
  if (t.error) console.log(`      ${t.error.split('\n').slice(0, 6).join('\n      ')}`);
}
writeFileSync(join(outDir, 'integration.json'), JSON.stringify({ passed, failed, tests: all }, null, 2));
console.log(`integration: ${passed} passed, ${failed} failed`);
// Exit explicitly: terminals and language servers started by the editor can outlive it and
// keep pipes open.
process.exit(failed > 0 || passed === 0 ? 1 : 0);
