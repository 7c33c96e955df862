#!/usr/bin/env node
// `npm run demo`: the real editor in the browser on the sample runbooks, with the extension
// loaded. Installs what is missing, builds, copies runbooks/ into .cache/demo-workspace (a git
// repository, kept between runs so your demo incidents and post-mortems stay), starts
// code-server on 127.0.0.1 and prints the URL. Stays up until Ctrl+C.
// Options: --port N (default: 8080, or a free port if taken), --fresh (start from a new copy).
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { bootstrap } from './bootstrap.mjs';
import { freePort, makeWorkspace, projectDir, startCodeServer, workbenchUrl } from './codeServer.mjs';

const argv = process.argv.slice(2);
const pi = argv.indexOf('--port');
bootstrap();
execFileSync(process.execPath, ['esbuild.mjs'], { cwd: projectDir, stdio: 'inherit' });

const workspace = join(projectDir, '.cache', 'demo-workspace');
if (argv.includes('--fresh')) rmSync(workspace, { recursive: true, force: true });
if (!existsSync(workspace)) {
  const made = makeWorkspace();
  cpSync(made, workspace, { recursive: true });
}

const wanted = pi >= 0 ? Number(argv[pi + 1]) : 8080;
const port = await portOrFree(wanted);
const server = await startCodeServer({ workspace, port, persistent: true });
const url = workbenchUrl(server, { folder: workspace, extensionDevelopmentPath: projectDir });
console.log(`
On-Call Runbooks demo is running.
  Open:      ${url}
  Workspace: ${workspace}
Press Ctrl+C to stop.`);

async function portOrFree(p) {
  const { createServer } = await import('node:net');
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', async () => resolve(await freePort()));
    srv.listen(p, '127.0.0.1', () => srv.close(() => resolve(p)));
  });
}

const stop = async () => {
  await server.stop();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
setInterval(() => {}, 1 << 30);
