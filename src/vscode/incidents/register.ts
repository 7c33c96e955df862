import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { IncidentBook, IncidentInputError, toSummary } from '../../incidents/book';
import { parseCadence, updateSchedule, type CadenceConfig } from '../../incidents/cadence';
import { createEventIdGenerator } from '../../incidents/ids';
import { Journal, encodeRecord } from '../../incidents/journal';
import { MILESTONES, ROLES, STATUSES, type Audience, type Incident, type IncidentSummary, type Milestone, type Role, type Severity, type TimelineEvent } from '../../incidents/model';
import { nodeJournalFs } from '../../incidents/nodeFs';
import { severityDetail, severityLabel } from '../../incidents/severity';
import { draftStatusUpdate } from '../../incidents/statusUpdate';
import { SEVERITIES, type RunRecord } from '../../runbooks/model';
import { UserError, registerCommands, type CommandContext, type CommandSpec } from '../commandRegistry';
import type { BaseServices, IncidentHook } from '../services';
import { createAuthorSource } from './author';
import type { PostmortemInfo } from '../../postmortem/report';
import { IncidentTreeProvider } from './incidentTree';
import { IncidentStatusBar } from './statusBar';
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
  /** The merged journal's records (one JSON line each, with checksum, no newline), in timeline order: for exporting next to a post-mortem. */
  journalLines(id: string): Promise<string[]>;
}

const ACTIVE_KEY = 'oncall.incidents.active';

/** Where journals live: the extension's workspace storage (default) or `.oncall/incidents` in the first folder. */
function journalRoot(context: vscode.ExtensionContext): string {
  const location = vscode.workspace.getConfiguration('oncall.incidents').get<string>('journalLocation', 'workspaceStorage');
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (location === 'workspaceFolder' && folder?.scheme === 'file') return path.join(folder.fsPath, '.oncall', 'incidents');
  const base = context.storageUri ?? context.globalStorageUri;
  return path.join(base.fsPath, 'incidents');
}

function readCadence(log: vscode.LogOutputChannel): CadenceConfig {
  const { config, problems } = parseCadence(vscode.workspace.getConfiguration('oncall.incidents').get('updateCadence'));
  for (const p of problems) log.warn(`oncall.incidents.updateCadence: ${p}`);
  return config;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Plain data (no live objects) for callers of the API and commands. */
const plain = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));

/** Incidents: declare, timeline webview, status bar, reminders, status updates. */
export function registerIncidentFeatures(base: BaseServices): IncidentFeatures {
  const { context, log } = base;
  const clock = () => Date.now();
  const author = createAuthorSource();
  const root = journalRoot(context);
  const journal = new Journal({
    fs: nodeJournalFs(),
    root,
    log: (m) => log.warn(m),
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
    log: (m) => log.warn(m),
  });
  let cadence = readCadence(log);

  const loaded = (async () => {
    await author.refresh().catch(() => undefined);
    const problems = await book.load();
    log.info(`incident journal at ${root}: ${book.incidents().length} incident(s)`);
    if (problems.length > 0) {
      const moved = problems.filter((p) => p.quarantinedTo).length;
      void vscode.window.showWarningMessage(
        `On-Call: ${problems.length} damaged line(s) found in incident journals while loading; ${moved} moved aside to quarantine, every complete event kept. See the log for details.`,
        'Show Log',
      ).then((c) => c && vscode.commands.executeCommand('oncall.showLog'));
    }
  })().catch((err) => log.error('could not load the incident journals', err instanceof Error ? err : new Error(String(err))));

  // --- Active incident: a pointer in workspaceState, nothing else. ---------------------------
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
  context.subscriptions.push({ dispose: unsubscribe });
  context.subscriptions.push(
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
    { dispose: () => void journal.close() },
  );

  // --- Reminders: computed from the journal on every tick, so a reload loses nothing. --------
  const notified = new Set<string>();
  const tick = () => {
    statusBar.update();
    for (const incident of book.incidents()) {
      if (incident.status === 'resolved') continue;
      const s = updateSchedule(book.events(incident.id), cadence, clock(), incident);
      if (s.state !== 'overdue' || !s.dueAt) continue;
      const key = `${incident.id}@${s.dueAt}`;
      if (notified.has(key)) continue;
      notified.add(key);
      void remind(incident);
    }
  };
  const timer = setInterval(tick, 10_000);
  context.subscriptions.push({ dispose: () => clearInterval(timer) });
  const panelTimer = setInterval(() => panels.refreshViews(), 60_000);
  context.subscriptions.push({ dispose: () => clearInterval(panelTimer) });

  async function remind(incident: Incident): Promise<void> {
    const choice = await vscode.window.showWarningMessage(
      `${incident.id} (${incident.severity}) ${incident.title}: a status update is due.`,
      'Draft Update',
      'Snooze',
    );
    if (choice === 'Draft Update') panels.open(incident.id);
    if (choice === 'Snooze') await promptSnooze(incident.id);
  }

  async function promptSnooze(incidentId: string): Promise<TimelineEvent | undefined> {
    const minutes = await vscode.window.showQuickPick(['10', '15', '30', '60'].map((m) => ({ label: `${m} minutes`, minutes: Number(m) })), { placeHolder: 'Snooze the update reminder for…' });
    if (!minutes) return undefined;
    const reason = await vscode.window.showInputBox({ prompt: 'Why can the update wait? (recorded on the timeline)', validateInput: (v) => (v.trim() ? undefined : 'A reason is needed.') });
    if (!reason) return undefined;
    return book.snooze(incidentId, minutes.minutes, reason);
  }

  // --- Commands ------------------------------------------------------------------------------
  /** The incident a command is about: argument, tree item, active, or (palette) a choice. */
  async function pickIncident(arg: Record<string, unknown> | undefined, ctx: CommandContext, { openOnly = true } = {}): Promise<string | undefined> {
    await loaded;
    const given = str(arg?.incidentId) ?? str(arg?.target);
    if (given) {
      book.require(given);
      return given;
    }
    const active = activeId();
    if (active) return active;
    const candidates = book.incidents().filter((i) => !openOnly || i.status !== 'resolved');
    if (ctx.fromCode || candidates.length === 0) {
      throw new UserError(candidates.length === 0 ? 'There is no open incident: declare one first.' : 'No incidentId given and no incident is active.');
    }
    if (candidates.length === 1) return candidates[0].id;
    const picked = await vscode.window.showQuickPick(
      candidates.map((i) => ({ label: i.title, description: `${i.id} · ${i.severity} · ${i.status}`, id: i.id })),
      { placeHolder: 'Which incident?' },
    );
    return picked?.id;
  }

  /** Turns input errors from the core into messages for the user. */
  const userErrors = (spec: CommandSpec): CommandSpec => ({
    ...spec,
    run: async (arg, ctx) => {
      try {
        return await spec.run(arg, ctx);
      } catch (err) {
        if (err instanceof IncidentInputError) throw new UserError(err.message);
        throw err;
      }
    },
  });

  const severityPicks = () => SEVERITIES.map((level) => ({ label: severityLabel(level), detail: severityDetail(level), level }));

  const specs: CommandSpec[] = [
    {
      id: 'oncall.declareIncident',
      run: async (arg, ctx) => {
        await loaded;
        let title = str(arg?.title);
        let severity = str(arg?.severity) as Severity | undefined;
        let commander = str(arg?.commander);
        let summary = str(arg?.summary);
        if (!ctx.fromCode) {
          title = await vscode.window.showInputBox({ title: 'Declare Incident (1/4)', prompt: 'Title: what is broken, in a few words', value: title, validateInput: (v) => (v.trim() ? undefined : 'A title is needed.') });
          if (!title) return undefined;
          const pick = await vscode.window.showQuickPick(severityPicks(), { title: 'Declare Incident (2/4)', placeHolder: 'Severity: how bad is it?', matchOnDetail: true });
          if (!pick) return undefined;
          severity = pick.level;
          commander = await vscode.window.showInputBox({ title: 'Declare Incident (3/4)', prompt: 'Incident commander', value: commander ?? author.current() });
          if (commander === undefined) return undefined;
          summary = await vscode.window.showInputBox({ title: 'Declare Incident (4/4)', prompt: 'Impact so far: who is affected and how (optional)', value: summary });
          if (summary === undefined) return undefined;
        } else if (!title) {
          throw new UserError('declareIncident needs a title.');
        }
        const services = Array.isArray(arg?.services) ? (arg.services as unknown[]).filter((s): s is string => typeof s === 'string') : undefined;
        const incident = await book.declare({ title: title ?? '', severity, commander: commander ?? author.current(), summary, services });
        await setActive(incident.id);
        if (!ctx.fromCode) panels.open(incident.id);
        return plain(incident);
      },
    },
    {
      id: 'oncall.openTimeline',
      run: async (arg, ctx) => {
        const id = await pickIncident(arg, ctx, { openOnly: false });
        if (!id) return undefined;
        panels.open(id);
        return undefined;
      },
    },
    {
      id: 'oncall.addNote',
      run: async (arg, ctx) => {
        const id = await pickIncident(arg, ctx);
        if (!id) return undefined;
        let text = str(arg?.text);
        if (!ctx.fromCode && !text) text = await vscode.window.showInputBox({ prompt: `Note for ${id} (start with TODO: for a follow-up)` });
        if (!ctx.fromCode && !text) return undefined;
        return plain(await book.addNote(id, text));
      },
    },
    {
      id: 'oncall.setStatus',
      run: async (arg, ctx) => {
        const id = await pickIncident(arg, ctx);
        if (!id) return undefined;
        let status = str(arg?.status);
        if (!ctx.fromCode && !status) {
          const current = book.require(id).status;
          status = (await vscode.window.showQuickPick(STATUSES.filter((s) => s !== current), { placeHolder: `Status of ${id} (now ${current})` }));
          if (!status) return undefined;
        }
        return plain(await book.setStatus(id, status, arg?.summary));
      },
    },
    {
      id: 'oncall.setSeverity',
      run: async (arg, ctx) => {
        const id = await pickIncident(arg, ctx);
        if (!id) return undefined;
        let severity = str(arg?.severity);
        let reason = str(arg?.reason);
        if (!ctx.fromCode && !severity) {
          const current = book.require(id).severity;
          const pick = await vscode.window.showQuickPick(severityPicks().filter((p) => p.level !== current), { placeHolder: `Severity of ${id} (now ${current})`, matchOnDetail: true });
          if (!pick) return undefined;
          severity = pick.level;
          reason = await vscode.window.showInputBox({ prompt: 'Why? (optional, recorded on the timeline)' });
          if (reason === undefined) return undefined;
        }
        return plain(await book.setSeverity(id, severity, reason));
      },
    },
    {
      id: 'oncall.assignRole',
      run: async (arg, ctx) => {
        const id = await pickIncident(arg, ctx);
        if (!id) return undefined;
        let role = str(arg?.role) as Role | undefined;
        let person = str(arg?.person);
        if (!ctx.fromCode) {
          if (!role) {
            const pick = await vscode.window.showQuickPick(ROLES.map((r) => ({ label: r, r })), { placeHolder: 'Which role?' });
            if (!pick) return undefined;
            role = pick.r;
          }
          if (person === undefined) {
            person = await vscode.window.showInputBox({ prompt: `Who takes ${role}? (empty to unassign; a new name is a handoff)`, value: book.require(id).roles[role] ?? '' });
            if (person === undefined) return undefined;
          }
        }
        return plain(await book.assignRole(id, role, person));
      },
    },
    {
      id: 'oncall.markMilestone',
      run: async (arg, ctx) => {
        const id = await pickIncident(arg, ctx);
        if (!id) return undefined;
        let milestone = str(arg?.milestone) as Milestone | undefined;
        let at: unknown = arg?.at;
        let reason = str(arg?.reason);
        if (!ctx.fromCode && !milestone) {
          const pick = await vscode.window.showQuickPick(MILESTONES.map((m) => ({ label: m, m })), { placeHolder: 'Which milestone?' });
          if (!pick) return undefined;
          milestone = pick.m;
          const when = await vscode.window.showInputBox({ prompt: 'When? Empty for now; or HH:MM (today, local) or an ISO time to backdate', validateInput: (v) => (!v.trim() || parseWhen(v) !== undefined ? undefined : 'Use HH:MM or an ISO time.') });
          if (when === undefined) return undefined;
          if (when.trim()) {
            at = parseWhen(when);
            reason = await vscode.window.showInputBox({ prompt: 'Why this time? (e.g. "errors start at 09:40 in the graphs")' });
            if (reason === undefined) return undefined;
          }
        }
        return plain(await book.markMilestone(id, milestone, at, reason));
      },
    },
    {
      id: 'oncall.draftStatusUpdate',
      run: async (arg, ctx) => {
        const id = await pickIncident(arg, ctx, { openOnly: false });
        if (!id) return undefined;
        let audience = (str(arg?.audience) ?? (ctx.fromCode ? 'internal' : undefined)) as Audience | undefined;
        if (!audience) {
          const pick = await vscode.window.showQuickPick([{ label: 'Internal', a: 'internal' as const }, { label: 'External (customers)', a: 'external' as const }], { placeHolder: 'Who is the update for?' });
          if (!pick) return undefined;
          audience = pick.a;
        }
        if (audience !== 'internal' && audience !== 'external') throw new UserError('audience must be internal or external.');
        const text = draftStatusUpdate({ incident: book.require(id), events: book.events(id), audience, now: clock(), cadence });
        await book.recordStatusUpdate(id, audience, text, 'drafted');
        if (!ctx.fromCode) {
          const doc = await vscode.workspace.openTextDocument({ content: text, language: 'markdown' });
          await vscode.window.showTextDocument(doc, { preview: false });
          const choice = await vscode.window.showInformationMessage(`Draft ${audience} update for ${id}: edit it, then copy it or mark it posted.`, 'Copy', 'Mark as Posted');
          const final = doc.getText();
          if (choice === 'Copy') await vscode.env.clipboard.writeText(final);
          if (choice === 'Mark as Posted') await book.recordStatusUpdate(id, audience, final, 'posted');
        }
        return text;
      },
    },
    {
      id: 'oncall.resolveIncident',
      run: async (arg, ctx) => {
        const id = await pickIncident(arg, ctx);
        if (!id) return undefined;
        let summary = str(arg?.summary);
        if (!ctx.fromCode && summary === undefined) {
          summary = await vscode.window.showInputBox({ prompt: `Resolve ${id}: final summary of the impact (optional)`, value: book.require(id).summary });
          if (summary === undefined) return undefined;
        }
        const { incident } = await book.resolve(id, summary);
        return plain(incident);
      },
    },
    {
      id: 'oncall.setActiveIncident',
      run: async (arg, ctx) => {
        await loaded;
        let id = str(arg?.incidentId) ?? str(arg?.target);
        if (!id) {
          if (ctx.fromCode) throw new UserError('setActiveIncident needs an incidentId.');
          const open = book.incidents().filter((i) => i.status !== 'resolved');
          if (open.length === 0) throw new UserError('There is no open incident.');
          const pick = await vscode.window.showQuickPick(open.map((i) => ({ label: i.title, description: `${i.id} · ${i.severity} · ${i.status}`, id: i.id })), { placeHolder: 'Which incident do command runs go to?' });
          if (!pick) return undefined;
          id = pick.id;
        }
        const incident = book.require(id);
        if (incident.status === 'resolved') throw new UserError(`${id} is resolved; only an open incident can be active.`);
        await setActive(id);
        return plain(toSummary(incident));
      },
    },
  ];
  registerCommands(base, specs.map(userErrors));

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
      return book.events(id).map((e) => encodeRecord(e).toString('utf8').replace(/\n$/, ''));
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

/** `HH:MM` (today, local time) or anything `Date` parses; undefined when neither. */
function parseWhen(text: string): string | undefined {
  const t = text.trim();
  const hm = /^(\d{1,2}):(\d{2})$/.exec(t);
  if (hm) {
    const d = new Date();
    d.setHours(Number(hm[1]), Number(hm[2]), 0, 0);
    return d.toISOString();
  }
  const ms = Date.parse(t);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}
