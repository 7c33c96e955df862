// The sharing commands of the public surface: oncall.shareIncident, oncall.syncIncidents,
// oncall.joinIncident. Each needs a trusted workspace (git runs); given an argument object, none
// prompts.
import * as vscode from 'vscode';
import type { IncidentBook } from '../../incidents/book';
import { ROLES, type Role } from '../../incidents/model';
import { REMOTE_NAMESPACE } from '../../git/incidentRefs';
import { SHARE_BRANCH_NAME } from '../../git/incidentBranch';
import { UserError, type CommandSpec } from '../commandRegistry';
import { plain, withUserErrors } from './commands';
import type { SharingService } from './share';

export interface ShareCommandDeps {
  book: IncidentBook;
  loaded: Promise<void>;
  sharing: SharingService;
  activeId(): string | undefined;
  setActive(id: string | undefined): Promise<void>;
  openTimeline(incidentId: string): void;
}

const TRUST = 'sharing incidents runs git, which reads repository configuration that can run code.';

type Arg = Record<string, unknown> | undefined;
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

export function shareCommands(deps: ShareCommandDeps): CommandSpec[] {
  return [shareIncident(deps), syncIncidents(deps), joinIncident(deps)].map(withUserErrors);
}

/** Sharing must be on; from the palette, offer to switch it on. */
async function requireSharingOn(deps: ShareCommandDeps, fromCode: boolean): Promise<boolean> {
  if (deps.sharing.enabled()) return true;
  const message = 'Sharing incidents is off. Set oncall.incidents.share to "git" to share them through the team\'s git remote.';
  if (fromCode) throw new UserError(message);
  const turnOn = 'Turn On Sharing';
  const choice = await vscode.window.showInformationMessage(message, turnOn);
  if (choice !== turnOn) return false;
  await vscode.workspace.getConfiguration('oncall.incidents').update('share', 'git', vscode.ConfigurationTarget.Global);
  return true;
}

function incidentArg(deps: ShareCommandDeps, arg: Arg): string | undefined {
  const given = str(arg?.incidentId) ?? str(arg?.target);
  if (given) {
    deps.book.require(given);
    return given;
  }
  return deps.activeId();
}

function shareIncident(deps: ShareCommandDeps): CommandSpec {
  return {
    id: 'oncall.shareIncident',
    requiresTrust: TRUST,
    run: async (arg, ctx) => {
      await deps.loaded;
      if (!(await requireSharingOn(deps, ctx.fromCode))) return undefined;
      let id = incidentArg(deps, arg);
      if (!id && !ctx.fromCode) {
        const open = deps.book.incidents().filter((i) => i.status !== 'resolved' && !deps.book.isShared(i.id));
        const pick = await vscode.window.showQuickPick(open.map((i) => ({ label: i.title, description: `${i.id} · ${i.severity}`, id: i.id })), { placeHolder: 'Which incident to share with the team?' });
        id = pick?.id;
      }
      if (!id) throw new UserError('No incidentId given and no incident is active.');
      const remote = await deps.sharing.defaultRemote();
      if (!ctx.fromCode) {
        const share = 'Share';
        const choice = await vscode.window.showWarningMessage(
          `Share ${id} with the team through ${remote}?`,
          { modal: true, detail: shareDetail(id, deps.sharing.transportFor(remote)) },
          share,
        );
        if (choice !== share) return undefined;
      }
      const result = await deps.sharing.share(id, remote);
      if (!ctx.fromCode) void vscode.window.showInformationMessage(`On-Call: ${id} is shared through ${remote} (${result.ref}).`);
      return result;
    },
  };
}

/** Where the timeline goes, for the confirmation. */
function shareDetail(id: string, transport: 'refs' | 'branch'): string {
  const where = transport === 'branch'
    ? `to the folder ${id}/ of the branch ${SHARE_BRANCH_NAME} of that repository (this remote does not accept refs outside branches; clones fetch that branch, no checkout is touched)`
    : `under ${REMOTE_NAMESPACE}${id}/ of that repository, outside its branches`;
  return `Its timeline (notes, commands run with their output, names) is pushed ${where}. Everyone who can read the repository can read it.`;
}

function syncIncidents(deps: ShareCommandDeps): CommandSpec {
  return {
    id: 'oncall.syncIncidents',
    requiresTrust: TRUST,
    run: async (_arg, ctx) => {
      await deps.loaded;
      if (!(await requireSharingOn(deps, ctx.fromCode))) return undefined;
      const result = await deps.sharing.syncNow();
      const summary = { pushed: result.pushed, fetched: result.fetched, incidents: deps.book.incidents().length };
      if (result.errors.length > 0 && ctx.fromCode) throw new UserError(result.errors.map((e) => e.message).join(' '));
      if (!ctx.fromCode && result.errors.length === 0) {
        void vscode.window.setStatusBarMessage(`$(sync) On-Call: shared ${summary.pushed} event(s), received ${summary.fetched}`, 5_000);
      }
      return summary;
    },
  };
}

function joinIncident(deps: ShareCommandDeps): CommandSpec {
  return {
    id: 'oncall.joinIncident',
    requiresTrust: TRUST,
    run: async (arg, ctx) => {
      await deps.loaded;
      if (!(await requireSharingOn(deps, ctx.fromCode))) return undefined;
      const { book } = deps;
      let id = str(arg?.incidentId) ?? str(arg?.target);
      let role = str(arg?.role) as Role | undefined;
      if (!id && !ctx.fromCode) {
        const teammates = book.incidents().filter((i) => i.status !== 'resolved' && book.isShared(i.id) && !book.hasOwnEvents(i.id));
        if (teammates.length === 0) throw new UserError('No teammate\'s open incident to join: run "Sync Incidents" to fetch the latest.');
        const pick = await vscode.window.showQuickPick(teammates.map((i) => ({ label: i.title, description: `${i.id} · ${i.severity} · declared by ${i.declaredBy ?? 'unknown'}`, id: i.id })), { placeHolder: 'Which incident to join?' });
        id = pick?.id;
        if (!id) return undefined;
      }
      if (!id) throw new UserError('joinIncident needs an incidentId.');
      book.require(id);
      if (role === undefined && !ctx.fromCode) {
        const pick = await vscode.window.showQuickPick([{ label: 'No role (responder)', role: undefined as Role | undefined }, ...ROLES.map((r) => ({ label: r, role: r as Role | undefined }))], { placeHolder: 'Take a role? (a commander handoff is recorded as one event)' });
        if (!pick) return undefined;
        role = pick.role;
      }
      await book.join(id, role);
      await deps.sharing.joined(id);
      await deps.setActive(id);
      deps.openTimeline(id);
      return plain(book.require(id));
    },
  };
}
