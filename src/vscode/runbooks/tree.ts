// The Runbooks view: areas → runbooks → sections → code blocks. Elements are small class
// instances (never plain objects: the command registry treats a plain object as an argument
// object from code); the run commands read `runbookPath` / `blockIndex` from a block element.
import * as vscode from 'vscode';
import type { CodeBlock, Problem, Runbook, Section } from '../../runbooks/model';
import { codeBlockCommand, codeBlockLabel } from '../../runbooks/blockLabel';
import { isRunnable } from '../../runbooks/runnable';
import { detailCounts } from '../../runbooks/store';
import type { RunbookIndexService } from './service';

export class AreaNode {
  constructor(
    readonly root: string,
    readonly area: string,
  ) {}
  get id(): string {
    return `area:${this.root}:${this.area}`;
  }
}

export class RunbookNode {
  constructor(readonly runbookPath: string) {}
  get id(): string {
    return `runbook:${this.runbookPath}`;
  }
}

/** The README of an area: what the folder is about, first under the area. */
export class ReadmeNode {
  constructor(readonly runbookPath: string) {}
  get id(): string {
    return `readme:${this.runbookPath}`;
  }
}

export class SectionNode {
  constructor(
    readonly runbookPath: string,
    readonly section: number,
  ) {}
  get id(): string {
    return `section:${this.runbookPath}:${this.section}`;
  }
}

export class BlockNode {
  constructor(
    readonly runbookPath: string,
    readonly blockIndex: number,
  ) {}
  get id(): string {
    return `block:${this.runbookPath}:${this.blockIndex}`;
  }
}

export type RunbookTreeNode = AreaNode | ReadmeNode | RunbookNode | SectionNode | BlockNode;

/** Rules whose problems make a runbook "stale" or "incomplete" in the tree. */
const STALE_RULES = new Set(['stale', 'missing-review-date']);

export class RunbookTreeProvider implements vscode.TreeDataProvider<RunbookTreeNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<RunbookTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private filter: { query: string; paths: Set<string> } | undefined;

  constructor(private readonly service: RunbookIndexService) {}

  refresh(): void {
    if (this.filter) this.applyFilter(this.filter.query);
    this.changed.fire(undefined);
  }

  get filterQuery(): string | undefined {
    return this.filter?.query;
  }

  /** Shows only runbooks matching `query` (the same fuzzy search as Find Runbook); '' clears. */
  setFilter(query: string): number {
    if (query.trim() === '') this.filter = undefined;
    else this.applyFilter(query);
    this.changed.fire(undefined);
    return this.filter ? this.filter.paths.size : this.service.runbookIndex.runbookCount;
  }

  private applyFilter(query: string): void {
    const hits = this.service.runbookIndex.search(query, Number.MAX_SAFE_INTEGER);
    this.filter = { query, paths: new Set(hits.filter((h) => !h.runbook.isReadme).map((h) => h.runbook.path)) };
  }

  private visible(r: Runbook): boolean {
    return !r.isReadme && (!this.filter || this.filter.paths.has(r.path));
  }

  /** Nodes by id, as last handed to the view (tests walk the tree by id). */
  private readonly known = new Map<string, RunbookTreeNode>();

  nodeById(id: string): RunbookTreeNode | undefined {
    return this.known.get(id);
  }

  getChildren(element?: RunbookTreeNode): RunbookTreeNode[] {
    const children = this.computeChildren(element);
    for (const c of children) this.known.set(c.id, c);
    return children;
  }

  private computeChildren(element?: RunbookTreeNode): RunbookTreeNode[] {
    const index = this.service.runbookIndex;
    if (!element) {
      const all = index.all();
      const areas = new Map<string, AreaNode>();
      const topLevel: RunbookNode[] = [];
      for (const r of all) {
        if (!this.visible(r)) continue;
        if (r.area === '') topLevel.push(new RunbookNode(r.path));
        else if (!areas.has(`${r.root}\u0000${r.area}`)) areas.set(`${r.root}\u0000${r.area}`, new AreaNode(r.root, r.area));
      }
      const sortedAreas = [...areas.values()].sort((a, b) => a.area.localeCompare(b.area) || a.root.localeCompare(b.root));
      return [...sortedAreas, ...this.byTitle(topLevel)];
    }
    if (element instanceof AreaNode) {
      const members = index.all().filter((r) => r.root === element.root && r.area === element.area);
      const readme = areaReadme(members, element.area);
      const nodes = members.filter((r) => this.visible(r)).map((r) => new RunbookNode(r.path));
      return [...(readme && !this.filter ? [new ReadmeNode(readme.path)] : []), ...this.byTitle(nodes)];
    }
    if (element instanceof ReadmeNode) return [];
    const runbook = index.get(element.runbookPath);
    if (!runbook) return [];
    if (element instanceof RunbookNode) return this.outline(runbook, topSection(runbook));
    if (element instanceof SectionNode) return this.outline(runbook, element.section);
    return [];
  }

  private byTitle(nodes: RunbookNode[]): RunbookNode[] {
    const index = this.service.runbookIndex;
    return nodes.sort((a, b) => (index.get(a.runbookPath)?.title ?? '').localeCompare(index.get(b.runbookPath)?.title ?? ''));
  }

  /** Sections and code blocks directly under `parent` (-1: the runbook's top), in file order. */
  private outline(runbook: Runbook, parent: number): RunbookTreeNode[] {
    const items: Array<{ line: number; node: RunbookTreeNode }> = [];
    runbook.sections.forEach((s, i) => {
      if (s.parent === parent) items.push({ line: s.startLine, node: new SectionNode(runbook.path, i) });
    });
    for (const b of runbook.codeBlocks) {
      // Blocks before the single top heading stay at the runbook level.
      const home = b.section === -1 ? -1 : b.section;
      if (home === parent || (parent === topSection(runbook) && home === -1 && parent !== -1)) {
        items.push({ line: b.startLine, node: new BlockNode(runbook.path, b.index) });
      }
    }
    return items.sort((a, b) => a.line - b.line).map((i) => i.node);
  }

  getParent(element: RunbookTreeNode): RunbookTreeNode | undefined {
    const index = this.service.runbookIndex;
    if (element instanceof AreaNode) return undefined;
    const runbook = index.get(element.runbookPath);
    if (!runbook) return undefined;
    if (element instanceof RunbookNode || element instanceof ReadmeNode) return runbook.area === '' ? undefined : new AreaNode(runbook.root, runbook.area);
    const top = topSection(runbook);
    const parentSection = element instanceof SectionNode ? (runbook.sections[element.section]?.parent ?? -1) : (runbook.codeBlocks[element.blockIndex]?.section ?? -1);
    return parentSection === -1 || parentSection === top ? new RunbookNode(runbook.path) : new SectionNode(runbook.path, parentSection);
  }

  getTreeItem(element: RunbookTreeNode): vscode.TreeItem {
    const index = this.service.runbookIndex;
    if (element instanceof AreaNode) return this.areaItem(element);
    const runbook = index.get(element.runbookPath);
    if (!runbook) return new vscode.TreeItem('(removed)');
    if (element instanceof RunbookNode) return this.runbookItem(runbook);
    if (element instanceof ReadmeNode) return readmeItem(runbook, element);
    if (element instanceof SectionNode) return sectionItem(runbook, element, this.outline(runbook, element.section).length > 0);
    return this.blockItem(runbook, element);
  }

  private areaItem(node: AreaNode): vscode.TreeItem {
    const index = this.service.runbookIndex;
    const members = index.all().filter((r) => r.root === node.root && r.area === node.area);
    const readme = areaReadme(members, node.area);
    const count = members.filter((r) => this.visible(r)).length;
    const item = new vscode.TreeItem(node.area, this.filter ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
    item.id = node.id;
    item.iconPath = new vscode.ThemeIcon('folder-library');
    const multiRoot = index.rootPaths.length > 1;
    item.description = `${count} runbook${count === 1 ? '' : 's'}${multiRoot ? ` · ${node.root.split(/[\\/]/).pop()}` : ''}`;
    item.contextValue = 'area';
    const md = new vscode.MarkdownString();
    md.appendMarkdown('**Area** ');
    md.appendText(node.area);
    if (readme) {
      md.appendMarkdown('\n\nREADME: ');
      md.appendText(readme.title);
    }
    item.tooltip = md;
    return item;
  }

  private runbookItem(runbook: Runbook): vscode.TreeItem {
    const counts = detailCounts(runbook);
    const hasChildren = counts.sections > 0 || counts.codeBlocks > 0;
    const item = new vscode.TreeItem(runbook.title, hasChildren ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = `runbook:${runbook.path}`;
    item.resourceUri = vscode.Uri.file(runbook.path);
    item.contextValue = 'runbook';
    item.command = { command: 'vscode.open', title: 'Open Runbook', arguments: [vscode.Uri.file(runbook.path)] };
    const problems = this.service.problemsOf(runbook.path);
    const state = runbookState(runbook, problems);
    const parts = [runbook.metadata.severity, runbook.metadata.owner].filter(Boolean) as string[];
    if (state.label) parts.push(state.label);
    item.description = parts.join(' · ');
    item.iconPath = new vscode.ThemeIcon(state.icon, state.color ? new vscode.ThemeColor(state.color) : undefined);
    item.tooltip = runbookTooltip(runbook, problems);
    item.accessibilityInformation = { label: `${runbook.title}${parts.length ? `, ${parts.join(', ')}` : ''}` };
    return item;
  }

  private blockItem(runbook: Runbook, node: BlockNode): vscode.TreeItem {
    const block = runbook.codeBlocks[node.blockIndex] as CodeBlock | undefined;
    if (!block) return new vscode.TreeItem('(changed)');
    const languages = vscode.workspace.getConfiguration('oncall.run', vscode.Uri.file(runbook.path)).get<string[]>('languages', ['sh', 'bash', 'shell', 'zsh', 'console']);
    const runnable = isRunnable(block, languages);
    const dangerous = block.danger.length > 0 || block.markedDangerous;
    // "Step 3 · Roll back": unique within the runbook; the command itself follows it.
    const item = new vscode.TreeItem(codeBlockLabel(runbook, block), vscode.TreeItemCollapsibleState.None);
    item.id = node.id;
    item.contextValue = runnable ? 'codeBlock.runnable' : 'codeBlock.copyOnly';
    const names = [...new Set(block.placeholders.map((p) => p.name))];
    item.description = [dangerous ? 'dangerous' : '', names.length ? `${names.length} to fill` : '', codeBlockCommand(block, 60)]
      .filter(Boolean)
      .join(' · ');
    item.iconPath = new vscode.ThemeIcon(dangerous ? 'flame' : runnable ? 'terminal' : 'code', dangerous ? new vscode.ThemeColor('list.warningForeground') : undefined);
    const md = new vscode.MarkdownString();
    md.appendMarkdown(runnable ? '**Runnable** ' : '**Copy only** ');
    md.appendText(`· ${block.lang ?? (block.looksLikeShell ? 'looks like shell' : 'no language')} · line ${block.startLine + 1}`);
    if (dangerous) {
      md.appendMarkdown('\n\n$(flame) ');
      md.appendText(block.danger.map((d) => d.reason).join('; ') || 'Marked dangerous by the runbook');
    }
    if (names.length) {
      md.appendMarkdown('\n\nPlaceholders: ');
      md.appendText(names.join(', '));
    }
    md.appendMarkdown(`\n\n${fenced(block.text, block.lang)}`);
    md.supportThemeIcons = true;
    item.tooltip = md;
    item.command = { command: 'oncall.openCodeBlock', title: 'Open at Code Block', arguments: [{ uri: vscode.Uri.file(runbook.path).toString(), index: block.index }] };
    return item;
  }

  dispose(): void {
    this.changed.dispose();
  }
}

function areaReadme(members: readonly Runbook[], area: string): Runbook | undefined {
  return members.find((r) => r.isReadme && !r.relPath.slice(area.length + 1).includes('/'));
}

function readmeItem(readme: Runbook, node: ReadmeNode): vscode.TreeItem {
  const item = new vscode.TreeItem(readme.title, vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  item.description = 'README';
  item.contextValue = 'readme';
  item.iconPath = new vscode.ThemeIcon('info');
  item.resourceUri = vscode.Uri.file(readme.path);
  item.command = { command: 'vscode.open', title: 'Open README', arguments: [vscode.Uri.file(readme.path)] };
  return item;
}

/** The section whose children the runbook shows directly: its single H1, when it has one. */
function topSection(runbook: Runbook): number {
  const tops = runbook.sections.filter((s) => s.parent === -1);
  return tops.length === 1 && tops[0]?.depth === 1 ? runbook.sections.indexOf(tops[0]) : -1;
}

function sectionItem(runbook: Runbook, node: SectionNode, hasChildren: boolean): vscode.TreeItem {
  const section = runbook.sections[node.section] as Section;
  const item = new vscode.TreeItem(section.title || '(untitled)', hasChildren ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
  item.id = node.id;
  item.contextValue = 'section';
  item.iconPath = new vscode.ThemeIcon('symbol-key');
  const alert = runbook.alerts.find((a) => a.source === 'heading' && a.section === node.section);
  if (alert) item.description = 'alert';
  const line = new vscode.Position(section.startLine, 0);
  item.command = { command: 'vscode.open', title: 'Open Section', arguments: [vscode.Uri.file(runbook.path), { selection: new vscode.Range(line, line) }] };
  return item;
}

interface RunbookState {
  icon: string;
  color?: string;
  label?: string;
}

export function runbookState(runbook: Runbook, problems: readonly Problem[]): RunbookState {
  if (runbook.parseStatus === 'failed') return { icon: 'error', color: 'list.errorForeground', label: 'not parsed' };
  if (runbook.parseStatus === 'quick') return { icon: 'loading~spin', label: 'indexing…' };
  if (problems.some((p) => p.severity === 'error')) return { icon: 'book', color: 'list.errorForeground', label: 'errors' };
  if (problems.some((p) => STALE_RULES.has(p.ruleId))) return { icon: 'history', color: 'list.warningForeground', label: 'stale' };
  if (problems.some((p) => p.severity === 'warning')) return { icon: 'book', color: 'list.warningForeground', label: 'incomplete' };
  return { icon: 'book' };
}

function runbookTooltip(runbook: Runbook, problems: readonly Problem[]): vscode.MarkdownString {
  const md = new vscode.MarkdownString();
  // Everything from the runbook is user text: appendText escapes it.
  md.appendMarkdown('**');
  md.appendText(runbook.title);
  md.appendMarkdown('**\n\n');
  const m = runbook.metadata;
  const rows: Array<[string, string | undefined]> = [
    ['File', runbook.relPath],
    ['Owner', m.owner],
    ['Severity', m.severity],
    ['Alerts', [...new Set(runbook.alerts.map((a) => a.name))].join(', ') || undefined],
    ['Tags', m.tags.join(', ') || undefined],
    ['Service', m.service],
    ['Last reviewed', m.lastReviewed],
  ];
  for (const [key, value] of Object.entries(m.extra)) {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    rows.push([key, text === undefined ? undefined : text.length > 80 ? `${text.slice(0, 79)}…` : text]);
  }
  for (const [label, value] of rows) {
    if (value === undefined) continue;
    md.appendMarkdown(`${label}: `);
    md.appendText(value);
    md.appendMarkdown('  \n');
  }
  const counts = detailCounts(runbook);
  md.appendText(`${counts.codeBlocks} code blocks · ${counts.sections} sections`);
  if (problems.length > 0) {
    md.appendMarkdown('\n\n---\n\n');
    for (const p of problems.slice(0, 6)) {
      md.appendText(`${p.severity === 'error' ? '✖' : p.severity === 'warning' ? '⚠' : 'ℹ'} ${p.message}`);
      md.appendMarkdown('  \n');
    }
    if (problems.length > 6) md.appendText(`… and ${problems.length - 6} more in the Problems panel`);
  }
  return md;
}

/** A fenced code block that the text cannot close early, whatever backticks it contains. */
function fenced(text: string, lang: string | null): string {
  const longest = Math.max(2, ...(text.match(/`+/g) ?? []).map((s) => s.length));
  const fence = '`'.repeat(longest + 1);
  const safeLang = (lang ?? '').replace(/[^\w+-]/g, '');
  return `${fence}${safeLang}\n${text}\n${fence}`;
}
