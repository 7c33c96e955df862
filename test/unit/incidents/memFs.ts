// An in-memory file system for the journal, with a log of every call and injectable faults,
// so tests can see exactly when data was written, flushed and acknowledged.
import { dirname } from 'node:path';
import type { JournalFileHandle, JournalFs } from '../../../src/incidents/journal';

export type FsOp = { op: 'open' | 'write' | 'datasync' | 'close' | 'rename' | 'mkdir' | 'syncDir'; path: string; handle?: number; bytes?: number };

export function errno(code: string): NodeJS.ErrnoException {
  const err = new Error(`${code}: injected fault`) as NodeJS.ErrnoException;
  err.code = code;
  return err;
}

export class MemFs implements JournalFs {
  readonly files = new Map<string, Buffer>();
  /** A fake modification time per file: bumped on every change. */
  private readonly mtimes = new Map<string, number>();
  private tick = 0;
  readonly dirs = new Set<string>(['/']);
  readonly log: FsOp[] = [];
  private nextHandle = 1;
  /** Return an error to make that call fail. `n` counts calls of that kind on that handle. */
  faults: {
    open?: (path: string) => Error | undefined;
    write?: (handle: number, path: string, n: number) => Error | undefined;
    datasync?: (handle: number, path: string, n: number) => Error | undefined;
  } = {};
  /** Called before datasync completes; may return a promise to hold the flush. */
  beforeDatasync?: (handle: number) => Promise<void> | void;
  /** Write calls per handle after a failure on it (must stay empty: no retry on a failed handle). */
  readonly callsAfterFailure: FsOp[] = [];

  async open(path: string, flags: 'wx' | 'ax'): Promise<JournalFileHandle> {
    const fault = this.faults.open?.(path);
    if (fault) throw fault;
    if (!this.dirs.has(dirname(path))) throw errno('ENOENT');
    if (this.files.has(path)) throw errno('EEXIST');
    this.files.set(path, Buffer.alloc(0));
    const id = this.nextHandle++;
    this.log.push({ op: 'open', path, handle: id });
    let writes = 0;
    let syncs = 0;
    let failed = false;
    let closed = false;
    void flags;
    const note = (op: FsOp) => {
      this.log.push(op);
      if (failed && op.op !== 'close') this.callsAfterFailure.push(op);
    };
    return {
      write: async (data) => {
        if (closed) throw errno('EBADF');
        note({ op: 'write', path, handle: id, bytes: data.byteLength });
        const fault = this.faults.write?.(id, path, ++writes);
        if (fault) {
          failed = true;
          // A failing write may still have put part of the data down.
          this.files.set(path, Buffer.concat([this.files.get(path)!, Buffer.from(data).subarray(0, Math.floor(data.byteLength / 2))]));
          throw fault;
        }
        this.files.set(path, Buffer.concat([this.files.get(path)!, Buffer.from(data)]));
        this.mtimes.set(path, ++this.tick);
      },
      datasync: async () => {
        if (closed) throw errno('EBADF');
        note({ op: 'datasync', path, handle: id });
        await this.beforeDatasync?.(id);
        const fault = this.faults.datasync?.(id, path, ++syncs);
        if (fault) {
          failed = true;
          throw fault;
        }
      },
      close: async () => {
        closed = true;
        this.log.push({ op: 'close', path, handle: id });
      },
    };
  }

  async mkdir(path: string): Promise<void> {
    let p = path;
    const made: string[] = [];
    while (!this.dirs.has(p)) {
      made.push(p);
      p = dirname(p);
    }
    for (const d of made) this.dirs.add(d);
    this.log.push({ op: 'mkdir', path });
  }

  async createDir(path: string): Promise<boolean> {
    if (!this.dirs.has(dirname(path))) throw errno('ENOENT');
    if (this.dirs.has(path)) return false;
    this.dirs.add(path);
    return true;
  }

  async readdir(path: string): Promise<string[]> {
    if (!this.dirs.has(path)) throw errno('ENOENT');
    const names = new Set<string>();
    for (const p of [...this.files.keys(), ...this.dirs]) {
      if (p !== path && dirname(p) === path) names.add(p.slice(path.length + 1));
    }
    return [...names].sort();
  }

  async isDirectory(path: string): Promise<boolean> {
    return this.dirs.has(path);
  }

  async readFile(path: string): Promise<Uint8Array> {
    const f = this.files.get(path);
    if (!f) throw errno('ENOENT');
    return Buffer.from(f);
  }

  async rename(from: string, to: string): Promise<void> {
    const f = this.files.get(from);
    if (!f) throw errno('ENOENT');
    this.files.delete(from);
    this.files.set(to, f);
    this.mtimes.set(to, ++this.tick);
    this.log.push({ op: 'rename', path: `${from} -> ${to}` });
  }

  async syncDir(path: string): Promise<void> {
    this.log.push({ op: 'syncDir', path });
  }

  async stat(path: string): Promise<{ size: number; mtimeMs: number }> {
    const f = this.files.get(path);
    if (!f) throw errno('ENOENT');
    return { size: f.length, mtimeMs: this.mtimes.get(path) ?? 0 };
  }

  async readFrom(path: string, start: number): Promise<Uint8Array> {
    const f = this.files.get(path);
    if (!f) throw errno('ENOENT');
    return Buffer.from(f.subarray(start));
  }

  /** Writes a whole file at once (as another process would), bumping its time. */
  put(path: string, data: Buffer | string): void {
    this.files.set(path, Buffer.from(data));
    this.mtimes.set(path, ++this.tick);
  }

  /** Files under a folder (direct children), name → content. */
  filesIn(dir: string): Map<string, Buffer> {
    const out = new Map<string, Buffer>();
    for (const [p, b] of this.files) if (dirname(p) === dir) out.set(p.slice(dir.length + 1), b);
    return out;
  }
}
