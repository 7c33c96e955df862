// Where runbooks come from. The index only talks to this interface, so tests run it over an
// in-memory tree and the extension and the CLI over the real file system (like the workspace
// abstraction of vscode-markdown-languageservice).
import { isUtf8 } from 'node:buffer';
import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';

export type EntryKind = 'file' | 'directory' | 'symlink' | 'other';

export interface SourceEntry {
  /** The name (for a name that is not valid UTF-8: decoded with U+FFFD, so no path to it). */
  name: string;
  kind: EntryKind;
  /** The name's bytes are not valid UTF-8: the entry cannot be opened by this name. */
  undecodable?: boolean;
}

export interface SourceStat {
  kind: 'file' | 'directory' | 'other';
  size: number;
  mtimeMs: number;
}

export interface RunbookSource {
  /** Entries of a folder (symbolic links reported as `symlink`, not followed). */
  readDirectory(dir: string): Promise<SourceEntry[]>;
  /** Size, time and kind, following symbolic links; undefined when missing or unreadable. */
  stat(path: string): Promise<SourceStat | undefined>;
  readFile(path: string): Promise<string>;
  /** The canonical path (symbolic links resolved), to detect loops. */
  realPath(path: string): Promise<string>;
  /** Joins a folder and an entry name in this source's path style. */
  join(dir: string, name: string): string;
}

/** The real file system. */
export const nodeSource: RunbookSource = {
  async readDirectory(dir) {
    // Names as bytes: one that is not valid UTF-8 would otherwise come back altered, and the
    // file behind it could be neither opened nor noticed.
    const entries = await readdir(dir, { withFileTypes: true, encoding: 'buffer' });
    return entries.map((e) => {
      const entry: SourceEntry = {
        name: e.name.toString('utf8'),
        kind: e.isSymbolicLink() ? 'symlink' : e.isDirectory() ? 'directory' : e.isFile() ? 'file' : 'other',
      };
      if (!isUtf8(e.name)) entry.undecodable = true;
      return entry;
    });
  },
  async stat(path) {
    try {
      const s = await stat(path);
      return { kind: s.isFile() ? 'file' : s.isDirectory() ? 'directory' : 'other', size: s.size, mtimeMs: s.mtimeMs };
    } catch {
      return undefined;
    }
  },
  readFile: (path) => readFile(path, 'utf8'),
  realPath: (path) => realpath(path),
  join,
};

/**
 * Glob patterns relative to a root (`drafts/**`, `*.tmp.md`, `**\/archive`), as a matcher over
 * `/`-separated relative paths. A pattern without `/` matches a name at any depth, as in
 * `.gitignore`; a folder that matches excludes everything under it.
 */
export function globMatcher(patterns: readonly string[]): (relPath: string) => boolean {
  const regexes = patterns
    .map((p) => p.trim().replace(/\\/g, '/').replace(/^\.\//, '').replace(/\/+$/, ''))
    .filter((p) => p !== '' && !p.startsWith('#'))
    .map((p) => {
      const anchored = p.includes('/') && !p.startsWith('**/');
      const body = globToRegex(p.replace(/^\*\*\//, ''));
      return new RegExp(`${anchored ? '^' : '(?:^|/)'}${body}(?:/.*)?$`);
    });
  return (relPath) => regexes.some((r) => r.test(relPath));
}

function globToRegex(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        out += glob[i + 2] === '/' ? '(?:.*/)?' : '.*';
        i += glob[i + 2] === '/' ? 2 : 1;
      } else out += '[^/]*';
    } else if (c === '?') out += '[^/]';
    else if (c === '{') {
      const end = glob.indexOf('}', i);
      if (end === -1) out += '\\{';
      else {
        out += `(?:${glob.slice(i + 1, end).split(',').map(globToRegex).join('|')})`;
        i = end;
      }
    } else out += /[.+^$()|[\]\\]/.test(c) ? `\\${c}` : c;
  }
  return out;
}
