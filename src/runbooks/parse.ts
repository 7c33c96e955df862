// The full parse of one runbook: remark (+ the GFM pieces the model needs) into plain data.
// Cheap checks run first (size, nesting depth) because remark has known complexity hazards on
// hostile input; walks over the syntax tree are iterative; the tree itself is dropped once the
// model is extracted, and every kept string is copied out of the source.
import type { Code, Heading, Nodes, Root } from 'mdast';
import remarkParse from 'remark-parse';
import remarkGfm from 'remark-gfm';
import { unified, type Processor } from 'unified';
import { gfmStrikethrough } from 'micromark-extension-gfm-strikethrough';
import { gfmTable } from 'micromark-extension-gfm-table';
import { gfmTaskListItem } from 'micromark-extension-gfm-task-list-item';
import { gfmStrikethroughFromMarkdown } from 'mdast-util-gfm-strikethrough';
import { gfmTableFromMarkdown } from 'mdast-util-gfm-table';
import { gfmTaskListItemFromMarkdown } from 'mdast-util-gfm-task-list-item';
import { alertCandidates, isAreaDocumentName } from './alerts';
import { findDanger } from '../shell/danger';
import { MAX_FRONT_MATTER_BYTES, readFrontMatter, type FrontMatter } from './frontMatter';
import type { CodeBlock, Link, Problem, Runbook, Section } from './model';
import { commandMask } from '../shell/transcript';
import { findPlaceholders, looksLikeShell, placeholderWords, pruneRunbookVariables } from './placeholders';
import { checkShape, DEFAULT_LIMITS, isBinaryText, sizeProblem, type ParseLimits, type Piece } from './guard';
import { quickScan, type QuickOptions } from './quick';
import { baseName, contentHash, detach, normalizeText, placeInRoot, Slugger, titleFromFileName } from './text';

export interface ParseInput {
  /** Absolute path of the file. */
  path: string;
  /** The runbook root it belongs to (absolute). */
  root: string;
  text: string;
}

export interface ParseOptions extends Partial<Omit<ParseLimits, 'timeoutMs' | 'maxHeapMb'>> {
  /** `subset` (default): tables, task lists and strikethrough only; `full`: all of remark-gfm. */
  gfm?: 'subset' | 'full';
  /** Extra danger patterns (user setting), passed to the danger rules. */
  extraDangerPatterns?: readonly string[];
}

/**
 * The GFM constructs that change the model: tables (a table followed by `---` is not a setext
 * heading), strikethrough (heading text and slugs), task lists. Autolink literals and footnotes
 * add nothing we keep, and cost a third of the parse time.
 */
function remarkGfmSubset(this: Processor): void {
  const data = this.data() as { micromarkExtensions?: unknown[]; fromMarkdownExtensions?: unknown[] };
  (data.micromarkExtensions ??= []).push(gfmTable(), gfmStrikethrough({ singleTilde: false }), gfmTaskListItem());
  (data.fromMarkdownExtensions ??= []).push(gfmTableFromMarkdown(), gfmStrikethroughFromMarkdown(), gfmTaskListItemFromMarkdown());
}

let subsetProcessor: Processor<Root> | undefined;
let fullProcessor: Processor<Root> | undefined;

function processor(kind: 'subset' | 'full'): Processor<Root> {
  if (kind === 'full') return (fullProcessor ??= unified().use(remarkParse).use(remarkGfm).freeze() as unknown as Processor<Root>);
  return (subsetProcessor ??= unified().use(remarkParse).use(remarkGfmSubset).freeze() as unknown as Processor<Root>);
}

/**
 * Parses one runbook. Never throws for bad input: problems go into the model. A file that is too
 * large, binary, or shaped so that remark would be slow on it (see guard.ts) gets its quick
 * model and a `parse-failed` problem instead.
 */
export function parseRunbook(input: ParseInput, options: ParseOptions = {}): Runbook {
  const limits: ParseLimits = { ...DEFAULT_LIMITS, ...definedOnly(options) };
  const tooLarge = sizeProblem(input.text, limits);
  // This runs in a worker (or under a time limit): the failed model may read all the front matter.
  const fullFrontMatter = { maxFrontMatterBytes: MAX_FRONT_MATTER_BYTES };
  if (tooLarge) return failedRunbook(input, tooLarge, fullFrontMatter);
  if (isBinaryText(input.text)) return quickScan(input); // the quick model says it is binary
  const lines = normalizeText(input.text).split('\n');
  const frontMatter = readFrontMatter(lines);
  const shape = checkShape(lines, frontMatter.endLine + 1, limits);
  if (!shape.ok) return failedRunbook(input, shape.reason, fullFrontMatter);
  try {
    return extract(input, lines, frontMatter, shape.pieces, options);
  } catch (err) {
    // e.g. a stack overflow inside the markdown parser on input the checks missed.
    return failedRunbook(input, `The file could not be parsed: ${err instanceof Error ? err.message : String(err)}`, fullFrontMatter);
  }
}

function definedOnly(options: ParseOptions): Partial<ParseLimits> {
  const out: Partial<ParseLimits> = {};
  for (const key of Object.keys(DEFAULT_LIMITS) as Array<keyof ParseLimits>) {
    const value = (options as Partial<ParseLimits>)[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

/** A runbook that could not be parsed: what the quick pass knows, plus an error. */
export function failedRunbook(input: ParseInput, reason: string, quickOptions: QuickOptions = {}): Runbook {
  const quick = quickScan(input, quickOptions);
  return {
    ...quick,
    parseStatus: 'failed',
    problems: [...quick.problems, { ruleId: 'parse-failed', severity: 'error', message: reason, line: 0 }],
  };
}

interface ProseLine {
  line: number;
  text: string;
}

function extract(input: ParseInput, lines: string[], frontMatter: FrontMatter, pieces: readonly Piece[], options: ParseOptions): Runbook {
  const fileName = baseName(input.path);
  const areaDocument = isAreaDocumentName(fileName);
  const problems: Problem[] = [...frontMatter.problems];
  const found = collectNodes(lines, pieces, processor(options.gfm ?? 'subset'));
  const { headings, codes, links, prose } = found;
  const sections = buildSections(headings, lines.length);
  const h1 = headings.find((h) => h.node.depth === 1)?.text;
  const title = frontMatter.metadata.title ?? h1 ?? headings[0]?.text ?? titleFromFileName(fileName);
  const proseIndex = indexProse(prose);
  const explained = new ExplainedWords(prose, frontMatter);

  const codeBlocks: CodeBlock[] = [];
  let sectionCursor = -1;
  for (const node of codes) {
    const startLine = lineOf(node);
    while (sectionCursor + 1 < sections.length && (sections[sectionCursor + 1] as Section).startLine < startLine) sectionCursor++;
    const block = buildCodeBlock(node, codeBlocks.length, sectionCursor, lines, options);
    if (block.fence !== 'indented' && !isClosed(lines, block)) {
      problems.push({
        ruleId: 'unclosed-fence',
        severity: 'warning',
        message: 'This code fence is never closed: everything after it is read as code.',
        line: block.startLine,
        endLine: block.endLine,
      });
    }
    for (const p of block.placeholders) {
      p.explained ??= explained.explains(p.name);
    }
    const section = sections[block.section];
    block.warningNearby = hasWarningNear(proseIndex, block, section);
    codeBlocks.push(block);
  }

  // A variable set by any block of the runbook is not an input of another (they run in one terminal).
  pruneRunbookVariables(codeBlocks);
  const place = placeInRoot(input.root, input.path);
  const alerts = alertCandidates({
    frontMatter: frontMatter.metadata.alerts,
    fileName,
    isReadme: areaDocument,
    h1,
    title: frontMatter.metadata.title,
    headings: sections.map((s, i) => ({ text: s.title, depth: s.depth, section: i, slug: s.slug, line: s.startLine, parent: s.parent })),
    lines,
  });
  return {
    path: input.path,
    root: input.root,
    relPath: place.relPath,
    area: place.area,
    // An area document (README, `_index.md`, `index.md`) that names alerts is a runbook all the same.
    isReadme: areaDocument && alerts.length === 0,
    title: detach(title.trim() || titleFromFileName(fileName)),
    metadata: frontMatter.metadata,
    alerts,
    sections,
    codeBlocks,
    links,
    problems,
    parseStatus: 'full',
    contentHash: contentHash(input.text, fileName),
    lineCount: lines.length,
    ...(frontMatter.reviewedKey !== undefined ? { reviewedKey: frontMatter.reviewedKey } : {}),
  };
}

interface CollectedNodes {
  headings: Array<{ node: Heading; text: string }>;
  codes: Code[];
  links: Link[];
  prose: ProseLine[];
}

/**
 * Parses each piece with remark and collects, in document order, what the model is built from.
 * Positions are moved to the file's lines; each piece's tree is dropped before the next parse.
 */
function collectNodes(lines: readonly string[], pieces: readonly Piece[], parser: Processor<Root>): CollectedNodes {
  const found: CollectedNodes = { headings: [], codes: [], links: [], prose: [] };
  for (const piece of pieces) {
    const tree = parser.parse(lines.slice(piece.startLine, piece.endLine).join('\n')) as Root;
    walkTree(tree, piece.startLine, found);
  }
  return found;
}

/** Iterative pre-order walk in document order (hostile nesting is deep). */
function walkTree(tree: Root, lineOffset: number, found: CollectedNodes): void {
  const stack: Nodes[] = [tree];
  while (stack.length > 0) {
    const node = stack.pop() as Nodes;
    switch (node.type) {
      case 'heading':
        found.headings.push({ node: shiftLines(node, lineOffset), text: plainText(node) });
        break;
      case 'code':
        found.codes.push(shiftLines(node, lineOffset));
        continue;
      case 'link':
        found.links.push({ url: detach(node.url), text: detach(plainText(node)), line: lineOf(node) + lineOffset });
        break;
      case 'definition':
        found.links.push({ url: detach(node.url), text: detach(node.label ?? ''), line: lineOf(node) + lineOffset });
        continue;
      case 'text':
      case 'inlineCode':
        found.prose.push({ line: lineOf(node) + lineOffset, text: node.value });
        continue;
      default:
        break;
    }
    if ('children' in node) {
      const children = node.children as Nodes[];
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as Nodes);
    }
  }
}

/** Moves a node's position from its piece's lines to the file's. */
function shiftLines<T extends Nodes>(node: T, offset: number): T {
  if (offset !== 0 && node.position) {
    node.position.start.line += offset;
    node.position.end.line += offset;
  }
  return node;
}

function lineOf(node: Nodes): number {
  return (node.position?.start.line ?? 1) - 1;
}

/** The text of a node's inline content, without markup (iterative: hostile nesting is deep). */
function plainText(node: Nodes): string {
  let out = '';
  const stack: Nodes[] = [node];
  while (stack.length > 0) {
    const n = stack.pop() as Nodes;
    if (n.type === 'text' || n.type === 'inlineCode') out += n.value;
    else if ('children' in n) {
      const children = n.children as Nodes[];
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as Nodes);
    }
  }
  return out.replace(/\s+/g, ' ').trim();
}

function buildSections(headings: ReadonlyArray<{ node: Heading; text: string }>, lineCount: number): Section[] {
  const slugger = new Slugger();
  const sections: Section[] = headings.map((h) => ({
    title: detach(h.text),
    slug: slugger.slug(h.text),
    depth: h.node.depth,
    startLine: lineOf(h.node),
    endLine: lineCount - 1,
    parent: -1,
  }));
  // One pass with a stack of open sections: a heading closes every open one of its depth or deeper.
  const open: number[] = [];
  for (let i = 0; i < sections.length; i++) {
    const s = sections[i] as Section;
    while (open.length > 0 && (sections[open[open.length - 1] as number] as Section).depth >= s.depth) {
      (sections[open.pop() as number] as Section).endLine = s.startLine - 1;
    }
    s.parent = open.length > 0 ? (open[open.length - 1] as number) : -1;
    open.push(i);
  }
  return sections;
}

function buildCodeBlock(node: Code, index: number, section: number, lines: readonly string[], options: ParseOptions): CodeBlock {
  const startLine = lineOf(node);
  const endLine = (node.position?.end.line ?? startLine + 1) - 1;
  const column = (node.position?.start.column ?? 1) - 1;
  const opening = (lines[startLine] ?? '').slice(column);
  const fence: CodeBlock['fence'] = opening.startsWith('`') ? 'backtick' : opening.startsWith('~') ? 'tilde' : 'indented';
  const rawLang = node.lang ? node.lang.replace(/^[{.]+|[},]+$/g, '') : '';
  const lang = rawLang === '' ? null : rawLang.toLowerCase();
  const meta = node.meta ?? null;
  const words = (meta ?? '').toLowerCase().split(/[\s,{}]+/).map((w) => w.replace(/^\./, ''));
  const text = detach(node.value);
  const commands = commandMask(text, lang);
  return {
    index,
    lang,
    meta: meta === null ? null : detach(meta),
    fence,
    text,
    startLine,
    endLine,
    section,
    placeholders: findPlaceholders(text, lang),
    danger: findDanger(commands, options.extraDangerPatterns ?? []),
    markedDangerous: words.includes('danger') || words.includes('dangerous'),
    allowDashValues: words.includes('allow-dash'),
    looksLikeShell: (lang === null || lang === 'text' || lang === 'txt' || lang === 'plaintext' || lang === 'plain') && looksLikeShell(text),
  };
}

/** A fence is closed when its last line is a fence of the same character, at least as long. */
function isClosed(lines: readonly string[], block: CodeBlock): boolean {
  if (block.endLine <= block.startLine) return false;
  const open = /^[\s>]*(?:[-*+]\s+|\d{1,9}[.)]\s+)*(`{3,}|~{3,})/.exec(lines[block.startLine] ?? '');
  const close = /^[\s>]*(`{3,}|~{3,})\s*$/.exec(lines[block.endLine] ?? '');
  if (!open || !close) return false;
  const o = open[1] as string;
  const c = close[1] as string;
  return o[0] === c[0] && c.length >= o.length;
}

/** Prose lines grouped by line number, for "is there a warning near this block". */
function indexProse(prose: readonly ProseLine[]): Map<number, string> {
  const byLine = new Map<number, string>();
  for (const p of prose) {
    // A text node can span lines; attribute each of its lines.
    const parts = p.text.split('\n');
    parts.forEach((part, i) => byLine.set(p.line + i, `${byLine.get(p.line + i) ?? ''} ${part}`));
  }
  return byLine;
}

const WARNING_TEXT =
  /\b(?:warning|caution|danger(?:ous)?|destructive|irreversible|careful|data loss|cannot be undone|can't be undone|permanently|deletes?|drops?)\b|⚠|\[!(?:warning|caution|important)\]/i;
/** How far above a block a warning still counts as "near" it. */
const WARNING_WINDOW_ABOVE = 12;
const WARNING_WINDOW_BELOW = 3;

function hasWarningNear(prose: Map<number, string>, block: CodeBlock, section: Section | undefined): boolean {
  const from = Math.max(section ? section.startLine : 0, block.startLine - WARNING_WINDOW_ABOVE);
  for (let line = from; line < block.startLine; line++) {
    if (WARNING_TEXT.test(prose.get(line) ?? '')) return true;
  }
  for (let line = block.endLine + 1; line <= block.endLine + WARNING_WINDOW_BELOW; line++) {
    if (WARNING_TEXT.test(prose.get(line) ?? '')) return true;
  }
  return false;
}

/**
 * Every word sequence the runbook's prose (and front matter) mentions. Looked up by word
 * n-grams, built once per length asked for, so checking many placeholders stays linear in the
 * prose (a substring search per placeholder over a whole large file would be quadratic).
 */
class ExplainedWords {
  private readonly words: string[];
  private readonly grams = new Map<number, Set<string>>();

  constructor(prose: readonly ProseLine[], frontMatter: FrontMatter) {
    const parts = prose.map((p) => placeholderWords(p.text));
    for (const name of frontMatter.explainedNames) parts.push(placeholderWords(name));
    this.words = parts.join(' ').split(' ').filter(Boolean);
  }

  /** A placeholder is explained when the prose mentions its name (as words: `POD_NAME` ~ "pod name", or "podname"). */
  explains(name: string): boolean {
    const words = placeholderWords(name);
    if (words === '') return true;
    const n = words.split(' ').length;
    return (n <= MAX_EXPLAINED_WORDS && this.gramsOf(n).has(words)) || this.gramsOf(1).has(words.replace(/ /g, ''));
  }

  private gramsOf(n: number): Set<string> {
    let set = this.grams.get(n);
    if (!set) {
      set = new Set();
      for (let i = 0; i + n <= this.words.length; i++) set.add(n === 1 ? (this.words[i] as string) : this.words.slice(i, i + n).join(' '));
      this.grams.set(n, set);
    }
    return set;
  }
}

/** Placeholder names longer than this many words are never taken as explained. */
const MAX_EXPLAINED_WORDS = 12;
