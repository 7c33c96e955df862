// Runs generated scripts in real shells for the quoting tests: many commands per process.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Placeholder } from '../../../src/runbooks/model';

/** Placeholders as the parser finds them: `<name>`, offsets into the block text. */
export function placeholdersOf(text: string): Placeholder[] {
  const out: Placeholder[] = [];
  const re = /<([a-z][a-z0-9_]*)>/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) out.push({ name: m[1], style: 'angle', raw: m[0], offset: m.index, quoted: null });
  return out;
}

export function tempDir(prefix: string): { dir: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs `script` from a file with the shell (non-interactive); returns stdout bytes. */
export function runScript(shell: 'bash' | 'dash', script: string, cwd: string): Buffer {
  const file = join(cwd, `script.${shell}`);
  writeFileSync(file, script);
  return execFileSync('bash', ['-c', `${LIMITS}; exec "$0" "$1"`, shell, file], {
    cwd,
    timeout: 300_000,
    killSignal: 'SIGKILL',
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C.UTF-8', HOME: cwd },
    maxBuffer: 256 * 1024 * 1024,
  });
}

/**
 * Types `lines` into an interactive bash on a pty (through `script`), as a terminal would:
 * the line discipline, readline and history expansion all see the text. Returns what the
 * commands wrote to `out`.
 */
export function typeIntoInteractiveBash(lines: string[], cwd: string, out: string): Buffer {
  writeFileSync(out, '');
  const input = lines.join('\n') + '\nexit\n';
  const result = spawnSync('script', ['-qfec', `${LIMITS}; exec bash --norc --noprofile -i`, '/dev/null'], {
    cwd,
    input,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', LC_ALL: 'C.UTF-8', HOME: cwd, TERM: 'dumb', PS1: '$ ' },
    timeout: 60_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.error) throw result.error;
  return readFileSync(out);
}

/** Splits NUL-terminated records. */
export function records(bytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (let k = 0; k < bytes.length; k++) {
    if (bytes[k] === 0) {
      out.push(bytes.subarray(start, k));
      start = k + 1;
    }
  }
  return out;
}

export function hasShell(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

export interface ContainedRun {
  stdout: Buffer;
  stderr: string;
  /** Why the run was stopped early, if it was. */
  stopped?: string;
}

/**
 * Limits for everything a test shell starts: CPU seconds, size of each file written (KiB),
 * virtual memory (KiB). A quoting bug turns values into shell syntax, and that can be a loop or
 * `cat f >> f`: the test must then fail, not fill the machine.
 */
export const LIMITS = 'ulimit -t 300; ulimit -f 20480; ulimit -v 4194304';

/**
 * Runs `bash <script file>` so that nothing it starts can outlive it or fill the machine: in
 * its own process group (killed whole when it ends, when it takes longer than `timeoutMs`, or
 * when its output passes `maxOutputBytes`), with CPU, file-size and memory limits inherited by
 * every process under it, and temporary files (here-documents) in `cwd/tmp`, not in memory.
 */
export function runContained(script: string, options: { cwd: string; env: Record<string, string>; timeoutMs: number; maxOutputBytes: number }): Promise<ContainedRun> {
  const file = join(options.cwd, 'run.sh');
  writeFileSync(file, script);
  const tmp = join(options.cwd, 'tmp');
  mkdirSync(tmp, { recursive: true });
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', `${LIMITS}; exec bash "$0"`, file], {
      cwd: options.cwd,
      env: { ...options.env, TMPDIR: tmp },
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    let size = 0;
    let stderr = '';
    let stopped: string | undefined;
    const killGroup = () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // The group is gone already.
      }
    };
    const stop = (why: string) => {
      stopped ??= why;
      killGroup();
    };
    const timer = setTimeout(() => stop(`took longer than ${options.timeoutMs / 1000} s`), options.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > options.maxOutputBytes) stop(`wrote more than ${options.maxOutputBytes} bytes`);
      else out.push(chunk);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < 100_000) stderr += chunk.toString('utf8');
    });
    child.on('error', (err) => {
      clearTimeout(timer);
      killGroup();
      reject(err);
    });
    child.on('close', () => {
      clearTimeout(timer);
      // Whatever the script left running in the background goes with it.
      killGroup();
      resolve({ stdout: Buffer.concat(out), stderr, ...(stopped ? { stopped } : {}) });
    });
  });
}
