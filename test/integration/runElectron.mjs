#!/usr/bin/env node
// The same extension tests on VS Code desktop, through @vscode/test-electron — for machines
// that can download VS Code (these cannot: use test/harness/run-integration.mjs here).
// Usage: node esbuild.mjs --tests && node test/integration/runElectron.mjs
import { runTests } from '@vscode/test-electron';
import { join } from 'node:path';
import { makeWorkspace, projectDir } from '../harness/codeServer.mjs';

const workspace = makeWorkspace();
try {
  await runTests({
    version: '1.100.3',
    extensionDevelopmentPath: projectDir,
    extensionTestsPath: join(projectDir, 'dist-test', 'integration', 'index.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust'],
  });
} catch (err) {
  console.error(`integration tests failed: ${err}`);
  process.exitCode = 1;
}
