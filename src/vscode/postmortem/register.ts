import { notBuiltYet, registerCommands } from '../commandRegistry';
import type { BaseServices } from '../services';
import type { IncidentFeatures } from '../incidents/register';

/** Post-mortems: draft from the journal, commit with git, history report. */
export function registerPostmortemFeatures(base: BaseServices, _incidents: IncidentFeatures): void {
  registerCommands(base, [
    notBuiltYet('oncall.draftPostmortem', 'Drafting post-mortems'),
    { ...notBuiltYet('oncall.commitPostmortem', 'Committing post-mortems'), requiresTrust: 'committing runs git, whose hooks and config execute code.' },
    notBuiltYet('oncall.incidentReport', 'The incident report'),
  ]);
}
