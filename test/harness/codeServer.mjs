// Starts a real VS Code (code-server 4.100.3, installed by setup-real-vscode.sh) on a free
// loopback port, and opens it in headless Debian Chromium through playwright-core.
// Used by the integration runner, the UI checks, the .vsix check and the demo.
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync, cpSync, existsSync, rmSync, realpathSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectDir = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const codeServerDir = join(projectDir, '.cache', 'code-server-4.100.3');
export const chromiumPath = process.env.CHROMIUM_PATH || '/usr/bin/chromium';

/** Runs the idempotent installer (Debian packages + code-server) when something is missing. */
export function ensureRealVsCode() {
  const shells = ['zsh', 'fish', 'ksh'].every((s) => ['/usr/bin', '/bin'].some((d) => existsSync(join(d, s))));
  if (existsSync(join(codeServerDir, '.complete')) && existsSync(chromiumPath) && shells) return;
  execFileSync('bash', [join(projectDir, 'test/harness/setup-real-vscode.sh')], { stdio: 'inherit' });
}

export function freePort() {
  return new Promise((res, rej) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', rej);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => res(port));
    });
  });
}

export function tempDir(prefix) {
  return mkdtempSync(join(tmpdir(), `oncall-${prefix}-`));
}

/**
 * A workspace for tests and the demo: a copy of the sample runbooks in a fresh git repository
 * with one initial commit (post-mortem commits need a repository with an author).
 */
export function makeWorkspace({ source = join(projectDir, 'runbooks'), gitInit = true } = {}) {
  const ws = join(tempDir('ws'), 'runbooks');
  cpSync(source, ws, { recursive: true });
  if (gitInit) {
    const git = (...args) => execFileSync('git', args, { cwd: ws, stdio: 'ignore' });
    git('init', '-q', '-b', 'main');
    git('config', 'user.name', 'Test Responder');
    git('config', 'user.email', 'responder@example.com');
    git('config', 'commit.gpgsign', 'false');
    git('add', '-A');
    git('commit', '-q', '--allow-empty', '-m', 'Initial runbooks');
  }
  return ws;
}

/**
 * Starts code-server. `settings` go to the user settings; workspace trust is off unless
 * `restricted` is set (then the folder opens in Restricted Mode, untrusted). `userDataDir`:
 * start on that user-data folder (kept when the server stops) instead of a fresh one.
 */
export async function startCodeServer({ workspace, settings = {}, restricted = false, env = {}, extensionsDir, port: wantedPort, log = () => {}, userDataDir: givenUserDataDir }) {
  ensureRealVsCode();
  const port = wantedPort ?? (await freePort());
  const base = tempDir('cs');
  // A given user-data folder outlives the server (to start another editor on the same user).
  const userDataDir = givenUserDataDir ?? join(base, 'user-data');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  const userSettings = {
    'security.workspace.trust.enabled': restricted,
    'security.workspace.trust.startupPrompt': 'never',
    'security.workspace.trust.emptyWindow': false,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'telemetry.telemetryLevel': 'off',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'update.mode': 'none',
    'terminal.integrated.shellIntegration.enabled': true,
    'terminal.integrated.defaultProfile.linux': 'bash',
    'git.enabled': false,
    ...settings,
  };
  writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify(userSettings, null, 2));
  // Window-scoped settings such as the colour theme are read from the remote ("Machine") settings.
  mkdirSync(join(userDataDir, 'Machine'), { recursive: true });
  writeFileSync(join(userDataDir, 'Machine', 'settings.json'), JSON.stringify(userSettings, null, 2));
  const extDir = extensionsDir ?? join(base, 'extensions');
  mkdirSync(extDir, { recursive: true });
  const args = [
    join(codeServerDir, 'out/node/entry.js'),
    '--auth', 'none',
    '--bind-addr', `127.0.0.1:${port}`,
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-getting-started-override',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extDir,
  ];
  if (workspace) args.push(workspace);
  const child = spawn(process.execPath, args, {
    env: { ...process.env, XDG_CONFIG_HOME: join(base, 'config'), XDG_DATA_HOME: join(base, 'data'), SHELL: '/bin/bash', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  const collect = (d) => {
    output += d;
    log(String(d));
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`code-server exited early:\n${output}`);
    try {
      const r = await fetch(`${url}/healthz`);
      if (r.ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`code-server did not come up:\n${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    port,
    url,
    host: `127.0.0.1:${port}`,
    userDataDir,
    extensionsDir: extDir,
    output: () => output,
    async stop() {
      try {
        process.kill(-child.pid, 'SIGTERM');
      } catch {
        /* already gone */
      }
      await new Promise((r) => setTimeout(r, 300));
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        /* already gone */
      }
      rmSync(base, { recursive: true, force: true });
    },
  };
}

/** Installs a .vsix into an extensions folder with code-server's own CLI. */
export function installVsix(vsixPath, extensionsDir) {
  const base = tempDir('cs-install');
  return execFileSync(
    process.execPath,
    [join(codeServerDir, 'out/node/entry.js'), '--extensions-dir', extensionsDir, '--user-data-dir', join(base, 'ud'), '--install-extension', vsixPath, '--force'],
    { encoding: 'utf8', env: { ...process.env, XDG_CONFIG_HOME: join(base, 'config') } },
  );
}

export async function launchBrowser() {
  const { chromium } = await import('playwright-core');
  return chromium.launch({
    executablePath: chromiumPath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
}

const developmentLinks = new Map();

/**
 * code-server 4.100.3 applies no colour theme at all (the workbench stays on Light+, whatever
 * `workbench.colorTheme` or the theme picker says) when its own installation lies inside the
 * extension development folder — as `.cache/code-server-*` does inside this project. It compares
 * real paths, so a link to the project from outside the project keeps the two apart.
 */
function developmentPathApartFromCodeServer(path) {
  const root = realpathSync(path);
  if (!existsSync(codeServerDir) || !realpathSync(codeServerDir).startsWith(`${root}/`)) return path;
  if (!developmentLinks.has(root)) {
    const link = join(tempDir('dev'), 'extension');
    symlinkSync(root, link);
    developmentLinks.set(root, link);
  }
  return developmentLinks.get(root);
}

/** The workbench URL for a folder, optionally with a development extension and extension tests. */
export function workbenchUrl(server, { folder, extensionDevelopmentPath, extensionTestsPath }) {
  const payload = [['skipWelcome', 'true']];
  if (extensionDevelopmentPath) payload.push(['extensionDevelopmentPath', `vscode-remote://${server.host}${developmentPathApartFromCodeServer(extensionDevelopmentPath)}`]);
  if (extensionTestsPath) payload.push(['extensionTestsPath', `vscode-remote://${server.host}${extensionTestsPath}`]);
  const q = new URLSearchParams();
  if (folder) q.set('folder', folder);
  q.set('payload', JSON.stringify(payload));
  return `${server.url}/?${q.toString()}`;
}

/** The extension host process of a running code-server (found through its user-data folder), if one runs. */
export function extensionHostPid(server) {
  const rows = processTable();
  const servers = rows.filter((r) => r.args.includes(server.userDataDir) && r.args.includes('entry.js'));
  for (const srv of servers) {
    const host = descendantsOf(rows, srv.pid).find((r) => /extensionHost/.test(r.args));
    if (host) return host.pid;
  }
  return undefined;
}

/** Every process: pid, parent pid, command line. */
export function processTable() {
  return execFileSync('ps', ['-eo', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.trim().match(/^(\d+)\s+(\d+)\s+(.*)$/))
    .filter(Boolean)
    .map((m) => ({ pid: Number(m[1]), ppid: Number(m[2]), args: m[3] }));
}

export function descendantsOf(rows, rootPid) {
  const out = [];
  const queue = [rootPid];
  while (queue.length) {
    const p = queue.shift();
    for (const r of rows) {
      if (r.ppid === p) {
        out.push(r);
        queue.push(r.pid);
      }
    }
  }
  return out;
}
