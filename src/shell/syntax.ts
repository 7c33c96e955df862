// A small reader for POSIX-ish shell text (bash flavoured), enough for three jobs:
// - knowing the quote context at a given offset, so a placeholder value is quoted correctly;
// - cutting a block into its top-level commands (respecting `\` continuations, quotes,
//   here-documents and if/for/case/{ } bodies), so a block can run one command at a time;
// - splitting text into simple commands with quote-removed words, for the danger rules.
// It is not a full shell parser: it never expands anything and errs towards "incomplete".
// The scan is one loop over the text with an explicit stack of frames (no recursion), so
// deeply nested input cannot exhaust the call stack; ShellReader holds the scan's state and
// reads each kind of frame in its own named step.

export type ContextKind =
  /** Plain shell text (top level or inside `$(...)`/`<(...)`). */
  | 'unquoted'
  | 'single'
  | 'double'
  /** `$'...'` */
  | 'ansiC'
  /** Inside `` `...` `` (its own escaping rules). */
  | 'backtick'
  /** Inside `${...}`. */
  | 'param'
  /** Inside `$((...))` or `((...))`. */
  | 'arith'
  /** Body of a here-document whose delimiter is unquoted (expansions happen). */
  | 'heredoc'
  /** Body of a here-document whose delimiter is quoted (taken literally). */
  | 'heredocQuoted'
  /** The delimiter word after `<<`. */
  | 'heredocDelimiter'
  | 'comment'
  /** The character right after a backslash. */
  | 'escaped'
  /** The character right after an unquoted `$` (a parameter name). */
  | 'afterDollar';

export interface OffsetContext {
  /** The innermost context at the offset. */
  kind: ContextKind;
  /** Every frame from the outermost to the innermost (script frames reported as `unquoted`/`backtick`). */
  within: ContextKind[];
  /** The innermost here-document around the offset, if any. */
  heredoc?: { delimiter: string; stripTabs: boolean };
}

export interface ShellWord {
  start: number;
  end: number;
  /** The word after quote removal; substitutions and expansions are kept as written. */
  value: string;
  /** Some part of the word was quoted or escaped. */
  quoted: boolean;
  /**
   * Some part of the word is expanded by the shell that reads it (a parameter, command or
   * arithmetic substitution, or an unquoted `*?[{~`), so its final text is only known when it runs.
   */
  expands: boolean;
  /** Scripts nested in the word: `$(...)`, backticks, `<(...)`, `>(...)`. */
  nested: ShellScript[];
}

export interface ShellHeredoc {
  delimiter: string;
  quoted: boolean;
  body: string;
  bodyStart: number;
  nested: ShellScript[];
}

export interface ShellRedirect {
  op: string;
  target?: ShellWord;
  heredoc?: ShellHeredoc;
}

export interface ShellCommand {
  words: ShellWord[];
  redirects: ShellRedirect[];
  /** The operator that ended the command: `;`, `&`, `&&`, `||`, `|`, `|&`, `;;`, `\n`, `(`, `)` or `` (end). */
  next: string;
  start: number;
  end: number;
}

export interface ShellScript {
  start: number;
  end: number;
  commands: ShellCommand[];
}

/** What a newline in the text is, for turning a command into one line. */
export type NewlineRole =
  /** Part of a `\`+newline continuation in plain shell text: can be deleted (with the blanks around it). */
  | 'continuation'
  /** A `\`+newline continuation inside double quotes: can be deleted, blanks kept. */
  | 'quotedContinuation'
  /** Right after `&&`, `||`, `|` or `|&` (no comment between): can become a space. */
  | 'afterOperator'
  /** Ends a complete top-level command. */
  | 'boundary'
  /** Anything else (inside quotes, here-documents, compound commands). */
  | 'other';

export interface ShellParse {
  script: ShellScript;
  /** Top-level commands as [start, end) ranges of the text, in order; blank/comment-only ones included. */
  commands: Array<{ start: number; end: number }>;
  /** Role of each newline, by offset. */
  newlines: Map<number, NewlineRole>;
  /** Comments at any depth: [start, end) without the newline. */
  comments: Array<{ start: number; end: number }>;
  /** Why the text is not complete shell input (the shell would wait for more), or null. */
  incomplete: string | null;
  /** Contexts of the offsets asked for. */
  contexts: Map<number, OffsetContext>;
}

interface WordBuilder {
  start: number;
  value: string;
  quoted: boolean;
  expands: boolean;
  nested: ShellScript[];
}

interface PendingHeredoc {
  redirect: ShellRedirect;
  delimiter: string;
  quoted: boolean;
  stripTabs: boolean;
}

interface ScriptFrame {
  type: 'script';
  /** What closes the frame: `)` for `$(`/`<(`/`>(`, `` ` `` for backticks, null at top level. */
  closer: ')' | '`' | null;
  open: number;
  script: ShellScript;
  attachTo: ShellScript[] | null;
  /** The word (in the parent script frame) that receives the raw text when this frame closes. */
  parentWord: WordBuilder | null;
  word: WordBuilder | null;
  cmd: ShellCommand;
  pendingRedirect: ShellRedirect | null;
  expectDelimiter: { stripTabs: boolean } | null;
  heredocs: PendingHeredoc[];
  atCommandStart: boolean;
  /** Open compound commands: `if`, `case`, `loop`, `{`, `(`. */
  compound: string[];
  /** 0: not in a case header; 1: expecting the subject; 2: expecting `in`. */
  caseStage: number;
  casePattern: boolean;
  /** The last control operator, if nothing but blanks/newlines came after it. */
  dangling: string | null;
  commentSinceOperator: boolean;
  commandStart: number;
  /** A top-level command boundary is due once the pending here-documents are read. */
  boundaryAfterHeredocs: boolean;
}

interface QuoteFrame {
  type: 'single' | 'double' | 'ansiC';
  open: number;
  sink: WordBuilder | null;
  attachTo: ShellScript[];
}

interface NestFrame {
  type: 'param' | 'arith';
  open: number;
  depth: number;
  sink: WordBuilder | null;
  attachTo: ShellScript[];
}

interface HeredocFrame {
  type: 'heredoc';
  spec: PendingHeredoc;
  bodyStart: number;
  atLineStart: boolean;
  nested: ShellScript[];
  /** The script frame that owns the command, to record the boundary when the last body ends. */
  owner: ScriptFrame;
  last: boolean;
}

type Frame = ScriptFrame | QuoteFrame | NestFrame | HeredocFrame;

const CONTROL_OPERATORS = [';;&', ';;', ';&', '&&', '||', '|&', ';', '&', '|'];
const REDIRECT_OPERATORS = ['&>>', '<<<', '<<-', '&>', '<<', '<&', '<>', '>>', '>&', '>|', '<', '>'];
const OPENERS: Record<string, string> = { if: 'if', case: 'case', for: 'loop', select: 'loop', while: 'loop', until: 'loop', '{': '{' };
const CLOSERS: Record<string, string> = { fi: 'if', esac: 'case', done: 'loop', '}': '{' };
const STAY_AT_START = new Set(['then', 'do', 'else', 'elif', '!', 'time', 'if', 'while', 'until', '{']);
const CONTINUING = new Set(['&&', '||', '|', '|&']);

const isBlank = (c: string): boolean => c === ' ' || c === '\t';
const isNameStart = (c: string): boolean => /[A-Za-z_]/.test(c);

/** Reads shell text; `offsets` are the positions whose quote context the caller needs. */
export function parseShell(text: string, offsets: Iterable<number> = []): ShellParse {
  return new ShellReader(text, offsets).read();
}

/**
 * One read of a text. The scan is one loop (`read`) over the characters; each step looks at
 * the innermost frame on the stack and hands the character to that frame's reader.
 */
class ShellReader {
  private readonly wanted: Set<number>;
  private readonly contexts = new Map<number, OffsetContext>();
  private readonly newlines = new Map<number, NewlineRole>();
  private readonly comments: Array<{ start: number; end: number }> = [];
  private readonly topCommands: Array<{ start: number; end: number }> = [];
  private incomplete: string | null = null;
  private readonly top: ScriptFrame;
  private readonly stack: Frame[];
  private readonly n: number;
  private i = 0;

  constructor(
    private readonly text: string,
    offsets: Iterable<number>,
  ) {
    this.wanted = new Set(offsets);
    this.n = text.length;
    this.top = this.makeScriptFrame(null, 0, null, null);
    this.stack = [this.top];
  }

  read(): ShellParse {
    while (this.i < this.n) this.step();
    for (const pos of this.wanted) if (pos >= this.n) this.mark(pos);
    this.closeAtEnd();
    return { script: this.top.script, commands: this.topCommands, newlines: this.newlines, comments: this.comments, incomplete: this.incomplete, contexts: this.contexts };
  }

  private step(): void {
    const frame = this.stack[this.stack.length - 1];
    switch (frame.type) {
      case 'script': this.stepScript(frame); break;
      case 'single': this.stepSingleQuote(frame); break;
      case 'ansiC': this.stepAnsiCQuote(frame); break;
      case 'double': this.stepDoubleQuote(frame); break;
      case 'param': case 'arith': this.stepNest(frame); break;
      case 'heredoc': this.stepHeredoc(frame); break;
    }
  }

  // ---- frames, words and offsets -------------------------------------------------------

  private makeScriptFrame(closer: ScriptFrame['closer'], open: number, attachTo: ShellScript[] | null, parentWord: WordBuilder | null): ScriptFrame {
    return {
      type: 'script', closer, open, attachTo, parentWord,
      script: { start: open, end: open, commands: [] },
      word: null, cmd: newCommand(open), pendingRedirect: null, expectDelimiter: null, heredocs: [],
      atCommandStart: true, compound: [], caseStage: 0, casePattern: false, dangling: null,
      commentSinceOperator: false, commandStart: open, boundaryAfterHeredocs: false,
    };
  }

  private describe(): OffsetContext {
    const within: ContextKind[] = this.stack.map((f) => {
      switch (f.type) {
        case 'script': return f.closer === '`' ? 'backtick' : 'unquoted';
        case 'heredoc': return f.spec.quoted ? 'heredocQuoted' : 'heredoc';
        default: return f.type;
      }
    });
    const topFrame = this.stack[this.stack.length - 1];
    let kind = within[within.length - 1];
    if (topFrame.type === 'script' && topFrame.expectDelimiter) kind = 'heredocDelimiter';
    for (let k = this.stack.length - 1; k >= 0; k--) {
      const f = this.stack[k];
      if (f.type === 'heredoc') return { kind, within, heredoc: { delimiter: f.spec.delimiter, stripTabs: f.spec.stripTabs } };
    }
    return { kind, within };
  }

  private mark(pos: number, kind?: ContextKind): void {
    if (!this.wanted.has(pos) || this.contexts.has(pos)) return;
    const ctx = this.describe();
    this.contexts.set(pos, kind ? { ...ctx, kind } : ctx);
  }

  /** The word being built by the innermost script frame, starting one if needed. */
  private wordOf(frame: ScriptFrame, at: number): WordBuilder {
    if (!frame.word) frame.word = { start: at, value: '', quoted: false, expands: false, nested: [] };
    return frame.word;
  }

  /** Where nested scripts and raw text go from the current frame. */
  private currentSinks(at: number): { sink: WordBuilder | null; attachTo: ShellScript[] } {
    const f = this.stack[this.stack.length - 1];
    if (f.type === 'script') {
      const w = this.wordOf(f, at);
      return { sink: w, attachTo: w.nested };
    }
    if (f.type === 'heredoc') return { sink: null, attachTo: f.nested };
    return { sink: f.type === 'single' || f.type === 'double' || f.type === 'ansiC' ? f.sink : null, attachTo: f.attachTo };
  }

  /** `$(`, `$((`, `${`, backtick, `$'`: pushes the frame; returns the characters consumed, 0 if none. */
  private openExpansion(at: number, allowAnsiC: boolean): number {
    const { text } = this;
    const c = text[at];
    const next = text[at + 1];
    if (c !== '`' && c !== '$') return 0;
    if (c === '$' && next !== '(' && next !== '{' && !(allowAnsiC && next === "'")) return 0;
    const { sink, attachTo } = this.currentSinks(at);
    if (c === '$' && next === "'") {
      if (sink) sink.quoted = true;
      this.stack.push({ type: 'ansiC', open: at, sink, attachTo });
      return 2;
    }
    // Anything else is an expansion: its text is only known when the command runs.
    if (sink) sink.expands = true;
    if (c === '`') {
      this.stack.push(this.makeScriptFrame('`', at, attachTo, sink));
      return 1;
    }
    if (next === '(' && text[at + 2] === '(') {
      this.stack.push({ type: 'arith', open: at, depth: 0, sink, attachTo });
      return 3;
    }
    if (next === '(') {
      this.stack.push(this.makeScriptFrame(')', at, attachTo, sink));
      return 2;
    }
    this.stack.push({ type: 'param', open: at, depth: 0, sink, attachTo });
    return 2;
  }

  // ---- words and commands --------------------------------------------------------------

  private finishWord(frame: ScriptFrame, end: number): void {
    const w = frame.word;
    if (!w) return;
    frame.word = null;
    const word: ShellWord = { start: w.start, end, value: w.value, quoted: w.quoted, expands: w.expands, nested: w.nested };
    if (frame.pendingRedirect) {
      this.attachRedirectTarget(frame, word);
      return;
    }
    if (frame.casePattern) {
      this.readCasePattern(frame, word);
      return;
    }
    this.trackKeywords(frame, word);
    frame.cmd.words.push(word);
    frame.cmd.end = end;
    frame.dangling = null;
  }

  /** The word after `>`, `<` … is the redirection's target; after `<<` it is a here-document delimiter. */
  private attachRedirectTarget(frame: ScriptFrame, word: ShellWord): void {
    const redirect = frame.pendingRedirect!;
    frame.pendingRedirect = null;
    redirect.target = word;
    if (frame.expectDelimiter) {
      frame.heredocs.push({ redirect, delimiter: word.value, quoted: word.quoted, stripTabs: frame.expectDelimiter.stripTabs });
      frame.expectDelimiter = null;
    }
  }

  /** Inside `case … in`, words are patterns until `esac`. */
  private readCasePattern(frame: ScriptFrame, word: ShellWord): void {
    if (!word.quoted && word.value === 'esac') {
      frame.casePattern = false;
      popCompound(frame, 'case');
      frame.cmd.words.push(word);
    }
  }

  /** Reserved words open and close compound commands; assignments and keywords keep the command start. */
  private trackKeywords(frame: ScriptFrame, word: ShellWord): void {
    if (frame.caseStage === 1) {
      frame.caseStage = 2;
    } else if (frame.caseStage === 2 && !word.quoted && word.value === 'in') {
      frame.caseStage = 0;
      frame.casePattern = true;
    } else if (frame.atCommandStart && !word.quoted) {
      const v = word.value;
      const previous = frame.cmd.words[frame.cmd.words.length - 1];
      if (OPENERS[v]) {
        frame.compound.push(OPENERS[v]);
        if (v === 'case') frame.caseStage = 1;
      } else if (CLOSERS[v]) {
        popCompound(frame, CLOSERS[v]);
      }
      // Still at a command start after a keyword such as `then`, an assignment (`X=1 cmd`)
      // and the name in `function name {`.
      frame.atCommandStart =
        STAY_AT_START.has(v) || v === 'function' || /^[A-Za-z_][A-Za-z0-9_]*=/.test(v) || previous?.value === 'function';
    } else {
      frame.atCommandStart = false;
    }
  }

  private finishCommand(frame: ScriptFrame, op: string, at: number): void {
    this.finishWord(frame, at);
    const cmd = frame.cmd;
    if (cmd.words.length || cmd.redirects.length) {
      cmd.next = op;
      frame.script.commands.push(cmd);
    }
    frame.cmd = newCommand(at + op.length);
  }

  private recordTopBoundary(end: number): void {
    this.topCommands.push({ start: this.top.commandStart, end });
    this.top.commandStart = end;
  }

  private closeScript(frame: ScriptFrame, end: number): void {
    this.finishCommand(frame, '', end - 1);
    frame.script.end = end;
    this.stack.pop();
    if (frame.attachTo) frame.attachTo.push(frame.script);
    if (frame.parentWord) frame.parentWord.value += this.text.slice(frame.open, end);
  }

  // ---- plain shell text ----------------------------------------------------------------

  private stepScript(frame: ScriptFrame): void {
    const { text } = this;
    const c = text[this.i];
    if (c === '\\') return this.scriptBackslash(frame);
    if (frame.closer === '`' && c === '`') {
      this.mark(this.i);
      this.closeScript(frame, this.i + 1);
      this.i += 1;
      return;
    }
    if (!frame.word && c === '#') return this.scriptComment(frame);
    if (c === '\n') {
      this.finishWord(frame, this.i);
      this.scriptNewline(frame, this.i);
      this.i += 1;
      return;
    }
    if (isBlank(c) || c === '\r') {
      this.mark(this.i);
      this.finishWord(frame, this.i);
      this.i += 1;
      return;
    }
    if (';&|()<>'.includes(c)) {
      const used = this.scriptOperator(frame, this.i);
      if (used) {
        this.i += used;
        return;
      }
    }
    this.mark(this.i);
    this.scriptWordCharacter(frame, c);
  }

  private scriptBackslash(frame: ScriptFrame): void {
    const { text, i } = this;
    this.mark(i);
    if (text[i + 1] === '\n') {
      this.mark(i + 1, 'escaped');
      this.newlines.set(i + 1, 'continuation');
      this.i += 2;
      return;
    }
    if (i + 1 >= this.n) {
      this.incomplete ??= 'it ends with a line continuation (`\\`)';
      this.wordOf(frame, i).value += '\\';
      this.i += 1;
      return;
    }
    this.mark(i + 1, 'escaped');
    const w = this.wordOf(frame, i);
    w.value += text[i + 1];
    w.quoted = true;
    this.i += 2;
  }

  private scriptComment(frame: ScriptFrame): void {
    const end = this.text.indexOf('\n', this.i);
    const stop = end < 0 ? this.n : end;
    for (let k = this.i; k < stop; k++) this.mark(k, 'comment');
    this.comments.push({ start: this.i, end: stop });
    frame.commentSinceOperator = true;
    this.i = stop;
  }

  /** A character that is part of a word: a quote opens, an expansion starts, or it is plain text. */
  private scriptWordCharacter(frame: ScriptFrame, c: string): void {
    const { text, i } = this;
    const w = this.wordOf(frame, i);
    if (c === "'" || c === '"' || (c === '$' && text[i + 1] === '"')) {
      w.quoted = true;
      this.stack.push({ type: c === "'" ? 'single' : 'double', open: i, sink: w, attachTo: w.nested });
      this.i += c === '$' ? 2 : 1;
      return;
    }
    const used = this.openExpansion(i, true);
    if (used) {
      this.i += used;
      return;
    }
    if (c === '$' && i + 1 < this.n && (isNameStart(text[i + 1]) || /[0-9@*#?$!-]/.test(text[i + 1]))) {
      this.mark(i + 1, 'afterDollar');
      w.expands = true;
    }
    // Pathname, brace and tilde expansion act on these when they are not quoted.
    if ('*?[{~'.includes(c)) w.expands = true;
    w.value += c;
    this.i += 1;
  }

  /** A newline seen by a script frame. */
  private scriptNewline(frame: ScriptFrame, at: number): void {
    this.mark(at);
    if (frame.casePattern || frame.caseStage > 0) {
      this.finishWord(frame, at);
      this.newlines.set(at, 'other');
      return;
    }
    if (frame.pendingRedirect && !frame.word) {
      // `cmd >` followed by a newline: the shell reports a syntax error; keep reading.
      frame.pendingRedirect = null;
      frame.expectDelimiter = null;
    }
    const hadWordOrRedirect = frame.word !== null || frame.cmd.words.length > 0 || frame.cmd.redirects.length > 0;
    if (!hadWordOrRedirect && frame.dangling && CONTINUING.has(frame.dangling)) {
      this.newlines.set(at, frame.commentSinceOperator ? 'other' : 'afterOperator');
      return;
    }
    this.finishCommand(frame, '\n', at);
    frame.atCommandStart = true;
    frame.dangling = '\n';
    frame.commentSinceOperator = false;
    const boundary = frame === this.top && frameIsComplete(frame);
    if (frame.heredocs.length) {
      this.newlines.set(at, 'other');
      this.startHeredocBodies(frame, at + 1, boundary);
      return;
    }
    this.newlines.set(at, boundary ? 'boundary' : 'other');
    if (boundary) this.recordTopBoundary(at + 1);
  }

  /** The here-documents of the line just ended: their bodies come next, in order. */
  private startHeredocBodies(frame: ScriptFrame, bodyStart: number, boundary: boolean): void {
    const pending = frame.heredocs;
    frame.heredocs = [];
    frame.boundaryAfterHeredocs = boundary;
    // Pushed in reverse so the first one is read first.
    for (let k = pending.length - 1; k >= 0; k--) {
      this.stack.push({ type: 'heredoc', spec: pending[k], bodyStart, atLineStart: true, nested: [], owner: frame, last: k === pending.length - 1 });
    }
  }

  /** An operator character in plain text; returns the characters consumed, 0 if it is not one here. */
  private scriptOperator(frame: ScriptFrame, at: number): number {
    const c = this.text[at];
    // Process substitution is part of a word.
    if ((c === '<' || c === '>') && this.text[at + 1] === '(') return this.processSubstitution(frame, at);
    if (c === ')') return this.closeParen(frame, at);
    if (c === '(') return this.openParen(frame, at);
    return this.redirection(frame, at) || this.controlOperator(frame, at);
  }

  private processSubstitution(frame: ScriptFrame, at: number): number {
    this.mark(at);
    const w = this.wordOf(frame, at);
    w.expands = true;
    this.stack.push(this.makeScriptFrame(')', at, w.nested, w));
    return 2;
  }

  private closeParen(frame: ScriptFrame, at: number): number {
    this.mark(at);
    // Finish the word first: `esac)` closes the case before the `)` is looked at.
    this.finishWord(frame, at);
    if (frame.casePattern) {
      frame.casePattern = false;
      frame.atCommandStart = true;
      return 1;
    }
    if (frame.closer === ')' && !frame.compound.includes('(')) {
      this.closeScript(frame, at + 1);
      return 1;
    }
    this.finishCommand(frame, ')', at);
    popCompound(frame, '(');
    // After `name()` comes the function body, which is a command (`{ ... }`).
    frame.atCommandStart = true;
    return 1;
  }

  private openParen(frame: ScriptFrame, at: number): number {
    this.mark(at);
    if (frame.casePattern) {
      this.finishWord(frame, at);
      return 1;
    }
    if (frame.atCommandStart && !frame.word && this.text[at + 1] === '(') {
      // `(( ... ))` arithmetic command.
      const w = this.wordOf(frame, at);
      this.stack.push({ type: 'arith', open: at, depth: 0, sink: w, attachTo: w.nested });
      return 2;
    }
    this.finishCommand(frame, '(', at);
    frame.compound.push('(');
    frame.atCommandStart = true;
    return 1;
  }

  private redirection(frame: ScriptFrame, at: number): number {
    const { text } = this;
    const c = text[at];
    // A word made only of digits right before a redirection is its file descriptor.
    let fd = '';
    if ((c === '<' || c === '>') && frame.word && /^\d+$/.test(frame.word.value) && !frame.word.quoted && frame.word.start + frame.word.value.length === at) {
      fd = frame.word.value;
      frame.word = null;
    }
    const op = REDIRECT_OPERATORS.find((o) => text.startsWith(o, at));
    if (!op) return 0;
    this.mark(at);
    this.finishWord(frame, at);
    const redirect: ShellRedirect = { op: fd + op };
    frame.cmd.redirects.push(redirect);
    frame.cmd.end = at + op.length;
    frame.pendingRedirect = redirect;
    if (op === '<<' || op === '<<-') frame.expectDelimiter = { stripTabs: op === '<<-' };
    return op.length;
  }

  private controlOperator(frame: ScriptFrame, at: number): number {
    const op = CONTROL_OPERATORS.find((o) => this.text.startsWith(o, at));
    if (!op) return 0;
    this.mark(at);
    if (frame.casePattern && op === '|') {
      this.finishWord(frame, at);
      return 1;
    }
    this.finishCommand(frame, op, at);
    frame.atCommandStart = true;
    frame.dangling = op;
    frame.commentSinceOperator = false;
    if (op === ';;' || op === ';&' || op === ';;&') frame.casePattern = frame.compound.includes('case');
    return op.length;
  }

  // ---- quotes ----------------------------------------------------------------------------

  private stepSingleQuote(frame: QuoteFrame): void {
    const c = this.text[this.i];
    this.mark(this.i);
    if (c === "'") {
      this.stack.pop();
    } else {
      if (frame.sink) frame.sink.value += c;
      if (c === '\n') this.newlines.set(this.i, 'other');
    }
    this.i += 1;
  }

  private stepAnsiCQuote(frame: QuoteFrame): void {
    const { text, i } = this;
    const c = text[i];
    this.mark(i);
    if (c === '\\' && i + 1 < this.n) {
      this.mark(i + 1, 'escaped');
      const { value, length } = decodeAnsiC(text, i);
      if (frame.sink) frame.sink.value += value;
      if (text[i + 1] === '\n') this.newlines.set(i + 1, 'other');
      this.i += length;
      return;
    }
    if (c === "'") this.stack.pop();
    else {
      if (frame.sink) frame.sink.value += c;
      if (c === '\n') this.newlines.set(i, 'other');
    }
    this.i += 1;
  }

  private stepDoubleQuote(frame: QuoteFrame): void {
    const { text, i } = this;
    const c = text[i];
    this.mark(i);
    if (c === '"') {
      this.stack.pop();
      this.i += 1;
      return;
    }
    if (c === '\\' && i + 1 < this.n) {
      const next = text[i + 1];
      this.mark(i + 1, 'escaped');
      if (next === '\n') {
        this.newlines.set(i + 1, 'quotedContinuation');
      } else if ('$`"\\'.includes(next)) {
        if (frame.sink) frame.sink.value += next;
      } else if (frame.sink) {
        frame.sink.value += c + next;
      }
      this.i += 2;
      return;
    }
    const used = this.openExpansion(i, false);
    if (used) {
      this.i += used;
      return;
    }
    if (c === '$' && i + 1 < this.n && isNameStart(text[i + 1])) {
      this.mark(i + 1, 'afterDollar');
      if (frame.sink) frame.sink.expands = true;
    }
    if (frame.sink) frame.sink.value += c;
    if (c === '\n') this.newlines.set(i, 'other');
    this.i += 1;
  }

  // ---- ${…}, $((…)) ----------------------------------------------------------------------

  private stepNest(frame: NestFrame): void {
    const { text, i } = this;
    const c = text[i];
    this.mark(i);
    if (c === '\n') this.newlines.set(i, 'other');
    if (c === '\\' && i + 1 < this.n) {
      this.mark(i + 1, 'escaped');
      this.i += 2;
      return;
    }
    if (frame.type === 'param') {
      if (c === '}' && frame.depth === 0) {
        this.stack.pop();
        if (frame.sink) frame.sink.value += text.slice(frame.open, i + 1);
        this.i += 1;
        return;
      }
      if (c === '{') frame.depth++;
      if (c === '}') frame.depth--;
      if (c === "'" || c === '"') {
        this.stack.push({ type: c === "'" ? 'single' : 'double', open: i, sink: null, attachTo: frame.attachTo });
        this.i += 1;
        return;
      }
    } else {
      if (c === ')' && frame.depth === 0 && text[i + 1] === ')') {
        this.stack.pop();
        if (frame.sink) frame.sink.value += text.slice(frame.open, i + 2);
        this.i += 2;
        return;
      }
      if (c === '(') frame.depth++;
      if (c === ')') frame.depth--;
    }
    const used = this.openExpansion(i, false);
    this.i += used || 1;
  }

  // ---- here-documents --------------------------------------------------------------------

  private stepHeredoc(frame: HeredocFrame): void {
    if (frame.atLineStart) {
      if (this.heredocEnds(frame)) return;
      frame.atLineStart = false;
    }
    const { text, i } = this;
    const c = text[i];
    this.mark(i);
    if (c === '\n') {
      this.newlines.set(i, 'other');
      frame.atLineStart = true;
      this.i += 1;
      return;
    }
    if (frame.spec.quoted) {
      this.i += 1;
      return;
    }
    if (c === '\\' && i + 1 < this.n && '$`\\\n'.includes(text[i + 1])) {
      this.mark(i + 1, 'escaped');
      if (text[i + 1] === '\n') this.newlines.set(i + 1, 'other');
      this.i += 2;
      return;
    }
    const used = this.openExpansion(i, false);
    this.i += used || 1;
  }

  /** At the start of a body line: if the line is the delimiter, closes the here-document. */
  private heredocEnds(frame: HeredocFrame): boolean {
    const { text } = this;
    const lineEnd = text.indexOf('\n', this.i);
    const stop = lineEnd < 0 ? this.n : lineEnd;
    let line = text.slice(this.i, stop);
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (frame.spec.stripTabs) line = line.replace(/^\t+/, '');
    if (line !== frame.spec.delimiter) return false;
    for (let k = this.i; k < stop; k++) this.mark(k);
    frame.spec.redirect.heredoc = {
      delimiter: frame.spec.delimiter,
      quoted: frame.spec.quoted,
      body: text.slice(frame.bodyStart, this.i),
      bodyStart: frame.bodyStart,
      nested: frame.nested,
    };
    this.stack.pop();
    this.i = stop;
    if (frame.last) this.afterLastHeredoc(frame.owner);
    else if (this.i < this.n) {
      this.newlines.set(this.i, 'other');
      this.i += 1;
      // The next here-document starts on the next line.
      const nextFrame = this.stack[this.stack.length - 1];
      if (nextFrame.type === 'heredoc') nextFrame.bodyStart = this.i;
    }
    return true;
  }

  /** After the last body of a line: the command that opened them may end a top-level command. */
  private afterLastHeredoc(owner: ScriptFrame): void {
    if (this.i < this.n) {
      this.newlines.set(this.i, owner.boundaryAfterHeredocs ? 'boundary' : 'other');
      this.i += 1;
    }
    if (owner.boundaryAfterHeredocs) this.recordTopBoundary(this.i);
    owner.boundaryAfterHeredocs = false;
  }

  // ---- end of input ----------------------------------------------------------------------

  /** Whatever is still open means the shell would wait for more; frames are closed so the partial structure stays usable. */
  private closeAtEnd(): void {
    const { top, n } = this;
    const innermost = this.stack[this.stack.length - 1];
    if (this.stack.length > 1 || innermost !== top) {
      this.incomplete ??= describeOpen(innermost);
      while (this.stack.length > 1) {
        const f = this.stack.pop()!;
        if (f.type === 'script') {
          this.finishCommand(f, '', n);
          f.script.end = n;
          if (f.attachTo) f.attachTo.push(f.script);
        }
      }
    }
    const danglingRedirect = top.pendingRedirect !== null && top.word === null;
    this.finishWord(top, n);
    if (top.heredocs.length) this.incomplete ??= `the here-document \`${top.heredocs[0].delimiter}\` has no body`;
    if (danglingRedirect) this.incomplete ??= 'it ends with a redirection that has no target';
    if (!frameIsComplete(top)) {
      const open = top.caseStage || top.casePattern ? 'case' : top.compound[top.compound.length - 1];
      this.incomplete ??= `\`${COMPOUND_NAMES[open] ?? open}\` is not closed`;
    }
    const hasWords = top.cmd.words.length > 0 || top.cmd.redirects.length > 0;
    if (!hasWords && top.dangling && CONTINUING.has(top.dangling)) this.incomplete ??= `it ends with \`${top.dangling}\``;
    this.finishCommand(top, '', n);
    top.script.end = n;
    if (top.commandStart < n) this.topCommands.push({ start: top.commandStart, end: n });
  }
}

function newCommand(start: number): ShellCommand {
  return { words: [], redirects: [], next: '', start, end: start };
}

function popCompound(frame: ScriptFrame, kind: string): void {
  const k = frame.compound.lastIndexOf(kind);
  if (k >= 0) frame.compound.splice(k, 1);
}

function frameIsComplete(frame: ScriptFrame): boolean {
  return frame.compound.length === 0 && frame.caseStage === 0 && !frame.casePattern;
}

const COMPOUND_NAMES: Record<string, string> = { if: 'if … fi', case: 'case … esac', loop: 'do … done', '{': '{ … }', '(': '( … )' };

function describeOpen(frame: Frame): string {
  switch (frame.type) {
    case 'single': return 'a single quote is not closed';
    case 'double': return 'a double quote is not closed';
    case 'ansiC': return "a `$'` quote is not closed";
    case 'param': return 'a `${` is not closed';
    case 'arith': return 'a `((` is not closed';
    case 'heredoc': return `the here-document \`${frame.spec.delimiter}\` is not terminated`;
    case 'script': return frame.closer === '`' ? 'a backtick is not closed' : 'a `$(` or `(` is not closed';
  }
}

/** Decodes one backslash escape of a `$'...'` string starting at `at` (the backslash). */
function decodeAnsiC(text: string, at: number): { value: string; length: number } {
  const c = text[at + 1];
  const simple: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', e: '\x1b', E: '\x1b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"', '?': '?' };
  if (c in simple) return { value: simple[c], length: 2 };
  const hex = /^x([0-9A-Fa-f]{1,2})/.exec(text.slice(at + 1, at + 4));
  if (hex) return { value: String.fromCharCode(parseInt(hex[1], 16)), length: 1 + hex[0].length };
  const oct = /^[0-7]{1,3}/.exec(text.slice(at + 1, at + 4));
  if (oct) return { value: String.fromCharCode(parseInt(oct[0], 8) & 0xff), length: 1 + oct[0].length };
  const uni = /^(u[0-9A-Fa-f]{1,4}|U[0-9A-Fa-f]{1,8})/.exec(text.slice(at + 1, at + 10));
  if (uni) {
    const cp = parseInt(uni[0].slice(1), 16);
    return { value: cp <= 0x10ffff ? String.fromCodePoint(cp) : '', length: 1 + uni[0].length };
  }
  return { value: '\\' + c, length: 2 };
}
