// The incident commands of the public surface (architecture.md): one factory per command, each
// prompting only when called from the palette, and resolving to plain data.
import * as vscode from 'vscode';
import { IncidentInputError, toSummary, type IncidentBook } from '../../incidents/book';
import type { CadenceConfig } from '../../incidents/cadence';
import { MILESTONES, ROLES, STATUSES, type Audience, type Milestone, type Role, type Severity } from '../../incidents/model';
import { severityDetail, severityLabel } from '../../incidents/severity';
import { draftStatusUpdate } from '../../incidents/statusUpdate';
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
    resolveIncident(deps),
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

const severityPicks = () => SEVERITIES.map((level) => ({ label: severityLabel(level), detail: severityDetail(level), level }));

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
}

function declareArguments(arg: Arg): DeclareAnswers {
  const title = str(arg?.title);
  if (!title) throw new UserError('declareIncident needs a title.');
  const services = Array.isArray(arg?.services) ? (arg.services as unknown[]).filter((s): s is string => typeof s === 'string') : undefined;
  return { title, severity: str(arg?.severity) as Severity | undefined, commander: str(arg?.commander), summary: str(arg?.summary), services };
}

async function askDeclare(deps: IncidentCommandDeps, arg: Arg): Promise<DeclareAnswers | undefined> {
  const title = await vscode.window.showInputBox({ title: 'Declare Incident (1/4)', prompt: 'Title: what is broken, in a few words', value: str(arg?.title), validateInput: (v) => (v.trim() ? undefined : 'A title is needed.') });
  if (!title) return undefined;
  const pick = await vscode.window.showQuickPick(severityPicks(), { title: 'Declare Incident (2/4)', placeHolder: 'Severity: how bad is it?', matchOnDetail: true });
  if (!pick) return undefined;
  const commander = await vscode.window.showInputBox({ title: 'Declare Incident (3/4)', prompt: 'Incident commander', value: str(arg?.commander) ?? deps.author.current() });
  if (commander === undefined) return undefined;
  const summary = await vscode.window.showInputBox({ title: 'Declare Incident (4/4)', prompt: 'Impact so far: who is affected and how (optional)', value: str(arg?.summary) });
  if (summary === undefined) return undefined;
  return { title, severity: pick.level, commander, summary };
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
        status = await vscode.window.showQuickPick(STATUSES.filter((s) => s !== current), { placeHolder: `Status of ${id} (now ${current})` });
        if (!status) return undefined;
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
          const pick = await vscode.window.showQuickPick(ROLES.map((r) => ({ label: r, r })), { placeHolder: 'Which role?' });
          if (!pick) return undefined;
          role = pick.r;
        }
        if (person === undefined) {
          person = await vscode.window.showInputBox({ prompt: `Who takes ${role}? (empty to unassign; a new name is a handoff)`, value: deps.book.require(id).roles[role] ?? '' });
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
      const text = draftStatusUpdate({ incident: book.require(id), events: book.events(id), audience, now: deps.clock(), cadence: deps.cadence() });
      await book.recordStatusUpdate(id, audience, text, 'drafted');
      if (!ctx.fromCode) await editDraft(book, id, audience, text);
      return text;
    },
  };
}

/** Opens the draft for editing, then copies it or records it as posted. */
async function editDraft(book: IncidentBook, id: string, audience: Audience, text: string): Promise<void> {
  const doc = await vscode.workspace.openTextDocument({ content: text, language: 'markdown' });
  await vscode.window.showTextDocument(doc, { preview: false });
  const choice = await vscode.window.showInformationMessage(`Draft ${audience} update for ${id}: edit it, then copy it or mark it posted.`, 'Copy', 'Mark as Posted');
  const final = doc.getText();
  if (choice === 'Copy') await vscode.env.clipboard.writeText(final);
  if (choice === 'Mark as Posted') await book.recordStatusUpdate(id, audience, final, 'posted');
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
      const { incident } = await deps.book.resolve(id, summary);
      return plain(incident);
    },
  };
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
