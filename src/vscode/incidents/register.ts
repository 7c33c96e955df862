// Incidents: the store, the timeline panels, the status bar, the Incidents view, reminders and
// the incident commands, wired together. The logic lives in src/incidents/ and in the files
// named below; this file only connects them.
import * as vscode from 'vscode';
import { toSummary } from '../../incidents/book';
import { parseCadence, type CadenceConfig } from '../../incidents/cadence';
import type { Incident, IncidentSummary, TimelineEvent } from '../../incidents/model';
import type { PostmortemInfo } from '../../postmortem/report';
import type { RunRecord } from '../../runbooks/model';
import { registerCommands } from '../commandRegistry';
import type { BaseServices, IncidentHook } from '../services';
import { incidentCommands, plain } from './commands';
import { IncidentTreeProvider } from './incidentTree';
import { startReminders } from './reminders';
import { IncidentStatusBar } from './statusBar';
import { openIncidentStore } from './store';
import { TimelinePanels, type TimelinePanelInfo } from './timelinePanel';

export interface IncidentFeatures extends IncidentHook {
  api: {
    all(): IncidentSummary[];
    active(): IncidentSummary | undefined;
    timeline(id: string): TimelineEvent[];
    /** Diagnostics: the timeline panel of an incident in this window (plain data), if open. */
    timelinePanel(id: string): TimelinePanelInfo | undefined;
    /** Diagnostics: the folder that holds an incident's journal segments. */
    journalFolder(id: string): string;
  };
  /** The folded incident (for post-mortems). */
  incident(id: string): Incident | undefined;
  /** Show these post-mortems in the Incidents view (history). */
  showPostmortems(infos: readonly PostmortemInfo[]): void;
  /** The merged journal's records (one JSON line each, with checksum, no newline), in timeline order: for exporting next to a post-mortem. Rejects with a JournalReadError when the journal cannot be read. */
  journalLines(id: string): Promise<string[]>;
}

const ACTIVE_KEY = 'oncall.incidents.active';

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

  // The active incident: a pointer in workspaceState, nothing else.
  const activeId = (): string | undefined => {
    const id = context.workspaceState.get<string>(ACTIVE_KEY);
    return id && book.incident(id) ? id : undefined;
  };
  const setActive = async (id: string | undefined) => {
    await context.workspaceState.update(ACTIVE_KEY, id);
    refreshViews();
  };

  const panels = new TimelinePanels({ context, log, book, loaded, cadence: () => cadence, clock });
  const statusBar = new IncidentStatusBar({ book, activeId, cadence: () => cadence, clock });
  const tree = new IncidentTreeProvider({ book, activeId });
  const treeView = vscode.window.createTreeView('oncall.incidents', { treeDataProvider: tree, showCollapseAll: false });
  context.subscriptions.push(panels, statusBar, tree, treeView);

  function refreshViews(): void {
    statusBar.update();
    tree.refresh();
  }
  void loaded.then(refreshViews);

  const unsubscribe = book.onDidChange((change) => {
    if (change.incident.status === 'resolved' && activeId() === change.incidentId) void setActive(undefined);
    refreshViews();
  });
  const panelTimer = setInterval(() => panels.refreshViews(), 60_000);
  context.subscriptions.push(
    { dispose: unsubscribe },
    { dispose: () => clearInterval(panelTimer) },
    startReminders({ book, cadence: () => cadence, clock, onTick: () => statusBar.update(), openTimeline: (id) => panels.open(id) }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('oncall.incidents.updateCadence')) {
        cadence = readCadence(log);
        refreshViews();
        panels.refreshViews();
      }
      if (e.affectsConfiguration('oncall.incidents.author')) void author.refresh();
      if (e.affectsConfiguration('oncall.incidents.journalLocation')) {
        void vscode.window.showInformationMessage('On-Call: the new journal location is used after the window reloads.', 'Reload Window').then((c) => {
          if (c) void vscode.commands.executeCommand('workbench.action.reloadWindow');
        });
      }
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void author.refresh()),
  );

  registerCommands(base, incidentCommands({ book, loaded, author, clock, cadence: () => cadence, activeId, setActive, openTimeline: (id) => panels.open(id) }));

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
    incident: (id) => plain(book.incident(id)),
    showPostmortems: (infos) => tree.setPostmortems(infos),
    journalLines: async (id) => {
      await loaded;
      return book.exportRecords(id);
    },
    api: {
      all: () => plain(book.incidents().map(toSummary)),
      active: () => {
        const id = activeId();
        return id ? plain(toSummary(book.require(id))) : undefined;
      },
      timeline: (id) => plain([...book.events(id)]),
      timelinePanel: (id) => panels.info(id),
      journalFolder: (id) => journal.incidentDir(id),
    },
  };
}
