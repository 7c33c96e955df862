// The incident store as this window sees it: which folder (the user's own store by default,
// see src/incidents/store.ts), the journals adopted from workspace storage, the one load at
// startup (damaged lines and unreadable folders reported, never silently dropped), this
// installation's writer id, the active-incident pointer every window shares, and following
// what other windows write.
import { promises as fsp, watch, type FSWatcher } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { IncidentBook } from '../../incidents/book';
import { createEventIdGenerator, isIncidentId, isWriterId, newWriterId } from '../../incidents/ids';
import { Journal } from '../../incidents/journal';
import { nodeJournalFs } from '../../incidents/nodeFs';
import {
  adoptJournals, hasActivePointer, readActivePointer, resolveStoreKind, writeActivePointer, ACTIVE_FILE, type AdoptionReport, type StoreKind,
} from '../../incidents/store';
import type { BaseServices } from '../services';
import { createAuthorSource, type AuthorSource } from './author';
import { showLaterProblem, showLoadProblems } from './journalProblems';

export interface IncidentStore {
  readonly root: string;
  readonly kind: StoreKind;
  readonly journal: Journal;
  readonly book: IncidentBook;
  readonly author: AuthorSource;
  /** This installation's writer id (stamped on events, names its refs when sharing). */
  readonly writerId: string;
  /** Resolves once the journals are loaded (never rejects: failures are logged and shown). */
  readonly loaded: Promise<void>;
  readonly clock: () => number;
  /** The active incident (shared by every window of this store). */
  activeId(): string | undefined;
  setActive(id: string | undefined): Promise<void>;
  /** Fires when the active incident changed (here or in another window). */
  readonly onDidChangeActive: vscode.Event<void>;
  /** What was adopted from workspace storage at startup (diagnostics). */
  readonly adoption: Promise<AdoptionReport | undefined>;
}

const LEGACY_ACTIVE_KEY = 'oncall.incidents.active';
/** How often open incidents are checked for other windows' writes when the file watcher is silent. */
const POLL_MS = 1_000;
/** How long a new incident folder is looked at for its first event. */
const UNBORN_MS = 60_000;

/** A setting's value only when someone set it (workspace values only count in a trusted workspace). */
function explicitSetting(key: string): unknown {
  const inspected = vscode.workspace.getConfiguration('oncall.incidents').inspect(key);
  if (!inspected) return undefined;
  if (vscode.workspace.isTrusted) return inspected.workspaceFolderValue ?? inspected.workspaceValue ?? inspected.globalValue;
  return inspected.globalValue;
}

function storeLocation(context: vscode.ExtensionContext): { kind: StoreKind; root: string; reason: string } {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  const { kind, reason } = resolveStoreKind({
    store: explicitSetting('store'),
    journalLocation: explicitSetting('journalLocation'),
    hasFileFolder: folder?.scheme === 'file',
    hasWorkspace: context.storageUri !== undefined,
  });
  if (kind === 'workspaceFolder' && folder) return { kind, reason, root: path.join(folder.fsPath, '.oncall', 'incidents') };
  if (kind === 'workspace' && context.storageUri) return { kind, reason, root: path.join(context.storageUri.fsPath, 'incidents') };
  return { kind: 'user', reason, root: path.join(context.globalStorageUri.fsPath, 'incidents') };
}

/**
 * Every workspace storage folder of this extension that may hold journals from before the
 * user store: this workspace's, and those of every other workspace identity on this machine
 * (`…/User/workspaceStorage/<id>/<extension>/incidents`, next to `…/User/globalStorage`).
 */
async function workspaceJournalFolders(context: vscode.ExtensionContext): Promise<string[]> {
  const out = new Set<string>();
  if (context.storageUri) out.add(path.join(context.storageUri.fsPath, 'incidents'));
  const global = context.globalStorageUri.fsPath;
  const extensionFolder = path.basename(global);
  const all = path.join(path.dirname(path.dirname(global)), 'workspaceStorage');
  try {
    for (const id of await fsp.readdir(all)) out.add(path.join(all, id, extensionFolder, 'incidents'));
  } catch {
    // No workspace storage on this machine (or a layout we do not know): nothing to adopt.
  }
  return [...out];
}

/** This installation's writer id: made once, kept in global storage. */
async function loadWriterId(context: vscode.ExtensionContext): Promise<string> {
  const file = path.join(context.globalStorageUri.fsPath, 'writer.json');
  try {
    const raw = JSON.parse(await fsp.readFile(file, 'utf8'));
    if (isWriterId(raw?.writer)) return raw.writer;
  } catch {
    // Not made yet.
  }
  const writer = newWriterId((n) => randomBytes(n));
  await fsp.mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await fsp.writeFile(tmp, JSON.stringify({ writer, createdAt: new Date().toISOString() }), { mode: 0o600 });
  // Two windows starting at once: the first link wins and both read it back.
  await fsp.link(tmp, file).catch(async (err: NodeJS.ErrnoException) => {
    // A file system without hard links: a rename (the last window wins; both then read it).
    if (err.code !== 'EEXIST') await fsp.rename(tmp, file);
  });
  await fsp.rm(tmp, { force: true });
  const raw = JSON.parse(await fsp.readFile(file, 'utf8'));
  return isWriterId(raw?.writer) ? raw.writer : writer;
}

export function openIncidentStore({ context, log }: BaseServices): IncidentStore {
  const clock = () => Date.now();
  const author = createAuthorSource();
  const { kind, root, reason } = storeLocation(context);
  let writerId = '';
  const journal = new Journal({
    fs: nodeJournalFs(),
    root,
    log: (m) => log.warn(m),
    reportProblem: showLaterProblem,
    setTimer: (fn, ms) => {
      const t = setTimeout(fn, ms);
      return { cancel: () => clearTimeout(t) };
    },
  });
  const book = new IncidentBook({
    journal,
    clock,
    newEventId: createEventIdGenerator(clock, (n) => randomBytes(n)),
    author: () => author.current(),
    writer: () => writerId || undefined,
    randomBytes: (n) => randomBytes(n),
    log: (m) => log.warn(m),
  });
  const activeChanged = new vscode.EventEmitter<void>();
  let active: string | undefined;
  const activeId = () => (active && book.incident(active) ? active : undefined);

  let resolveAdoption: (r: AdoptionReport | undefined) => void = () => undefined;
  const adoption = new Promise<AdoptionReport | undefined>((r) => (resolveAdoption = r));
  const loaded = (async () => {
    writerId = await loadWriterId(context).catch((err) => {
      log.warn(`could not keep a writer id: ${String(err)}`);
      return newWriterId((n) => randomBytes(n));
    });
    await author.refresh().catch(() => undefined);
    if (kind === 'user') {
      const report = await adoptJournals(nodeJournalFs(), journal, (await workspaceJournalFolders(context)).filter((f) => f !== root)).catch((err) => {
        log.warn(`could not adopt journals from workspace storage: ${String(err)}`);
        return undefined;
      });
      resolveAdoption(report);
      if (report && report.files > 0) log.info(`adopted ${report.files} journal file(s) of ${report.incidents.length} incident(s) from workspace storage: ${report.sources.join(', ')}`);
      for (const f of report?.failures ?? []) log.warn(`could not adopt ${f}`);
    } else {
      resolveAdoption(undefined);
    }
    const problems = await book.load();
    active = await loadActivePointer(journal, context, clock);
    log.info(`incident store (${kind}: ${reason}) at ${root}: ${book.incidents().length} incident(s), ${book.loadStats.read} read, ${book.loadStats.fromCache} from the summary cache; writer ${writerId}`);
    showLoadProblems(problems);
  })().catch((err) => {
    resolveAdoption(undefined);
    log.error('could not load the incident journals', err instanceof Error ? err : new Error(String(err)));
  });

  // While this window writes the pointer, reading it back could see the old value.
  let writingPointer = 0;
  const follower = followStore({ root, book, log, loaded, onActiveFile: async () => {
    if (writingPointer > 0) return;
    const next = await readActivePointer(journal);
    if (writingPointer > 0) return;
    if (next !== active) {
      active = next;
      activeChanged.fire();
    }
  } });
  // Past incidents known only from the summary cache are read in the background, a few at a time.
  void loaded.then(() => {
    const pause = () => new Promise<void>((r) => setTimeout(r, 50));
    return book.loadRemaining(pause).then((n) => n > 0 && log.info(`read ${n} past incident(s) in the background`));
  }).catch((err) => log.warn(`could not read past incidents: ${String(err)}`));

  context.subscriptions.push(follower, activeChanged, { dispose: () => void journal.close() });
  return {
    root,
    kind,
    journal,
    book,
    author,
    get writerId() {
      return writerId;
    },
    loaded,
    clock,
    activeId,
    async setActive(id) {
      active = id;
      activeChanged.fire();
      writingPointer += 1;
      try {
        await writeActivePointer(journal, id, clock());
      } catch (err) {
        log.warn(`could not save the active incident: ${String(err)}`);
      } finally {
        writingPointer -= 1;
      }
    },
    onDidChangeActive: activeChanged.event,
    adoption,
  };
}

/** The shared pointer; on first use of a store, the old per-workspace pointer is carried over. */
async function loadActivePointer(journal: Journal, context: vscode.ExtensionContext, clock: () => number): Promise<string | undefined> {
  if (await hasActivePointer(journal)) return readActivePointer(journal);
  const legacy = context.workspaceState.get<string>(LEGACY_ACTIVE_KEY);
  if (legacy) await writeActivePointer(journal, legacy, clock()).catch(() => undefined);
  return legacy;
}

/**
 * Follows writes by other windows (and the team sync) to the store: a file watcher on the root
 * and on each open incident's folder, and a light poll of open incidents (sizes only) in case
 * the watcher misses an event. Changes are read from where reading stopped (book.refresh).
 */
function followStore({ root, book, log, loaded, onActiveFile }: { root: string; book: IncidentBook; log: vscode.LogOutputChannel; loaded: Promise<void>; onActiveFile: () => Promise<void> }): vscode.Disposable {
  const watchers = new Map<string, FSWatcher>();
  let disposed = false;
  /** Incidents to look at; `all` also lists the store for new ones. */
  let pending: Set<string> | 'all' | undefined;
  let running: Promise<void> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let polls = 0;
  /** Incident folders without events yet, and since when. */
  const unborn = new Map<string, number>();

  const run = () => {
    timer = undefined;
    if (running || disposed) return;
    const what = pending;
    pending = undefined;
    running = (async () => {
      await onActiveFile();
      if (what === 'all') await book.refresh();
      else if (what && what.size > 0) await book.refresh([...what]);
      // A folder seen before its first event was written (a declaration in progress in another
      // window): keep looking at it for a while.
      if (what instanceof Set) {
        const now = Date.now();
        for (const id of what) if (!book.incident(id) && isIncidentId(id) && !unborn.has(id)) unborn.set(id, now);
      }
      for (const [id, since] of unborn) if (book.incident(id) || Date.now() - since > UNBORN_MS) unborn.delete(id);
      watchOpen();
    })()
      .catch((err) => log.warn(`could not follow the incident store: ${String(err)}`))
      .finally(() => {
        running = undefined;
        if (pending) schedule();
      });
  };
  /** `undefined`: only the active pointer; an id: that incident; `all`: everything. */
  const schedule = (what?: string | 'all') => {
    if (what === 'all') pending = 'all';
    else if (pending !== 'all') {
      pending ??= new Set();
      if (what !== undefined) pending.add(what);
    }
    if (!timer && !running) timer = setTimeout(run, 40);
  };
  const watchDir = (dir: string, onEvent: (name: string | null) => void) => {
    if (watchers.has(dir)) return;
    try {
      const w = watch(dir, { persistent: false }, (_type, name) => onEvent(typeof name === 'string' ? name : null));
      w.on('error', () => {
        w.close();
        watchers.delete(dir);
      });
      watchers.set(dir, w);
    } catch {
      // The folder does not exist yet, or the platform cannot watch it: the poll covers it.
    }
  };
  const openIds = () => book.incidents().filter((i) => i.status !== 'resolved').map((i) => i.id);
  const watchOpen = () => {
    const open = openIds();
    for (const id of open) watchDir(path.join(root, id), () => schedule(id));
    for (const [dir, w] of watchers) {
      if (dir !== root && !open.includes(path.basename(dir))) {
        w.close();
        watchers.delete(dir);
      }
    }
  };
  const poll = setInterval(() => {
    polls += 1;
    // Without a watcher on the root, list the store for new incidents now and then.
    if (!watchers.has(root) && polls % 10 === 0) schedule('all');
    for (const id of openIds()) schedule(id);
    for (const id of unborn.keys()) schedule(id);
    schedule();
  }, POLL_MS);
  void loaded.then(() => {
    if (disposed) return;
    void fsp.mkdir(root, { recursive: true }).then(() => {
      watchDir(root, (name) => {
        if (name === ACTIVE_FILE) schedule();
        else if (name === null) schedule('all');
        else if (isIncidentId(name)) schedule(name);
      });
      watchOpen();
    });
  });
  return {
    dispose: () => {
      disposed = true;
      clearInterval(poll);
      clearTimeout(timer);
      for (const w of watchers.values()) w.close();
      watchers.clear();
    },
  };
}
