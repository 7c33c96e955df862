// Bundles the extension host code (node, cjs, `vscode` external), the parse worker, the CLI,
// the webview UI (browser) and — with --tests — the integration tests.
import * as esbuild from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const args = new Set(process.argv.slice(2));
const production = args.has('--production');
const watch = args.has('--watch');
const withTests = args.has('--tests');

const common = {
  bundle: true,
  sourcemap: production ? false : 'linked',
  minify: production,
  logLevel: 'warning',
  legalComments: 'none',
};

const node = {
  ...common,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  // remark and friends are ESM; esbuild turns them into CommonJS inside the bundle.
  mainFields: ['module', 'main'],
};

const builds = [
  { ...node, entryPoints: { extension: 'src/extension.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { parseWorker: 'src/runbooks/parseWorker.ts' }, outdir: 'dist' },
  { ...node, entryPoints: { cli: 'src/cli/main.ts' }, outdir: 'dist', banner: { js: '#!/usr/bin/env node' } },
  {
    ...common,
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    entryPoints: { timeline: 'src/webview/timeline/main.ts' },
    outdir: 'dist/webview',
  },
];

if (withTests) {
  // Start from an empty folder: a test file that was deleted must not live on as a stale bundle.
  rmSync('dist-test', { recursive: true, force: true });
  const dir = 'test/integration';
  const entryPoints = readdirSync(dir)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));
  builds.push({ ...node, entryPoints, outdir: 'dist-test/integration', external: ['vscode', 'mocha'] });
  builds.push({ ...node, entryPoints: { index: 'test/vsix/index.ts' }, outdir: 'dist-test/vsix' });
}

if (watch) {
  const contexts = await Promise.all(builds.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('[watch] building on change; Ctrl+C to stop');
} else {
  await Promise.all(builds.map((b) => esbuild.build(b)));
}
