// A linear, line-by-line reading of markdown's block structure — block quotes, list items,
// fenced code, HTML blocks, headings, paragraphs and tables — without building a tree and
// without regular expressions that can backtrack. It is what runs on the extension host's
// thread (the quick model) and what decides, before remark sees a file, whether remark can be
// given it: how deep containers nest, how many emphasis and link delimiters one paragraph
// holds, and where the file can be cut into pieces that parse independently.
//
// It follows CommonMark's block rules closely but not perfectly. Where it may differ from
// remark it errs on the safe side: text it is unsure about is counted as paragraph text, and a
// cut is only offered where no container, fence or HTML block can be open.

export interface ScanOptions {
  /** Stop (with `stopped: 'nesting'`) once containers nest deeper than this. */
  maxNesting?: number;
  /** Count inline delimiters per paragraph (the guard needs it; the quick model does not). */
  countDelimiters?: boolean;
}

export interface ScannedFence {
  /** Line of the opening fence and of its last line (the closing fence when closed). */
  startLine: number;
  endLine: number;
  closed: boolean;
}

export interface ScannedHeading {
  line: number;
  depth: number;
  /** The raw heading text (markup not removed). */
  text: string;
}

export interface BlockScan {
  /** The deepest container nesting and the first line that reaches it. */
  maxDepth: number;
  maxDepthLine: number;
  /** Most inline delimiters (`*`, `_`, `[`, `]`) in one paragraph, heading or table row, and where it starts. */
  maxDelimiters: number;
  maxDelimitersLine: number;
  /** Sum over paragraphs of delimiters squared: what inline parsing costs at worst. */
  delimiterCost: number;
  fences: ScannedFence[];
  headings: ScannedHeading[];
  /** Lines where a new piece can start: nothing open across them (ascending). */
  cuts: number[];
  /** Containers (list items, block quotes) opened before each cut, and in all. */
  containersBefore: number[];
  containers: number;
  /**
   * What containers cost a markdown parser: per line, the containers it continues, plus the
   * depth reached by each container it opens (a line opening d containers costs ~d²/2).
   */
  containerWork: number;
  /** Set when the scan stopped early because a limit was passed. */
  stopped?: 'nesting';
}

type Container = { kind: 'quote' } | { kind: 'list'; contentCol: number };

interface OpenFence {
  char: string;
  length: number;
  /** Containers the fence lives in. */
  depth: number;
  index: number;
}

interface OpenHtml {
  /** Text that ends the block (on any line, the first included); '' for "a blank line". */
  end: string;
  depth: number;
}

const SPACE = 32;
const TAB = 9;

/** Position and column of the first character after spaces and tabs from `pos`. */
function skipWhitespace(line: string, pos: number, col: number): { pos: number; col: number } {
  while (pos < line.length) {
    const c = line.charCodeAt(pos);
    if (c === SPACE) col++;
    else if (c === TAB) col += 4 - (col % 4);
    else break;
    pos++;
  }
  return { pos, col };
}

/** A thematic break (`***`, `- - -`, `___`) from `pos`: three or more of one marker, spaces between. */
function isThematicBreak(line: string, pos: number): boolean {
  const marker = line[pos];
  if (marker !== '*' && marker !== '-' && marker !== '_') return false;
  let count = 0;
  for (let i = pos; i < line.length; i++) {
    const c = line[i];
    if (c === marker) count++;
    else if (c !== ' ' && c !== '\t') return false;
  }
  return count >= 3;
}

/**
 * Thematic-break tests for many positions of one line, each O(1) after one pass per marker:
 * a position starts a break when only that marker and whitespace follow it, three times or more.
 */
class ThematicBreaks {
  private readonly tails = new Map<string, { from: number; thirdLast: number }>();
  constructor(private readonly line: string) {}

  at(pos: number): boolean {
    const marker = this.line[pos] as string;
    if (marker !== '*' && marker !== '-' && marker !== '_') return false;
    let tail = this.tails.get(marker);
    if (!tail) {
      let from = this.line.length;
      let seen = 0;
      let thirdLast = -1;
      for (let i = this.line.length - 1; i >= 0; i--) {
        const c = this.line[i];
        if (c === marker) {
          if (++seen === 3) thirdLast = i;
        } else if (c !== ' ' && c !== '\t') break;
        from = i;
      }
      tail = { from, thirdLast };
      this.tails.set(marker, tail);
    }
    return pos >= tail.from && pos <= tail.thirdLast;
  }
}

/** `=` or `-` underline of a setext heading: depth, or 0. */
function setextDepth(line: string, pos: number): number {
  const marker = line[pos];
  if (marker !== '=' && marker !== '-') return 0;
  let i = pos;
  while (line[i] === marker) i++;
  while (line[i] === ' ' || line[i] === '\t') i++;
  return i === line.length ? (marker === '=' ? 1 : 2) : 0;
}

/** An opening code fence from `pos`: its marker and length, or undefined. */
function openingFence(line: string, pos: number): { char: string; length: number } | undefined {
  const char = line[pos];
  if (char !== '`' && char !== '~') return undefined;
  let i = pos;
  while (line[i] === char) i++;
  const length = i - pos;
  if (length < 3) return undefined;
  // A backtick fence's info string may not hold a backtick (it would be inline code).
  if (char === '`' && line.indexOf('`', i) !== -1) return undefined;
  return { char, length };
}

function isClosingFence(line: string, pos: number, fence: OpenFence): boolean {
  let i = pos;
  while (line[i] === fence.char) i++;
  if (i - pos < fence.length) return false;
  while (line[i] === ' ' || line[i] === '\t') i++;
  return i === line.length;
}

/** An ATX heading from `pos`: depth and raw text, or undefined. */
function atxHeading(line: string, pos: number): { depth: number; text: string } | undefined {
  let i = pos;
  while (line[i] === '#' && i - pos < 7) i++;
  const depth = i - pos;
  if (depth === 0 || depth > 6) return undefined;
  if (i < line.length && line[i] !== ' ' && line[i] !== '\t') return undefined;
  let end = line.length;
  while (end > i && (line[end - 1] === ' ' || line[end - 1] === '\t')) end--;
  // An optional closing sequence of #s, preceded by a space (or making up the whole text).
  let hashes = end;
  while (hashes > i && line[hashes - 1] === '#') hashes--;
  if (hashes < end && (hashes === i || line[hashes - 1] === ' ' || line[hashes - 1] === '\t')) end = hashes;
  let start = i;
  while (start < end && (line[start] === ' ' || line[start] === '\t')) start++;
  while (end > start && (line[end - 1] === ' ' || line[end - 1] === '\t')) end--;
  return { depth, text: line.slice(start, end) };
}

const HTML_BLOCK_1 = ['script', 'pre', 'style', 'textarea'];

/** HTML blocks that run until an end marker, across blank lines (CommonMark kinds 1-5). */
function htmlBlockStart(line: string, pos: number): string | undefined {
  if (line[pos] !== '<') return undefined;
  if (line.startsWith('<!--', pos)) return '-->';
  if (line.startsWith('<?', pos)) return '?>';
  if (line.startsWith('<![CDATA[', pos)) return ']]>';
  if (line[pos + 1] === '!' && /[A-Za-z]/.test(line[pos + 2] ?? '')) return '>';
  for (const tag of HTML_BLOCK_1) {
    if (line.slice(pos + 1, pos + 1 + tag.length).toLowerCase() !== tag) continue;
    const after = line[pos + 1 + tag.length];
    if (after === undefined || after === ' ' || after === '\t' || after === '>') return `</${tag}>`;
  }
  return undefined;
}

function htmlBlockEnds(line: string, from: number, end: string): boolean {
  return end.startsWith('</') ? line.toLowerCase().includes(end, from) : line.includes(end, from);
}

interface ListItemStart {
  /** The column the item's content starts at (what later lines must be indented to). */
  contentCol: number;
  /** Where the item's first line of content starts. */
  pos: number;
  col: number;
}

/** A list marker (`-`, `*`, `+`, `1.`, `1)`) at `pos`, or undefined. */
function listMarker(line: string, pos: number, col: number, interruptsParagraph: boolean): ListItemStart | undefined {
  const c = line[pos];
  let i = pos;
  if (c === '-' || c === '*' || c === '+') i++;
  else {
    while (i - pos < 9 && line.charCodeAt(i) >= 48 && line.charCodeAt(i) <= 57) i++;
    if (i === pos || (line[i] !== '.' && line[i] !== ')')) return undefined;
    // Only a list starting at 1 can interrupt a paragraph.
    if (interruptsParagraph && line.slice(pos, i) !== '1') return undefined;
    i++;
  }
  const next = line[i];
  if (next !== undefined && next !== ' ' && next !== '\t') return undefined;
  const markerEnd = col + (i - pos);
  const after = skipWhitespace(line, i, markerEnd);
  if (after.pos === line.length) {
    // An empty item cannot interrupt a paragraph.
    return interruptsParagraph ? undefined : { contentCol: markerEnd + 1, pos: line.length, col: after.col };
  }
  // Five or more spaces: one belongs to the marker, the rest make indented code.
  if (after.col - markerEnd > 4) return { contentCol: markerEnd + 1, pos: i + 1, col: markerEnd + 1 };
  return { contentCol: after.col, pos: after.pos, col: after.col };
}

/** Whether the text at `pos` begins a block that ends a paragraph (so the line is not lazy). */
function startsBlock(line: string, pos: number, indent: number): boolean {
  if (pos === line.length) return true;
  if (indent >= 4) return false;
  return (
    line[pos] === '>' ||
    atxHeading(line, pos) !== undefined ||
    openingFence(line, pos) !== undefined ||
    isThematicBreak(line, pos) ||
    htmlBlockStart(line, pos) !== undefined ||
    (line[pos] === '<' && isHtmlBlock6(line, pos)) ||
    listMarker(line, pos, 0, true) !== undefined
  );
}

/** `|---|:--:|` — the row under a table's header. */
function isTableDelimiterRow(line: string, pos: number): boolean {
  let dashes = 0;
  for (let i = pos; i < line.length; i++) {
    const c = line[i];
    if (c === '-') dashes++;
    else if (c !== '|' && c !== ':' && c !== ' ' && c !== '\t') return false;
  }
  return dashes > 0 && (line.includes('|', pos) || line.includes(':', pos));
}

const HTML_BLOCK_6 = new Set(
  (
    'address article aside base basefont blockquote body caption center col colgroup dd details dialog dir div dl dt ' +
    'fieldset figcaption figure footer form frame frameset h1 h2 h3 h4 h5 h6 head header hr html iframe legend li link ' +
    'main menu menuitem nav noframes ol optgroup option p param search section summary table tbody td tfoot th thead ' +
    'title tr track ul'
  ).split(' '),
);

function isAsciiLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

function isAsciiAlnumOrDash(c: number): boolean {
  return isAsciiLetter(c) || (c >= 48 && c <= 57) || c === 45;
}

/** Index after a tag name starting at `pos`, or -1. */
function tagNameEnd(line: string, pos: number): number {
  if (!isAsciiLetter(line.charCodeAt(pos))) return -1;
  let i = pos + 1;
  while (i < line.length && isAsciiAlnumOrDash(line.charCodeAt(i))) i++;
  return i;
}

/** CommonMark kind 6: `<div`, `</table` … followed by a space, `>`, `/>` or the line's end. */
function isHtmlBlock6(line: string, pos: number): boolean {
  const start = line[pos + 1] === '/' ? pos + 2 : pos + 1;
  const end = tagNameEnd(line, start);
  if (end === -1 || !HTML_BLOCK_6.has(line.slice(start, end).toLowerCase())) return false;
  const after = line[end];
  return after === undefined || after === ' ' || after === '\t' || after === '>' || (after === '/' && line[end + 1] === '>');
}

function isWhitespaceTail(line: string, from: number): boolean {
  for (let i = from; i < line.length; i++) if (line[i] !== ' ' && line[i] !== '\t') return false;
  return true;
}

/** CommonMark kind 7: one complete open or closing tag alone on the line (read without backtracking). */
function isHtmlBlock7(line: string, pos: number): boolean {
  if (line[pos + 1] === '/') {
    const end = tagNameEnd(line, pos + 2);
    if (end === -1) return false;
    let i = end;
    while (line[i] === ' ' || line[i] === '\t') i++;
    return line[i] === '>' && isWhitespaceTail(line, i + 1);
  }
  let i = tagNameEnd(line, pos + 1);
  if (i === -1) return false;
  for (;;) {
    const spaceStart = i;
    while (line[i] === ' ' || line[i] === '\t') i++;
    if (line[i] === '>') return isWhitespaceTail(line, i + 1);
    if (line[i] === '/' && line[i + 1] === '>') return isWhitespaceTail(line, i + 2);
    // An attribute needs whitespace before it.
    if (i === spaceStart) return false;
    const c = line.charCodeAt(i);
    if (!(isAsciiLetter(c) || c === 95 || c === 58)) return false;
    i++;
    while (i < line.length && /[A-Za-z0-9_.:-]/.test(line[i] as string)) i++;
    let j = i;
    while (line[j] === ' ' || line[j] === '\t') j++;
    if (line[j] !== '=') continue;
    j++;
    while (line[j] === ' ' || line[j] === '\t') j++;
    const quote = line[j];
    if (quote === '"' || quote === "'") {
      const close = line.indexOf(quote, j + 1);
      if (close === -1) return false;
      i = close + 1;
    } else {
      const valueStart = j;
      while (j < line.length && !' \t"\'=<>`'.includes(line[j] as string)) j++;
      if (j === valueStart) return false;
      i = j;
    }
  }
}

function countDelimiters(line: string, from: number): number {
  let n = 0;
  for (let i = from; i < line.length; i++) {
    const c = line.charCodeAt(i);
    // * _ [ ]
    if (c === 42 || c === 95 || c === 91 || c === 93) n++;
  }
  return n;
}

/** One pass over the lines; the state is what is open after the previous line. */
class BlockScanner {
  readonly scan: BlockScan = { maxDepth: 0, maxDepthLine: -1, maxDelimiters: 0, maxDelimitersLine: -1, delimiterCost: 0, fences: [], headings: [], cuts: [], containersBefore: [], containers: 0, containerWork: 0 };
  private readonly stack: Container[] = [];
  private fence: OpenFence | undefined;
  private html: OpenHtml | undefined;
  /** Containers around the open paragraph (or table); -1 when none is open. */
  private paragraphDepth = -1;
  private paragraphLine = -1;
  /** The paragraph's last line, for a setext heading's text. */
  private paragraphText = '';
  private inTable = false;
  private delimiters = 0;
  private delimitersFrom = -1;
  private previousBlank = true;
  // Where the current line is: character, column, and the content column of the innermost container.
  private line = '';
  private lineNo = 0;
  private pos = 0;
  private col = 0;
  private base = 0;

  constructor(
    private readonly from: number,
    private readonly maxNesting: number,
    private readonly counting: boolean,
  ) {}

  /** Reads one line; false when a limit stops the scan. */
  read(line: string, lineNo: number): boolean {
    this.line = line;
    this.lineNo = lineNo;
    this.pos = 0;
    this.col = 0;
    this.base = 0;
    const matched = this.continueContainers();
    this.scan.containerWork += matched;
    if (this.insideFenceOrHtml(matched)) {
      this.previousBlank = false;
      return true;
    }
    const ws = skipWhitespace(line, this.pos, this.col);
    const blank = ws.pos === line.length;
    const indent = ws.col - this.base;
    const topParagraph = this.paragraphDepth === 0;
    if (matched < this.stack.length && this.paragraphDepth >= 0 && !blank && !startsBlock(line, ws.pos, indent)) {
      // A lazy continuation line: every container stays open.
      this.addInline(ws.pos, this.inTable);
      this.previousBlank = false;
      return true;
    }
    if (!blank && matched === 0 && indent < 4 && lineNo > this.from && this.isCut(ws.pos, topParagraph)) {
      this.scan.cuts.push(lineNo);
      this.scan.containersBefore.push(this.scan.containers);
    }
    if (matched < this.stack.length) {
      this.stack.length = matched;
      if (this.paragraphDepth > matched) this.closeParagraph();
    }
    this.pos = ws.pos;
    this.col = ws.col;
    this.openContainers();
    if (this.stack.length > this.scan.maxDepth) {
      this.scan.maxDepth = this.stack.length;
      this.scan.maxDepthLine = lineNo;
      if (this.stack.length > this.maxNesting) {
        this.scan.stopped = 'nesting';
        return false;
      }
    }
    this.leaf();
    return true;
  }

  finish(): BlockScan {
    this.endInline();
    return this.scan;
  }

  /** Which open containers the line continues; moves past their markers. */
  private continueContainers(): number {
    const line = this.line;
    let matched = 0;
    // Skipped once per position: list items do not move it, and a line may be indented
    // thousands of columns under a deep stack.
    let ws = skipWhitespace(line, this.pos, this.col);
    for (const c of this.stack) {
      if (c.kind === 'quote') {
        if (ws.col - this.base > 3 || line[ws.pos] !== '>') break;
        this.afterQuoteMarker(ws.pos, ws.col);
        ws = skipWhitespace(line, this.pos, this.col);
      } else {
        if (ws.pos < line.length && ws.col < c.contentCol) break;
        this.base = c.contentCol;
      }
      matched++;
    }
    return matched;
  }

  private afterQuoteMarker(pos: number, col: number): void {
    this.pos = pos + 1;
    this.col = col + 1;
    if (this.line[this.pos] === ' ' || this.line[this.pos] === '\t') {
      this.pos++;
      this.col++;
    }
    this.base = this.col;
  }

  /** A line of an open fence or HTML block (true), or the end of one whose container ended. */
  private insideFenceOrHtml(matched: number): boolean {
    const ws = skipWhitespace(this.line, this.pos, this.col);
    const blank = ws.pos === this.line.length;
    if (this.fence) {
      if (matched < this.fence.depth) {
        this.fence = undefined; // its container ended, and the fence with it
        return false;
      }
      const scanned = this.scan.fences[this.fence.index] as ScannedFence;
      scanned.endLine = this.lineNo;
      if (!blank && ws.col - this.base <= 3 && isClosingFence(this.line, ws.pos, this.fence)) {
        scanned.closed = true;
        this.fence = undefined;
      }
      return true;
    }
    if (this.html) {
      if (matched < this.html.depth) {
        this.html = undefined;
        return false;
      }
      if (this.html.end === '') {
        if (!blank) return true;
        this.html = undefined;
        return false; // the blank line itself is read as one
      }
      if (htmlBlockEnds(this.line, ws.pos, this.html.end)) this.html = undefined;
      return true;
    }
    return false;
  }

  /**
   * Whether a piece of the file can start at this line (which continues no container): after
   * a blank line, after a block that is not a paragraph, or where a new block interrupts a
   * top-level paragraph (not a setext underline or a table's delimiter row).
   */
  private isCut(pos: number, topParagraph: boolean): boolean {
    if (this.previousBlank || !topParagraph) return true;
    return setextDepth(this.line, pos) === 0 && startsBlock(this.line, pos, 0);
  }

  private openContainers(): void {
    const line = this.line;
    // (Bounded by the nesting limit, and each test is O(1): hostile lines open thousands.)
    const breaks = new ThematicBreaks(line);
    while (this.stack.length <= this.maxNesting) {
      const at = skipWhitespace(line, this.pos, this.col);
      if (at.pos === line.length || at.col - this.base >= 4) return;
      if (line[at.pos] === '>') {
        this.stack.push({ kind: 'quote' });
        this.scan.containers++;
        this.scan.containerWork += this.stack.length;
        this.afterQuoteMarker(at.pos, at.col);
        this.closeParagraph();
        continue;
      }
      if (breaks.at(at.pos)) return;
      const item = listMarker(line, at.pos, at.col, this.paragraphDepth >= 0 && this.paragraphDepth === this.stack.length);
      if (item === undefined) return;
      this.stack.push({ kind: 'list', contentCol: item.contentCol });
      this.scan.containers++;
      this.scan.containerWork += this.stack.length;
      this.pos = item.pos;
      this.col = item.col;
      this.base = item.contentCol;
      this.closeParagraph();
    }
  }

  /** The leaf block the rest of the line is. */
  private leaf(): void {
    const line = this.line;
    const rest = skipWhitespace(line, this.pos, this.col);
    const indent = rest.col - this.base;
    this.previousBlank = rest.pos === line.length;
    const inParagraph = this.paragraphDepth === this.stack.length;
    if (this.previousBlank) return this.closeParagraph();
    if (indent >= 4) {
      // Indented code, unless it continues a paragraph.
      if (inParagraph) this.addInline(rest.pos, this.inTable);
      return;
    }
    const opening = openingFence(line, rest.pos);
    if (opening) {
      this.closeParagraph();
      this.fence = { ...opening, depth: this.stack.length, index: this.scan.fences.length };
      this.scan.fences.push({ startLine: this.lineNo, endLine: this.lineNo, closed: false });
      return;
    }
    const atx = atxHeading(line, rest.pos);
    if (atx) {
      this.closeParagraph();
      this.scan.headings.push({ line: this.lineNo, depth: atx.depth, text: atx.text });
      this.addInline(rest.pos, true);
      return;
    }
    if (inParagraph && !this.inTable) {
      const depth = setextDepth(line, rest.pos);
      if (depth > 0) {
        this.scan.headings.push({ line: this.paragraphLine, depth, text: this.paragraphText });
        return this.closeParagraph();
      }
    }
    if (isThematicBreak(line, rest.pos)) return this.closeParagraph();
    if (this.htmlBlock(rest.pos, inParagraph)) return;
    this.paragraphOrTableRow(rest.pos, inParagraph);
  }

  /** Starts an HTML block at `pos` if one starts there. */
  private htmlBlock(pos: number, inParagraph: boolean): boolean {
    const line = this.line;
    if (line[pos] !== '<') return false;
    const end = htmlBlockStart(line, pos);
    if (end !== undefined) {
      this.closeParagraph();
      if (!htmlBlockEnds(line, pos + 1, end)) this.html = { end, depth: this.stack.length };
      return true;
    }
    // Kinds 6 and 7 run to the next blank line; kind 7 cannot interrupt a paragraph.
    if (isHtmlBlock6(line, pos) || (!inParagraph && isHtmlBlock7(line, pos))) {
      this.closeParagraph();
      this.html = { end: '', depth: this.stack.length };
      return true;
    }
    return false;
  }

  /** Paragraph text, or a table row (a delimiter row under a one-line paragraph makes a table). */
  private paragraphOrTableRow(pos: number, inParagraph: boolean): void {
    const line = this.line;
    if (inParagraph && !this.inTable && this.paragraphLine === this.lineNo - 1 && isTableDelimiterRow(line, pos) && this.paragraphText.includes('|')) {
      this.inTable = true;
      return;
    }
    const fresh = !inParagraph || this.inTable;
    if (!inParagraph) {
      this.paragraphDepth = this.stack.length;
      this.paragraphLine = this.lineNo;
    }
    if (!this.inTable) this.paragraphText = line.slice(pos);
    this.addInline(pos, fresh);
  }

  private closeParagraph(): void {
    this.paragraphDepth = -1;
    this.inTable = false;
  }

  /** Counts the line's delimiters into the current inline run (a new run when `fresh`). */
  private addInline(pos: number, fresh: boolean): void {
    if (!this.counting) return;
    if (fresh) {
      this.endInline();
      this.delimitersFrom = this.lineNo;
    }
    this.delimiters += countDelimiters(this.line, pos);
  }

  private endInline(): void {
    if (this.delimiters > this.scan.maxDelimiters) {
      this.scan.maxDelimiters = this.delimiters;
      this.scan.maxDelimitersLine = this.delimitersFrom;
    }
    this.scan.delimiterCost += this.delimiters * this.delimiters;
    this.delimiters = 0;
  }
}

/** Reads the block structure of `lines` from line `from` (after front matter). Linear in the text. */
export function scanBlocks(lines: readonly string[], from = 0, options: ScanOptions = {}): BlockScan {
  const scanner = new BlockScanner(from, options.maxNesting ?? Infinity, options.countDelimiters ?? false);
  for (let i = from; i < lines.length; i++) {
    if (!scanner.read(lines[i] as string, i)) break;
  }
  return scanner.finish();
}
