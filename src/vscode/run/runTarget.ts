// The targets of a command (src/shell/target.ts) as the On-Call terminal would see them: the
// extension host's environment with the user's `terminal.integrated.env.<platform>` applied,
// the user's home folder, and files read from disk (bounded).
import { readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import * as vscode from 'vscode';
import { readTargets, type RunTarget, type TargetEnvironment } from '../../shell/target';

const MAX_CONFIG_BYTES = 1024 * 1024;

function readSmallFile(path: string): string | undefined {
  try {
    if (statSync(path).size > MAX_CONFIG_BYTES) return undefined;
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** The environment a new On-Call terminal gets. */
export function terminalEnvironment(): Record<string, string | undefined> {
  const env: Record<string, string | undefined> = { ...process.env };
  const platform = process.platform === 'win32' ? 'windows' : process.platform === 'darwin' ? 'osx' : 'linux';
  const extra = vscode.workspace.getConfiguration('terminal.integrated.env').get<Record<string, unknown>>(platform) ?? {};
  for (const [name, value] of Object.entries(extra)) {
    if (value === null) delete env[name];
    else if (typeof value === 'string') env[name] = value.replace(/\$\{env:([^}]+)\}/g, (_, v: string) => process.env[v] ?? '');
  }
  return env;
}

export function runTargets(command: string): RunTarget[] {
  const environment: TargetEnvironment = { env: terminalEnvironment(), home: homedir(), readFile: readSmallFile };
  return readTargets(command, environment);
}
