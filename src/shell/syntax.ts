// A small reader for POSIX-ish shell text (bash flavoured), enough for three jobs:
// - knowing the quote context at a given offset, so a placeholder value is quoted correctly;
// - cutting a block into its top-level commands (respecting `\` continuations, quotes,
//   here-documents and if/for/case/{ } bodies), so a block can run one command at a time;
// - splitting text into simple commands with quote-removed words, for the danger rules.
// It is not a full shell parser: it never expands anything and errs towards "incomplete".
// The scan is one loop over the text with an explicit stack of frames (no recursion), so
// deeply nested input cannot exhaust the call stack.

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
  const wanted = new Set(offsets);
  const contexts = new Map<number, OffsetContext>();
  const newlines = new Map<number, NewlineRole>();
  const comments: Array<{ start: number; end: number }> = [];
  const topCommands: Array<{ start: number; end: number }> = [];
  let incomplete: string | null = null;

  const newCommand = (start: number): ShellCommand => ({ words: [], redirects: [], next: '', start, end: start });
  const top: ScriptFrame = makeScriptFrame(null, 0, null, null);
  const stack: Frame[] = [top];
  const n = text.length;
  let i = 0;

  function makeScriptFrame(closer: ScriptFrame['closer'], open: number, attachTo: ShellScript[] | null, parentWord: WordBuilder | null): ScriptFrame {
    return {
      type: 'script', closer, open, attachTo, parentWord,
      script: { start: open, end: open, commands: [] },
      word: null, cmd: newCommand(open), pendingRedirect: null, expectDelimiter: null, heredocs: [],
      atCommandStart: true, compound: [], caseStage: 0, casePattern: false, dangling: null,
      commentSinceOperator: false, commandStart: open, boundaryAfterHeredocs: false,
    };
  }

  function describe(): OffsetContext {
    const within: ContextKind[] = stack.map((f) => {
      switch (f.type) {
        case 'script': return f.closer === '`' ? 'backtick' : 'unquoted';
        case 'heredoc': return f.spec.quoted ? 'heredocQuoted' : 'heredoc';
        default: return f.type;
      }
    });
    const topFrame = stack[stack.length - 1];
    let kind = within[within.length - 1];
    if (topFrame.type === 'script' && topFrame.expectDelimiter) kind = 'heredocDelimiter';
    for (let k = stack.length - 1; k >= 0; k--) {
      const f = stack[k];
      if (f.type === 'heredoc') return { kind, within, heredoc: { delimiter: f.spec.delimiter, stripTabs: f.spec.stripTabs } };
    }
    return { kind, within };
  }
  function mark(pos: number, kind?: ContextKind): void {
    if (!wanted.has(pos) || contexts.has(pos)) return;
    const ctx = describe();
    contexts.set(pos, kind ? { ...ctx, kind } : ctx);
  }

  /** The word being built by the innermost script frame, starting one if needed. */
  function wordOf(frame: ScriptFrame, at: number): WordBuilder {
    if (!frame.word) frame.word = { start: at, value: '', quoted: false, nested: [] };
    return frame.word;
  }
  /** Where nested scripts and raw text go from the current frame. */
  function currentSinks(at: number): { sink: WordBuilder | null; attachTo: ShellScript[] } {
    const f = stack[stack.length - 1];
    if (f.type === 'script') {
      const w = wordOf(f, at);
      return { sink: w, attachTo: w.nested };
    }
    if (f.type === 'heredoc') return { sink: null, attachTo: f.nested };
    return { sink: f.type === 'single' || f.type === 'double' || f.type === 'ansiC' ? f.sink : null, attachTo: f.attachTo };
  }

  /** `$(`, `$((`, `${`, backtick, `$'`: pushes the frame; returns the characters consumed, 0 if none. */
  function openExpansion(at: number, allowAnsiC: boolean): number {
    const c = text[at];
    const next = text[at + 1];
    if (c === '`') {
      const { sink, attachTo } = currentSinks(at);
      stack.push(makeScriptFrame('`', at, attachTo, sink));
      return 1;
    }
    if (c !== '$') return 0;
    if (next === '(' && text[at + 2] === '(') {
      const { sink, attachTo } = currentSinks(at);
      stack.push({ type: 'arith', open: at, depth: 0, sink, attachTo });
      return 3;
    }
    if (next === '(') {
      const { sink, attachTo } = currentSinks(at);
      stack.push(makeScriptFrame(')', at, attachTo, sink));
      return 2;
    }
    if (next === '{') {
      const { sink, attachTo } = currentSinks(at);
      stack.push({ type: 'param', open: at, depth: 0, sink, attachTo });
      return 2;
    }
    if (allowAnsiC && next === "'") {
      const { sink, attachTo } = currentSinks(at);
      if (sink) sink.quoted = true;
      stack.push({ type: 'ansiC', open: at, sink, attachTo });
      return 2;
    }
    return 0;
  }

  function finishWord(frame: ScriptFrame, end: number): void {
    const w = frame.word;
    if (!w) return;
    frame.word = null;
    const word: ShellWord = { start: w.start, end, value: w.value, quoted: w.quoted, nested: w.nested };
    if (frame.pendingRedirect) {
      const redirect = frame.pendingRedirect;
      frame.pendingRedirect = null;
      redirect.target = word;
      if (frame.expectDelimiter) {
        frame.heredocs.push({ redirect, delimiter: word.value, quoted: word.quoted, stripTabs: frame.expectDelimiter.stripTabs });
        frame.expectDelimiter = null;
      }
      return;
    }
    if (frame.casePattern) {
      if (!word.quoted && word.value === 'esac') {
        frame.casePattern = false;
        popCompound(frame, 'case');
        frame.cmd.words.push(word);
      }
      return;
    }
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
    frame.cmd.words.push(word);
    frame.cmd.end = end;
    frame.dangling = null;
  }

  function popCompound(frame: ScriptFrame, kind: string): void {
    const k = frame.compound.lastIndexOf(kind);
    if (k >= 0) frame.compound.splice(k, 1);
  }

  function finishCommand(frame: ScriptFrame, op: string, at: number): void {
    finishWord(frame, at);
    const cmd = frame.cmd;
    if (cmd.words.length || cmd.redirects.length) {
      cmd.next = op;
      frame.script.commands.push(cmd);
    }
    frame.cmd = newCommand(at + op.length);
  }

  function recordTopBoundary(end: number): void {
    topCommands.push({ start: top.commandStart, end });
    top.commandStart = end;
  }

  function frameIsComplete(frame: ScriptFrame): boolean {
    return frame.compound.length === 0 && frame.caseStage === 0 && !frame.casePattern;
  }

  /** A newline seen by a script frame. */
  function scriptNewline(frame: ScriptFrame, at: number): void {
    mark(at);
    if (frame.casePattern || frame.caseStage > 0) {
      finishWord(frame, at);
      newlines.set(at, 'other');
      return;
    }
    if (frame.pendingRedirect && !frame.word) {
      // `cmd >` followed by a newline: the shell reports a syntax error; keep reading.
      frame.pendingRedirect = null;
      frame.expectDelimiter = null;
    }
    const hadWordOrRedirect = frame.word !== null || frame.cmd.words.length > 0 || frame.cmd.redirects.length > 0;
    if (!hadWordOrRedirect && frame.dangling && CONTINUING.has(frame.dangling)) {
      newlines.set(at, frame.commentSinceOperator ? 'other' : 'afterOperator');
      return;
    }
    finishCommand(frame, '\n', at);
    frame.atCommandStart = true;
    frame.dangling = '\n';
    frame.commentSinceOperator = false;
    const boundary = frame === top && frameIsComplete(frame);
    if (frame.heredocs.length) {
      newlines.set(at, 'other');
      const pending = frame.heredocs;
      frame.heredocs = [];
      frame.boundaryAfterHeredocs = boundary;
      // Pushed in reverse so the first one is read first.
      for (let k = pending.length - 1; k >= 0; k--) {
        stack.push({ type: 'heredoc', spec: pending[k], bodyStart: at + 1, atLineStart: true, nested: [], owner: frame, last: k === pending.length - 1 });
      }
      return;
    }
    newlines.set(at, boundary ? 'boundary' : 'other');
    if (boundary) recordTopBoundary(at + 1);
  }

  function scriptOperator(frame: ScriptFrame, at: number): number {
    const c = text[at];
    // Process substitution is part of a word.
    if ((c === '<' || c === '>') && text[at + 1] === '(') {
      mark(at);
      const w = wordOf(frame, at);
      stack.push(makeScriptFrame(')', at, w.nested, w));
      return 2;
    }
    if (c === ')') {
      mark(at);
      // Finish the word first: `esac)` closes the case before the `)` is looked at.
      finishWord(frame, at);
      if (frame.casePattern) {
        frame.casePattern = false;
        frame.atCommandStart = true;
        return 1;
      }
      if (frame.closer === ')' && !frame.compound.includes('(')) {
        closeScript(frame, at + 1);
        return 1;
      }
      finishCommand(frame, ')', at);
      popCompound(frame, '(');
      // After `name()` comes the function body, which is a command (`{ ... }`).
      frame.atCommandStart = true;
      return 1;
    }
    if (c === '(') {
      mark(at);
      if (frame.casePattern) {
        finishWord(frame, at);
        return 1;
      }
      if (frame.atCommandStart && !frame.word && text[at + 1] === '(') {
        // `(( ... ))` arithmetic command.
        const w = wordOf(frame, at);
        stack.push({ type: 'arith', open: at, depth: 0, sink: w, attachTo: w.nested });
        return 2;
      }
      finishCommand(frame, '(', at);
      frame.compound.push('(');
      frame.atCommandStart = true;
      return 1;
    }
    // A word made only of digits right before a redirection is its file descriptor.
    let fd = '';
    if ((c === '<' || c === '>') && frame.word && /^\d+$/.test(frame.word.value) && !frame.word.quoted && frame.word.start + frame.word.value.length === at) {
      fd = frame.word.value;
      frame.word = null;
    }
    for (const op of REDIRECT_OPERATORS) {
      if (text.startsWith(op, at)) {
        mark(at);
        finishWord(frame, at);
        const redirect: ShellRedirect = { op: fd + op };
        frame.cmd.redirects.push(redirect);
        frame.cmd.end = at + op.length;
        frame.pendingRedirect = redirect;
        if (op === '<<' || op === '<<-') frame.expectDelimiter = { stripTabs: op === '<<-' };
        return op.length;
      }
    }
    for (const op of CONTROL_OPERATORS) {
      if (text.startsWith(op, at)) {
        mark(at);
        if (frame.casePattern && op === '|') {
          finishWord(frame, at);
          return 1;
        }
        finishCommand(frame, op, at);
        frame.atCommandStart = true;
        frame.dangling = op;
        frame.commentSinceOperator = false;
        if (op === ';;' || op === ';&' || op === ';;&') frame.casePattern = frame.compound.includes('case');
        return op.length;
      }
    }
    return 0;
  }

  function closeScript(frame: ScriptFrame, end: number): void {
    finishCommand(frame, '', end - 1);
    frame.script.end = end;
    stack.pop();
    if (frame.attachTo) frame.attachTo.push(frame.script);
    if (frame.parentWord) frame.parentWord.value += text.slice(frame.open, end);
  }

  function stepScript(frame: ScriptFrame): void {
    const c = text[i];
    if (c === '\\') {
      if (text[i + 1] === '\n') {
        mark(i);
        mark(i + 1, 'escaped');
        newlines.set(i + 1, 'continuation');
        i += 2;
        return;
      }
      if (i + 1 >= n) {
        mark(i);
        incomplete ??= 'it ends with a line continuation (`\\`)';
        wordOf(frame, i).value += '\\';
        i += 1;
        return;
      }
      mark(i);
      mark(i + 1, 'escaped');
      const w = wordOf(frame, i);
      w.value += text[i + 1];
      w.quoted = true;
      i += 2;
      return;
    }
    if (frame.closer === '`' && c === '`') {
      mark(i);
      closeScript(frame, i + 1);
      i += 1;
      return;
    }
    if (!frame.word && c === '#') {
      const end = text.indexOf('\n', i);
      const stop = end < 0 ? n : end;
      for (let k = i; k < stop; k++) mark(k, 'comment');
      comments.push({ start: i, end: stop });
      frame.commentSinceOperator = true;
      i = stop;
      return;
    }
    if (c === '\n') {
      finishWord(frame, i);
      scriptNewline(frame, i);
      i += 1;
      return;
    }
    if (isBlank(c) || c === '\r') {
      mark(i);
      finishWord(frame, i);
      i += 1;
      return;
    }
    if (';&|()<>'.includes(c)) {
      const used = scriptOperator(frame, i);
      if (used) {
        i += used;
        return;
      }
    }
    mark(i);
    const w = wordOf(frame, i);
    if (c === "'") {
      w.quoted = true;
      stack.push({ type: 'single', open: i, sink: w, attachTo: w.nested });
      i += 1;
      return;
    }
    if (c === '"') {
      w.quoted = true;
      stack.push({ type: 'double', open: i, sink: w, attachTo: w.nested });
      i += 1;
      return;
    }
    if (c === '$' && text[i + 1] === '"') {
      w.quoted = true;
      stack.push({ type: 'double', open: i, sink: w, attachTo: w.nested });
      i += 2;
      return;
    }
    const used = openExpansion(i, true);
    if (used) {
      i += used;
      return;
    }
    if (c === '$' && i + 1 < n && (isNameStart(text[i + 1]) || /[0-9@*#?$!-]/.test(text[i + 1]))) {
      mark(i + 1, 'afterDollar');
    }
    w.value += c;
    i += 1;
  }

  function stepQuote(frame: QuoteFrame): void {
    const c = text[i];
    mark(i);
    if (frame.type === 'single') {
      if (c === "'") {
        stack.pop();
      } else {
        if (frame.sink) frame.sink.value += c;
        if (c === '\n') newlines.set(i, 'other');
      }
      i += 1;
      return;
    }
    if (frame.type === 'ansiC') {
      if (c === '\\' && i + 1 < n) {
        mark(i + 1, 'escaped');
        const { value, length } = decodeAnsiC(text, i);
        if (frame.sink) frame.sink.value += value;
        if (text[i + 1] === '\n') newlines.set(i + 1, 'other');
        i += length;
        return;
      }
      if (c === "'") stack.pop();
      else {
        if (frame.sink) frame.sink.value += c;
        if (c === '\n') newlines.set(i, 'other');
      }
      i += 1;
      return;
    }
    // double
    if (c === '"') {
      stack.pop();
      i += 1;
      return;
    }
    if (c === '\\' && i + 1 < n) {
      const next = text[i + 1];
      mark(i + 1, 'escaped');
      if (next === '\n') {
        newlines.set(i + 1, 'quotedContinuation');
      } else if ('$`"\\'.includes(next)) {
        if (frame.sink) frame.sink.value += next;
      } else if (frame.sink) {
        frame.sink.value += c + next;
      }
      i += 2;
      return;
    }
    const used = openExpansion(i, false);
    if (used) {
      i += used;
      return;
    }
    if (c === '$' && i + 1 < n && isNameStart(text[i + 1])) mark(i + 1, 'afterDollar');
    if (frame.sink) frame.sink.value += c;
    if (c === '\n') newlines.set(i, 'other');
    i += 1;
  }

  function stepNest(frame: NestFrame): void {
    const c = text[i];
    mark(i);
    if (c === '\n') newlines.set(i, 'other');
    if (c === '\\' && i + 1 < n) {
      mark(i + 1, 'escaped');
      i += 2;
      return;
    }
    if (frame.type === 'param') {
      if (c === '}' && frame.depth === 0) {
        stack.pop();
        if (frame.sink) frame.sink.value += text.slice(frame.open, i + 1);
        i += 1;
        return;
      }
      if (c === '{') frame.depth++;
      if (c === '}') frame.depth--;
      if (c === "'" || c === '"') {
        stack.push({ type: c === "'" ? 'single' : 'double', open: i, sink: null, attachTo: frame.attachTo });
        i += 1;
        return;
      }
    } else {
      if (c === ')' && frame.depth === 0 && text[i + 1] === ')') {
        stack.pop();
        if (frame.sink) frame.sink.value += text.slice(frame.open, i + 2);
        i += 2;
        return;
      }
      if (c === '(') frame.depth++;
      if (c === ')') frame.depth--;
    }
    const used = openExpansion(i, false);
    i += used || 1;
  }

  function stepHeredoc(frame: HeredocFrame): void {
    if (frame.atLineStart) {
      const lineEnd = text.indexOf('\n', i);
      const stop = lineEnd < 0 ? n : lineEnd;
      let line = text.slice(i, stop);
      if (line.endsWith('\r')) line = line.slice(0, -1);
      if (frame.spec.stripTabs) line = line.replace(/^\t+/, '');
      if (line === frame.spec.delimiter) {
        for (let k = i; k < stop; k++) mark(k);
        frame.spec.redirect.heredoc = {
          delimiter: frame.spec.delimiter,
          quoted: frame.spec.quoted,
          body: text.slice(frame.bodyStart, i),
          bodyStart: frame.bodyStart,
          nested: frame.nested,
        };
        stack.pop();
        i = stop;
        if (frame.last) {
          const owner = frame.owner;
          if (i < n) {
            newlines.set(i, owner.boundaryAfterHeredocs ? 'boundary' : 'other');
            i += 1;
          }
          if (owner.boundaryAfterHeredocs) recordTopBoundary(i);
          owner.boundaryAfterHeredocs = false;
        } else if (i < n) {
          newlines.set(i, 'other');
          i += 1;
          // The next here-document starts on the next line.
          const nextFrame = stack[stack.length - 1];
          if (nextFrame.type === 'heredoc') nextFrame.bodyStart = i;
        }
        return;
      }
      frame.atLineStart = false;
    }
    const c = text[i];
    mark(i);
    if (c === '\n') {
      newlines.set(i, 'other');
      frame.atLineStart = true;
      i += 1;
      return;
    }
    if (frame.spec.quoted) {
      i += 1;
      return;
    }
    if (c === '\\' && i + 1 < n && '$`\\\n'.includes(text[i + 1])) {
      mark(i + 1, 'escaped');
      if (text[i + 1] === '\n') newlines.set(i + 1, 'other');
      i += 2;
      return;
    }
    const used = openExpansion(i, false);
    i += used || 1;
  }

  while (i < n) {
    const frame = stack[stack.length - 1];
    switch (frame.type) {
      case 'script': stepScript(frame); break;
      case 'single': case 'double': case 'ansiC': stepQuote(frame); break;
      case 'param': case 'arith': stepNest(frame); break;
      case 'heredoc': stepHeredoc(frame); break;
    }
  }
  for (const pos of wanted) if (pos >= n) mark(pos);

  // End of input: whatever is still open means the shell would wait for more.
  const innermost = stack[stack.length - 1];
  if (stack.length > 1 || innermost !== top) {
    incomplete ??= describeOpen(innermost);
    // Close every frame so the partial structure is still usable by the danger rules.
    while (stack.length > 1) {
      const f = stack.pop()!;
      if (f.type === 'script') {
        finishCommand(f, '', n);
        f.script.end = n;
        if (f.attachTo) f.attachTo.push(f.script);
      }
    }
  }
  const danglingRedirect = top.pendingRedirect !== null && top.word === null;
  finishWord(top, n);
  if (top.heredocs.length) incomplete ??= `the here-document \`${top.heredocs[0].delimiter}\` has no body`;
  if (danglingRedirect) incomplete ??= 'it ends with a redirection that has no target';
  if (!frameIsComplete(top)) {
    const open = top.caseStage || top.casePattern ? 'case' : top.compound[top.compound.length - 1];
    incomplete ??= `\`${COMPOUND_NAMES[open] ?? open}\` is not closed`;
  }
  const hasWords = top.cmd.words.length > 0 || top.cmd.redirects.length > 0;
  if (!hasWords && top.dangling && CONTINUING.has(top.dangling)) incomplete ??= `it ends with \`${top.dangling}\``;
  finishCommand(top, '', n);
  top.script.end = n;
  if (top.commandStart < n) topCommands.push({ start: top.commandStart, end: n });

  return { script: top.script, commands: topCommands, newlines, comments, incomplete, contexts };
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
