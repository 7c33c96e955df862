#!/usr/bin/env node
// Runs the UI checks (test/ui/*.ui.mjs): each module exports `checks`, a list of
// { name, run() } that drive the real workbench with Playwright and save screenshots.
// Usage: node test/harness/run-ui.mjs [--grep TEXT] [--no-build]
import { execFileSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureRealVsCode, projectDir } from './codeServer.mjs';

const argv = process.argv.slice(2);
const gi = argv.indexOf('--grep');
const grep = gi >= 0 ? argv[gi + 1] : undefined;
ensureRealVsCode();
if (!argv.includes('--no-build')) execFileSync(process.execPath, ['esbuild.mjs'], { cwd: projectDir, stdio: 'inherit' });

const dir = join(projectDir, 'test', 'ui');
let passed = 0;
let failed = 0;
for (const file of readdirSync(dir).filter((f) => f.endsWith('.ui.mjs')).sort()) {
  const { checks } = await import(pathToFileURL(join(dir, file)).href);
  for (const check of checks) {
    if (grep && !check.name.includes(grep) && !file.includes(grep)) continue;
    const started = Date.now();
    try {
      await check.run();
      passed++;
      console.log(`  ✓ ${file}: ${check.name} (${((Date.now() - started) / 1000).toFixed(1)}s)`);
    } catch (err) {
      failed++;
      console.log(`  ✗ ${file}: ${check.name}\n      ${String(err?.stack ?? err).split('\n').slice(0, 6).join('\n      ')}`);
    }
  }
}
console.log(`ui: ${passed} passed, ${failed} failed`);
// Exit explicitly: terminals and language servers started by the editor can outlive it and
// keep pipes open.
process.exit(failed > 0 || passed === 0 ? 1 : 0);
