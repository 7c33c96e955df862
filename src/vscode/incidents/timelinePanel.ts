// The timeline webview host: one panel per incident, restored after a reload by the
// serializer. Messages from the page go through the protocol's dispatcher (validated; unknown
// or malformed ones dropped and logged); actions go to the incident book.
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { IncidentInputError, type IncidentBook } from '../../incidents/book';
import { updateSchedule, type CadenceConfig } from '../../incidents/cadence';
import { severityDetail, severityLabel } from '../../incidents/severity';
import { draftStatusUpdate, postingProblem } from '../../incidents/statusUpdate';
import type { TimeFormatter } from '../../incidents/timeFormat';
import { pinEvidence } from '../../incidents/evidence';
import { readOutputFile } from './evidenceFiles';
import { SEVERITIES } from '../../runbooks/model';
import { createTimelineDispatcher, type HostMessage, type IncidentView, type ShareView, type UpdateDraft, type WebviewRequest } from '../../protocol/timeline';
import { timelineHtml } from './timelineHtml';
import { visibleText } from '../../protocol/visibleText';

export const TIMELINE_VIEW_TYPE = 'oncall.timeline';

/** Plain data about a panel, for tests and diagnostics. */
export interface TimelinePanelInfo {
  incidentId: string;
  visible: boolean;
  ready: boolean;
  /** Events the page says it has rendered (after the latest message). */
  renderedEvents: number;
  /** Time to first render of the list, measured in the page (ms). */
  firstRenderMs?: number;
  cspViolations: number;
  /** The first few violations (directive, blocked URI, sample), to say what was blocked. */
  cspReports: string[];
  messagesReceived: number;
  messagesDropped: number;
}

export interface TimelineDeps {
  context: vscode.ExtensionContext;
  log: vscode.LogOutputChannel;
  book: IncidentBook;
  /** Resolves once the book has loaded the journal. */
  loaded: Promise<void>;
  cadence(): CadenceConfig;
  clock(): number;
  /** How times are written (the setting, the language, the zone). */
  time(): TimeFormatter;
  /** Sharing state for the header (absent: the incident is not shared). */
  share?(incidentId: string): ShareView | undefined;
  /** Called after the page resolved the incident: the guided close-out (final update, then post-mortem). */
  onResolved?(incidentId: string): void;
}

/** globalState key: the status update being written per incident (until it is posted). */
const UPDATE_DRAFTS_KEY = 'oncall.timeline.updateDrafts';

/** The status updates being written, kept on the host so closing the panel or a crash loses none. */
export class UpdateDraftStore {
  constructor(private readonly memento: vscode.Memento) {}

  private all(): Record<string, UpdateDraft> {
    const v = this.memento.get<unknown>(UPDATE_DRAFTS_KEY);
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, UpdateDraft>) : {};
  }

  get(incidentId: string): UpdateDraft | undefined {
    const d = this.all()[incidentId];
    return d && typeof d.text === 'string' && (d.audience === 'internal' || d.audience === 'external') ? d : undefined;
  }

  async set(incidentId: string, draft: UpdateDraft | undefined): Promise<void> {
    const all = { ...this.all() };
    if (draft && draft.text.trim()) all[incidentId] = draft;
    else delete all[incidentId];
    await this.memento.update(UPDATE_DRAFTS_KEY, all);
  }
}

export function incidentView(book: IncidentBook, incidentId: string, cadence: CadenceConfig, now: number, share?: ShareView): IncidentView {
  const incident = book.require(incidentId);
  return { incident, schedule: updateSchedule(book.events(incidentId), cadence, now, incident), ...(share ? { share } : {}) };
}

class TimelinePanelHost {
  readonly info: TimelinePanelInfo;
  private readonly disposables: vscode.Disposable[] = [];
  private draftWrite: Promise<void> = Promise.resolve();
  /** Messages asked for before the page was ready; sent right after `init`. */
  private readonly afterInit: HostMessage[] = [];
  private readonly updateDrafts: UpdateDraftStore;

  constructor(
    readonly panel: vscode.WebviewPanel,
    readonly incidentId: string,
    private readonly deps: TimelineDeps,
    onDispose: () => void,
  ) {
    this.info = { incidentId, visible: panel.visible, ready: false, renderedEvents: 0, cspViolations: 0, cspReports: [], messagesReceived: 0, messagesDropped: 0 };
    const { context } = deps;
    this.updateDrafts = new UpdateDraftStore(context.globalState);
    panel.webview.options = {
      enableScripts: true,
      enableCommandUris: false,
      localResourceRoots: [vscode.Uri.joinPath(context.extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(context.extensionUri, 'media')],
    };
    panel.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'oncall.svg');
    this.setTitle();
    const dispatcher = createTimelineDispatcher(
      {
        ready: () => {
          this.info.ready = true;
          return this.sendInit();
        },
        draftChanged: (text, revision) => this.saveDraft(text, revision),
        cspViolation: (v) => {
          this.info.cspViolations += 1;
          if (this.info.cspReports.length < 5) this.info.cspReports.push(`${v.directive} ${v.blockedUri} ${v.sample}`.slice(0, 300));
          deps.log.warn(`timeline page blocked by its security policy: ${v.directive} ${v.blockedUri} ${v.sample}`);
        },
        rendered: (r) => {
          this.info.renderedEvents = r.events;
          if (r.ms > 0 && this.info.firstRenderMs === undefined) this.info.firstRenderMs = r.ms;
        },
        updateDraftChanged: (draft) => this.updateDrafts.set(incidentId, draft),
        request: (m) => this.handle(m),
      },
      (m) => this.post(m),
      (line) => deps.log.warn(`timeline ${incidentId}: ${line}`),
    );
    this.disposables.push(
      panel.webview.onDidReceiveMessage((raw) => {
        void dispatcher.dispatch(raw).finally(() => {
          this.info.messagesReceived = dispatcher.stats.received;
          this.info.messagesDropped = dispatcher.stats.dropped;
        });
      }),
      panel.onDidChangeViewState(() => (this.info.visible = panel.visible)),
      panel.onDidDispose(() => {
        for (const d of this.disposables) d.dispose();
        onDispose();
      }),
      toDisposable(
        deps.book.onDidChange((change) => {
          if (change.incidentId !== incidentId || !this.info.ready) return;
          this.setTitle();
          void this.post({ type: 'events', view: this.view(), events: change.added });
        }),
      ),
      toDisposable(deps.book.journal.writer(incidentId).onState((state, detail) => void this.post({ type: 'saveState', state, ...(detail ? { detail: detail.slice(0, 2000) } : {}) }))),
    );
    // A fresh nonce for every page load.
    const nonce = randomBytes(18).toString('base64');
    const asWebviewUri = (...parts: string[]) => panel.webview.asWebviewUri(vscode.Uri.joinPath(context.extensionUri, ...parts)).toString();
    panel.webview.html = timelineHtml({
      cspSource: panel.webview.cspSource,
      nonce,
      scriptUri: asWebviewUri('dist', 'webview', 'timeline.js'),
      styleUri: asWebviewUri('media', 'timeline.css'),
    });
  }

  private setTitle(): void {
    const incident = this.deps.book.incident(this.incidentId);
    this.panel.title = incident ? visibleText(`${incident.id}: ${incident.title}`) : this.incidentId;
  }

  private view(): IncidentView {
    return incidentView(this.deps.book, this.incidentId, this.deps.cadence(), this.deps.clock(), this.deps.share?.(this.incidentId));
  }

  /** Re-sends the header (the schedule changes with time and settings). */
  refreshView(): void {
    if (this.info.ready && this.deps.book.incident(this.incidentId)) void this.post({ type: 'view', view: this.view() });
  }

  private async sendInit(): Promise<void> {
    await this.deps.loaded;
    await this.deps.book.ensureLoaded(this.incidentId);
    const draft = await this.deps.book.journal.readDraft(this.incidentId);
    const updateDraft = this.updateDrafts.get(this.incidentId);
    await this.post({
      type: 'init',
      view: this.view(),
      events: [...this.deps.book.events(this.incidentId)],
      draft: draft.text,
      draftRevision: draft.revision,
      saveState: this.deps.book.saveState(this.incidentId),
      severities: SEVERITIES.map((level) => ({ level, label: `${severityLabel(level)}`, detail: severityDetail(level).slice(0, 2000) })),
      timeStyle: this.deps.time().style,
      ...(updateDraft ? { updateDraft } : {}),
    });
    for (const m of this.afterInit.splice(0)) await this.post(m);
  }

  /** Sends a message now, or right after `init` when the page is not listening yet. */
  private send(message: HostMessage): void {
    if (this.info.ready) void this.post(message);
    else this.afterInit.push(message);
  }

  /** Puts a drafted status update into the page's composer. */
  async showUpdate(draft: UpdateDraft): Promise<void> {
    await this.updateDrafts.set(this.incidentId, draft);
    this.send({ type: 'showUpdate', draft });
  }

  focusNote(): void {
    this.send({ type: 'focus', target: 'note' });
  }

  timeStyleChanged(): void {
    if (this.info.ready) void this.post({ type: 'timeStyle', timeStyle: this.deps.time().style });
  }

  private saveDraft(text: string, revision: number): Promise<void> {
    // One write at a time, in order; the last one wins.
    this.draftWrite = this.draftWrite
      .then(() => this.deps.book.journal.writeDraft(this.incidentId, text, revision))
      .catch((err) => this.deps.log.warn(`could not keep the note draft of ${this.incidentId}: ${String(err)}`));
    return this.draftWrite;
  }

  private async handle(m: WebviewRequest): Promise<unknown> {
    const { book } = this.deps;
    const id = this.incidentId;
    try {
      switch (m.type) {
        case 'addNote':
          return await book.addNote(id, m.text);
        case 'setStatus':
          return await book.setStatus(id, m.status);
        case 'setSeverity':
          return await book.setSeverity(id, m.severity, m.reason);
        case 'assignRole':
          return await book.assignRole(id, m.role, m.person);
        case 'markMilestone':
          return await book.markMilestone(id, m.milestone, m.at, m.reason);
        case 'pin':
          return await book.pin(id, m.eventId, m.pinned);
        case 'correct':
          return await book.correct(id, m.eventId, m.text);
        case 'snooze':
          return await book.snooze(id, m.minutes, m.reason);
        case 'draftUpdate': {
          // Drafts live in the composer: nothing goes on the timeline until it is posted.
          const { text, nextUpdateAt } = draftStatusUpdate({ incident: book.require(id), events: book.events(id), audience: m.audience, now: this.deps.clock(), cadence: this.deps.cadence(), time: this.deps.time() });
          return nextUpdateAt ? { text, nextUpdateAt } : { text };
        }
        case 'markPosted': {
          const problem = postingProblem(m.audience, m.text);
          if (problem) throw new IncidentInputError(problem);
          const event = await book.recordStatusUpdate(id, m.audience, m.text, 'posted', m.nextUpdateAt);
          await this.updateDrafts.set(id, undefined);
          return event;
        }
        case 'keepDraft':
          return await book.recordStatusUpdate(id, m.audience, m.text, 'drafted');
        case 'setCustomerSummary':
          return await book.setCustomerSummary(id, m.text);
        case 'resolve': {
          const resolved = (await book.resolve(id, m.summary)).statusEvent;
          this.deps.onResolved?.(id);
          return resolved;
        }
        case 'copyText':
          await vscode.env.clipboard.writeText(m.text);
          return undefined;
        case 'pinEvidence':
          return await pinEvidence(book, id, m.eventId, m, (incident, file) => readOutputFile(book.journal.incidentDir(incident), file));
      }
      return undefined;
    } catch (err) {
      if (err instanceof IncidentInputError) throw err;
      this.deps.log.error(`timeline ${id}: ${m.type} failed`, err instanceof Error ? err : new Error(String(err)));
      throw new Error(`Could not ${m.type}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }

  private async post(message: HostMessage): Promise<void> {
    try {
      await this.panel.webview.postMessage(message);
    } catch {
      // The panel went away meanwhile.
    }
  }

  async flushDraft(): Promise<void> {
    await this.draftWrite;
  }
}

function toDisposable(dispose: () => void): vscode.Disposable {
  return { dispose };
}

/** workspaceState key: ids of the incidents whose timeline is open (pointers only). */
const OPEN_PANELS_KEY = 'oncall.incidents.openTimelines';

/** All timeline panels of this window, one per incident. */
export class TimelinePanels implements vscode.Disposable {
  private readonly hosts = new Map<string, TimelinePanelHost>();

  constructor(private readonly deps: TimelineDeps) {
    // The workbench saves an open webview only while a serializer is registered, so a panel
    // that was open when the extension host crashed is not restored by a reload. The ids of
    // open panels are kept as pointers; whatever the serializer did not bring back is reopened.
    void deps.loaded.then(() => {
      const timer = setTimeout(() => this.reopenMissing(), 3_000);
      deps.context.subscriptions.push({ dispose: () => clearTimeout(timer) });
    });
    deps.context.subscriptions.push(
      vscode.window.registerWebviewPanelSerializer(TIMELINE_VIEW_TYPE, {
        deserializeWebviewPanel: async (panel, state: unknown) => {
          await deps.loaded;
          // The page keeps its incident id in its state; if that state was lost (the host died
          // before the workbench saved it), the panel title still starts with the id.
          const fromState = (state as { incidentId?: unknown } | undefined)?.incidentId;
          const fromTitle = /^(INC-\d{8}-(?:\d{3,}|[0-9A-HJKMNP-TV-Z]{5}))\b/.exec(panel.title)?.[1];
          const incidentId = typeof fromState === 'string' ? fromState : fromTitle;
          if (!incidentId || !deps.book.incident(incidentId) || this.hosts.has(incidentId)) {
            deps.log.info(`closing a restored timeline panel for ${incidentId ?? 'an unknown incident'}`);
            panel.dispose();
            return;
          }
          deps.log.info(`restored the timeline panel of ${incidentId}${typeof fromState === 'string' ? '' : ' (from its title)'}`);
          this.adopt(panel, incidentId);
        },
      }),
    );
  }

  private openIds(): string[] {
    const ids = this.deps.context.workspaceState.get<unknown>(OPEN_PANELS_KEY);
    return Array.isArray(ids) ? ids.filter((x): x is string => typeof x === 'string') : [];
  }

  private rememberOpen(incidentId: string, open: boolean): void {
    const ids = new Set(this.openIds());
    if (open) ids.add(incidentId);
    else ids.delete(incidentId);
    void this.deps.context.workspaceState.update(OPEN_PANELS_KEY, [...ids]);
  }

  private reopenMissing(): void {
    for (const id of this.openIds()) {
      if (this.hosts.has(id)) continue;
      if (!this.deps.book.incident(id)) {
        this.rememberOpen(id, false);
        continue;
      }
      this.deps.log.info(`reopening the timeline of ${id}, which was open before the extension host stopped`);
      this.open(id, vscode.ViewColumn.Active, true);
    }
  }

  open(incidentId: string, column = vscode.ViewColumn.Active, preserveFocus = false): TimelinePanelInfo {
    this.deps.book.require(incidentId);
    const existing = this.hosts.get(incidentId);
    if (existing) {
      existing.panel.reveal(column, preserveFocus);
      return existing.info;
    }
    const panel = vscode.window.createWebviewPanel(TIMELINE_VIEW_TYPE, incidentId, { viewColumn: column, preserveFocus }, {
      enableScripts: true,
      localResourceRoots: [vscode.Uri.joinPath(this.deps.context.extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(this.deps.context.extensionUri, 'media')],
    });
    return this.adopt(panel, incidentId).info;
  }

  private adopt(panel: vscode.WebviewPanel, incidentId: string): TimelinePanelHost {
    const host = new TimelinePanelHost(panel, incidentId, this.deps, () => {
      this.hosts.delete(incidentId);
      if (!this.disposing) this.rememberOpen(incidentId, false);
    });
    this.hosts.set(incidentId, host);
    this.rememberOpen(incidentId, true);
    return host;
  }

  private disposing = false;

  info(incidentId: string): TimelinePanelInfo | undefined {
    const h = this.hosts.get(incidentId);
    return h ? { ...h.info, cspReports: [...h.info.cspReports] } : undefined;
  }

  refreshViews(): void {
    for (const h of this.hosts.values()) h.refreshView();
  }

  timeStyleChanged(): void {
    for (const h of this.hosts.values()) h.timeStyleChanged();
  }

  /** Opens the incident's panel with this status update draft in its composer. */
  async showUpdate(incidentId: string, draft: UpdateDraft): Promise<TimelinePanelInfo> {
    const info = this.open(incidentId);
    await this.hosts.get(incidentId)?.showUpdate(draft);
    return info;
  }

  /** Reveals the incident's panel and puts the keyboard focus in its note box. */
  focusNote(incidentId: string): TimelinePanelInfo {
    const info = this.open(incidentId, vscode.ViewColumn.Active, false);
    this.hosts.get(incidentId)?.focusNote();
    return info;
  }

  /** The incident whose panel is the active editor, if any. */
  activeIncidentId(): string | undefined {
    for (const [id, h] of this.hosts) if (h.panel.active) return id;
    return undefined;
  }

  dispose(): void {
    // Deactivation: the workbench owns the panels now (it saves and restores them); keep the
    // pointers so that any it cannot restore are reopened by the next host.
    this.disposing = true;
  }
}

