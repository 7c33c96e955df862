// The persistent cache of extracted models, shared by the extension and the CLI. One JSON Lines
// file per set of runbook roots (measured against a folder of one JSON file per model, see
// bench/REPORT.md), read and written a line at a time with pauses, so the extension host's
// thread is never held for long. A model is reused without reading its file when the file's size
// and modification time are unchanged, and after reading it when the content hash (which
// includes the parser version) matches.
import { createHash } from 'node:crypto';
import { mkdir, open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import type { Runbook } from './model';
import { toPacked, unpack, type PackedRunbook } from './store';
import { PARSER_VERSION } from './text';
import { breather } from './yieldable';

export interface FileStamp {
  size: number;
  mtimeMs: number;
}

export interface ModelCache {
  /** The model of `path` if the file's stamp is unchanged since it was stored. */
  byStamp(path: string, stamp: FileStamp): Runbook | undefined;
  /** A model of the same content (and file name), wherever it was stored. */
  byHash(hash: string): Runbook | undefined;
  store(runbook: Runbook, stamp: FileStamp): void;
  forget(path: string): void;
  /** Writes the cache if anything changed. */
  save(): Promise<void>;
}

interface CacheHeader {
  format: 4;
  parserVersion: number;
}

type CacheLine = [path: string, size: number, mtimeMs: number, model: PackedRunbook];

/** The cache file name for a set of roots, so different workspaces do not share entries. */
export function cacheFileName(roots: readonly string[]): string {
  const key = createHash('sha256').update([...roots].sort().join('\u0000')).digest('hex').slice(0, 16);
  return `runbook-models-${key}.json`;
}

/** A cache in memory only (`--no-cache`, tests). */
export class MemoryModelCache implements ModelCache {
  protected readonly entries = new Map<string, { stamp: FileStamp; model: Runbook }>();
  protected readonly hashes = new Map<string, Runbook>();
  protected dirty = false;

  byStamp(path: string, stamp: FileStamp): Runbook | undefined {
    const e = this.entries.get(path);
    return e && e.stamp.size === stamp.size && e.stamp.mtimeMs === stamp.mtimeMs ? e.model : undefined;
  }

  byHash(hash: string): Runbook | undefined {
    return this.hashes.get(hash);
  }

  store(runbook: Runbook, stamp: FileStamp): void {
    // Quick and failed models are not worth keeping: a failed file is retried next time.
    if (runbook.parseStatus !== 'full') return;
    const old = this.entries.get(runbook.path);
    if (old && old.model.contentHash === runbook.contentHash && old.stamp.mtimeMs === stamp.mtimeMs && old.stamp.size === stamp.size) return;
    this.entries.set(runbook.path, { stamp: { size: stamp.size, mtimeMs: stamp.mtimeMs }, model: runbook });
    this.hashes.set(runbook.contentHash, runbook);
    this.dirty = true;
  }

  forget(path: string): void {
    if (this.entries.delete(path)) this.dirty = true;
  }

  async save(): Promise<void> {
    this.dirty = false;
  }

  get size(): number {
    return this.entries.size;
  }
}

/** A cache kept in one JSON file; a missing, corrupt or outdated file is an empty cache. */
export class FileModelCache extends MemoryModelCache {
  private saving: Promise<void> = Promise.resolve();

  private constructor(readonly file: string) {
    super();
  }

  static async open(dir: string, roots: readonly string[]): Promise<FileModelCache> {
    const cache = new FileModelCache(join(dir, cacheFileName(roots)));
    const breathe = breather();
    let data: Buffer;
    try {
      data = await readFile(cache.file);
    } catch {
      return cache; // no cache yet: start empty and write it on save
    }
    // Line by line from the bytes: decoding tens of MB in one call would hold the thread.
    let start = 0;
    let header = true;
    while (start < data.length) {
      let end = data.indexOf(10, start);
      if (end === -1) end = data.length;
      const line = data.toString('utf8', start, end);
      start = end + 1;
      if (line === '') continue;
      try {
        if (header) {
          const h = JSON.parse(line) as CacheHeader;
          if (h.format !== 4 || h.parserVersion !== PARSER_VERSION) return cache; // another parser: nothing reusable
          header = false;
          continue;
        }
        const [, size, mtimeMs, packed] = JSON.parse(line) as CacheLine;
        const model = unpack(packed);
        // Keyed by the model's own path string: one copy, not two.
        cache.entries.set(model.path, { stamp: { size, mtimeMs }, model });
        cache.hashes.set(model.contentHash, model);
      } catch {
        // A torn line (a crash while writing) loses one entry, not the cache; a bad header, all.
        if (header) return cache;
      }
      await breathe();
    }
    return cache;
  }

  override async save(): Promise<void> {
    if (!this.dirty) return this.saving;
    this.dirty = false;
    const entries = [...this.entries];
    // Writes are serialised and atomic (temp file + rename), so a crash never leaves half a
    // file; they go out in pieces of a few hundred KB, with pauses, so the thread stays free.
    this.saving = this.saving.then(async () => {
      await mkdir(join(this.file, '..'), { recursive: true });
      const tmp = `${this.file}.${process.pid}.tmp`;
      const handle = await open(tmp, 'w');
      try {
        const breathe = breather();
        let chunk = JSON.stringify({ format: 4, parserVersion: PARSER_VERSION } satisfies CacheHeader) + '\n';
        for (const [path, e] of entries) {
          chunk += JSON.stringify([path, e.stamp.size, e.stamp.mtimeMs, toPacked(e.model)] satisfies CacheLine) + '\n';
          if (chunk.length > 256 * 1024) {
            await handle.write(chunk);
            chunk = '';
          }
          await breathe();
        }
        await handle.write(chunk);
      } finally {
        await handle.close();
      }
      await rename(tmp, this.file);
    });
    return this.saving;
  }
}

/**
 * Delays saves of another cache: a burst of single-file updates writes the file once, after
 * `delayMs` of quiet. `flush()` writes now (on shutdown).
 */
export class DebouncedSaveCache implements ModelCache {
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly inner: ModelCache,
    private readonly delayMs: number,
    private readonly onError: (err: Error) => void = () => {},
  ) {}

  byStamp(path: string, stamp: FileStamp): Runbook | undefined {
    return this.inner.byStamp(path, stamp);
  }
  byHash(hash: string): Runbook | undefined {
    return this.inner.byHash(hash);
  }
  store(runbook: Runbook, stamp: FileStamp): void {
    this.inner.store(runbook, stamp);
  }
  forget(path: string): void {
    this.inner.forget(path);
  }

  save(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.inner.save().catch((err: Error) => this.onError(err));
    }, this.delayMs);
    return Promise.resolve();
  }

  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.inner.save();
  }
}
