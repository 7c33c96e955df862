// Commands that put evidence on an incident's record: pin a run's output (or some of its lines),
// attach runs made before the incident was declared, look for what changed nearby, write a note
// against a runbook step, declare an incident from the alert this window was opened for. Each
// takes an argument object (then never prompts) or asks from the palette.
import * as vscode from 'vscode';
import { IncidentInputError, type IncidentBook } from '../../incidents/book';
import { parseLineRange, pinEvidence, EvidenceRangeError } from '../../incidents/evidence';
import type { TimelineEvent } from '../../incidents/model';
import { severityPick } from '../../incidents/severity';
import { describeLabels } from '../../runbooks/alertLink';
import { SEVERITIES, type Severity } from '../../runbooks/model';
import type { AlertInbox } from '../alerts/inbox';
import { DECLARE_FROM_ALERT } from '../alerts/announce';
import { UserError, type CommandSpec } from '../commandRegistry';
import { withUserErrors } from '../incidents/commands';
import type { IncidentFeatures } from '../incidents/register';
import { readOutputFile } from '../incidents/evidenceFiles';
import { ADD_STEP_NOTE, journalPath } from '../run/evidence';
import type { RunFeatures } from '../run/register';
import { CHANGES_TRUST, recordChangesNearby } from './changes';

export interface EvidenceDeps {
  incidents: IncidentFeatures;
  run: RunFeatures;
  alerts: AlertInbox;
  log: vscode.LogOutputChannel;
}

type Arg = Record<string, unknown> | undefined;
type CommandRun = Extract<TimelineEvent, { type: 'commandRun' }>;

const str = (v: unknown) => (typeof v === 'string' && v.trim() ? v : undefined);
const plain = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

/** The incident a command is about: given, or the active one. */
async function incidentOf(deps: EvidenceDeps, arg: Arg): Promise<string> {
  await deps.incidents.loaded;
  const id = str(arg?.incidentId) ?? deps.incidents.activeIncidentId();
  if (!id) throw new UserError('No incident is active: pass incidentId, or set the active incident.');
  deps.incidents.book.require(id);
  return id;
}

function runLabel(e: CommandRun): vscode.QuickPickItem & { id: string } {
  const exit = e.exitCode === null ? 'exit unknown' : `exit ${e.exitCode}`;
  return {
    id: e.id,
    label: e.command.split('\n')[0].slice(0, 120),
    description: `${exit} · ${new Date(e.time).toLocaleTimeString()}`,
    detail: `${e.runbookTitle}, step ${e.blockIndex + 1}${e.output ? ` · ${e.output.lines} line${e.output.lines === 1 ? '' : 's'} of output` : ''}`,
  };
}

async function pickRun(book: IncidentBook, incidentId: string, placeHolder: string, filter: (e: CommandRun) => boolean): Promise<string | undefined> {
  const runs = book.events(incidentId).filter((e): e is CommandRun => e.type === 'commandRun' && filter(e)).reverse();
  if (runs.length === 0) throw new UserError(`${incidentId} has no command run to choose from.`);
  return (await vscode.window.showQuickPick(runs.map(runLabel), { placeHolder, matchOnDetail: true }))?.id;
}

function pinOutput(deps: EvidenceDeps): CommandSpec {
  return {
    id: 'oncall.pinOutput',
    run: async (arg, ctx) => {
      const id = await incidentOf(deps, arg);
      const { book } = deps.incidents;
      let eventId = str(arg?.eventId);
      let range: { fromLine?: unknown; toLine?: unknown } = { fromLine: arg?.fromLine, toLine: arg?.toLine };
      if (!eventId) {
        if (ctx.fromCode) throw new UserError('Say which run: `{ eventId }` (a command run of the incident).');
        eventId = await pickRun(book, id, 'Pin the output of which run?', (e) => !!e.output && e.output.lines > 0);
        if (!eventId) return undefined;
        const lines = await vscode.window.showInputBox({
          title: 'Pin Output as Evidence',
          prompt: 'Lines to pin, e.g. 12-20 (empty: the whole output, shown by its first and last lines)',
          validateInput: (v) => {
            try {
              parseLineRange(v);
              return undefined;
            } catch (err) {
              return err instanceof EvidenceRangeError ? err.message : String(err);
            }
          },
        });
        if (lines === undefined) return undefined;
        const parsed = parseLineRange(lines);
        range = parsed ? { fromLine: parsed.from, toLine: parsed.to } : {};
      }
      const event = await pinEvidence(book, id, eventId, { ...range, pinned: arg?.pinned !== false }, (incident, file) => readOutputFile(book.journal.incidentDir(incident), file));
      return plain(event);
    },
  };
}

function attachRecentRuns(deps: EvidenceDeps): CommandSpec {
  return {
    id: 'oncall.attachRecentRuns',
    run: async (arg, ctx) => {
      const id = await incidentOf(deps, arg);
      const minutes = typeof arg?.withinMinutes === 'number' && arg.withinMinutes > 0 ? arg.withinMinutes : attachWindowMinutes();
      const candidates = deps.run.recentRuns.within(minutes * 60_000);
      if (candidates.length === 0) {
        if (ctx.fromCode) return [];
        void vscode.window.showInformationMessage(`No runbook commands ran in the ${minutes} minutes before now outside an incident.`);
        return undefined;
      }
      let chosen = candidates.map((c) => c.id);
      if (!ctx.fromCode) {
        const picks = await vscode.window.showQuickPick(
          candidates.map((c) => ({
            id: c.id,
            label: c.record.command.split('\n')[0].slice(0, 120),
            description: `${c.record.exitCode === null ? 'exit unknown' : `exit ${c.record.exitCode}`} · ${new Date(c.record.startedAt).toLocaleTimeString()}`,
            detail: `${c.record.runbookTitle}, step ${c.record.blockIndex + 1}`,
            picked: true,
          })),
          { canPickMany: true, title: `Attach earlier runs to ${id}`, placeHolder: 'These ran before the incident was declared; the chosen ones join its timeline at the time they ran.' },
        );
        if (!picks || picks.length === 0) return undefined;
        chosen = picks.map((p) => p.id);
      }
      const bodies = [];
      for (const run of deps.run.recentRuns.take(chosen)) {
        const { terminalName: _t, startedAt, failedCommand: _f, ...record } = run.record;
        const output = record.output ? await deps.run.evidence.store(id, startedAt, run.text, record.output) : undefined;
        bodies.push({ ...record, type: 'commandRun' as const, durationMs: Math.max(0, record.durationMs), startedAt, attached: true, ...(output ? { output } : {}) });
      }
      return plain(await deps.incidents.book.record(id, bodies));
    },
  };
}

function attachWindowMinutes(): number {
  const m = Number(vscode.workspace.getConfiguration('oncall.incidents').get('attachRunsWithinMinutes', 60));
  return Number.isFinite(m) && m > 0 ? Math.min(m, 24 * 60) : 60;
}

function findChangesNearby(deps: EvidenceDeps): CommandSpec {
  return {
    id: 'oncall.findChangesNearby',
    requiresTrust: CHANGES_TRUST,
    run: async (arg, ctx) => {
      const id = await incidentOf(deps, arg);
      const event = await recordChangesNearby(deps.incidents.book, id, { windowMinutes: typeof arg?.windowMinutes === 'number' ? arg.windowMinutes : undefined, log: deps.log });
      if (!ctx.fromCode) {
        const count = event?.type === 'changesObserved' ? event.changes.length : 0;
        void vscode.window.showInformationMessage(count ? `${count} change${count === 1 ? '' : 's'} found in git history before impact start; they are on the timeline.` : 'No new commits or tags in git history before impact start.');
      }
      return event ? plain(event) : undefined;
    },
  };
}

function addStepNote(deps: EvidenceDeps): CommandSpec {
  return {
    id: ADD_STEP_NOTE,
    run: async (arg, ctx) => {
      const id = await incidentOf(deps, arg);
      const { book } = deps.incidents;
      let runbookPath = str(arg?.runbookPath);
      let blockIndex = typeof arg?.blockIndex === 'number' && Number.isInteger(arg.blockIndex) && arg.blockIndex >= 0 ? arg.blockIndex : undefined;
      let about: string | undefined;
      let text = str(arg?.text);
      if (!runbookPath || blockIndex === undefined) {
        if (ctx.fromCode) throw new UserError('Say which step: `{ runbookPath, blockIndex, text }`.');
        const runId = await pickRun(book, id, 'Which step is the note about?', () => true);
        const run = book.events(id).find((e): e is CommandRun => e.id === runId && e.type === 'commandRun');
        if (!run) return undefined;
        ({ runbookPath, blockIndex } = run);
        about = run.id;
      }
      if (!text) {
        if (ctx.fromCode) throw new UserError('`text` is needed.');
        text = await vscode.window.showInputBox({ title: `Note about step ${blockIndex + 1} of ${runbookPath}`, prompt: 'What happened with this step? It shows on the runbook until the runbook is reviewed.' });
        if (!text?.trim()) return undefined;
      }
      if (text.length > 100_000) throw new IncidentInputError('A note is at most 100,000 characters.');
      const [event] = await book.record(id, [{ type: 'note', text: text.trim(), runbookPath, blockIndex, ...(about ? { about } : {}) }]);
      return plain(event);
    },
  };
}

function declareFromAlert(deps: EvidenceDeps): CommandSpec {
  return {
    id: DECLARE_FROM_ALERT,
    run: async (arg, ctx) => {
      const alert = deps.alerts.current();
      if (!alert) throw new UserError('No alert link was opened in this window recently: open one, or declare the incident yourself.');
      const runbookSeverity = (SEVERITIES as readonly string[]).includes(alert.runbookSeverity ?? '') ? (alert.runbookSeverity as Severity) : undefined;
      const labels = Object.keys(alert.labels).length ? ` (${describeLabels(alert.labels, 3)})` : '';
      let title = str(arg?.title) ?? `${alert.name}${labels}`;
      let severity = (str(arg?.severity) as Severity | undefined) ?? runbookSeverity;
      if (!ctx.fromCode) {
        const typed = await vscode.window.showInputBox({ title: `Declare Incident from ${alert.name} (1/2)`, prompt: 'Title: what is broken, in a few words', value: title, validateInput: (v) => (v.trim() ? undefined : 'A title is needed.') });
        if (!typed) return undefined;
        title = typed;
        const order = runbookSeverity ? [runbookSeverity, ...SEVERITIES.filter((s) => s !== runbookSeverity)] : [...SEVERITIES];
        const pick = await vscode.window.showQuickPick(
          order.map((level) => {
            const item = severityPick(level);
            return { ...item, description: level === runbookSeverity ? `the runbook's severity · ${item.description}` : item.description, level };
          }),
          { title: `Declare Incident from ${alert.name} (2/2)`, placeHolder: 'Severity: how bad is it?', matchOnDetail: true },
        );
        if (!pick) return undefined;
        severity = pick.level;
      }
      const runbookPath = alert.runbookPath ? journalPath({ path: alert.runbookPath, relPath: alert.runbookPath.split(/[\\/]/).pop() ?? '' }) : undefined;
      const incident = await vscode.commands.executeCommand<{ id: string }>('oncall.declareIncident', {
        title,
        ...(severity ? { severity } : {}),
        ...(str(arg?.commander) ? { commander: arg!.commander } : {}),
        ...(str(arg?.summary) ? { summary: arg!.summary } : {}),
        alert: { name: alert.name, labels: alert.labels, ...(alert.link ? { link: alert.link } : {}), ...(runbookPath ? { runbookPath } : {}) },
      });
      if (!ctx.fromCode && incident) void vscode.commands.executeCommand('oncall.openTimeline', { incidentId: incident.id });
      return incident;
    },
  };
}

export function evidenceCommands(deps: EvidenceDeps): CommandSpec[] {
  return [pinOutput(deps), attachRecentRuns(deps), findChangesNearby(deps), addStepNote(deps), declareFromAlert(deps)].map(withUserErrors);
}
