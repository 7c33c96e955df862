// Run and Copy: from an invocation to a record. The order matters and is the contract:
// trust → block → placeholders → final command → danger confirmation → terminal → record.
import * as vscode from 'vscode';
import { CommandTextError, isSecretName, prepareCommand, renderCommand, renderForCopy, renderWithNames, type CommandTemplate } from '../../shell/commandText';
import { compileDangerPatterns, findDanger } from '../../shell/danger';
import type { CodeBlock, DangerFinding, Placeholder, RunRecord } from '../../runbooks/model';
import { explainInput, fillInputs } from '../../runbooks/placeholders';
import type { AlertInbox } from '../alerts/inbox';
import { outputCapChars, type RunEvidence } from './evidence';
import { isRunnable } from '../../runbooks/runnable';
import { codeBlockLabel } from '../../runbooks/blockLabel';
import { outOfHistory } from '../../shell/history';
import { runSteps } from '../../shell/runSteps';
import { UserError, type CommandContext } from '../commandRegistry';
import type { BaseServices, IncidentHook, RunbookService } from '../services';
import { dangerNotice } from '../../shell/confirmText';
import { describeTargets } from '../../shell/target';
import { confirmDanger } from './confirm';
import { runTargets } from './runTarget';
import type { LastRuns } from './lastRuns';
import { askForValues, keepsTerminalValue, PlaceholderMemory } from './prompts';
import { pickBlock, resolveBlock } from './targets';
import { chooseShell, RunTerminals, ShellIntegrationRunner, waitForFirstPrompt, waitForShellIntegration } from './terminals';

const DEFAULT_LANGUAGES = ['sh', 'bash', 'shell', 'zsh', 'console'];

export function runLanguages(uri: vscode.Uri): string[] {
  const value = vscode.workspace.getConfiguration('oncall.run', uri).get<unknown>('languages');
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : DEFAULT_LANGUAGES;
}

export function blockIsRunnable(block: CodeBlock, uri: vscode.Uri): boolean {
  return isRunnable(block, runLanguages(uri));
}

function template(block: CodeBlock): CommandTemplate {
  try {
    return prepareCommand(block);
  } catch (err) {
    if (err instanceof CommandTextError) throw new UserError(`Block ${block.index} cannot run as written: ${err.message}.`);
    throw err;
  }
}

/** The runbook's text as the editor has it (open and unsaved, or on disk), for explanations. */
async function documentText(uri: vscode.Uri): Promise<string | undefined> {
  try {
    return (await vscode.workspace.openTextDocument(uri)).getText();
  } catch {
    return undefined;
  }
}

export class RunController {
  private readonly memory = new PlaceholderMemory();
  private warnedPatterns = '';

  constructor(
    private readonly base: BaseServices,
    private readonly runbooks: RunbookService,
    private readonly incidents: IncidentHook,
    private readonly terminals: RunTerminals,
    private readonly lastRuns: LastRuns,
    private readonly evidence: RunEvidence,
    private readonly alerts?: AlertInbox,
  ) {}

  /** oncall.runCodeBlock / oncall.runCodeBlockInNewTerminal. Undefined when cancelled or declined. */
  async run(arg: Record<string, unknown> | undefined, ctx: CommandContext, fresh: boolean): Promise<RunRecord | undefined> {
    // Also checked by the command registry; here too so no path around it can run anything.
    if (!vscode.workspace.isTrusted) throw new UserError('This workspace is in Restricted Mode: running runbook commands needs a trusted workspace.');
    const resolved = await resolveBlock(arg, this.runbooks, (runbook) => {
      if (ctx.fromCode) throw new UserError('Say which block: `{ uri, index }`.');
      return pickBlock(runbook, (b) => isRunnable(b, runLanguages(vscode.Uri.file(runbook.path))), 'Run');
    });
    if (!resolved) return undefined;
    const { uri, runbook, block } = resolved;
    if (!blockIsRunnable(block, uri)) {
      throw new UserError(`Block ${block.index} of “${runbook.title}” is ${block.lang ? `\`${block.lang}\`` : 'not shell'}: it can be copied, not run (see the setting oncall.run.languages).`);
    }
    let prepared = template(block);
    if (!prepared.steps.length) throw new UserError(`Block ${block.index} of “${runbook.title}” has no command to run${prepared.transcript ? ' (a transcript without `$ ` prompt lines)' : ''}.`);

    const scope = this.incidents.activeIncidentId() ?? '';
    let values: Record<string, string> = resolved.values;
    const missing = prepared.placeholders.filter((p) => !Object.prototype.hasOwnProperty.call(values, p.name));
    // A `$NAME` the runbook never sets defaults to the terminal's own value: not an error from code.
    const required = missing.filter((p) => p.style !== 'variable');
    if (required.length && ctx.fromCode) {
      throw new UserError(`No value for ${required.map((p) => p.raw).join(', ')}: pass ${required.length === 1 ? 'it' : 'them'} in \`values\`.`);
    }
    if (missing.length && !ctx.fromCode) {
      const markdown = await documentText(uri);
      const asked = await askForValues(prepared.placeholders, values, {
        memory: this.memory, scope, allowDash: block.allowDashValues, title: `Run: ${runbook.title}`,
        danger: dangerNotice([...block.danger, ...findDanger(renderWithNames(prepared))], block.markedDangerous),
        describe: (p) => (markdown === undefined ? undefined : explainInput(markdown, p, block.startLine)),
        suggestions: this.labelSuggestions(missing),
      });
      if (!asked) return undefined;
      values = asked;
    }
    // Variables left empty stay `$NAME` in the command, so the shell expands its own value.
    const fromTerminal = new Set(prepared.placeholders.filter((p) => keepsTerminalValue(p, values[p.name])).map((p) => p.name));
    if (fromTerminal.size > 0) {
      const keep = (p: Placeholder) => !(p.style === 'variable' && fromTerminal.has(p.name));
      prepared = template({ ...block, placeholders: block.placeholders.filter(keep) });
      values = Object.fromEntries(Object.entries(values).filter(([name]) => !fromTerminal.has(name)));
    }
    let rendered;
    try {
      rendered = renderCommand(prepared, values, { allowDash: block.allowDashValues });
    } catch (err) {
      if (err instanceof CommandTextError) throw new UserError(`Nothing was run: ${err.message}.`);
      throw err;
    }
    this.memory.remember(scope, values);

    const findings = this.findings(block, rendered.text);
    const targets = runTargets(rendered.maskedText);
    if (findings.length || block.markedDangerous) {
      const confirmed = await confirmDanger({
        runbookTitle: runbook.title,
        blockIndex: block.index,
        command: rendered.maskedText,
        findings,
        markedDangerous: block.markedDangerous,
        commandCount: rendered.steps.length,
        targets,
      });
      if (!confirmed) {
        this.base.log.info(`run declined at the danger confirmation: ${runbook.relPath} block ${block.index} (${findings.map((f) => f.ruleId).join(', ') || 'marked dangerous'})`);
        return undefined;
      }
    }

    const secrets = prepared.placeholders.filter((p) => isSecretName(p.name)).map((p) => values[p.name]).filter((v) => v.length > 0);
    // A leading space keeps a command with a secret out of the shell's history (after the terminal's history guard).
    const steps = secrets.length ? rendered.steps.map(outOfHistory) : rendered.steps;

    const incident = this.incidents.activeIncidentId();
    const config = vscode.workspace.getConfiguration('oncall.run', uri);
    const shellPath = chooseShell(vscode.env.shell);
    const { terminal, created } = this.terminals.acquire(incident ? `incident:${incident}` : `runbook:${runbook.path}`, incident ?? runbook.title, {
      fresh,
      shellPath,
      cwd: vscode.workspace.getWorkspaceFolder(uri)?.uri,
    });
    terminal.show(true);
    const startedAt = new Date();
    const session = this.evidence.start(outputCapChars(uri));
    let record: RunRecord;
    try {
      const timeoutMs = Math.max(0.1, Number(config.get('shellIntegrationTimeoutSeconds', 5))) * 1000;
      const integration = await waitForShellIntegration(terminal, timeoutMs);
      if (integration && created) await waitForFirstPrompt(terminal);
      const unguarded = secrets.length ? await this.terminals.guardHistory(terminal, integration, Math.max(timeoutMs, 30_000)) : undefined;
      if (unguarded) throw new UserError(`Nothing was run: the command holds a secret, and ${unguarded}, so it could land in the shell's history.`);
      const target = describeTargets(targets);
      const base = { runbookPath: runbook.path, runbookTitle: runbook.title, blockIndex: block.index, command: rendered.maskedText, terminalName: terminal.name, startedAt: startedAt.toISOString(), ...(target ? { target } : {}) };
      if (!integration) {
        // Typed, not run: the engineer presses Enter (or not); we cannot know the outcome.
        terminal.sendText(secrets.length ? outOfHistory(rendered.line) : rendered.line, false);
        this.terminals.abandon(terminal);
        record = {
          ...base,
          exitCode: null,
          durationMs: 0,
          unknownReason: `shell integration did not start within ${timeoutMs / 1000} s: the command was typed into the terminal but not run`,
        };
      } else {
        const watchdogMs = Math.max(1 / 60, Number(config.get('watchdogMinutes', 30))) * 60_000;
        const result = await runSteps(session.runner(new ShellIntegrationRunner(terminal, integration)), steps, { watchdogMs, secrets });
        record = {
          ...base,
          exitCode: result.exitCode,
          durationMs: result.durationMs,
          ...(result.outputTail ? { outputTail: result.outputTail } : {}),
          ...(result.unknownReason ? { unknownReason: result.unknownReason } : {}),
          ...(result.stoppedAt !== undefined && rendered.steps.length > 1 ? { failedCommand: rendered.maskedSteps[result.stoppedAt].trim() } : {}),
        };
      }
    } finally {
      this.terminals.release(terminal);
    }
    this.lastRuns.set({ ...record, endedAt: Date.now(), blockText: block.text });
    this.base.log.info(
      `ran ${runbook.relPath} block ${block.index} in “${terminal.name}”: ${record.exitCode === null ? `exit unknown (${record.unknownReason})` : `exit ${record.exitCode}`}, ${record.durationMs} ms`,
    );
    // Masked, summarised, written beside the journal and recorded (or kept for attaching later).
    return this.evidence.finish(record, session, secrets, runbook);
  }

  /** Values from the alert this window was opened for, by placeholder name: offered, never used unseen. */
  private labelSuggestions(placeholders: readonly Placeholder[]) {
    const alert = this.alerts?.current();
    if (!alert) return undefined;
    const found = fillInputs(placeholders, alert.labels);
    // The label each value came from, to say so in the prompt.
    const labelOf = (value: string) => Object.keys(alert.labels).find((k) => alert.labels[k] === value) ?? '';
    return Object.fromEntries(Object.entries(found).map(([name, value]) => [name, { value, label: labelOf(value), alert: alert.name }]));
  }

  /** oncall.copyCodeBlock: the command text (values given filled in, the rest as written). */
  async copy(arg: Record<string, unknown> | undefined, ctx: CommandContext): Promise<string | undefined> {
    const resolved = await resolveBlock(arg, this.runbooks, (runbook) => {
      if (ctx.fromCode) throw new UserError('Say which block: `{ uri, index }`.');
      return pickBlock(runbook, () => true, 'Copy');
    });
    if (!resolved) return undefined;
    const { uri, block } = resolved;
    let text = block.text;
    if (blockIsRunnable(block, uri)) {
      try {
        text = renderForCopy(prepareCommand(block), resolved.values, { allowDash: block.allowDashValues });
      } catch (err) {
        if (!(err instanceof CommandTextError)) throw err;
        // Values that cannot be used are an error; a block we cannot read is copied as written.
        if (Object.keys(resolved.values).length && /the value for/.test(err.message)) throw new UserError(`Nothing was copied: ${err.message}.`);
      }
    }
    await vscode.env.clipboard.writeText(text);
    vscode.window.setStatusBarMessage(`$(copy) Copied ${codeBlockLabel(resolved.runbook, block)} of “${resolved.runbook.title}”`, 3000);
    return text;
  }

  private findings(block: CodeBlock, command: string): DangerFinding[] {
    const patterns = vscode.workspace.getConfiguration('oncall.run').get<unknown>('extraDangerPatterns');
    const list = Array.isArray(patterns) ? patterns : [];
    const { invalid } = compileDangerPatterns(list);
    const key = JSON.stringify(invalid);
    if (invalid.length && key !== this.warnedPatterns) {
      this.warnedPatterns = key;
      for (const i of invalid) this.base.log.warn(`oncall.run.extraDangerPatterns: ignoring ${JSON.stringify(i.pattern)}: ${i.error}`);
    }
    const all = [...block.danger, ...findDanger(command, list.filter((p): p is string => typeof p === 'string'))];
    const seen = new Set<string>();
    return all.filter((f) => (seen.has(f.ruleId + f.match) ? false : (seen.add(f.ruleId + f.match), true)));
  }
}
