// The runbook index inside the editor: roots from the settings, a parse worker pool, the
// persistent cache in the extension's storage, a file watcher feeding debounced batches, lint
// results per runbook, and the context keys the views depend on. Building starts after
// activate() has returned.
import { availableParallelism } from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { DebouncedSaveCache, FileModelCache, MemoryModelCache, type ModelCache } from '../../runbooks/cache';
import { RunbookIndex, type IndexChange, type IndexProgress } from '../../runbooks/index';
import { DEFAULT_LINT_CONFIG, LINT_RULES, linkTargets, lintRepository, lintRunbook, type LintConfig, type LintContext, type RepositorySuggestion, type RuleLevel } from '../../runbooks/lint';
import type { Problem, Runbook } from '../../runbooks/model';
import { ParsePool } from '../../runbooks/parsePool';
import { nodeSource } from '../../runbooks/source';
import { isMarkdownName } from '../../runbooks/text';
import { indexTaskTimes } from '../../runbooks/yieldable';
import { postmortemLocation } from '../postmortem/location';
import type { BaseServices, RunbookService, RunbookTesting } from '../services';

/** Today as YYYY-MM-DD in the user's time zone (what "reviewed today" means to them). */
export function localToday(now = new Date()): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}`;
}

export class RunbookIndexService implements RunbookService, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changed.event;
  /** Set by register.ts in test mode only. */
  testing?: RunbookTesting;
  private readonly pool: ParsePool;
  private readonly index: RunbookIndex;
  private cache: ModelCache = new MemoryModelCache();
  private readonly lint = new Map<string, Problem[]>();
  /** Runbook path → runbooks that link to it, for re-linting when it changes. */
  private readonly linkedFrom = new Map<string, Set<string>>();
  private readonly linksOf = new Map<string, string[]>();
  private readonly lintChanged = new vscode.EventEmitter<readonly string[]>();
  readonly onDidChangeLint = this.lintChanged.event;
  private readonly disposables: vscode.Disposable[] = [];
  private pendingPaths = new Set<string>();
  private flushTimer: ReturnType<typeof setTimeout> | undefined;
  private firstEventAt = 0;
  private changeTimer: ReturnType<typeof setTimeout> | undefined;
  private started: Promise<void> | undefined;
  private ready = false;
  /** Models of open documents (dirty, or outside the roots) by URI, for their version. */
  private readonly documentModels = new Map<string, { version: number; model: Promise<Runbook> }>();
  /** Folders the index could not list, as problems. */
  private readonly listingProblems = new Map<string, Problem[]>();
  /** Parse problems of open markdown files outside the runbook roots. */
  private readonly outsideProblems = new Map<string, Problem[]>();
  /** Watchers for roots outside the workspace folders (the workspace has its own watcher). */
  private rootWatchers: vscode.Disposable[] = [];

  constructor(private readonly base: BaseServices) {
    const workerPath = vscode.Uri.joinPath(base.context.extensionUri, 'dist', 'parseWorker.js').fsPath;
    // Two workers where there are two cores: measured 1.45x faster than one on a cold index
    // (bench/REPORT.md), while the extension host itself stays mostly idle.
    this.pool = new ParsePool({ workerPath, size: Math.min(2, Math.max(1, availableParallelism())), timeoutMs: 10_000, maxHeapMb: 256 });
    this.index = this.createIndex();
    this.disposables.push(
      this.changed,
      this.lintChanged,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('oncall.runbookRoots') || e.affectsConfiguration('oncall.exclude') || e.affectsConfiguration('oncall.postmortems.folder')) void this.refresh();
        else if (e.affectsConfiguration('oncall.lint')) this.relintAll();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.refresh()),
      vscode.workspace.onDidCloseTextDocument((d) => this.forgetDocument(d)),
    );
  }

  // ---- RunbookService ------------------------------------------------------------------------

  all(): readonly Runbook[] {
    return this.index.all();
  }

  byAlert(alert: string): readonly Runbook[] {
    return this.index.byAlert(alert);
  }

  async get(uri: vscode.Uri): Promise<Runbook | undefined> {
    if (uri.scheme !== 'file' && uri.scheme !== 'untitled') return undefined;
    const path = uri.fsPath;
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    const indexed = this.index.get(path);
    if (indexed && indexed.parseStatus !== 'quick' && !open?.isDirty) return indexed;
    // Every parse goes to the worker pool, under its limits: this thread never runs remark.
    if (open && (indexed || isMarkdownName(path))) return this.parseDocument(open, indexed !== undefined);
    if (!indexed) return undefined;
    const root = this.index.rootOf(path) ?? path.replace(/[\\/][^\\/]*$/, '');
    return this.pool.parse({ path, root, text: await nodeSource.readFile(path) });
  }

  /**
   * An open document's model, parsed in the pool once per document version. A file outside the
   * runbook roots that cannot be parsed shows its parse problem in the Problems panel too.
   */
  private parseDocument(document: vscode.TextDocument, indexed: boolean): Promise<Runbook> {
    const key = document.uri.toString();
    const known = this.documentModels.get(key);
    if (known && known.version === document.version) return known.model;
    const path = document.uri.fsPath;
    const root = this.index.rootOf(path) ?? vscode.workspace.getWorkspaceFolder(document.uri)?.uri.fsPath ?? path.replace(/[\\/][^\\/]*$/, '');
    const model = this.pool.parse({ path, root, text: document.getText() });
    this.documentModels.set(key, { version: document.version, model });
    if (!indexed) {
      void model.then((runbook) => {
        if (this.documentModels.get(key)?.model !== model) return;
        const failed = runbook.problems.filter((p) => p.ruleId === 'parse-failed');
        if (failed.length === 0 && !this.outsideProblems.has(path)) return;
        if (failed.length > 0) this.outsideProblems.set(path, failed);
        else this.outsideProblems.delete(path);
        this.lintChanged.fire([path]);
      });
    }
    return model;
  }

  private forgetDocument(document: vscode.TextDocument): void {
    this.documentModels.delete(document.uri.toString());
    const path = document.uri.fsPath;
    if (this.outsideProblems.delete(path)) this.lintChanged.fire([path]);
  }

  // ---- more for the views --------------------------------------------------------------------

  get runbookIndex(): RunbookIndex {
    return this.index;
  }

  get isReady(): boolean {
    return this.ready;
  }

  /** Parse problems and lint problems of one runbook (or the parse problem of an open file outside the roots). */
  problemsOf(path: string): readonly Problem[] {
    return this.lint.get(path) ?? this.index.get(path)?.problems ?? this.outsideProblems.get(path) ?? this.listingProblems.get(path) ?? [];
  }

  /** Starts the first build; later calls return the same promise. */
  start(): Promise<void> {
    this.started ??= this.rebuild();
    return this.started;
  }

  /** Re-reads the settings and rebuilds; resolves to the runbook count once current. */
  async refresh(): Promise<number> {
    const { roots, exclude, detectAreas } = this.roots();
    this.index.configure(roots, exclude, detectAreas);
    this.watchRoots(roots);
    if (this.cache instanceof DebouncedSaveCache) await this.cache.flush().catch(() => {});
    this.started = this.rebuild();
    await this.started;
    await this.index.whenCurrent();
    return this.index.runbookCount;
  }

  /** Resolves once the current build and pending watcher batches are done. */
  async whenCurrent(): Promise<void> {
    await this.start();
    if (this.pendingPaths.size > 0) await this.flushWatcher();
    await this.index.whenCurrent();
  }

  // ---- internals -----------------------------------------------------------------------------

  private roots(): { roots: string[]; exclude: string[]; detectAreas: (root: string) => boolean } {
    const roots: string[] = [];
    // Under a root the user configured, the area is the top folder; a workspace folder used as
    // the root is searched for where its runbooks live (content/, docs/, alerts/ …).
    const configuredRoots = new Set<string>();
    const exclude = new Set<string>();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      if (folder.uri.scheme !== 'file') continue;
      const config = vscode.workspace.getConfiguration('oncall', folder.uri);
      const configured = config.get<string[]>('runbookRoots', []).filter((r) => typeof r === 'string' && r.trim() !== '');
      if (configured.length === 0) roots.push(folder.uri.fsPath);
      for (const r of configured) {
        const root = /^([a-zA-Z]:)?[\\/]/.test(r) ? r : vscode.Uri.joinPath(folder.uri, r).fsPath;
        roots.push(root);
        configuredRoots.add(root.replace(/[\\/]+$/, ''));
      }
      for (const g of config.get<string[]>('exclude', [])) if (typeof g === 'string') exclude.add(g);
    }
    // Post-mortems are markdown too, but not runbooks: keep their folder out of the index.
    const postmortems = postmortemLocation()?.folder.fsPath;
    if (postmortems) {
      for (const root of roots) {
        const rel = path.relative(root, postmortems).split(path.sep).join('/');
        if (rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel)) exclude.add(rel);
      }
    }
    return { roots, exclude: [...exclude], detectAreas: (root) => !configuredRoots.has(root) };
  }

  private createIndex(): RunbookIndex {
    const { roots, exclude, detectAreas } = this.roots();
    const index = new RunbookIndex({ source: nodeSource, parser: this.pool, roots, exclude, cache: undefined, parseConcurrency: 3, detectAreas });
    index.onDidChange((change) => indexTaskTimes.measure('lint and view data after a change', () => this.indexChanged(index, change)));
    this.watchRoots(roots);
    return index;
  }

  private watchRoots(roots: readonly string[]): void {
    for (const w of this.rootWatchers.splice(0)) w.dispose();
    for (const root of roots) {
      const uri = vscode.Uri.file(root);
      if (vscode.workspace.getWorkspaceFolder(uri)) continue;
      const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(uri, '**/*'));
      const onEvent = (u: vscode.Uri) => this.fileEvent(u);
      this.rootWatchers.push(watcher, watcher.onDidCreate(onEvent), watcher.onDidChange(onEvent), watcher.onDidDelete(onEvent));
    }
  }

  private async rebuild(): Promise<void> {
    const index = this.index;
    const { roots } = this.roots();
    try {
      const storage = this.base.context.storageUri ?? this.base.context.globalStorageUri;
      const file = await FileModelCache.open(vscode.Uri.joinPath(storage, 'runbook-cache').fsPath, roots);
      this.cache = new DebouncedSaveCache(file, 5_000, (err) => this.base.log.warn(`runbook cache not saved: ${err.message}`));
    } catch (err) {
      this.base.log.warn(`runbook cache unavailable: ${(err as Error).message}`);
      this.cache = new MemoryModelCache();
    }
    index.setCache(this.cache);
    const started = Date.now();
    await vscode.window.withProgress(
      { location: { viewId: 'oncall.runbooks' } },
      () =>
        vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: 'Indexing runbooks' }, async (progress) => {
          const unsubscribe = index.onProgress((p) => this.progressed(p, progress));
          try {
            await index.build();
          } finally {
            unsubscribe();
          }
        }),
    );
    this.setReady();
    this.base.log.info(`indexed ${index.runbookCount} runbooks under ${roots.length} root(s) in ${Date.now() - started} ms`);
    this.reportListingProblems(index);
    await index.whenCurrent();
    this.refit();
  }

  /** Folders the index could not list (names not UTF-8): in the log and the Problems panel. */
  private reportListingProblems(index: RunbookIndex): void {
    const before = [...this.listingProblems.keys()];
    this.listingProblems.clear();
    for (const p of index.problems()) {
      this.base.log.warn(`${p.path}: ${p.message}`);
      this.listingProblems.set(p.path, [{ ruleId: 'parse-failed', severity: 'error', message: p.message, line: 0 }]);
    }
    const changed = [...new Set([...before, ...this.listingProblems.keys()])];
    if (changed.length > 0) this.lintChanged.fire(changed);
  }

  private progressed(p: IndexProgress, progress: vscode.Progress<{ message?: string }>): void {
    // Ready (the tree shows every runbook) once each file has at least its quick model.
    if (p.phase === 'parsing' || p.phase === 'done' || (p.phase === 'titles' && p.done === p.total)) this.setReady();
    if (p.phase === 'titles') progress.report({ message: `reading ${p.done}/${p.total}` });
    else if (p.phase === 'parsing') progress.report({ message: `parsing ${p.done}/${p.total}` });
  }

  private setReady(): void {
    if (this.ready) return;
    this.ready = true;
    void vscode.commands.executeCommand('setContext', 'oncall.indexReady', true);
  }

  private indexChanged(index: RunbookIndex, change: IndexChange): void {
    const relint = new Set<string>(change.updated);
    for (const path of [...change.updated, ...change.removed]) {
      for (const from of this.linkedFrom.get(path) ?? []) relint.add(from);
    }
    for (const path of change.removed) {
      this.lint.delete(path);
      this.unlink(path);
    }
    for (const path of change.updated) {
      const runbook = index.get(path);
      if (!runbook) continue;
      this.unlink(path);
      const targets = linkTargets(runbook);
      this.linksOf.set(path, targets);
      for (const target of targets) {
        let set = this.linkedFrom.get(target);
        if (!set) this.linkedFrom.set(target, (set = new Set()));
        set.add(path);
      }
    }
    this.relint([...relint]);
    this.lintChanged.fire([...relint, ...change.removed]);
    void vscode.commands.executeCommand('setContext', 'oncall.hasRunbooks', index.runbookCount > 0);
    // A single file updates the views at once; a stream of build results every 150 ms.
    if (change.updated.length + change.removed.length <= 2 && !this.changeTimer) this.changed.fire();
    else this.changeTimer ??= setTimeout(() => {
      this.changeTimer = undefined;
      this.changed.fire();
    }, 150);
  }

  private unlink(path: string): void {
    for (const target of this.linksOf.get(path) ?? []) {
      const set = this.linkedFrom.get(target);
      if (set?.delete(path) && set.size === 0) this.linkedFrom.delete(target);
    }
    this.linksOf.delete(path);
  }

  private lintConfigs = new Map<string, LintConfig>();
  /** Per workspace folder: the convention rules fitted to its runbooks (see lintRepository). */
  private readonly fits = new Map<string, { requiredSections: readonly string[]; demoted: ReadonlySet<string>; suggestions: RepositorySuggestion[] }>();

  private folderKey(path: string): string {
    return vscode.workspace.getWorkspaceFolder(vscode.Uri.file(path))?.uri.toString() ?? '';
  }

  private lintConfig(path: string): LintConfig {
    const folder = vscode.workspace.getWorkspaceFolder(vscode.Uri.file(path));
    const key = folder?.uri.toString() ?? '';
    let config = this.lintConfigs.get(key);
    if (!config) {
      const c = vscode.workspace.getConfiguration('oncall.lint', folder?.uri);
      const rules = c.get<Record<string, RuleLevel>>('rules', {});
      const sections = c.get<unknown>('requiredSections', []);
      config = {
        staleAfterDays: c.get<number>('staleAfterDays', DEFAULT_LINT_CONFIG.staleAfterDays),
        // Empty (the default): the sections most of the folder's runbooks share.
        requiredSections: Array.isArray(sections) ? sections.filter((x): x is string => typeof x === 'string') : [],
        rules: typeof rules === 'object' && rules !== null ? rules : {},
      };
      this.lintConfigs.set(key, config);
    }
    return config;
  }

  /** Repository-level lint suggestions (conventions most runbooks do not follow), per workspace folder URI. */
  lintSuggestions(): Array<{ folder: string; suggestions: readonly RepositorySuggestion[] }> {
    return [...this.fits].map(([folder, fit]) => ({ folder, suggestions: fit.suggestions }));
  }

  private lintContext(): LintContext {
    return { today: localToday(), runbookAt: (p) => this.index.get(p) };
  }

  /** Parse problems with the configured severities. */
  private parseProblems(runbook: Runbook, config: LintConfig): Problem[] {
    return runbook.problems
      .map((p) => (config.rules[p.ruleId] ? { ...p, severity: config.rules[p.ruleId] as RuleLevel } : p))
      .filter((p): p is Problem => p.severity !== 'off');
  }

  private relint(paths: readonly string[]): void {
    const context = this.lintContext();
    for (const path of paths) {
      const runbook = this.index.get(path);
      if (!runbook) continue;
      const config = this.lintConfig(path);
      const fit = this.fits.get(this.folderKey(path));
      // Until the first complete index has been fitted, convention rules wait (no warnings that vanish a second later).
      const shown = (ruleId: string) =>
        fit ? !fit.demoted.has(ruleId) : config.rules[ruleId] !== undefined || LINT_RULES.find((r) => r.id === ruleId)?.kind !== 'convention';
      const found = lintRunbook(runbook, context, fit ? { ...config, requiredSections: fit.requiredSections } : config).filter((p) => shown(p.ruleId));
      this.lint.set(path, [...this.parseProblems(runbook, config), ...found]);
    }
  }

  /** Fits the convention rules to each workspace folder's runbooks, and lints every runbook with them. */
  private refit(): void {
    this.lintConfigs.clear();
    this.fits.clear();
    const groups = new Map<string, Runbook[]>();
    for (const r of this.index.all()) {
      const key = this.folderKey(r.path);
      let list = groups.get(key);
      if (!list) groups.set(key, (list = []));
      list.push(r);
    }
    const context = this.lintContext();
    for (const [key, runbooks] of groups) {
      const config = this.lintConfig((runbooks[0] as Runbook).path);
      const result = lintRepository(runbooks, context, config);
      this.fits.set(key, { requiredSections: result.requiredSections, demoted: result.demoted, suggestions: result.suggestions });
      for (const r of runbooks) this.lint.set(r.path, [...this.parseProblems(r, config), ...(result.problems.get(r.path) ?? [])]);
      for (const s of result.suggestions) this.base.log.info(`lint suggestion [${s.ruleId}]: ${s.message}`);
    }
    const paths = this.index.all().map((r) => r.path);
    this.lintChanged.fire(paths);
    this.changed.fire();
  }

  private relintAll(): void {
    this.refit();
  }

  /** Called by the watcher: coalesces events into batches (a branch switch is one batch). */
  fileEvent(uri: vscode.Uri): void {
    if (uri.scheme !== 'file') return;
    const path = uri.fsPath;
    if (!this.index.rootOf(path)) return;
    if (!isMarkdownName(path) && !this.couldBeFolder(path)) return;
    if (this.pendingPaths.size === 0) this.firstEventAt = Date.now();
    this.pendingPaths.add(path);
    if (this.flushTimer) clearTimeout(this.flushTimer);
    // Quiet for 100 ms, or at most 1 s after the first event of a burst.
    const wait = Math.max(0, Math.min(100, 1000 - (Date.now() - this.firstEventAt)));
    this.flushTimer = setTimeout(() => void this.flushWatcher(), wait);
  }

  private couldBeFolder(path: string): boolean {
    // Folder events matter (a deleted or moved-in folder); other files never do.
    return !/\.[A-Za-z0-9]{1,8}$/.test(path) || this.index.all().some((r) => r.path.startsWith(path + '/') || r.path.startsWith(path + '\\'));
  }

  private async flushWatcher(): Promise<void> {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    this.flushTimer = undefined;
    const paths = [...this.pendingPaths];
    this.pendingPaths.clear();
    if (paths.length === 0) return;
    await this.start();
    await this.index.update(paths);
  }

  dispose(): void {
    if (this.flushTimer) clearTimeout(this.flushTimer);
    if (this.changeTimer) clearTimeout(this.changeTimer);
    this.index.dispose();
    this.pool.dispose();
    if (this.cache instanceof DebouncedSaveCache) void this.cache.flush().catch(() => {});
    for (const d of [...this.disposables, ...this.rootWatchers]) d.dispose();
  }
}
