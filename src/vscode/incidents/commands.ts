// The incident commands of the public surface (architecture.md): one factory per command, each
// prompting only when called from the palette, and resolving to plain data.
import * as vscode from 'vscode';
import { IncidentInputError, toSummary, type IncidentBook } from '../../incidents/book';
import type { CadenceConfig } from '../../incidents/cadence';
import { MILESTONES, ROLES, STATUSES, type AlertInfo, type Audience, type Milestone, type Role, type Severity } from '../../incidents/model';
import { MILESTONE_NAMES, ROLE_NAMES, STATUS_NAMES } from '../../incidents/names';
import { severityPick } from '../../incidents/severity';
import { draftStatusUpdate } from '../../incidents/statusUpdate';
import type { TimeFormatter } from '../../incidents/timeFormat';
import type { UpdateDraft } from '../../protocol/timeline';
import { readFrontMatter } from '../../runbooks/frontMatter';
import { SEVERITIES } from '../../runbooks/model';
import { ShareError } from '../../git/shareRepo';
import { UserError, type CommandContext, type CommandSpec } from '../commandRegistry';
import type { AuthorSource } from './author';

export interface IncidentCommandDeps {
  book: IncidentBook;
  loaded: Promise<void>;
  author: AuthorSource;
  clock(): number;
  cadence(): CadenceConfig;
  activeId(): string | undefined;
  setActive(id: string | undefined): Promise<void>;
  openTimeline(incidentId: string): void;
  /** Opens the timeline with this draft in its status update composer. */
  showUpdate(incidentId: string, draft: UpdateDraft): Promise<unknown>;
  /** Reveals the timeline and focuses its note box. */
  focusNote(incidentId: string): void;
  /** The incident whose timeline panel is the active editor, if any. */
  activePanelIncident(): string | undefined;
  time(): TimeFormatter;
}

type Arg = Record<string, unknown> | undefined;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Plain data (no live objects) for callers of the API and commands. */
export const plain = <T>(v: T): T => (v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T));

export function incidentCommands(deps: IncidentCommandDeps): CommandSpec[] {
  return [
    declareIncident(deps),
    openTimeline(deps),
    addNote(deps),
    setStatus(deps),
    setSeverity(deps),
    assignRole(deps),
    markMilestone(deps),
    draftUpdate(deps),
    setCustomerSummary(deps),
    resolveIncident(deps),
    focusNoteBox(deps),
    setActiveIncident(deps),
  ].map(withUserErrors);
}

/** Turns input errors from the core (and refusals of the sharing remote) into messages for the user. */
export function withUserErrors(spec: CommandSpec): CommandSpec {
  return {
    ...spec,
    run: async (arg, ctx) => {
      try {
        return await spec.run(arg, ctx);
      } catch (err) {
        if (err instanceof IncidentInputError || err instanceof ShareError) throw new UserError(err.message);
        throw err;
      }
    },
  };
}

/** The incident a command is about: argument, tree item, active, or (palette) a choice. */
async function pickIncident(deps: IncidentCommandDeps, arg: Arg, ctx: CommandContext, { openOnly = true } = {}): Promise<string | undefined> {
  const { book } = deps;
  await deps.loaded;
  const given = str(arg?.incidentId) ?? str(arg?.target);
  if (given) {
    book.require(given);
    await book.ensureLoaded(given);
    return given;
  }
  const active = deps.activeId();
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

const severityPicks = () => SEVERITIES.map((level) => ({ ...severityPick(level), level }));

/**
 * The severity the runbook open in the editor names for its alerts (front matter `severity:`
 * in a runbook with `alerts:`): the one suggestion a new incident may start from.
 */
function runbookSuggestion(): { severity: Severity; from: string } | undefined {
  const doc = vscode.window.activeTextEditor?.document;
  if (!doc || doc.languageId !== 'markdown') return undefined;
  const head = doc.getText(new vscode.Range(0, 0, Math.min(doc.lineCount, 300), 0)).split(/\r?\n/);
  const { metadata } = readFrontMatter(head);
  if (!metadata.severity || metadata.alerts.length === 0) return undefined;
  return { severity: metadata.severity, from: metadata.title ?? vscode.workspace.asRelativePath(doc.uri) };
}

/**
 * Asks for a severity. Nothing is preselected (Enter on an untouched list picks nothing) unless
 * there is a suggestion: the severity the alert's runbook names, or one the caller passed.
 */
function askSeverity(title: string, suggested: { severity: Severity; from: string } | undefined): Promise<Severity | undefined> {
  const pick = vscode.window.createQuickPick<ReturnType<typeof severityPicks>[number]>();
  pick.title = title;
  pick.placeholder = suggested ? `Severity: how bad is it? (${suggested.from} suggests ${suggested.severity})` : 'Severity: how bad is it? Type or use the arrow keys to choose';
  pick.matchOnDescription = true;
  pick.matchOnDetail = true;
  pick.items = severityPicks();
  const preselected = pick.items.find((i) => i.level === suggested?.severity);
  pick.activeItems = preselected ? [preselected] : [];
  return new Promise((resolve) => {
    let chosen: Severity | undefined;
    pick.onDidAccept(() => {
      const item = pick.selectedItems[0] ?? pick.activeItems[0];
      if (!item) {
        pick.placeholder = 'Choose a severity first: type its name or use the arrow keys.';
        return;
      }
      chosen = item.level;
      pick.hide();
    });
    pick.onDidHide(() => {
      resolve(chosen);
      pick.dispose();
    });
    pick.show();
  });
}

function declareIncident(deps: IncidentCommandDeps): CommandSpec {
  return {
    id: 'oncall.declareIncident',
    run: async (arg, ctx) => {
      await deps.loaded;
      const answers = ctx.fromCode ? declareArguments(arg) : await askDeclare(deps, arg);
      if (!answers) return undefined;
      const incident = await deps.book.declare({ ...answers, commander: answers.commander ?? deps.author.current() });
      await deps.setActive(incident.id);
      if (!ctx.fromCode) deps.openTimeline(incident.id);
      return plain(incident);
    },
  };
}

interface DeclareAnswers {
  title: string;
  severity?: Severity;
  commander?: string;
  summary?: string;
  services?: string[];
  /** `{ name, labels, link }`: the alert this incident is declared from (checked by the book). */
  alert?: AlertInfo;
}

function declareArguments(arg: Arg): DeclareAnswers {
  const title = str(arg?.title);
  if (!title) throw new UserError('declareIncident needs a title.');
  const services = Array.isArray(arg?.services) ? (arg.services as unknown[]).filter((s): s is string => typeof s === 'string') : undefined;
  const alert = arg?.alert && typeof arg.alert === 'object' ? (arg.alert as AlertInfo) : undefined;
  return { title, severity: str(arg?.severity) as Severity | undefined, commander: str(arg?.commander), summary: str(arg?.summary), services, ...(alert ? { alert } : {}) };
}

async function askDeclare(deps: IncidentCommandDeps, arg: Arg): Promise<DeclareAnswers | undefined> {
  const title = await vscode.window.showInputBox({ title: 'Declare Incident (1/4)', prompt: 'Title: what is broken, in a few words', value: str(arg?.title), validateInput: (v) => (v.trim() ? undefined : 'A title is needed.') });
  if (!title) return undefined;
  const given = str(arg?.severity) as Severity | undefined;
  const severity = await askSeverity('Declare Incident (2/4)', SEVERITIES.includes(given as Severity) ? { severity: given!, from: 'the alert' } : runbookSuggestion());
  if (!severity) return undefined;
  const commander = await vscode.window.showInputBox({ title: 'Declare Incident (3/4)', prompt: 'Incident commander', value: str(arg?.commander) ?? deps.author.current() });
  if (commander === undefined) return undefined;
  const summary = await vscode.window.showInputBox({ title: 'Declare Incident (4/4)', prompt: 'Impact so far: who is affected and how (optional)', value: str(arg?.summary) });
  if (summary === undefined) return undefined;
  return { title, severity, commander, summary };
}

function openTimeline(deps: IncidentCommandDeps): CommandSpec {
  return {
    id: 'oncall.openTimeline',
    run: async (arg, ctx) => {
      const id = await pickIncident(deps, arg, ctx, { openOnly: false });
      if (id) deps.openTimeline(id);
      return undefined;
    },
  };
}

function addNote(deps: IncidentCommandDeps): CommandSpec {
  return {
    id: 'oncall.addNote',
    run: async (arg, ctx) => {
      const id = await pickIncident(deps, arg, ctx);
      if (!id) return undefined;
      let text = str(arg?.text);
      if (!ctx.fromCode && !text) text = await vscode.window.showInputBox({ prompt: `Note for ${id} (start with TODO: for a follow-up)` });
      if (!ctx.fromCode && !text) return undefined;
      return plain(await deps.book.addNote(id, text));
    },
  };
}

function setStatus(deps: IncidentCommandDeps): CommandSpec {
  return {
    id: 'oncall.setStatus',
    run: async (arg, ctx) => {
      const id = await pickIncident(deps, arg, ctx);
      if (!id) return undefined;
      let status = str(arg?.status);
      if (!ctx.fromCode && !status) {
        const current = deps.book.require(id).status;
        const pick = await vscode.window.showQuickPick(STATUSES.filter((s) => s !== current).map((s) => ({ label: STATUS_NAMES[s], s })), { placeHolder: `Status of ${id} (now ${STATUS_NAMES[current]})` });
        if (!pick) return undefined;
        status = pick.s;
      }
      return plain(await deps.book.setStatus(id, status, arg?.summary));
    },
  };
}

function setSeverity(deps: IncidentCommandDeps): CommandSpec {
  return {
    id: 'oncall.setSeverity',
    run: async (arg, ctx) => {
      const id = await pickIncident(deps, arg, ctx);
      if (!id) return undefined;
      let severity = str(arg?.severity);
      let reason = str(arg?.reason);
      if (!ctx.fromCode && !severity) {
        const current = deps.book.require(id).severity;
        const pick = await vscode.window.showQuickPick(severityPicks().filter((p) => p.level !== current), { placeHolder: `Severity of ${id} (now ${current})`, matchOnDetail: true });
        if (!pick) return undefined;
        severity = pick.level;
        reason = await vscode.window.showInputBox({ prompt: 'Why? (optional, recorded on the timeline)' });
        if (reason === undefined) return undefined;
      }
      return plain(await deps.book.setSeverity(id, severity, reason));
    },
  };
}

function assignRole(deps: IncidentCommandDeps): CommandSpec {
  return {
    id: 'oncall.assignRole',
    run: async (arg, ctx) => {
      const id = await pickIncident(deps, arg, ctx);
      if (!id) return undefined;
      let role = str(arg?.role) as Role | undefined;
      let person = str(arg?.person);
      if (!ctx.fromCode) {
        if (!role) {
          const roles = deps.book.require(id).roles;
          const pick = await vscode.window.showQuickPick(ROLES.map((r) => ({ label: ROLE_NAMES[r], description: roles[r], r })), { placeHolder: 'Which role?' });
          if (!pick) return undefined;
          role = pick.r;
        }
        if (person === undefined) {
          person = await vscode.window.showInputBox({ prompt: `Who takes ${ROLE_NAMES[role]}? (empty to unassign; a new name is a handoff)`, value: deps.book.require(id).roles[role] ?? '' });
          if (person === undefined) return undefined;
        }
      }
      return plain(await deps.book.assignRole(id, role, person));
    },
  };
}

function markMilestone(deps: IncidentCommandDeps): CommandSpec {
  return {
    id: 'oncall.markMilestone',
    run: async (arg, ctx) => {
      const id = await pickIncident(deps, arg, ctx);
      if (!id) return undefined;
      let milestone = str(arg?.milestone) as Milestone | undefined;
      let at: unknown = arg?.at;
      let reason = str(arg?.reason);
      if (!ctx.fromCode && !milestone) {
        const marked = deps.book.require(id).milestones;
        const pick = await vscode.window.showQuickPick(
          MILESTONES.map((m) => ({ label: MILESTONE_NAMES[m], description: marked[m] ? `marked ${deps.time().time(marked[m], { now: deps.clock() })}` : undefined, m })),
          { placeHolder: 'Which milestone?' },
        );
        if (!pick) return undefined;
        milestone = pick.m;
        const time = deps.time();
        const read = (v: string) => time.parseInput(v, deps.clock());
        const when = await vscode.window.showInputBox({
          prompt: `When? Empty for now; or 09:40 or 2026-11-24 09:40 to backdate, in ${time.inputZoneLabel(deps.clock())}`,
          validateInput: (v) => {
            if (!v.trim()) return undefined;
            const ms = read(v);
            return ms === undefined ? { message: 'Use 09:40 or 2026-11-24 09:40.', severity: vscode.InputBoxValidationSeverity.Error } : { message: `Read as ${time.time(ms, { now: deps.clock() })}`, severity: vscode.InputBoxValidationSeverity.Info };
          },
        });
        if (when === undefined) return undefined;
        if (when.trim()) {
          const ms = read(when);
          at = ms === undefined ? undefined : new Date(ms).toISOString();
          reason = await vscode.window.showInputBox({ prompt: 'Why this time? (e.g. "errors start at 09:40 in the graphs")' });
          if (reason === undefined) return undefined;
        }
      }
      return plain(await deps.book.markMilestone(id, milestone, at, reason));
    },
  };
}

function draftUpdate(deps: IncidentCommandDeps): CommandSpec {
  return {
    id: 'oncall.draftStatusUpdate',
    run: async (arg, ctx) => {
      const id = await pickIncident(deps, arg, ctx, { openOnly: false });
      if (!id) return undefined;
      let audience = (str(arg?.audience) ?? (ctx.fromCode ? 'internal' : undefined)) as Audience | undefined;
      if (!audience) {
        const pick = await vscode.window.showQuickPick([{ label: 'Internal', a: 'internal' as const }, { label: 'External (customers)', a: 'external' as const }], { placeHolder: 'Who is the update for?' });
        if (!pick) return undefined;
        audience = pick.a;
      }
      if (audience !== 'internal' && audience !== 'external') throw new UserError('audience must be internal or external.');
      const { book } = deps;
      // Drafts live in the timeline's composer (edit, copy, post there); only a posted update
      // goes on the timeline.
      const draft = draftStatusUpdate({ incident: book.require(id), events: book.events(id), audience, now: deps.clock(), cadence: deps.cadence(), time: deps.time() });
      if (!ctx.fromCode) await deps.showUpdate(id, { audience, ...draft });
      return draft.text;
    },
  };
}

/** The customer-facing summary external updates start from (written once, reused). */
function setCustomerSummary(deps: IncidentCommandDeps): CommandSpec {
  return {
    id: 'oncall.setCustomerSummary',
    run: async (arg, ctx) => {
      const id = await pickIncident(deps, arg, ctx);
      if (!id) return undefined;
      let text = str(arg?.text);
      if (!ctx.fromCode && !text) {
        text = await vscode.window.showInputBox({
          title: `Customer-facing summary of ${id}`,
          prompt: 'What customers notice, in their words (external status updates start from this; never hosts or internal names)',
          value: deps.book.require(id).customerSummary ?? '',
          validateInput: (v) => (v.trim() ? undefined : 'Write what customers notice.'),
        });
        if (!text) return undefined;
      }
      return plain(await deps.book.setCustomerSummary(id, text));
    },
  };
}

/** The Add Note key while the timeline is the active editor: the note box, not an input box. */
function focusNoteBox(deps: IncidentCommandDeps): CommandSpec {
  return {
    id: 'oncall.focusNoteBox',
    run: async (arg, ctx) => {
      const id = str(arg?.incidentId) ?? deps.activePanelIncident() ?? (await pickIncident(deps, arg, ctx, { openOnly: false }));
      if (id) deps.focusNote(id);
      return undefined;
    },
  };
}

function resolveIncident(deps: IncidentCommandDeps): CommandSpec {
  return {
    id: 'oncall.resolveIncident',
    run: async (arg, ctx) => {
      const id = await pickIncident(deps, arg, ctx);
      if (!id) return undefined;
      let summary = str(arg?.summary);
      if (!ctx.fromCode && summary === undefined) {
        summary = await vscode.window.showInputBox({ prompt: `Resolve ${id}: final summary of the impact (optional)`, value: deps.book.require(id).summary });
        if (summary === undefined) return undefined;
      }
      await deps.book.resolve(id, summary);
      // Close-out: the final ("resolved") update, then the post-mortem.
      if (ctx.fromCode) {
        const final = finalUpdateArgument(arg?.finalUpdate);
        if (final) {
          const text = final.text ?? draftStatusUpdate({ incident: deps.book.require(id), events: deps.book.events(id), audience: final.audience, now: deps.clock(), cadence: deps.cadence(), time: deps.time() }).text;
          await deps.book.recordStatusUpdate(id, final.audience, text, 'posted');
        }
      } else {
        void guideCloseOut(deps, id);
      }
      return plain(deps.book.require(id));
    },
  };
}

/** Resolves true when a status update of the incident is posted (within an hour), false otherwise. */
function nextPostedUpdate(deps: IncidentCommandDeps, id: string): Promise<boolean> {
  return new Promise((resolve) => {
    const done = (value: boolean) => {
      clearTimeout(timer);
      unsubscribe();
      resolve(value);
    };
    const unsubscribe = deps.book.onDidChange((change) => {
      if (change.incidentId === id && change.added.some((e) => e.type === 'statusUpdate' && e.state === 'posted')) done(true);
    });
    const timer = setTimeout(() => done(false), 60 * 60_000);
  });
}

/** `finalUpdate: { audience, text? }` from code: the update that was posted when resolving. */
function finalUpdateArgument(value: unknown): { audience: Audience; text?: string } | undefined {
  if (value === undefined || value === null || value === false) return undefined;
  const v = (typeof value === 'object' ? value : {}) as Record<string, unknown>;
  const audience = v.audience ?? 'external';
  if (audience !== 'internal' && audience !== 'external') throw new UserError('finalUpdate.audience must be internal or external.');
  return { audience, ...(typeof v.text === 'string' && v.text.trim() ? { text: v.text } : {}) };
}

/**
 * After resolving from the palette: offer the final status update (drafted in the timeline's
 * composer, where it is edited and posted), then — once it is posted — the post-mortem draft,
 * then committing it.
 */
export async function guideCloseOut(deps: IncidentCommandDeps, id: string): Promise<void> {
  const update = 'Draft Final Update…';
  const postmortem = 'Draft Post-Mortem';
  let choice = await vscode.window.showInformationMessage(`${id} is resolved. Next: the final status update, then the post-mortem.`, update, postmortem);
  if (choice === update) {
    const pick = await vscode.window.showQuickPick([{ label: 'External (customers)', a: 'external' as const }, { label: 'Internal', a: 'internal' as const }], { placeHolder: 'Who is the final update for?' });
    if (!pick) return;
    const posted = nextPostedUpdate(deps, id);
    const draft = draftStatusUpdate({ incident: deps.book.require(id), events: deps.book.events(id), audience: pick.a, now: deps.clock(), cadence: deps.cadence(), time: deps.time() });
    await deps.showUpdate(id, { audience: pick.a, ...draft });
    if (!(await posted)) return;
    choice = await vscode.window.showInformationMessage(`The final update of ${id} is posted. Now its post-mortem: drafted from the timeline, for you to finish.`, postmortem);
  }
  if (choice !== postmortem) return;
  const uri = await vscode.commands.executeCommand<vscode.Uri | undefined>('oncall.draftPostmortem', { incidentId: id });
  if (!uri) return;
  const commit = 'Commit…';
  const next = await vscode.window.showInformationMessage('Fill in what the review asks for (see the Problems panel), then commit the post-mortem.', commit);
  if (next === commit) await vscode.commands.executeCommand('oncall.commitPostmortem', { target: uri });
}

function setActiveIncident(deps: IncidentCommandDeps): CommandSpec {
  return {
    id: 'oncall.setActiveIncident',
    run: async (arg, ctx) => {
      const { book } = deps;
      await deps.loaded;
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
      await deps.setActive(id);
      return plain(toSummary(incident));
    },
  };
}
