// oncall.commitPostmortem: save, check completeness, export the journal, commit only those
// files, optionally push. Every git failure becomes a message with the remedy as an action;
// called with an argument object nothing is asked, and a failure is an error for the caller.
// Workspace trust is checked by the command registry before this runs: no git process starts
// in Restricted Mode.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { commitFiles, configureIdentity, initRepository, pushCurrentBranch, showCommit, type CommitRequest } from '../../git/commit';
import { commitToBranch, describeRepository, postmortemBranchName, pullRequestUrl, pushBranch } from '../../git/branch';
import { GitOperationError } from '../../git/errors';
import { describeJournalProblem, JournalReadError } from '../../incidents/journal';
import { postmortemCommitMessage } from '../../postmortem/commitMessage';
import { missingForCommit } from '../../postmortem/completeness';
import { readFrontMatter } from '../../postmortem/frontMatter';
import { journalExportFileName, journalExportText } from '../../postmortem/journalExport';
import { decodeRecord, encodeRecord } from '../../incidents/journal';
import { withoutLocalPaths } from '../../postmortem/localPaths';
import { localRoots } from './location';
import { UserError, type CommandContext } from '../commandRegistry';
import type { IncidentFeatures } from '../incidents/register';
import type { BaseServices } from '../services';

export const COMMIT_SCHEME = 'oncall-commit';
const COMMIT_AS_DRAFT = 'Commit as Draft';

export async function commitPostmortem(
  base: BaseServices,
  incidents: IncidentFeatures,
  arg: Record<string, unknown> | undefined,
  ctx: CommandContext,
): Promise<string | undefined> {
  const uri = targetUri(arg);
  const doc = await vscode.workspace.openTextDocument(uri);
  if (!(await saveDocument(doc))) throw new UserError(`${vscode.workspace.asRelativePath(uri)} could not be saved, so it was not committed.`);
  const text = doc.getText();
  const meta = readFrontMatter(text);
  if (!meta || typeof meta.incident !== 'string') {
    throw new UserError(`${vscode.workspace.asRelativePath(uri)} is not a post-mortem (its front matter names no incident).`);
  }

  let draft = arg?.draft === true;
  const missing = missingForCommit(text);
  if (missing.length > 0 && !draft) {
    const list = missing.map((p) => `- ${p.message}`).join('\n');
    if (ctx.fromCode) throw new UserError(`The post-mortem is not complete:\n${list}\nPass draft: true to commit it as a draft.`);
    const choice = await vscode.window.showWarningMessage('This post-mortem is not complete yet.', { modal: true, detail: list }, COMMIT_AS_DRAFT);
    if (choice !== COMMIT_AS_DRAFT) return undefined;
    draft = true;
  }

  const workspaceFolder = vscode.workspace.getWorkspaceFolder(uri);
  if (!workspaceFolder) throw new UserError(`${uri.fsPath} is outside the workspace folders.`);
  const settings = vscode.workspace.getConfiguration('oncall', uri);
  const files = [uri.fsPath];
  if (settings.get<boolean>('postmortems.exportJournal', true)) {
    const exported = await exportJournal(base, incidents, meta.incident, path.dirname(uri.fsPath));
    if (exported) files.push(exported);
  }

  const remote = settings.get<string>('postmortems.remote', 'origin');
  const timeoutMs = Math.max(5, settings.get<number>('git.timeoutSeconds', 60)) * 1000;
  const branch = postmortemBranchName(meta.incident);
  const choice = await chooseMessageAndBranch(arg, ctx, postmortemCommitMessage(meta, { draft }), branch, { repoDir: workspaceFolder.uri.fsPath, remote, timeoutMs });
  if (!choice) return undefined;
  const request: CommitRequest = {
    repoDir: workspaceFolder.uri.fsPath,
    files,
    message: choice.message,
    timeoutMs,
    noVerify: arg?.noVerify === true,
    allowDetached: arg?.allowDetached === true,
  };
  for (let attempt = 0; ; attempt += 1) {
    try {
      if (choice.destination === 'new') {
        const result = await commitToBranch({ ...request, branch, remote });
        base.log.info(`committed ${result.hash} on ${result.branch} (from ${result.base}; ${result.files.join(', ')}): ${request.message}`);
        await publishBranch(base, { repoDir: request.repoDir, remote, branch, base: result.base, push: arg?.push !== false && settings.get<boolean>('postmortems.pushBranch', true), timeoutMs, hash: result.hash, repoRoot: result.repoRoot, message: request.message });
        return result.hash;
      }
      const result = await commitFiles(request);
      base.log.info(`committed ${result.hash} (${result.files.join(', ')}): ${request.message}`);
      announce(result.hash, result.branch, request.message, result.repoRoot);
      if (settings.get<boolean>('postmortems.push', false)) await push(base, request.repoDir, remote, request.timeoutMs!);
      return result.hash;
    } catch (err) {
      if (!(err instanceof GitOperationError)) throw err;
      if (err.output) base.log.warn(`git (${err.kind}): ${err.output}`);
      if (ctx.fromCode || attempt >= 4) throw new UserError(withOutput(err));
      const retry = await offerRemedy(base, err, request);
      if (!retry) return undefined;
    }
  }
}

interface CommitChoice {
  message: string;
  destination: 'new' | 'current';
}

/**
 * The commit message (prefilled, editable) and where the commit goes: a new branch
 * `postmortem/<id>` (pushed, for review) or the current branch. From code: `message` and
 * `branch: 'new' | 'current'` (default: the current branch), nothing asked.
 */
async function chooseMessageAndBranch(
  arg: Record<string, unknown> | undefined,
  ctx: CommandContext,
  suggested: string,
  branch: string,
  repo: { repoDir: string; remote: string; timeoutMs: number },
): Promise<CommitChoice | undefined> {
  const given = typeof arg?.message === 'string' && arg.message.trim() ? arg.message : undefined;
  if (ctx.fromCode) {
    if (arg?.branch !== undefined && arg.branch !== 'new' && arg.branch !== 'current') throw new UserError('`branch` is "new" (postmortem/<id>) or "current".');
    return { message: given ?? suggested, destination: arg?.branch === 'new' ? 'new' : 'current' };
  }
  const message = await vscode.window.showInputBox({
    title: 'Commit Post-Mortem (1/2): message',
    value: given ?? suggested,
    valueSelection: [0, 0],
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : 'A commit message is needed.'),
  });
  if (message === undefined) return undefined;
  const about = await describeRepository(repo.repoDir, repo.remote, { timeoutMs: repo.timeoutMs }).catch(() => undefined);
  const from = about?.remoteBase ?? about?.current ?? 'HEAD';
  const items: Array<vscode.QuickPickItem & { destination: 'new' | 'current' }> = [
    {
      destination: 'new',
      label: `$(git-branch) New branch ${branch}`,
      description: `from ${from}${about?.hasRemote ? `, pushed to ${repo.remote}` : ''}`,
      detail: 'For review in a pull request. Your working tree, staged files and current branch stay exactly as they are.',
    },
    {
      destination: 'current',
      label: `$(git-commit) Current branch${about?.current ? ` (${about.current})` : ''}`,
      detail: 'Commits only the post-mortem files; other staged work stays staged and out of the commit.',
    },
  ];
  const pick = await vscode.window.showQuickPick(items, { title: 'Commit Post-Mortem (2/2): where to?', ignoreFocusOut: true });
  return pick ? { message, destination: pick.destination } : undefined;
}

/** After a commit on the post-mortem branch: push it (when asked and there is a remote) and offer the pull request page. */
async function publishBranch(
  base: BaseServices,
  b: { repoDir: string; remote: string; branch: string; base: string; push: boolean; timeoutMs: number; hash: string; repoRoot: string; message: string },
): Promise<void> {
  const reveal = 'Reveal Commit';
  let pushedTo: string | undefined;
  let prUrl: string | undefined;
  if (b.push) {
    try {
      const pushed = await pushBranch({ repoDir: b.repoDir, remote: b.remote, branch: b.branch, timeoutMs: b.timeoutMs });
      pushedTo = b.remote;
      const target = b.base.startsWith(`${b.remote}/`) ? b.base.slice(b.remote.length + 1) : 'main';
      prUrl = pullRequestUrl(pushed.url, b.branch, target);
      base.log.info(`pushed ${b.branch} to ${b.remote}${prUrl ? `; pull request: ${prUrl}` : ''}`);
    } catch (err) {
      const kind = err instanceof GitOperationError ? err.kind : undefined;
      if (kind !== 'invalidRemote') {
        base.log.warn(`push of ${b.branch} to ${b.remote} failed: ${err instanceof GitOperationError ? withOutput(err) : String(err)}`);
        void vscode.window.showWarningMessage(`The post-mortem is committed on ${b.branch}, but the push to ${b.remote} failed: ${err instanceof Error ? err.message : String(err)}`);
        return;
      }
    }
  }
  const open = 'Open Pull Request';
  const actions = [...(prUrl ? [open] : []), reveal];
  const where = `${b.branch}${pushedTo ? ` and pushed it to ${pushedTo}` : ''}`;
  void vscode.window.showInformationMessage(`Committed ${b.hash.slice(0, 10)} on ${where}. Your checkout is unchanged.`, ...actions).then(async (choice) => {
    if (choice === open && prUrl) await vscode.env.openExternal(vscode.Uri.parse(prUrl));
    if (choice === reveal) {
      const doc = await vscode.workspace.openTextDocument(commitUri(b.repoRoot, b.hash));
      await vscode.window.showTextDocument(await vscode.languages.setTextDocumentLanguage(doc, 'diff'), { preview: true });
    }
  });
}

/**
 * Saves the document if it has unsaved edits; false when it is still unsaved. On a busy machine
 * the editor can abort a save whose save participants ran out of time: that is tried once more.
 */
async function saveDocument(doc: vscode.TextDocument): Promise<boolean> {
  for (let attempt = 0; attempt < 2 && doc.isDirty; attempt += 1) {
    if ((await doc.save()) || !doc.isDirty) return true;
  }
  return !doc.isDirty;
}

function targetUri(arg: Record<string, unknown> | undefined): vscode.Uri {
  const given = arg?.uri ?? arg?.target;
  if (given instanceof vscode.Uri) return given;
  if (typeof given === 'string' && given) return /^[a-z][a-z0-9+.-]*:/i.test(given) && !/^[a-z]:[\\/]/i.test(given) ? vscode.Uri.parse(given) : vscode.Uri.file(given);
  const active = vscode.window.activeTextEditor?.document.uri;
  if (active?.scheme === 'file') return active;
  throw new UserError('Open the post-mortem to commit, or pass its uri.');
}

/** Writes `<id>.timeline.jsonl` next to the post-mortem; undefined when this workspace has no journal for the incident. */
async function exportJournal(base: BaseServices, incidents: IncidentFeatures, incidentId: string, dir: string): Promise<string | undefined> {
  // The journal's own records (with their checksums), as the incidents feature stores them. A
  // journal that cannot be read stops the commit: committing the post-mortem alone would
  // quietly leave its timeline out.
  let lines: string[];
  try {
    lines = await incidents.journalLines(incidentId);
  } catch (err) {
    const reason = err instanceof JournalReadError ? err.problems.map(describeJournalProblem).join('; ') : err instanceof Error ? err.message : String(err);
    base.log.error(`the journal of ${incidentId} could not be read for the post-mortem commit: ${reason}`);
    throw new UserError(
      `The journal of ${incidentId} could not be read (${reason}), so nothing was committed. Make it readable and commit again, or turn off "oncall.postmortems.exportJournal" to commit the post-mortem without its timeline.`,
    );
  }
  // The copy made for the repository names no local folder (runbook paths relative, the home folder as ~).
  lines = withoutLocalPaths(
    lines.map((l) => decodeRecord(Buffer.from(l, 'utf8'))).flatMap((d) => (d.ok ? [d.event] : [])),
    localRoots(),
  ).map((e) => encodeRecord(e).toString('utf8').replace(/\n$/, ''));
  if (lines.length === 0) {
    base.log.info(`no journal for ${incidentId} in this workspace: committing the post-mortem alone`);
    return undefined;
  }
  const file = path.join(dir, journalExportFileName(incidentId));
  await vscode.workspace.fs.writeFile(vscode.Uri.file(file), new TextEncoder().encode(journalExportText(lines)));
  return file;
}

function withOutput(err: GitOperationError): string {
  const output = err.output?.trim();
  return output ? `${err.message}\n${output.length > 2000 ? `${output.slice(0, 2000)}…` : output}` : err.message;
}

/** Shows the failure with its remedy; resolves to true when the commit should be tried again (with `request` adjusted). */
async function offerRemedy(base: BaseServices, err: GitOperationError, request: CommitRequest): Promise<boolean> {
  const showOutput = 'Show Git Output';
  const pick = async (message: string, modal: boolean, ...actions: string[]) => {
    const detail = err.output ? err.output.slice(0, 1500) : undefined;
    const choice = await (modal
      ? vscode.window.showWarningMessage(message, { modal: true, detail }, ...actions, ...(err.output ? [showOutput] : []))
      : vscode.window.showErrorMessage(message, ...actions, ...(err.output ? [showOutput] : [])));
    if (choice === showOutput) base.log.show(true);
    return choice;
  };
  switch (err.kind) {
    case 'notARepository': {
      const init = 'Initialize Git Repository';
      if ((await pick(`${err.message} The post-mortem was saved but not committed.`, false, init)) !== init) return false;
      await initRepository(request.repoDir, { timeoutMs: request.timeoutMs });
      return true;
    }
    case 'missingIdentity': {
      const set = 'Set Name and Email…';
      if ((await pick(err.message, false, set)) !== set) return false;
      const name = await vscode.window.showInputBox({ title: 'Your name for git commits (this repository)', ignoreFocusOut: true });
      if (!name?.trim()) return false;
      const email = await vscode.window.showInputBox({ title: 'Your e-mail for git commits (this repository)', ignoreFocusOut: true });
      if (!email?.trim()) return false;
      await configureIdentity(request.repoDir, { name, email }, { timeoutMs: request.timeoutMs });
      return true;
    }
    case 'hookFailed': {
      const skip = 'Commit Without Hooks (--no-verify)';
      if ((await pick(`${err.message} Fix what the hook reports, or skip the hooks for this commit only.`, true, skip)) !== skip) return false;
      request.noVerify = true;
      return true;
    }
    case 'detachedHead': {
      const anyway = 'Commit on Detached HEAD';
      if ((await pick(err.message, true, anyway)) !== anyway) return false;
      request.allowDetached = true;
      return true;
    }
    case 'indexLocked':
    case 'timedOut': {
      const retry = 'Try Again';
      return (await pick(err.message, false, retry)) === retry;
    }
    default:
      await pick(`${err.message} The post-mortem file is unchanged.`, false);
      return false;
  }
}

async function push(base: BaseServices, repoDir: string, remote: string, timeoutMs: number): Promise<void> {
  try {
    await pushCurrentBranch({ repoDir, remote, timeoutMs });
    base.log.info(`pushed to ${remote}`);
    void vscode.window.showInformationMessage(`Pushed the post-mortem to ${remote}.`);
  } catch (err) {
    const message = err instanceof GitOperationError ? withOutput(err) : String(err);
    base.log.warn(`push to ${remote} failed: ${message}`);
    void vscode.window.showWarningMessage(`The post-mortem is committed, but the push to ${remote} failed: ${err instanceof Error ? err.message : message}`);
  }
}

function announce(hash: string, branch: string | undefined, message: string, repoRoot: string): void {
  const reveal = 'Reveal Commit';
  void vscode.window
    .showInformationMessage(`Committed ${hash.slice(0, 10)} ${branch ? `on ${branch}` : 'on a detached HEAD'}: ${message}`, reveal)
    .then(async (choice) => {
      if (choice !== reveal) return;
      const doc = await vscode.workspace.openTextDocument(commitUri(repoRoot, hash));
      await vscode.window.showTextDocument(await vscode.languages.setTextDocumentLanguage(doc, 'diff'), { preview: true });
    });
}

export function commitUri(repoRoot: string, hash: string): vscode.Uri {
  return vscode.Uri.from({ scheme: COMMIT_SCHEME, path: `/${hash}.diff`, query: repoRoot });
}

/** Read-only `git show` documents for "Reveal Commit". */
export function registerCommitDocuments(base: BaseServices): void {
  base.context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(COMMIT_SCHEME, {
      provideTextDocumentContent: async (uri) => {
        // The document runs git: never in Restricted Mode.
        if (!vscode.workspace.isTrusted) return 'Showing a commit runs git, which needs a trusted workspace.';
        const hash = path.posix.basename(uri.path, '.diff');
        try {
          return await showCommit(uri.query, hash, { timeoutMs: 30_000 });
        } catch (err) {
          return `Could not show commit ${hash}: ${err instanceof Error ? err.message : String(err)}`;
        }
      },
    }),
  );
}
