// Who is writing: the `oncall.incidents.author` setting, else git's user.name (asked only in a
// trusted workspace, since git reads repository config that could run code), else the OS user.
// git runs through the one sanitised runner (src/git/run.ts), like every other git call.
import * as os from 'node:os';
import * as vscode from 'vscode';
import { readGitConfig } from '../../git/config';

function osUser(): string {
  try {
    return os.userInfo().username || 'unknown';
  } catch {
    return process.env.USER || process.env.USERNAME || 'unknown';
  }
}

function gitUserName(cwd: string | undefined): Promise<string | undefined> {
  // Outside a folder, git reads the global config only.
  return readGitConfig('user.name', { cwd: cwd ?? os.homedir(), timeoutMs: 3_000 });
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
