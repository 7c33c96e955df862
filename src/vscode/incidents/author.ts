// Who is writing: the `oncall.incidents.author` setting, else git's user.name (asked only in a
// trusted workspace, since git reads repository config that could run code), else the OS user.
import { execFile } from 'node:child_process';
import * as os from 'node:os';
import * as vscode from 'vscode';

function osUser(): string {
  try {
    return os.userInfo().username || 'unknown';
  } catch {
    return process.env.USER || process.env.USERNAME || 'unknown';
  }
}

function gitUserName(cwd: string | undefined): Promise<string | undefined> {
  return new Promise((resolve) => {
    // No shell; a fixed argument list; bounded in time.
    execFile('git', ['config', 'user.name'], { cwd, timeout: 3_000, windowsHide: true }, (err, stdout) => {
      resolve(err ? undefined : stdout.trim() || undefined);
    });
  });
}

export interface AuthorSource {
  /** The current name (synchronous: the last resolved value). */
  current(): string;
  /** Resolves the name again (settings or trust changed). */
  refresh(): Promise<string>;
}

export function createAuthorSource(): AuthorSource {
  let name = osUser();
  const refresh = async () => {
    const configured = vscode.workspace.getConfiguration('oncall.incidents').get<string>('author', '').trim();
    if (configured) {
      name = configured;
      return name;
    }
    if (vscode.workspace.isTrusted) {
      const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
      const fromGit = await gitUserName(folder?.scheme === 'file' ? folder.fsPath : undefined);
      if (fromGit) {
        name = fromGit;
        return name;
      }
    }
    name = osUser();
    return name;
  };
  return { current: () => name, refresh };
}
