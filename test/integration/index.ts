// Extension-test entry point: the contract `@vscode/test-electron` and the code-server runner
// share (`run(): Promise<void>`). Loads every *.test.js bundled next to this file and runs them
// with mocha inside the real extension host. Host-agnostic: no browser, no Electron APIs.
//
// Environment (optional): ONCALL_TEST_GREP filters by test title; ONCALL_TEST_MODE=restricted
// runs only *.restricted.test.js files (the runner opens the folder untrusted for those), and
// restart1 / restart2 the two halves of the restart pass (*.restart1.test.js, *.restart2.test.js);
// ONCALL_TEST_RESULTS is a file to write a JSON summary to.
import * as fs from 'node:fs';
import * as path from 'node:path';
import Mocha from 'mocha';

interface TestResult {
  title: string;
  state: 'passed' | 'failed' | 'pending';
  durationMs?: number;
  error?: string;
}

export async function run(): Promise<void> {
  // A file named `<name>.<mode>.test.js` runs only in that pass (restricted, restart1, restart2);
  // every other file in the trusted pass.
  const mode = process.env.ONCALL_TEST_MODE ?? 'trusted';
  const fileMode = (file: string) => /\.(restricted|restart1|restart2)\.test\.js$/.exec(file)?.[1] ?? 'trusted';
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  if (process.env.ONCALL_TEST_GREP) mocha.grep(process.env.ONCALL_TEST_GREP);
  for (const file of fs.readdirSync(__dirname).sort()) {
    if (!file.endsWith('.test.js')) continue;
    if (fileMode(file) !== mode) continue;
    mocha.addFile(path.join(__dirname, file));
  }
  const results: TestResult[] = [];
  await new Promise<void>((resolve, reject) => {
    const runner = mocha.run((failures) => {
      const summary = {
        passed: results.filter((r) => r.state === 'passed').length,
        failed: results.filter((r) => r.state === 'failed').length,
        pending: results.filter((r) => r.state === 'pending').length,
        tests: results,
      };
      const out = process.env.ONCALL_TEST_RESULTS;
      if (out) fs.writeFileSync(out, JSON.stringify(summary, null, 2));
      if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
      else resolve();
    });
    runner.on('pass', (t) => results.push({ title: t.fullTitle(), state: 'passed', durationMs: t.duration }));
    runner.on('fail', (t, err) =>
      results.push({ title: t.fullTitle(), state: 'failed', error: String((err as Error)?.stack ?? err) }),
    );
    runner.on('pending', (t) => results.push({ title: t.fullTitle(), state: 'pending' }));
  });
}
