#!/usr/bin/env node
// `npm test`: everything a reviewer needs to trust a change, in one command on a fresh clone.
// Installs what is missing, then runs: typecheck, lint, unit tests (mocha), integration tests
// in a real VS Code (code-server), UI checks (Playwright + Chromium, screenshots in
// test-output/screenshots/), and the packaged .vsix installed into the real editor.
// Ends with one line `N passed, N failed` summing every suite; a suite that did not run or
// could not report counts as failed.
import { spawn } from 'node:child_process';
import { bootstrap } from './bootstrap.mjs';
import { projectDir } from './codeServer.mjs';

const started = Date.now();
bootstrap();

/** Runs a command, echoing its output, and returns { code, output }. */
function run(cmd, args) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: projectDir, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: '0' } });
    let output = '';
    const onData = (d) => {
      output += d;
      process.stdout.write(d);
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('close', (code) => resolve({ code: code ?? 1, output }));
  });
}

/** The counts a suite printed as `<label>: N passed, N failed`, or mocha's `N passing` / `N failing`. */
function counts(output, code) {
  const plain = [...output.matchAll(/^\w+: (\d+) passed, (\d+) failed/gm)].pop();
  if (plain) return { passed: Number(plain[1]), failed: Number(plain[2]) };
  const passing = output.match(/^\s*(\d+) passing/m);
  const failing = output.match(/^\s*(\d+) failing/m);
  if (passing || failing) return { passed: Number(passing?.[1] ?? 0), failed: Number(failing?.[1] ?? 0) };
  return code === 0 ? { passed: 1, failed: 0 } : { passed: 0, failed: 1 };
}

const suites = [
  { name: 'build', cmd: process.execPath, args: ['esbuild.mjs', '--tests'] },
  { name: 'typecheck', cmd: 'npm', args: ['run', '--silent', 'typecheck'] },
  { name: 'lint', cmd: 'npm', args: ['run', '--silent', 'lint'] },
  { name: 'unit', cmd: process.execPath, args: ['node_modules/mocha/bin/mocha.js'] },
  { name: 'integration', cmd: process.execPath, args: ['test/harness/run-integration.mjs', '--no-build'] },
  { name: 'ui', cmd: process.execPath, args: ['test/harness/run-ui.mjs', '--no-build'] },
  { name: 'vsix', cmd: process.execPath, args: ['test/harness/check-vsix.mjs'] },
];

const summary = [];
for (const suite of suites) {
  console.log(`\n=== ${suite.name} ===`);
  const t0 = Date.now();
  const { code, output } = await run(suite.cmd, suite.args);
  let c = counts(output, code);
  // A suite that exits non-zero with nothing counted as failed still failed.
  if (code !== 0 && c.failed === 0) c = { passed: c.passed, failed: 1 };
  summary.push({ ...suite, ...c, seconds: (Date.now() - t0) / 1000 });
}

console.log('\n=== summary ===');
for (const s of summary) {
  console.log(`  ${s.name.padEnd(12)} ${String(s.passed).padStart(5)} passed ${String(s.failed).padStart(4)} failed  ${s.seconds.toFixed(1)}s`);
}
const passed = summary.reduce((n, s) => n + s.passed, 0);
const failed = summary.reduce((n, s) => n + s.failed, 0);
console.log(`  total time ${((Date.now() - started) / 1000).toFixed(0)}s`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failed > 0 ? 1 : 0;
