// Runs generated scripts in real shells for the quoting tests: many commands per process.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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
  return execFileSync(shell, [file], {
    cwd,
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
  const result = spawnSync('script', ['-qfec', 'bash --norc --noprofile -i', '/dev/null'], {
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
