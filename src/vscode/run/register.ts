import { notBuiltYet, registerCommands } from '../commandRegistry';
import type { BaseServices, IncidentHook, RunbookService } from '../services';

/** Running and copying code blocks: CodeLens, terminal, exit codes. */
export function registerRunFeatures(base: BaseServices, _runbooks: RunbookService, _incidents: IncidentHook): void {
  registerCommands(base, [
    { ...notBuiltYet('oncall.runCodeBlock', 'Running code blocks'), requiresTrust: 'running runbook commands needs a trusted workspace.' },
    { ...notBuiltYet('oncall.runCodeBlockInNewTerminal', 'Running code blocks'), requiresTrust: 'running runbook commands needs a trusted workspace.' },
    notBuiltYet('oncall.copyCodeBlock', 'Copying code blocks'),
  ]);
}
