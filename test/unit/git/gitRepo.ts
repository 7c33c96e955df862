// Real temporary git repositories for the git tests, isolated from the machine's own git
// configuration (HOME and XDG_CONFIG_HOME point into the temporary folder).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export interface TempRepo {
  /** The temporary folder holding the repo, its fake home and any remote. */
  base: string;
  dir: string;
  env: NodeJS.ProcessEnv;
  git(...args: string[]): string;
  write(rel: string, text: string): string;
  hook(name: string, script: string): void;
  cleanup(): void;
}

export function isolatedEnv(home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    HOME: home,
    XDG_CONFIG_HOME: path.join(home, '.config'),
    LANG: 'C',
    LC_ALL: 'C',
  };
}

export function tempBase(): string {
  const base = mkdtempSync(path.join(tmpdir(), 'oncall-git-'));
  mkdirSync(path.join(base, 'home'));
  return base;
}

export function makeRepo(options: { identity?: boolean; initialCommit?: boolean } = {}): TempRepo {
  const base = tempBase();
  const dir = path.join(base, 'repo');
  mkdirSync(dir);
  const env = isolatedEnv(path.join(base, 'home'));
  const git = (...args: string[]) =>
    execFileSync('git', args, { cwd: dir, env: { ...env, GIT_CONFIG_NOSYSTEM: '1' }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  git('init', '--quiet', '--initial-branch=main');
  // Keep git from guessing an identity from the host name: missing means missing.
  git('config', 'user.useConfigOnly', 'true');
  if (options.identity !== false) {
    git('config', 'user.name', 'Test Engineer');
    git('config', 'user.email', 'test@example.invalid');
  }
  const write = (rel: string, text: string) => {
    const file = path.join(dir, rel);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, text);
    return file;
  };
  if (options.initialCommit !== false && options.identity !== false) {
    write('README.md', '# repo\n');
    git('add', 'README.md');
    git('commit', '--quiet', '-m', 'initial');
  }
  return {
    base,
    dir,
    env,
    git,
    write,
    hook(name, script) {
      const file = path.join(dir, '.git', 'hooks', name);
      writeFileSync(file, script);
      chmodSync(file, 0o755);
    },
    cleanup: () => rmSync(base, { recursive: true, force: true }),
  };
}

/** A bare repository beside `repo`, added as its `origin`, with `main` pushed to it; returns its path. */
export function addBareRemote(repo: TempRepo): string {
  const bare = path.join(repo.base, 'remote.git');
  execFileSync('git', ['init', '--quiet', '--bare', '--initial-branch=main', bare], { env: repo.env });
  repo.git('remote', 'add', 'origin', bare);
  repo.git('push', '--quiet', 'origin', 'main');
  return bare;
}
