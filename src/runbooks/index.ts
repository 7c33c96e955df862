// RunbookIndex: every runbook under one or more roots, as plain models, kept current.
//
// A cold build lists the files, takes every model it can from the persistent cache, gives the
// rest a quick first pass (titles within a second or two on thousands of files), then completes
// the full models through the injected parser (a worker pool in the editor) and reports them as
// they arrive. Changed files are re-read alone; a batch (a branch switch) is handled like a small
// build. Loops pause regularly so the thread that owns the index is never held for long.
import { alertLookupKeys, bestAlertMatch, fileNameConventions, normalizeAlertName, type AlertMatch } from './alerts';
import { AreaLayout } from './areas';
import type { FileStamp, ModelCache } from './cache';
import type { AlertCandidate, Runbook } from './model';
import type { RunbookParser } from './parsePool';
import { quickScan } from './quick';
import { searchRunbooks, type SearchHit } from './search';
import { intern, pack } from './store';
import { globMatcher, type RunbookSource, type SourceEntry } from './source';
import { baseName, contentHash, isMarkdownName, placeInRoot } from './text';
import { breather, indexTaskTimes } from './yieldable';

export interface IndexChange {
  /** Paths whose model was added or replaced. */
  updated: string[];
  removed: string[];
}

/** A runbook that answers an alert, with the candidate that matched. */
export interface AlertHit extends AlertMatch {
  runbook: Runbook;
}

export interface IndexProgress {
  phase: 'listing' | 'titles' | 'parsing' | 'done';
  done: number;
  total: number;
}

export interface RunbookIndexOptions {
  source: RunbookSource;
  parser: RunbookParser;
  cache?: ModelCache;
  /** Absolute paths of the runbook roots. */
  roots: readonly string[];
  /** Glob patterns relative to a root; `node_modules` and `.git` are always left out. */
  exclude?: readonly string[];
  /** Files parsed at once (queued in the parser); default 4. */
  parseConcurrency?: number;
  /** Texts kept in memory between the quick pass and the full parse, in characters. */
  keepTextBudget?: number;
  /** Give files a quick model before the full parse (default true; a CLI has no view to fill early). */
  quickFirst?: boolean;
  /**
   * Find where the runbooks live under each root (`content/`, `docs/`, `alerts/` …) and take the
   * folder below as the area (default true; see areas.ts). False: the area is the top folder.
   */
  detectAreas?: boolean | ((root: string) => boolean);
}

interface FileEntry {
  path: string;
  root: string;
  stamp: FileStamp;
  /** Its name is not valid UTF-8: reported, never read. */
  undecodable?: boolean;
}

/** Something the listing could not index, said once (a folder whose name is not UTF-8). */
export interface ListingProblem {
  path: string;
  message: string;
}

export const UNDECODABLE_FILE_MESSAGE =
  'The file name is not valid UTF-8, so the file cannot be opened by name and was not indexed: rename it.';
export const UNDECODABLE_FOLDER_MESSAGE =
  'The folder name is not valid UTF-8, so nothing under it could be listed or indexed: rename it.';

type Listener<T> = (value: T) => void;

const ALWAYS_EXCLUDED = new Set(['node_modules', '.git']);

export class RunbookIndex {
  private readonly models = new Map<string, Runbook>();
  private readonly stamps = new Map<string, FileStamp>();
  /** Normalized alert name (see normalizeAlertName) → paths of runbooks naming it. */
  // (Arrays, not Sets: most alerts have one runbook, and ten thousand Sets weigh megabytes.)
  private readonly alertPaths = new Map<string, string[]>();
  /** Bumped for each path whenever it is (re)processed, so a slower, older result never wins. */
  private readonly versions = new Map<string, number>();
  private readonly changeListeners = new Set<Listener<IndexChange>>();
  private readonly progressListeners = new Set<Listener<IndexProgress>>();
  private readonly inflight = new Set<Promise<unknown>>();
  /** Folders the last build could not list, by path. */
  private readonly listingProblems = new Map<string, ListingProblem>();
  private roots: string[] = [];
  private excluded: (relPath: string) => boolean = () => false;
  private buildGeneration = 0;
  private pendingChange: IndexChange = { updated: [], removed: [] };
  private disposed = false;
  private cache: ModelCache | undefined;
  private sorted: Runbook[] | undefined;
  /** Root → runbooks under it that name an alert themselves (file-name conventions depend on it). */
  private readonly namingAlerts = new Map<string, number>();
  /** Folders whose file-name convention must be looked at again; `all` after a root's count crossed zero. */
  private conventionDirs = new Set<string>();
  private conventionsAll = false;
  /** Root → what its listing says about folders, for areas. */
  private layouts = new Map<string, AreaLayout>();

  private detectAreas: RunbookIndexOptions['detectAreas'] = true;

  constructor(private readonly options: RunbookIndexOptions) {
    this.configure(options.roots, options.exclude ?? [], options.detectAreas ?? true);
    this.cache = options.cache;
  }

  /** Uses a (persistent) model cache from now on: it may be opened after the index exists. */
  setCache(cache: ModelCache | undefined): void {
    this.cache = cache;
  }

  // ---- queries -------------------------------------------------------------------------------

  /** Every model, READMEs included, in path order (kept sorted between changes: views call this often). */
  all(): readonly Runbook[] {
    this.sorted ??= [...this.models.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    return this.sorted;
  }

  get(path: string): Runbook | undefined {
    return this.models.get(path);
  }

  /** What the listing found but could not index (folders whose names are not UTF-8). */
  problems(): readonly ListingProblem[] {
    return [...this.listingProblems.values()];
  }

  /** Runbooks only (READMEs describe folders and are not counted). */
  get runbookCount(): number {
    let n = 0;
    for (const m of this.models.values()) if (!m.isReadme) n++;
    return n;
  }

  get rootPaths(): readonly string[] {
    return this.roots;
  }

  /**
   * Runbooks that answer `alert`: exact names first, else case-insensitive ones, else names equal
   * when spaces, `_`, `-`, `:` (and a leading severity word) are ignored; within that, dedicated
   * files before headings of multi-alert files before table rows.
   */
  byAlert(alert: string): Runbook[] {
    return this.lookupAlert(alert).map((h) => h.runbook);
  }

  /** Like byAlert, with the candidate that matched (its source, anchor and line). */
  lookupAlert(alert: string): AlertHit[] {
    const paths = new Set<string>();
    for (const key of alertLookupKeys(alert)) for (const p of this.alertPaths.get(key) ?? []) paths.add(p);
    const hits: AlertHit[] = [];
    for (const p of paths) {
      const runbook = this.models.get(p);
      const match = runbook && !runbook.isReadme ? bestAlertMatch(runbook, alert) : undefined;
      if (runbook && match) hits.push({ runbook, ...match });
    }
    if (hits.length === 0) return hits;
    // Only the best kind of match: an exact name hides loose look-alikes.
    const bestKind = Math.min(...hits.map((h) => Math.floor(h.rank / 10)));
    return hits
      .filter((h) => Math.floor(h.rank / 10) === bestKind)
      .sort((a, b) => a.rank - b.rank || a.runbook.title.localeCompare(b.runbook.title) || (a.runbook.path < b.runbook.path ? -1 : 1));
  }

  search(query: string, limit = 50): SearchHit[] {
    return searchRunbooks(this.models.values(), query, limit);
  }

  /** The root a path belongs to (the innermost one), if any. */
  rootOf(path: string): string | undefined {
    let best: string | undefined;
    for (const root of this.roots) {
      if (isUnder(root, path) && (!best || root.length > best.length)) best = root;
    }
    return best;
  }

  /** Whether a file at `path` would be indexed: markdown, under a root, not excluded. */
  isIndexable(path: string): boolean {
    const root = this.rootOf(path);
    if (!root || !isMarkdownName(baseName(path))) return false;
    const { relPath } = placeInRoot(root, path);
    return !relPath.split('/').some((seg) => ALWAYS_EXCLUDED.has(seg)) && !this.excluded(relPath);
  }

  private isIndexableFolder(path: string): boolean {
    const root = this.rootOf(path);
    if (!root) return false;
    const { relPath } = placeInRoot(root, path);
    return relPath === '' || (!relPath.split('/').some((seg) => ALWAYS_EXCLUDED.has(seg)) && !this.excluded(relPath));
  }

  // ---- events --------------------------------------------------------------------------------

  onDidChange(listener: Listener<IndexChange>): () => void {
    this.changeListeners.add(listener);
    return () => this.changeListeners.delete(listener);
  }

  onProgress(listener: Listener<IndexProgress>): () => void {
    this.progressListeners.add(listener);
    return () => this.progressListeners.delete(listener);
  }

  /** Resolves once every build and update started so far has finished. */
  async whenCurrent(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  // ---- building ------------------------------------------------------------------------------

  /** Changes the roots and exclusions (and, when given, where areas are detected); call build() afterwards. */
  configure(roots: readonly string[], exclude: readonly string[], detectAreas?: RunbookIndexOptions['detectAreas']): void {
    this.roots = [...new Set(roots.map(trimSeparator))].sort();
    this.excluded = globMatcher(exclude);
    if (detectAreas !== undefined) this.detectAreas = detectAreas;
  }

  /** (Re)builds the whole index. Models of unchanged files are kept or taken from the cache. */
  build(): Promise<void> {
    return this.track(this.runBuild());
  }

  /**
   * Files created, changed or deleted (a watcher batch). Each path is re-read alone; a missing
   * or no longer indexable file is removed.
   */
  update(paths: readonly string[]): Promise<void> {
    return this.track(this.runUpdate([...new Set(paths)]));
  }

  dispose(): void {
    this.disposed = true;
    this.buildGeneration++;
    this.changeListeners.clear();
    this.progressListeners.clear();
  }

  private track<T>(promise: Promise<T>): Promise<T> {
    this.inflight.add(promise);
    const done = () => this.inflight.delete(promise);
    promise.then(done, done);
    return promise;
  }

  private async runBuild(): Promise<void> {
    const generation = ++this.buildGeneration;
    const current = () => generation === this.buildGeneration && !this.disposed;
    this.progress({ phase: 'listing', done: 0, total: 0 });
    this.listingProblems.clear();
    const files = await this.listFiles(current);
    if (!current()) return;

    this.layouts = new Map();
    for (const f of files) this.layoutOf(f.root).add(placeInRoot(f.root, f.path).relPath);
    const listed = new Set(files.map((f) => f.path));
    for (const path of [...this.models.keys()]) if (!listed.has(path)) this.removeModel(path);
    await this.process(files, current, this.options.quickFirst ?? true);
    if (!current()) return;
    this.refreshAreas();
    this.flush();
    this.progress({ phase: 'done', done: files.length, total: files.length });
  }

  private async runUpdate(paths: string[]): Promise<void> {
    const files: FileEntry[] = [];
    for (const path of paths) {
      if (!isMarkdownName(baseName(path)) && this.rootOf(path)) {
        // A folder: removed (everything under it goes) or added (everything under it comes).
        const stat = await this.options.source.stat(path);
        for (const known of [...this.models.keys()]) {
          if (isUnder(path, known) && (!stat || stat.kind !== 'directory')) this.removeModel(known);
        }
        if (stat?.kind === 'directory') files.push(...(await this.listFiles(() => !this.disposed, [path])));
        continue;
      }
      const stat = this.isIndexable(path) ? await this.options.source.stat(path) : undefined;
      if (!stat || stat.kind !== 'file') {
        this.versions.set(path, (this.versions.get(path) ?? 0) + 1);
        this.removeModel(path);
        continue;
      }
      files.push({ path, root: this.rootOf(path) as string, stamp: { size: stat.size, mtimeMs: stat.mtimeMs } });
    }
    // A file can come both by name and inside a folder event: once is enough.
    const unique = [...new Map(files.map((f) => [f.path, f])).values()];
    for (const f of unique) this.layoutOf(f.root).add(placeInRoot(f.root, f.path).relPath);
    // One file is parsed at once; a batch gets titles first, like a build.
    await this.process(unique, () => !this.disposed, unique.length > 1 && (this.options.quickFirst ?? true), true);
    this.flush();
  }

  /** Lists every indexable file under the roots: iterative, loop-safe, skipping excluded folders. */
  private async listFiles(current: () => boolean, startDirs?: readonly string[]): Promise<FileEntry[]> {
    const { source } = this.options;
    const files: FileEntry[] = [];
    const seenDirs = new Set<string>();
    const breathe = breather();
    for (const start of startDirs ?? this.roots) {
      const root = startDirs ? this.rootOf(start) : start;
      if (!root) continue;
      if (startDirs && !this.isIndexableFolder(start)) continue;
      // A root inside another root is walked as its own root, not twice.
      const innerRoots = this.roots.filter((r) => r !== root && isUnder(root, r));
      const stack: string[] = [start];
      while (stack.length > 0) {
        if (!current()) return files;
        const dir = stack.pop() as string;
        let real: string;
        try {
          real = await source.realPath(dir);
        } catch {
          continue;
        }
        if (seenDirs.has(real)) continue; // a symbolic link loop, or a folder reached twice
        seenDirs.add(real);
        let entries;
        try {
          entries = await source.readDirectory(dir);
        } catch {
          continue; // unreadable folder: skipped, the rest is indexed
        }
        for (const e of entries) if (e.undecodable) this.undecodable(source.join(dir, e.name), root, e.kind, files);
        const wanted = entries
          .filter((e) => !e.undecodable && !ALWAYS_EXCLUDED.has(e.name) && (e.kind !== 'file' || isMarkdownName(e.name)))
          .map((e) => ({ entry: e, path: source.join(dir, e.name) }))
          .filter(({ path }) => !this.excluded(placeInRoot(root, path).relPath) && !innerRoots.includes(path));
        // Stats of one folder's entries run together: listing is bound by file system latency.
        const stats = await Promise.all(wanted.map(({ entry, path }) => (entry.kind === 'directory' ? undefined : source.stat(path))));
        wanted.forEach(({ entry, path }, i) => {
          const stat = stats[i];
          if (entry.kind === 'directory' || stat?.kind === 'directory') stack.push(path);
          else if (stat?.kind === 'file' && isMarkdownName(entry.name)) files.push({ path, root, stamp: { size: stat.size, mtimeMs: stat.mtimeMs } });
        });
        await breathe();
      }
    }
    return files;
  }

  /**
   * An entry whose name is not UTF-8: a markdown file (or a link named like one) becomes a
   * failed model; a folder (or a link that may be one) a listing problem. Never skipped silently.
   */
  private undecodable(path: string, root: string, kind: SourceEntry['kind'], files: FileEntry[]): void {
    if (this.excluded(placeInRoot(root, path).relPath)) return;
    if ((kind === 'file' || kind === 'symlink') && isMarkdownName(baseName(path))) {
      files.push({ path, root, stamp: { size: -1, mtimeMs: -1 }, undecodable: true });
    } else if (kind === 'directory' || kind === 'symlink') {
      this.listingProblems.set(path, { path, message: UNDECODABLE_FOLDER_MESSAGE });
    }
  }

  /**
   * Brings the given files' models up to date: from the cache by stamp, else read (quick pass
   * first when `quickFirst`), then fully parsed. `force` re-reads even when the stamp is unchanged.
   */
  private async process(files: FileEntry[], current: () => boolean, quickFirst: boolean, force = false): Promise<void> {
    const { source } = this.options;
    const cache = this.cache;
    const breathe = breather();
    const toParse: Array<{ file: FileEntry; version: number; text?: string }> = [];
    let textBudget = this.options.keepTextBudget ?? 32 * 1024 * 1024;
    let done = 0;

    // Pass 1: cache hits by stamp, unchanged models, then quick models for the rest.
    const toRead: Array<{ file: FileEntry; version: number }> = [];
    for (const file of files) {
      const version = (this.versions.get(file.path) ?? 0) + 1;
      this.versions.set(file.path, version);
      if (file.undecodable) {
        this.setModel(failedListing(file, UNDECODABLE_FILE_MESSAGE), file.stamp);
        done++;
        continue;
      }
      const existing = this.models.get(file.path);
      const oldStamp = this.stamps.get(file.path);
      if (!force && existing?.parseStatus === 'full' && oldStamp && sameStamp(oldStamp, file.stamp)) {
        done++;
        continue;
      }
      const cached = cache?.byStamp(file.path, file.stamp);
      if (cached) {
        this.setModel(restamp(cached, file), file.stamp);
        done++;
      } else toRead.push({ file, version });
      await breathe();
    }
    this.progress({ phase: 'titles', done, total: files.length });
    this.flush();

    const readConcurrency = 16;
    const readChunk = (from: number) =>
      Promise.all(toRead.slice(from, from + readConcurrency).map(({ file }) => source.readFile(file.path).catch((err: unknown) => err as Error)));
    // The next chunk is read while this one is scanned: reading and scanning overlap.
    let nextTexts = toRead.length > 0 ? readChunk(0) : undefined;
    for (let i = 0; i < toRead.length; i += readConcurrency) {
      if (!current()) return;
      const chunk = toRead.slice(i, i + readConcurrency);
      const texts = await (nextTexts as Promise<Array<string | Error>>);
      nextTexts = i + readConcurrency < toRead.length ? readChunk(i + readConcurrency) : undefined;
      for (let k = 0; k < chunk.length; k++) {
        const { file, version } = chunk[k] as { file: FileEntry; version: number };
        const text = texts[k] as string | Error;
        if (this.versions.get(file.path) !== version) continue;
        if (text instanceof Error) {
          this.setModel(unreadable(file, text), file.stamp);
          continue;
        }
        // Synchronous work on this thread per file: measured (the host must stay responsive).
        if (!indexTaskTimes.measure('hash and quick pass of one file', () => this.takeText(file, text, quickFirst, cache))) continue;
        const keep = textBudget >= text.length;
        if (keep) textBudget -= text.length;
        toParse.push({ file, version, text: keep ? text : undefined });
        await breathe();
      }
      this.progress({ phase: 'titles', done: done + Math.min(i + readConcurrency, toRead.length), total: files.length });
      this.flush();
    }

    // Pass 2: full models, a few files in flight at a time.
    const parseConcurrency = this.options.parseConcurrency ?? 4;
    let parsed = 0;
    const total = toParse.length;
    let next = 0;
    const worker = async () => {
      while (next < toParse.length && current()) {
        const item = toParse[next++] as { file: FileEntry; version: number; text?: string };
        if (this.versions.get(item.file.path) !== item.version) continue;
        let text = item.text;
        item.text = undefined;
        if (text === undefined) {
          try {
            text = await source.readFile(item.file.path);
          } catch (err) {
            this.setModel(unreadable(item.file, err as Error), item.file.stamp);
            continue;
          }
        }
        const model = await this.options.parser.parse({ path: item.file.path, root: item.file.root, text });
        if (this.versions.get(item.file.path) !== item.version || !current()) continue;
        const kept = this.setModel(model, item.file.stamp);
        cache?.store(kept, item.file.stamp);
        parsed++;
        if (parsed % 25 === 0 || parsed === total) {
          this.progress({ phase: 'parsing', done: parsed, total });
          this.flush();
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(parseConcurrency, Math.max(1, total)) }, worker));
    this.applyFileNameConventions();
    this.flush();
    await cache?.save();
  }

  /**
   * Uses what is known about a file's text: an unchanged model, a cached one, else (when
   * `quickFirst`) a quick model. Returns whether the file still needs a full parse.
   */
  private takeText(file: FileEntry, text: string, quickFirst: boolean, cache: ModelCache | undefined): boolean {
    const hash = contentHash(text, baseName(file.path));
    const existing = this.models.get(file.path);
    if (existing?.parseStatus === 'full' && existing.contentHash === hash) {
      this.stamps.set(file.path, file.stamp);
      cache?.store(existing, file.stamp);
      return false;
    }
    const cached = cache?.byHash(hash);
    if (cached) {
      // (Not `cache?.store(this.setModel(…))`: with no cache the argument would not run.)
      const kept = this.setModel(restamp(cached, file), file.stamp);
      cache?.store(kept, file.stamp);
      return false;
    }
    if (quickFirst) this.setModel(quickScan({ path: file.path, root: file.root, text }, hash), file.stamp);
    return true;
  }

  // ---- model bookkeeping ---------------------------------------------------------------------

  /** Keeps a model (packed when full: see store.ts) and returns what is kept. */
  private setModel(incoming: Runbook, stamp: FileStamp): Runbook {
    const model = incoming.parseStatus === 'full' ? pack(incoming) : incoming;
    // File-name alerts by convention are the index's to decide (again), not the cache's.
    if (model.alerts.some((a) => a.byConvention)) model.alerts = model.alerts.filter((a) => !a.byConvention);
    this.placeInArea(model);
    const old = this.models.get(model.path);
    if (old) {
      this.unlinkAlerts(old);
      this.countNamingAlerts(old, -1);
    }
    this.models.set(model.path, model);
    this.sorted = undefined;
    this.stamps.set(model.path, stamp);
    this.linkAlerts(model);
    this.countNamingAlerts(model, 1);
    this.conventionDirs.add(dirName(model.path));
    this.pendingChange.updated.push(model.path);
    return model;
  }

  /** Sets a model's area from its root's layout (when areas are detected there). */
  private placeInArea(model: Runbook): boolean {
    const detect = this.detectAreas;
    if (detect === false || (typeof detect === 'function' && !detect(model.root))) return false;
    const area = this.layoutOf(model.root).areaOf(model.relPath);
    if (area === model.area) return false;
    model.area = intern(area);
    return true;
  }

  /** After a build: every model's area from the new layouts (unchanged files were not set again). */
  private refreshAreas(): void {
    for (const m of this.models.values()) if (this.placeInArea(m)) this.pendingChange.updated.push(m.path);
  }

  private layoutOf(root: string): AreaLayout {
    let layout = this.layouts.get(root);
    if (!layout) this.layouts.set(root, (layout = new AreaLayout()));
    return layout;
  }

  private linkAlerts(model: Runbook): void {
    for (const a of model.alerts) {
      const key = normalizeAlertName(a.name);
      const paths = this.alertPaths.get(key);
      if (!paths) this.alertPaths.set(key, [model.path]);
      else if (!paths.includes(model.path)) paths.push(model.path);
    }
  }

  /** Keeps count, per root, of runbooks that name an alert themselves. */
  private countNamingAlerts(model: Runbook, delta: 1 | -1): void {
    if (model.isReadme || !model.alerts.some((a) => !a.byConvention)) return;
    const before = this.namingAlerts.get(model.root) ?? 0;
    const after = before + delta;
    if (after <= 0) this.namingAlerts.delete(model.root);
    else this.namingAlerts.set(model.root, after);
    if ((before === 0) !== (after <= 0)) this.conventionsAll = true;
  }

  /** Adds or removes the file-name alerts that folders' conventions imply (see fileNameConventions). */
  private applyFileNameConventions(): void {
    const all = this.conventionsAll;
    const dirs = this.conventionDirs;
    this.conventionsAll = false;
    this.conventionDirs = new Set();
    if (!all && dirs.size === 0) return;
    // Only a file name with a capital letter can be an alert (see alertInFileName): the others
    // neither count for a folder's convention nor get an alert from it.
    const affected: Runbook[] = [];
    for (const m of this.models.values()) {
      if (/[A-Z]/.test(baseName(m.path)) && (all || dirs.has(dirName(m.path)))) affected.push(m);
    }
    if (affected.length === 0) return;
    const wanted = fileNameConventions(
      affected.map((m) => ({ path: m.path, dir: dirName(m.path), root: m.root, fileName: baseName(m.path), isReadme: m.isReadme, alerts: m.alerts })),
      (root) => this.namingAlerts.has(root),
    );
    for (const m of affected) {
      const current = m.alerts.find((a) => a.byConvention)?.name;
      const want = wanted.get(m.path);
      if (current === want) continue;
      this.unlinkAlerts(m);
      const kept: AlertCandidate[] = m.alerts.filter((a) => !a.byConvention);
      m.alerts = want === undefined ? kept : [...kept, { name: want, source: 'fileName', byConvention: true }];
      this.linkAlerts(m);
      this.pendingChange.updated.push(m.path);
    }
  }

  private removeModel(path: string): void {
    const old = this.models.get(path);
    if (!old) return;
    this.unlinkAlerts(old);
    this.countNamingAlerts(old, -1);
    this.conventionDirs.add(dirName(path));
    this.models.delete(path);
    this.sorted = undefined;
    this.stamps.delete(path);
    this.cache?.forget(path);
    this.pendingChange.removed.push(path);
  }

  private unlinkAlerts(model: Runbook): void {
    for (const a of model.alerts) {
      const key = normalizeAlertName(a.name);
      const paths = this.alertPaths.get(key)?.filter((p) => p !== model.path);
      if (!paths || paths.length === 0) this.alertPaths.delete(key);
      else this.alertPaths.set(key, paths);
    }
  }

  private flush(): void {
    const change = this.pendingChange;
    if (change.updated.length === 0 && change.removed.length === 0) return;
    this.pendingChange = { updated: [], removed: [] };
    change.updated = [...new Set(change.updated)];
    for (const l of this.changeListeners) l(change);
  }

  private progress(p: IndexProgress): void {
    for (const l of this.progressListeners) l(p);
  }
}

function restamp(model: Runbook, file: FileEntry): Runbook {
  if (model.path === file.path && model.root === file.root) return model;
  return { ...model, path: file.path, root: file.root, ...placeInRoot(file.root, file.path) };
}

function unreadable(file: FileEntry, err: Error): Runbook {
  return failedListing(file, `The file could not be read: ${err.message}`);
}

/** The model of a file that was listed but cannot be read: its name and the reason. */
function failedListing(file: FileEntry, message: string): Runbook {
  const model = quickScan({ path: file.path, root: file.root, text: '' });
  return {
    ...model,
    title: baseName(file.path),
    parseStatus: 'failed',
    problems: [{ ruleId: 'parse-failed', severity: 'error', message, line: 0 }],
  };
}

function sameStamp(a: FileStamp, b: FileStamp): boolean {
  return a.size === b.size && a.mtimeMs === b.mtimeMs;
}

function trimSeparator(path: string): string {
  return path.length > 1 ? path.replace(/[\\/]+$/, '') : path;
}

function dirName(path: string): string {
  const i = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  return i === -1 ? '' : path.slice(0, i);
}

function isUnder(root: string, path: string): boolean {
  return path === root || (path.startsWith(root) && (path[root.length] === '/' || path[root.length] === '\\'));
}
