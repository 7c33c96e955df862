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
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync, appendFileSync } from 'node:fs';
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

async function runPass(mode) {
  const workspace = makeWorkspace();
  const resultsFile = join(tempDir('results'), 'results.json');
  const server = await startCodeServer({
    workspace,
    restricted: mode === 'restricted',
    env: {
      ONCALL_TEST_RESULTS: resultsFile, ONCALL_TEST_MODE: mode, ...(grep ? { ONCALL_TEST_GREP: grep } : {}),
      ...(mode === 'restricted' ? gitRecorder() : {}),
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
    exitCode = await Promise.race([exited, new Promise((res) => setTimeout(() => res('timeout'), timeoutMs))]);
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

let passed = 0;
let failed = 0;
const all = [];
for (const mode of modes) {
  const s = await runPass(mode);
  passed += s.passed;
  failed += s.failed;
  all.push(...s.tests.map((t) => ({ ...t, mode })));
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
