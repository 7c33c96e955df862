// Which code block a command is about: from an argument object `{ uri, index, values }`, a
// CodeLens, a tree item (`runbookPath`, `blockIndex`), a URI, or a quick pick in the palette.
import * as vscode from 'vscode';
import type { CodeBlock, Runbook } from '../../runbooks/model';
import { UserError } from '../commandRegistry';
import type { RunbookService } from '../services';
import { codeBlockCommand, codeBlockLabel } from '../../runbooks/blockLabel';

/** What a CodeLens passes: the block as it was when the lens was drawn. */
export class CodeLensTarget {
  constructor(
    readonly uri: vscode.Uri,
    readonly index: number,
    /** The block's text when the lens was drawn, to notice edits since. */
    readonly text: string,
  ) {}
}

export interface ResolvedBlock {
  uri: vscode.Uri;
  runbook: Runbook;
  block: CodeBlock;
  /** Values given by the caller (argument object only). */
  values: Record<string, string>;
}

export function toUri(value: unknown): vscode.Uri | undefined {
  if (value instanceof vscode.Uri) return value;
  if (typeof value === 'string' && value !== '') {
    return /^[a-z][a-z0-9+.-]*:/i.test(value) && !/^[a-z]:[\\/]/i.test(value) ? vscode.Uri.parse(value, true) : vscode.Uri.file(value);
  }
  if (value && typeof value === 'object' && 'scheme' in value && 'path' in value) {
    try {
      return vscode.Uri.from(value as vscode.Uri);
    } catch {
      return undefined;
    }
  }
  return undefined;
}

function readValues(raw: unknown): Record<string, string> {
  if (raw === undefined || raw === null) return {};
  if (typeof raw !== 'object' || Array.isArray(raw)) throw new UserError('`values` must be an object of placeholder name → string.');
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    if (typeof value !== 'string') throw new UserError(`The value for placeholder “${name}” must be a string.`);
    values[name] = value;
  }
  return values;
}

async function load(runbooks: RunbookService, uri: vscode.Uri): Promise<Runbook> {
  const runbook = await runbooks.get(uri);
  if (!runbook) throw new UserError(`${vscode.workspace.asRelativePath(uri)} is not an indexed runbook.`);
  return runbook;
}

function blockAt(runbook: Runbook, index: number): CodeBlock {
  const block = runbook.codeBlocks[index];
  if (!block) {
    const n = runbook.codeBlocks.length;
    throw new UserError(`“${runbook.title}” has ${n} code block${n === 1 ? '' : 's'}; there is no block ${index}${n ? ` (0–${n - 1})` : ''}.`);
  }
  return block;
}

/**
 * The block an invocation is about. `pick` chooses among a runbook's blocks when the caller
 * did not say which (palette, URI); it returns undefined when the user cancels.
 */
export async function resolveBlock(
  arg: Record<string, unknown> | undefined,
  runbooks: RunbookService,
  pick: (runbook: Runbook) => Promise<CodeBlock | undefined>,
): Promise<ResolvedBlock | undefined> {
  const target = arg?.target;
  if (target instanceof CodeLensTarget) {
    const runbook = await load(runbooks, target.uri);
    const block = runbook.codeBlocks[target.index];
    if (!block || block.text !== target.text) {
      throw new UserError(`This code block of “${runbook.title}” changed since its Run button was drawn (the file was edited). Nothing was run; use the updated button.`);
    }
    return { uri: target.uri, runbook, block, values: {} };
  }
  if (target !== undefined) {
    // A tree item from the runbook view, or a URI (explorer, editor title).
    const item = target as { runbookPath?: unknown; blockIndex?: unknown; resourceUri?: unknown };
    if (typeof item.runbookPath === 'string' && typeof item.blockIndex === 'number' && Number.isInteger(item.blockIndex)) {
      const uri = vscode.Uri.file(item.runbookPath);
      const runbook = await load(runbooks, uri);
      return { uri, runbook, block: blockAt(runbook, item.blockIndex), values: {} };
    }
    const uri = toUri(target) ?? toUri(item.resourceUri);
    if (!uri) throw new UserError('This item is not a code block of a runbook.');
    return pickFrom(uri, runbooks, pick);
  }
  if (arg !== undefined) {
    const uri = toUri(arg.uri);
    if (!uri) throw new UserError('`uri` (the runbook file) is required: a file path, a URI string or a Uri.');
    const index = arg.index;
    if (typeof index !== 'number' || !Number.isInteger(index) || index < 0) throw new UserError('`index` (the 0-based position of the code block) must be a whole number ≥ 0.');
    const values = readValues(arg.values);
    const runbook = await load(runbooks, uri);
    return { uri, runbook, block: blockAt(runbook, index), values };
  }
  const editor = vscode.window.activeTextEditor;
  if (!editor || editor.document.languageId !== 'markdown') throw new UserError('Open a runbook in the editor first, then choose one of its code blocks.');
  return pickFrom(editor.document.uri, runbooks, pick);
}

async function pickFrom(uri: vscode.Uri, runbooks: RunbookService, pick: (runbook: Runbook) => Promise<CodeBlock | undefined>): Promise<ResolvedBlock | undefined> {
  const runbook = await load(runbooks, uri);
  const block = await pick(runbook);
  return block ? { uri, runbook, block, values: {} } : undefined;
}

/** A quick pick of the blocks that pass `filter`. */
export async function pickBlock(runbook: Runbook, filter: (block: CodeBlock) => boolean, verb: string): Promise<CodeBlock | undefined> {
  const blocks = runbook.codeBlocks.filter(filter);
  if (!blocks.length) throw new UserError(`“${runbook.title}” has no code block to ${verb.toLowerCase()}.`);
  const items = blocks.map((block) => ({
    label: codeBlockLabel(runbook, block),
    description: codeBlockCommand(block, 100),
    detail: `${block.lang ?? 'unlabeled'} · line ${block.startLine + 1}${block.placeholders.length ? ` · asks for ${[...new Set(block.placeholders.map((p) => p.name))].join(', ')}` : ''}`,
    block,
  }));
  const chosen = await vscode.window.showQuickPick(items, { title: `${verb}: ${runbook.title}`, placeHolder: 'Choose a code block', matchOnDescription: true, matchOnDetail: true });
  return chosen?.block;
}
