// An in-memory RunbookSource: files, folders and symbolic links, with counters so tests can
// check what the index read.
import type { RunbookSource, SourceEntry, SourceStat } from '../../../src/runbooks/source';

export class MemorySource implements RunbookSource {
  readonly files = new Map<string, { text: string; mtimeMs: number }>();
  readonly links = new Map<string, string>();
  readonly dirs = new Set<string>();
  reads: string[] = [];
  unreadable = new Set<string>();
  private clock = 1;

  constructor(files: Record<string, string> = {}) {
    for (const [path, text] of Object.entries(files)) this.write(path, text);
  }

  write(path: string, text: string): void {
    this.files.set(path, { text, mtimeMs: this.clock++ });
    for (let d = parent(path); d !== '/' && d !== ''; d = parent(d)) this.dirs.add(d);
  }

  delete(path: string): void {
    this.files.delete(path);
    for (const p of [...this.files.keys()]) if (p.startsWith(path + '/')) this.files.delete(p);
    for (const d of [...this.dirs]) if (d === path || d.startsWith(path + '/')) this.dirs.delete(d);
  }

  symlink(path: string, target: string): void {
    this.links.set(path, target);
    this.dirs.add(parent(path));
  }

  join(dir: string, name: string): string {
    return dir === '/' ? `/${name}` : `${dir}/${name}`;
  }

  private resolve(path: string, depth = 0): string {
    if (depth > 40) throw new Error(`ELOOP: ${path}`);
    const parts = path.split('/').filter(Boolean);
    let current = '';
    for (const part of parts) {
      current = `${current}/${part}`;
      const target = this.links.get(current);
      if (target !== undefined) current = this.resolve(target, depth + 1);
    }
    return current || '/';
  }

  async readDirectory(dir: string): Promise<SourceEntry[]> {
    const real = this.resolve(dir);
    if (!this.dirs.has(real) && real !== '/') throw new Error(`ENOENT: ${dir}`);
    const names = new Map<string, SourceEntry['kind']>();
    const prefix = real === '/' ? '/' : `${real}/`;
    const consider = (p: string, kind: SourceEntry['kind']) => {
      if (!p.startsWith(prefix)) return;
      const rest = p.slice(prefix.length);
      const slash = rest.indexOf('/');
      if (slash === -1) names.set(rest, kind);
      else if (!names.has(rest.slice(0, slash))) names.set(rest.slice(0, slash), 'directory');
    };
    for (const p of this.files.keys()) consider(p, 'file');
    for (const d of this.dirs) consider(d, 'directory');
    for (const l of this.links.keys()) consider(l, 'symlink');
    return [...names].map(([name, kind]) => ({ name, kind }));
  }

  async stat(path: string): Promise<SourceStat | undefined> {
    let real: string;
    try {
      real = this.resolve(path);
    } catch {
      return undefined;
    }
    const f = this.files.get(real);
    if (f) return { kind: 'file', size: f.text.length, mtimeMs: f.mtimeMs };
    if (this.dirs.has(real)) return { kind: 'directory', size: 0, mtimeMs: 0 };
    return undefined;
  }

  async readFile(path: string): Promise<string> {
    this.reads.push(path);
    if (this.unreadable.has(path)) throw new Error(`EACCES: permission denied, open '${path}'`);
    const f = this.files.get(this.resolve(path));
    if (!f) throw new Error(`ENOENT: ${path}`);
    return f.text;
  }

  async realPath(path: string): Promise<string> {
    return this.resolve(path);
  }
}

function parent(path: string): string {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '/' : path.slice(0, i);
}
