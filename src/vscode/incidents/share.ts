// Sharing incidents with the response team through git, in the editor: the settings, workspace
// trust (no git process at all in Restricted Mode), when to sync (right after an acknowledged
// append to a shared incident, batched; on an interval while a shared incident is open; on
// demand), and what the views show (not shared yet, problems in teammates' segments). The
// protocol itself is src/git/incidentSync.ts.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { IncidentSync, type SyncResult } from '../../git/incidentSync';
import { checkRemoteUrl, isRemoteName } from '../../git/incidentRefs';
import { isTransportSetting, type ShareTransport } from '../../git/incidentBranch';
import { switchedToBranchMessage } from '../../git/shareMessages';
import { ShareError, ShareRepo, remoteUrlOf } from '../../git/shareRepo';
import type { IncidentBook } from '../../incidents/book';
import type { BaseServices } from '../services';
import type { IncidentStore } from './store';

export interface ShareStatus {
  /** The incident travels through the team's remote. */
  shared: boolean;
  /** This engineer's events not yet accepted by the remote. */
  unshared: number;
  /** The last failure to share, in words. */
  lastError?: string;
  /** Problems found in teammates' segments (set aside). */
  problems: number;
  remote?: string;
}

export interface SharingService extends vscode.Disposable {
  status(incidentId: string): ShareStatus;
  /** Fires after every sync (counts and problems may have changed). */
  readonly onDidChange: vscode.Event<void>;
  /** Whether sharing is switched on (`oncall.incidents.share` is `git`). */
  enabled(): boolean;
  /** The remote to share through: the setting, else the runbook repository's `origin`. */
  defaultRemote(): Promise<string>;
  /** Marks an incident shared through `remote` and pushes it now; rejects when the push did not land. */
  share(incidentId: string, remote: string): Promise<{ remote: string; ref: string }>;
  /** One full sync (push everything pending, fetch everything). */
  syncNow(): Promise<SyncResult>;
  /** After joining: remember the remote and push soon. */
  joined(incidentId: string): Promise<void>;
  /** The remote an incident travels through, if known. */
  remoteOf(incidentId: string): string | undefined;
  /** How incidents are pushed to `remote`: this writer's refs, or the shared branch (setting, or what the remote accepted). */
  transportFor(remote: string): ShareTransport;
  /** Diagnostics for tests: git commands started by sharing in this extension host. */
  gitCommands(): number;
}

const IDLE_DISCOVERY_MS = 60_000;

function settings() {
  const c = vscode.workspace.getConfiguration('oncall.incidents');
  return {
    share: c.get<string>('share', 'off'),
    remote: c.get<string>('shareRemote', '').trim(),
    fetchMs: Math.max(2, c.get<number>('shareFetchSeconds', 5)) * 1000,
    transport: isTransportSetting(c.get('shareTransport')) ? c.get<'refs' | 'branch' | 'auto'>('shareTransport', 'auto') : 'auto',
  };
}

export function startSharing(base: BaseServices, store: IncidentStore): SharingService {
  const { context, log } = base;
  const { book } = store;
  const changed = new vscode.EventEmitter<void>();
  let sync: IncidentSync | undefined;
  const engine = () => {
    if (!store.writerId) throw new ShareError('local', 'The incident store is not loaded yet.');
    return (sync ??= new IncidentSync({
      dir: path.join(context.globalStorageUri.fsPath, 'share'),
      book,
      writer: store.writerId,
      name: () => store.author.current(),
      clock: store.clock,
      log: (m) => log.warn(m),
      networkTimeoutMs: 60_000,
      transport: () => settings().transport,
    }));
  };
  const enabled = () => settings().share === 'git';
  const allowed = () => enabled() && vscode.workspace.isTrusted;

  let queue: Promise<unknown> = Promise.resolve();
  /** Runs syncs one after another in this window (the lock orders them across windows). */
  const enqueue = <T>(fn: () => Promise<T>): Promise<T> => {
    const next = queue.then(fn, fn);
    queue = next.catch(() => undefined);
    return next;
  };

  const remotes = createRemoteResolver();
  const defaultRemote = remotes.get;

  const announced = new Set<string>();
  const report = (result: SyncResult, options: { quiet: boolean }) => reportSync(result, { ...options, log, book, announced });

  const runSync = (options: { fetch: boolean; only?: string[]; quiet: boolean }): Promise<SyncResult> =>
    enqueue(async () => {
      if (!allowed()) throw new ShareError('local', 'Sharing is off or the workspace is not trusted.');
      let remote: string | undefined;
      try {
        remote = await defaultRemote();
      } catch (err) {
        // Incidents already shared keep their own remote; only discovery needs this one.
        if (!options.quiet) throw err;
      }
      const result = await engine().sync({ defaultRemote: remote, fetch: options.fetch, only: options.only });
      if (options.fetch) lastSync = Date.now();
      report(result, { quiet: options.quiet });
      changed.fire();
      return result;
    });

  // Push right after acknowledged appends to a shared incident, a few at once.
  const pushes = batcher(150, (only) => void runSync({ fetch: false, only, quiet: true }).catch((err) => log.warn(`sharing: ${String(err)}`)));
  const schedulePush = (id: string) => pushes.add(id);
  const unsubscribe = book.onDidChange((c) => {
    if (c.origin === 'local' && c.added.length > 0 && book.isShared(c.incidentId) && allowed()) schedulePush(c.incidentId);
    if (c.origin === 'external') changed.fire();
  });

  // Fetch on an interval: every few seconds while a shared incident is open, once a minute
  // otherwise (to see teammates' new incidents).
  let lastSync = 0;
  const fetchLoop = startTicking(() => settings().fetchMs, async () => {
    const anyOpenShared = book.incidents().some((i) => i.status !== 'resolved' && book.isShared(i.id));
    if (!allowed() || !(anyOpenShared || Date.now() - lastSync >= IDLE_DISCOVERY_MS)) return;
    await runSync({ fetch: true, quiet: true }).catch((err) => log.warn(`sharing: ${err instanceof Error ? err.message : String(err)}`));
  });
  const nextFetch = () => fetchLoop.restart();
  void store.loaded.then(async () => {
    // What other windows recorded (pushed counts, problems), before the first status is shown.
    await engine().reloadState().catch(() => undefined);
    changed.fire();
    // A first sync right after startup: catch up on what happened while the editor was closed.
    if (allowed()) void runSync({ fetch: true, quiet: true }).catch((err) => log.warn(`sharing: ${String(err)}`)).finally(nextFetch);
    else nextFetch();
  });

  const configListener = vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('oncall.incidents.shareRemote')) remotes.forget();
    if (e.affectsConfiguration('oncall.incidents.share') || e.affectsConfiguration('oncall.incidents.shareFetchSeconds')) {
      nextFetch();
      changed.fire();
    }
  });

  const service: SharingService = {
    onDidChange: changed.event,
    enabled,
    defaultRemote,
    status(id) {
      const s = sync?.incidentState(id);
      return {
        shared: book.isShared(id),
        unshared: sync ? sync.unshared(id) : book.isShared(id) ? book.ownEvents(id).length : 0,
        ...(s?.lastError ? { lastError: s.lastError.message } : {}),
        problems: sync?.problems(id).length ?? 0,
        ...(s?.remote ? { remote: s.remote } : {}),
      };
    },
    async share(id, remote) {
      await book.markShared(id, { sharedAt: new Date(store.clock()).toISOString() });
      await engine().adopt(id, remote);
      const result = await runSync({ fetch: false, only: [id], quiet: false });
      const failure = result.errors.find((e) => e.incidentId === id);
      if (failure) throw failure;
      return { remote, ref: engine().refFor(id) };
    },
    syncNow: () => runSync({ fetch: true, quiet: false }),
    async joined(id) {
      const remote = sync?.incidentState(id)?.remote ?? (await defaultRemote());
      await engine().adopt(id, remote);
      schedulePush(id);
    },
    remoteOf: (id) => sync?.incidentState(id)?.remote,
    transportFor: (remote) => (sync ? sync.transportFor(remote) : settings().transport === 'branch' ? 'branch' : 'refs'),
    gitCommands: () => ShareRepo.commands,
    dispose() {
      fetchLoop.dispose();
      pushes.dispose();
      unsubscribe();
      configListener.dispose();
      changed.dispose();
    },
  };
  context.subscriptions.push(service);
  return service;
}

/** The remote to share through, from the setting or the runbook repository (cached for 30 s). */
function createRemoteResolver(): { get(): Promise<string>; forget(): void } {
  let cache: { value: string; at: number } | undefined;
  return {
    forget: () => (cache = undefined),
    async get() {
      if (cache && Date.now() - cache.at < 30_000) return cache.value;
      const configured = settings().remote || 'origin';
      let url: string;
      if (isRemoteName(configured)) {
        const folder = vscode.workspace.workspaceFolders?.find((f) => f.uri.scheme === 'file');
        if (!folder) throw new ShareError('badRemote', `No folder is open to find the remote "${configured}" in: set oncall.incidents.shareRemote to the URL of the team's repository.`);
        url = await remoteUrlOf(folder.uri.fsPath, configured);
      } else {
        const problem = checkRemoteUrl(configured);
        if (problem) throw new ShareError('badRemote', `oncall.incidents.shareRemote cannot be used: ${problem}.`);
        url = configured;
      }
      cache = { value: url, at: Date.now() };
      return url;
    },
  };
}

/**
 * Tells the engineer what a sync found: problems in teammates' segments (always), failures
 * (when asked, or once for those that need someone to act), and teammates' new incidents.
 */
function reportSync(result: SyncResult, { quiet, log, book, announced }: { quiet: boolean; log: vscode.LogOutputChannel; book: IncidentBook; announced: Set<string> }): void {
  for (const remote of result.switched) {
    // Said once: the switch is remembered, so a remote switches only once.
    log.info(`sharing: ${switchedToBranchMessage(remote)}`);
    void vscode.window.showInformationMessage(`On-Call: ${switchedToBranchMessage(remote)}`);
  }
  if (result.problems.length > 0) {
    const ids = [...new Set(result.problems.map((p) => p.incidentId))].join(', ');
    void vscode.window.showWarningMessage(
      `On-Call: ${result.problems.length} problem(s) in teammates' shared events of ${ids}; what failed the checks was set aside (quarantined) and is not shown on the timeline.`,
      'Show Log',
    ).then((c) => c && vscode.commands.executeCommand('oncall.showLog'));
  }
  for (const e of result.errors) {
    log.warn(`sharing: ${e.kind}: ${e.message}`);
    const key = `${e.kind}:${e.incidentId ?? ''}`;
    const needsSomeone = e.kind === 'refusedRef' || e.kind === 'auth' || e.kind === 'badRemote';
    if (!quiet || (needsSomeone && !announced.has(key))) {
      announced.add(key);
      void vscode.window.showWarningMessage(`On-Call: ${e.message}`);
    }
  }
  for (const id of result.discovered) {
    const incident = book.incident(id);
    if (!incident || book.hasOwnEvents(id) || incident.status === 'resolved') continue;
    void vscode.window.showInformationMessage(`On-Call: ${incident.declaredBy ?? 'A teammate'} declared ${id} (${incident.severity}): ${incident.title}`, 'Join', 'Open Timeline').then((c) => {
      if (c === 'Join') void vscode.commands.executeCommand('oncall.joinIncident', { target: id });
      if (c === 'Open Timeline') void vscode.commands.executeCommand('oncall.openTimeline', { incidentId: id });
    });
  }
}

/** Collects keys and hands them over together `delayMs` after the first one. */
function batcher(delayMs: number, flush: (keys: string[]) => void): { add(key: string): void; dispose(): void } {
  const pending = new Set<string>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    add(key) {
      pending.add(key);
      timer ??= setTimeout(() => {
        timer = undefined;
        const keys = [...pending];
        pending.clear();
        flush(keys);
      }, delayMs);
    },
    dispose: () => clearTimeout(timer),
  };
}

/**
 * Runs `tick` every `intervalMs()` counted from the start of the previous tick (so a sync's own
 * duration does not stretch the interval), never two at once.
 */
function startTicking(intervalMs: () => number, tick: () => Promise<void>): { restart(): void; dispose(): void } {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let running = false;
  let disposed = false;
  const schedule = () => {
    clearTimeout(timer);
    if (disposed) return;
    timer = setTimeout(() => {
      schedule();
      if (running) return;
      running = true;
      void tick().finally(() => (running = false));
    }, intervalMs());
  };
  return {
    restart: schedule,
    dispose: () => {
      disposed = true;
      clearTimeout(timer);
    },
  };
}
