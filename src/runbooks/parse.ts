// The full parse of one runbook: remark (+ the GFM pieces the model needs) into plain data.
// Cheap checks run first (size, nesting depth) because remark has known complexity hazards on
// hostile input; walks over the syntax tree are iterative; the tree itself is dropped once the
// model is extracted, and every kept string is copied out of the source.
import type { Code, Definition, Heading, Link as MdLink, Nodes, Root } from 'mdast';
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
import { readFrontMatter, type FrontMatter } from './frontMatter';
import type { CodeBlock, Link, Problem, Runbook, Section } from './model';
import { commandMask } from '../shell/transcript';
import { findPlaceholders, looksLikeShell, placeholderWords, pruneRunbookVariables } from './placeholders';
import { quickScan } from './quick';
import { baseName, contentHash, detach, normalizeText, placeInRoot, Slugger, titleFromFileName } from './text';

export interface ParseInput {
  /** Absolute path of the file. */
  path: string;
  /** The runbook root it belongs to (absolute). */
  root: string;
  text: string;
}

export interface ParseOptions {
  /** `subset` (default): tables, task lists and strikethrough only; `full`: all of remark-gfm. */
  gfm?: 'subset' | 'full';
  /** Files larger than this are not given to remark (default 2 MB). */
  maxBytes?: number;
  /** Deeper container nesting (lists, block quotes) than this is not given to remark (default 40). */
  maxNesting?: number;
  /** Extra danger patterns (user setting), passed to the danger rules. */
  extraDangerPatterns?: readonly string[];
}

export const DEFAULT_MAX_BYTES = 2 * 1024 * 1024;
export const DEFAULT_MAX_NESTING = 40;

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

/** The deepest container nesting (list items, block quotes) any line opens, estimated cheaply. */
export function nestingDepth(lines: readonly string[]): number {
  let max = 0;
  for (const line of lines) {
    let i = 0;
    let depth = 0;
    let indent = 0;
    while (line[i] === ' ' || line[i] === '\t') {
      indent += line[i] === '\t' ? 4 : 1;
      i++;
    }
    for (;;) {
      while (line[i] === ' ' || line[i] === '\t') i++;
      const c = line[i];
      if (c === '>') {
        depth++;
        i++;
        continue;
      }
      if ((c === '-' || c === '*' || c === '+') && (line[i + 1] === ' ' || line[i + 1] === '\t' || i + 1 === line.length)) {
        depth++;
        i++;
        continue;
      }
      const ordered = /^\d{1,9}[.)](?=[ \t]|$)/.exec(line.slice(i, i + 11));
      if (ordered) {
        depth++;
        i += ordered[0].length;
        continue;
      }
      break;
    }
    // Nested list items are indented by at least two columns per level.
    const total = depth + Math.floor(indent / 2);
    if (total > max) max = total;
  }
  return max;
}

/** Parses one runbook. Never throws for bad input: problems go into the model. */
export function parseRunbook(input: ParseInput, options: ParseOptions = {}): Runbook {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxNesting = options.maxNesting ?? DEFAULT_MAX_NESTING;
  if (input.text.length > maxBytes) {
    return failedRunbook(input, `The file is larger than ${Math.round(maxBytes / 1024)} KB; only its title and front matter are indexed.`);
  }
  const text = normalizeText(input.text);
  const lines = text.split('\n');
  const depth = nestingDepth(lines);
  if (depth > maxNesting) {
    return failedRunbook(input, `Lists or block quotes are nested ${depth} levels deep (more than ${maxNesting}); the file was not parsed.`);
  }
  try {
    return extract(input, text, lines, options);
  } catch (err) {
    // e.g. a stack overflow inside the markdown parser on input the cheap checks missed.
    return failedRunbook(input, `The file could not be parsed: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** A runbook that could not be parsed: what the quick pass knows, plus an error. */
export function failedRunbook(input: ParseInput, reason: string): Runbook {
  const quick = quickScan(input);
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

function extract(input: ParseInput, text: string, lines: string[], options: ParseOptions): Runbook {
  const fileName = baseName(input.path);
  const areaDocument = isAreaDocumentName(fileName);
  const frontMatter = readFrontMatter(lines);
  const problems: Problem[] = [...frontMatter.problems];

  // Front matter lines are blanked rather than cut, so remark's line numbers are the file's.
  let body = text;
  if (frontMatter.endLine >= 0) {
    const blank = '\n'.repeat(frontMatter.endLine + 1);
    body = blank + lines.slice(frontMatter.endLine + 1).join('\n');
  }
  const tree = processor(options.gfm ?? 'subset').parse(body) as Root;

  const headings: Array<{ node: Heading; text: string }> = [];
  const codes: Code[] = [];
  const links: Link[] = [];
  const prose: ProseLine[] = [];

  // Iterative pre-order walk in document order.
  const stack: Nodes[] = [tree];
  while (stack.length > 0) {
    const node = stack.pop() as Nodes;
    switch (node.type) {
      case 'heading':
        headings.push({ node, text: plainText(node) });
        break;
      case 'code':
        codes.push(node);
        continue;
      case 'link':
        links.push({ url: detach((node as MdLink).url), text: detach(plainText(node)), line: lineOf(node) });
        break;
      case 'definition':
        links.push({ url: detach((node as Definition).url), text: detach((node as Definition).label ?? ''), line: lineOf(node) });
        continue;
      case 'text':
      case 'inlineCode':
        prose.push({ line: lineOf(node), text: node.value });
        continue;
      default:
        break;
    }
    if ('children' in node) {
      const children = node.children as Nodes[];
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as Nodes);
    }
  }

  const sections = buildSections(headings, lines.length);
  const h1 = headings.find((h) => h.node.depth === 1)?.text;
  const title = frontMatter.metadata.title ?? h1 ?? headings[0]?.text ?? titleFromFileName(fileName);
  const proseIndex = indexProse(prose);
  const explainedWords = buildExplained(prose, frontMatter);

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
      p.explained ??= isExplained(p.name, explainedWords);
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

/** Every word sequence the runbook's prose (and front matter) mentions, as ` words ` text. */
function buildExplained(prose: readonly ProseLine[], frontMatter: FrontMatter): string {
  const parts = prose.map((p) => placeholderWords(p.text));
  for (const name of frontMatter.explainedNames) parts.push(placeholderWords(name));
  return ` ${parts.join(' ')} `;
}

/** A placeholder is explained when the prose mentions its name (as words: `POD_NAME` ~ "pod name"). */
function isExplained(name: string, explained: string): boolean {
  const words = placeholderWords(name);
  if (words === '') return true;
  return explained.includes(` ${words} `) || explained.includes(` ${words.replace(/ /g, '')} `);
}
