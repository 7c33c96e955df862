// The runbook commands: find, open for an alert, refresh, open at a block, filter, mark
// reviewed. Each resolves to its result; given an argument object none of them prompts.
import * as vscode from 'vscode';
import type { AlertHit } from '../../runbooks/index';
import type { Runbook } from '../../runbooks/model';
import { summarize, type RunbookSummary } from '../api';
import { UserError, type CommandContext, type CommandSpec } from '../commandRegistry';
import { markReviewedWorkspaceEdit } from './diagnostics';
import { localToday, type RunbookIndexService } from './service';
import { BlockNode, ReadmeNode, RunbookNode, type RunbookTreeProvider } from './tree';

interface Deps {
  service: RunbookIndexService;
  tree: RunbookTreeProvider;
  treeView: vscode.TreeView<unknown>;
}

function stringArg(arg: Record<string, unknown> | undefined, key: string): string | undefined {
  const value = arg?.[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new UserError(`\`${key}\` must be a string.`);
  return value;
}

function toUri(value: unknown): vscode.Uri | undefined {
  if (value instanceof vscode.Uri) return value;
  if (typeof value === 'string' && value !== '') {
    return /^[a-z][a-z0-9+.-]*:/i.test(value) && !/^[a-z]:[\\/]/i.test(value) ? vscode.Uri.parse(value, true) : vscode.Uri.file(value);
  }
  return undefined;
}

/** Opens a runbook, at a line when given. */
export async function openRunbook(runbook: Runbook, line?: number): Promise<vscode.TextEditor> {
  const uri = vscode.Uri.file(runbook.path);
  const position = new vscode.Position(line ?? 0, 0);
  return vscode.window.showTextDocument(uri, { preview: false, selection: line === undefined ? undefined : new vscode.Range(position, position) });
}

/** The line that is about the alert: its heading or table row in a multi-alert file. */
function alertLine(hit: AlertHit): number | undefined {
  return hit.candidate.source === 'heading' || hit.candidate.source === 'table' ? hit.candidate.line : undefined;
}

export class RunbookCommands {
  constructor(private readonly deps: Deps) {}

  /** Opens a runbook and shows where it is in the Runbooks view (selected, the editor keeps the focus). */
  private async show(runbook: Runbook, line?: number): Promise<void> {
    await openRunbook(runbook, line);
    try {
      await this.deps.treeView.reveal(new RunbookNode(runbook.path), { select: true, focus: false, expand: false });
    } catch {
      // Not in the tree (a filter hides it, or it was removed meanwhile): the editor is enough.
    }
  }

  specs(): CommandSpec[] {
    return [
      { id: 'oncall.findRunbook', run: (arg, ctx) => this.findRunbook(arg, ctx) },
      { id: 'oncall.openRunbookForAlert', run: (arg, ctx) => this.openRunbookForAlert(stringArg(arg, 'alert'), !ctx.fromCode) },
      { id: 'oncall.refreshIndex', run: () => this.deps.service.refresh() },
      { id: 'oncall.openCodeBlock', run: (arg) => this.openCodeBlock(arg) },
      { id: 'oncall.filterRunbooks', run: (arg, ctx) => this.filter(arg, ctx) },
      { id: 'oncall.clearRunbookFilter', run: () => this.setFilter('') },
      { id: 'oncall.markReviewed', run: (arg) => this.markReviewed(arg) },
    ];
  }

  /**
   * Matches for an alert (exact, else case-insensitive, else normalized; dedicated files first);
   * while the index is still being built, waits for it before giving up.
   */
  private async matchesFor(alert: string): Promise<AlertHit[]> {
    const { service } = this.deps;
    await service.start();
    let matches = service.runbookIndex.lookupAlert(alert);
    if (matches.length === 0 || matches.some((h) => h.runbook.parseStatus === 'quick')) {
      await service.whenCurrent();
      matches = service.runbookIndex.lookupAlert(alert);
    }
    return matches;
  }

  async findRunbook(arg: Record<string, unknown> | undefined, ctx: CommandContext): Promise<RunbookSummary | undefined> {
    const { service } = this.deps;
    const query = stringArg(arg, 'query');
    if (ctx.fromCode) {
      if (!query?.trim()) throw new UserError('`query` is required: the words to search for.');
      await service.start();
      let hit = service.runbookIndex.search(query, 1)[0];
      if (!hit) {
        await service.whenCurrent();
        hit = service.runbookIndex.search(query, 1)[0];
      }
      if (!hit) throw new UserError(`No runbook matches “${query}”.`);
      await this.show(hit.runbook);
      return summarize(hit.runbook);
    }
    const chosen = await this.pickRunbook(query ?? '');
    if (!chosen) return undefined;
    await this.show(chosen);
    return summarize(chosen);
  }

  /** A quick pick searching as the user types (our fuzzy search, not the quick pick's own filter). */
  private pickRunbook(initial: string, title = 'Find Runbook', candidates?: Runbook[]): Promise<Runbook | undefined> {
    const { service } = this.deps;
    const pick = vscode.window.createQuickPick<vscode.QuickPickItem & { runbook: Runbook }>();
    pick.title = title;
    pick.placeholder = 'Search by title, alert, tag, owner, service or area';
    pick.matchOnDescription = true;
    pick.matchOnDetail = true;
    const update = () => {
      const hits = candidates ? candidates.map((runbook) => ({ runbook, field: 'alert' })) : service.runbookIndex.search(pick.value, 200);
      pick.items = hits.map(({ runbook }) => ({
        label: `$(book) ${runbook.title}`,
        description: [runbook.isReadme ? 'README' : '', runbook.area, [...new Set(runbook.alerts.map((a) => a.name))].join(', ')].filter(Boolean).join(' · '),
        detail: [runbook.metadata.severity, runbook.metadata.owner, runbook.metadata.tags.join(', '), runbook.relPath].filter(Boolean).join(' · '),
        // Our search already decided what matches; keep the editor from filtering it again.
        alwaysShow: true,
        runbook,
      }));
    };
    pick.value = initial;
    update();
    pick.busy = !service.isReady;
    const disposables = [
      pick.onDidChangeValue(update),
      service.onDidChange(() => {
        pick.busy = !service.isReady;
        update();
      }),
    ];
    pick.show();
    return new Promise((resolve) => {
      disposables.push(
        pick.onDidAccept(() => {
          resolve(pick.selectedItems[0]?.runbook);
          pick.hide();
        }),
        pick.onDidHide(() => {
          resolve(undefined);
          for (const d of disposables) d.dispose();
          pick.dispose();
        }),
      );
    });
  }

  /**
   * Opens the runbook for an alert. From code it never prompts: the best match opens (front
   * matter before headings, titles and file names), and no match is an error. Interactively
   * (palette, URI) several matches give a pick, and none a message that offers the search.
   */
  async openRunbookForAlert(alertArg: string | undefined, interactive: boolean): Promise<RunbookSummary | undefined> {
    let alert = alertArg?.trim();
    if (!alert) {
      if (!interactive) throw new UserError('`alert` (the alert name) is required.');
      alert = await this.askAlert();
      if (!alert) return undefined;
    }
    const matches = await this.matchesFor(alert);
    if (matches.length === 0) {
      if (!interactive) throw new UserError(`No runbook answers the alert “${alert}”.`);
      const search = 'Search Runbooks';
      const choice = await vscode.window.showInformationMessage(`No runbook answers the alert “${alert}”.`, search);
      if (choice === search) {
        const chosen = await this.pickRunbook(alert);
        if (chosen) {
          await this.show(chosen);
          return summarize(chosen);
        }
      }
      return undefined;
    }
    let chosen: AlertHit | undefined = matches[0];
    if (matches.length > 1 && interactive) {
      const runbook = await this.pickRunbook('', `Runbooks for ${alert}`, matches.map((h) => h.runbook));
      chosen = matches.find((h) => h.runbook === runbook);
    }
    if (!chosen) return undefined;
    await this.show(chosen.runbook, alertLine(chosen));
    return summarize(chosen.runbook);
  }

  private async askAlert(): Promise<string | undefined> {
    const { service } = this.deps;
    const pick = vscode.window.createQuickPick();
    pick.title = 'Open Runbook for Alert';
    pick.placeholder = 'Alert name (as in Alertmanager or PagerDuty)';
    pick.matchOnDescription = true;
    pick.matchOnDetail = true;
    // Each alert with the runbook it opens (title, area): which one answers is never a guess.
    pick.items = alertChoices(service.runbookIndex.all()).map((c) => ({ label: c.alert, description: c.runbooks, detail: c.areas }));
    pick.show();
    return new Promise((resolve) => {
      pick.onDidAccept(() => {
        resolve(pick.selectedItems[0]?.label ?? (pick.value.trim() || undefined));
        pick.hide();
      });
      pick.onDidHide(() => {
        resolve(undefined);
        pick.dispose();
      });
    });
  }

  async openCodeBlock(arg: Record<string, unknown> | undefined): Promise<vscode.Uri | undefined> {
    const target = arg?.target;
    let uri: vscode.Uri | undefined;
    let index: unknown;
    if (target instanceof BlockNode) {
      uri = vscode.Uri.file(target.runbookPath);
      index = target.blockIndex;
    } else {
      uri = toUri(arg?.uri);
      index = arg?.index;
    }
    if (!uri) throw new UserError('`uri` (the runbook file) is required.');
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0) throw new UserError('`index` must be a whole number ≥ 0.');
    const runbook = await this.deps.service.get(uri);
    const block = runbook?.codeBlocks[index];
    if (!runbook || !block) throw new UserError(`There is no code block ${index} in ${vscode.workspace.asRelativePath(uri)}.`);
    const editor = await vscode.window.showTextDocument(uri, { preview: false });
    const start = new vscode.Position(block.startLine, 0);
    const end = editor.document.lineAt(Math.min(block.endLine, editor.document.lineCount - 1)).range.end;
    editor.selection = new vscode.Selection(start, start);
    editor.revealRange(new vscode.Range(start, end), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return uri;
  }

  private async filter(arg: Record<string, unknown> | undefined, ctx: CommandContext): Promise<number | undefined> {
    let query = stringArg(arg, 'query');
    if (query === undefined) {
      if (ctx.fromCode) throw new UserError('`query` is required.');
      query = await vscode.window.showInputBox({
        title: 'Filter Runbooks',
        prompt: 'Show only runbooks matching a title, alert, tag, owner, service or area',
        value: this.deps.tree.filterQuery ?? '',
      });
      if (query === undefined) return undefined;
    }
    return this.setFilter(query);
  }

  private setFilter(query: string): number {
    const count = this.deps.tree.setFilter(query);
    const active = query.trim() !== '';
    void vscode.commands.executeCommand('setContext', 'oncall.runbookFilterActive', active);
    this.deps.treeView.message = active ? `Filtered by “${query.trim()}”: ${count} runbook${count === 1 ? '' : 's'}` : undefined;
    return count;
  }

  private async markReviewed(arg: Record<string, unknown> | undefined): Promise<{ uri: string; lastReviewed: string }> {
    const target = arg?.target;
    let uri: vscode.Uri | undefined;
    if (target instanceof RunbookNode || target instanceof ReadmeNode) uri = vscode.Uri.file(target.runbookPath);
    else if (target instanceof vscode.Uri) uri = target;
    else if (arg && 'uri' in arg) uri = toUri(arg.uri);
    else uri = vscode.window.activeTextEditor?.document.uri;
    if (!uri) throw new UserError('Open a runbook (or choose one in the Runbooks view) to mark it reviewed.');
    const document = await vscode.workspace.openTextDocument(uri);
    const wasDirty = document.isDirty;
    const today = localToday();
    const edit = markReviewedWorkspaceEdit(document, today);
    if (!edit) throw new UserError(`The front matter of ${vscode.workspace.asRelativePath(uri)} is not closed with a \`---\` line; fix it first.`);
    if (!(await vscode.workspace.applyEdit(edit))) throw new UserError('The editor refused the edit.');
    // Unsaved work of the user's stays unsaved; a clean file is saved so the index sees the date.
    if (!wasDirty) await document.save();
    return { uri: uri.toString(), lastReviewed: today };
  }
}

/** Every alert the runbooks answer, with the runbooks (titles) and areas that answer it. */
export function alertChoices(runbooks: readonly Runbook[]): { alert: string; runbooks: string; areas: string }[] {
  const byAlert = new Map<string, { alert: string; runbooks: Runbook[] }>();
  for (const r of runbooks) {
    if (r.isReadme) continue;
    for (const a of r.alerts) {
      const key = a.name.toLowerCase();
      const entry = byAlert.get(key) ?? { alert: a.name, runbooks: [] };
      if (!entry.runbooks.includes(r)) entry.runbooks.push(r);
      byAlert.set(key, entry);
    }
  }
  return [...byAlert.values()]
    .sort((a, b) => a.alert.localeCompare(b.alert))
    .map(({ alert, runbooks: rs }) => ({
      alert,
      runbooks: rs.length === 1 ? rs[0].title : `${rs.length} runbooks: ${rs.map((r) => r.title).join(', ')}`,
      areas: [...new Set(rs.map((r) => r.area || 'top level'))].join(', '),
    }));
}
