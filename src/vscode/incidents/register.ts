// Incidents: the store, the timeline panels, the status bar, the Incidents view, reminders and
// the incident commands, wired together. The logic lives in src/incidents/ and in the files
// named below; this file only connects them.
import * as vscode from 'vscode';
import type { IncidentBook } from '../../incidents/book';
import { parseCadence, type CadenceConfig } from '../../incidents/cadence';
import type { Incident, IncidentSummary, TimelineEvent } from '../../incidents/model';
import type { PostmortemInfo } from '../../postmortem/report';
import type { RunRecord } from '../../runbooks/model';
import { registerCommands } from '../commandRegistry';
import type { BaseServices, IncidentHook } from '../services';
import { guideCloseOut, incidentCommands, plain, type IncidentCommandDeps } from './commands';
import { IncidentTreeProvider } from './incidentTree';
import { startReminders } from './reminders';
import { startSharing, type ShareStatus } from './share';
import { shareCommands } from './shareCommands';
import { IncidentStatusBar } from './statusBar';
import { openIncidentStore } from './store';
import { TimelinePanels, type TimelinePanelInfo } from './timelinePanel';
import { TimeStyleSource } from './timeStyle';

export interface IncidentFeatures extends IncidentHook {
  /** The incidents themselves, for features that record their own kinds of events (evidence, changes nearby). */
  book: IncidentBook;
  api: {
    all(): IncidentSummary[];
    active(): IncidentSummary | undefined;
    timeline(id: string): TimelineEvent[];
    /** Diagnostics: the timeline panel of an incident in this window (plain data), if open. */
    timelinePanel(id: string): TimelinePanelInfo | undefined;
    /** Diagnostics: the folder that holds an incident's journal segments. */
    journalFolder(id: string): string;
    /** Diagnostics: how far sharing got for an incident. */
    shareStatus(id: string): ShareStatus;
    /** Diagnostics: the store (kind and folder), this installation's writer id, git commands started by sharing. */
    storeInfo(): { kind: string; root: string; writer: string; gitCommands: number; workspaceStorage?: string };
  };
  /** Resolves once the incident store is loaded. */
  loaded: Promise<void>;
  /** The folded incident (for post-mortems). */
  incident(id: string): Incident | undefined;
  /** Show these post-mortems in the Incidents view (history). */
  showPostmortems(infos: readonly PostmortemInfo[]): void;
  /** The merged journal's records (one JSON line each, with checksum, no newline), in timeline order: for exporting next to a post-mortem. Rejects with a JournalReadError when the journal cannot be read. */
  journalLines(id: string): Promise<string[]>;
}

function readCadence(log: vscode.LogOutputChannel): CadenceConfig {
  const { config, problems } = parseCadence(vscode.workspace.getConfiguration('oncall.incidents').get('updateCadence'));
  for (const p of problems) log.warn(`oncall.incidents.updateCadence: ${p}`);
  return config;
}

export function registerIncidentFeatures(base: BaseServices): IncidentFeatures {
  const { context, log } = base;
  const store = openIncidentStore(base);
  const { book, journal, loaded, author, clock } = store;
  let cadence = readCadence(log);

  // The active incident: one pointer in the store, shared by every window of the engineer.
  const activeId = (): string | undefined => store.activeId();
  const setActive = async (id: string | undefined) => {
    await store.setActive(id);
    refreshViews();
  };

  const timeStyle = new TimeStyleSource();
  const time = () => timeStyle.formatter;
  const sharing = startSharing(base, store);
  const shareView = (id: string) => {
    const s = sharing.status(id);
    return s.shared ? { shared: true, unshared: s.unshared, problems: s.problems, ...(s.lastError ? { detail: s.lastError.slice(0, 500) } : {}) } : undefined;
  };
  const panels = new TimelinePanels({ context, log, book, loaded, cadence: () => cadence, clock, time, share: shareView, onResolved: (id) => void guideCloseOut(commandDeps, id).catch((err) => log.warn(`close-out of ${id}: ${err instanceof Error ? err.message : String(err)}`)) });
  const statusBar = new IncidentStatusBar({ book, activeId, cadence: () => cadence, clock, time, share: (id) => sharing.status(id) });
  const tree = new IncidentTreeProvider({ book, activeId, time, clock, share: (id) => sharing.status(id) });
  const treeView = vscode.window.createTreeView('oncall.incidents', { treeDataProvider: tree, showCollapseAll: false });
  context.subscriptions.push(timeStyle, panels, statusBar, tree, treeView);

  function refreshViews(): void {
    statusBar.update();
    tree.refresh();
  }
  void loaded.then(refreshViews);

  const unsubscribe = book.onDidChange((change) => {
    if (change.incident.status === 'resolved' && activeId() === change.incidentId) void setActive(undefined);
    refreshViews();
  });
  context.subscriptions.push(
    store.onDidChangeActive(refreshViews),
    sharing.onDidChange(() => {
      refreshViews();
      panels.refreshViews();
    }),
  );
  const panelTimer = setInterval(() => {
    panels.refreshViews();
    tree.refresh();
  }, 60_000);
  context.subscriptions.push(
    { dispose: unsubscribe },
    { dispose: () => clearInterval(panelTimer) },
    startReminders({ book, cadence: () => cadence, clock, onTick: () => statusBar.update(), openTimeline: (id) => panels.open(id), claim: (key) => journal.claimOnce(key) }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('oncall.incidents.updateCadence')) {
        cadence = readCadence(log);
        refreshViews();
        panels.refreshViews();
      }
      if (e.affectsConfiguration('oncall.incidents.author')) void author.refresh();
      if (e.affectsConfiguration('oncall.incidents.journalLocation') || e.affectsConfiguration('oncall.incidents.store')) {
        void vscode.window.showInformationMessage('On-Call: the new incident store is used after the window reloads.', 'Reload Window').then((c) => {
          if (c) void vscode.commands.executeCommand('workbench.action.reloadWindow');
        });
      }
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void author.refresh()),
    timeStyle.onDidChange(() => {
      refreshViews();
      panels.timeStyleChanged();
    }),
  );

  const commandDeps: IncidentCommandDeps = {
    book, loaded, author, clock, cadence: () => cadence, activeId, setActive, time,
    openTimeline: (id) => panels.open(id),
    showUpdate: (id, draft) => panels.showUpdate(id, draft),
    focusNote: (id) => panels.focusNote(id),
    activePanelIncident: () => panels.activeIncidentId(),
  };
  registerCommands(base, incidentCommands(commandDeps));
  registerCommands(base, shareCommands({ book, loaded, sharing, activeId, setActive, openTimeline: (id) => panels.open(id) }));

  return {
    activeIncidentId: activeId,
    recordRun: async (record: RunRecord) => {
      await loaded;
      const id = activeId();
      if (!id) return;
      try {
        await book.recordRun(id, record);
      } catch (err) {
        log.warn(`could not record the run on ${id}: ${err instanceof Error ? err.message : String(err)}`);
      }
    },
    book,
    evidenceFolder: (id) => journal.incidentDir(id),
    incident: (id) => plain(book.incident(id)),
    incidentTitle: (id) => book.incident(id)?.title,
    showPostmortems: (infos) => tree.setPostmortems(infos),
    loaded,
    journalLines: async (id) => {
      await loaded;
      return book.exportRecords(id);
    },
    api: {
      all: () => plain(book.incidents().map((i) => book.summary(i.id)!)),
      active: () => {
        const id = activeId();
        return id ? plain(book.summary(id)) : undefined;
      },
      timeline: (id) => plain([...book.events(id)]),
      timelinePanel: (id) => panels.info(id),
      journalFolder: (id) => journal.incidentDir(id),
      shareStatus: (id) => plain(sharing.status(id)),
      storeInfo: () => ({ kind: store.kind, root: store.root, writer: store.writerId, gitCommands: sharing.gitCommands(), ...(context.storageUri ? { workspaceStorage: context.storageUri.fsPath } : {}) }),
    },
  };
}
