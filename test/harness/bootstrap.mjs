// Installs what a fresh clone lacks before anything else runs: npm packages (when
// node_modules is missing or older than the lock file) and — through setup-real-vscode.sh —
// Debian's Chromium and code-server. Only Node built-ins are imported here.
import { execFileSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { projectDir, ensureRealVsCode } from './codeServer.mjs';

export function ensureNpmPackages() {
  const marker = join(projectDir, 'node_modules', '.package-lock.json');
  const lock = join(projectDir, 'package-lock.json');
  const fresh = existsSync(marker) && (!existsSync(lock) || statSync(marker).mtimeMs >= statSync(lock).mtimeMs);
  if (fresh) return;
  console.log('[setup] installing npm packages');
  const args = existsSync(lock) ? ['ci', '--no-audit', '--no-fund'] : ['install', '--no-audit', '--no-fund'];
  execFileSync('npm', args, { cwd: projectDir, stdio: ['ignore', 'inherit', 'inherit'] });
}

export function bootstrap() {
  ensureNpmPackages();
  ensureRealVsCode();
}
