// Placeholders inside text that a shell reads again.
//
// The terminal's shell reads the command once. Where that reading hands text to a second
// shell (`sh -c '…'`, `eval …`, `ssh host …`, `su -c …`, a here-document into `sh`, see
// invocation.ts), a placeholder value must be quoted for the second shell too, and then the
// result quoted for the first. This module follows each placeholder through those levels: at
// each level it takes the text the next shell will read (the words after quote removal, joined
// as the program joins them), finds the placeholder's mark in it, and reads that text as shell
// in its turn, to learn the quote context there.
//
// Where the text the next shell reads cannot be known exactly before the command runs — part
// of it is expanded first (`sh -c "echo $X <v>"`), it is printed into a shell through a pipe,
// the reader has its own syntax (`env -S`, fish) — the value can only be accepted from a
// conservative character set (see SAFE_VALUE), and the reason names the reader.
import { allInvocations, readInvocation, stdinReaderOf, type Invocation, type Rereader, type ShellSyntax } from './invocation';
import { parseShell, type ContextKind, type OffsetContext, type ShellCommand, type ShellParse, type ShellScript, type ShellWord } from './syntax';

/** A placeholder's mark: letters only, unique in the text, the same length as the placeholder. */
export interface Mark {
  id: string;
  at: number;
}

/** Quote contexts a value can be quoted for exactly. */
export type QuotableContext = 'unquoted' | 'single' | 'double' | 'ansiC' | 'heredoc' | 'heredocQuoted' | 'comment';

export interface InnerLevel {
  /** Who reads this level's text, for messages. */
  reader: Rereader;
  /** This level's text as its reader reads it, with the marks in it. */
  text: string;
  /** Where the placeholder's mark is in `text`. */
  at: number;
  context: QuotableContext;
  heredoc?: { delimiter: string; stripTabs: boolean };
}

/** Characters a value must not contain because a program rewrites them in its arguments (`find -exec … {}`). */
export interface Forbidden {
  chars: string;
  reason: string;
}

export type Nesting =
  /** Quoted exactly for each level in turn (outermost first); none when nothing reads it again. */
  | { kind: 'exact'; levels: InnerLevel[]; forbidden: Forbidden[] }
  /** Quoted exactly for `levels`, then read where that cannot be proven: only SAFE_VALUE values. */
  | { kind: 'charset'; levels: InnerLevel[]; reason: string; forbidden: Forbidden[] }
  | { kind: 'refused'; reason: string };

/** Values accepted where the product cannot prove its quoting: inert in every shell's syntax (and not empty, which would drop a word). */
export const SAFE_VALUE = /^(?!-)[A-Za-z0-9._:/@%+=,-]+$/;
export const SAFE_VALUE_DESCRIPTION = 'non-empty values of letters, digits and . _ : / @ % + = , - (not starting with "-")';

/** Levels followed at most; deeper text is treated as unprovable. */
export const MAX_LEVELS = 4;

const REFUSED_CONTEXT: Partial<Record<ContextKind, string>> = {
  backtick: 'sits inside backticks (`…`), where quoting rules differ; write `$(…)` instead',
  param: 'sits inside `${…}`',
  arith: 'sits inside an arithmetic expression `$((…))`',
  afterDollar: 'follows a `$` directly',
  escaped: 'follows a backslash',
  heredocDelimiter: 'is the delimiter of a here-document',
};

/** The quotable context at an offset, or why a value cannot go there. */
export function quotableContext(ctx: OffsetContext | undefined): QuotableContext | { refused: string } {
  if (!ctx) return { refused: 'could not be located in the command' };
  for (const kind of [...ctx.within, ctx.kind]) {
    const refused = REFUSED_CONTEXT[kind];
    if (refused) return { refused };
  }
  switch (ctx.kind) {
    case 'unquoted': case 'single': case 'double': case 'ansiC': case 'heredoc': case 'heredocQuoted': case 'comment':
      return ctx.kind;
    default:
      return { refused: `sits where it cannot be quoted (${ctx.kind})` };
  }
}

/** Text a reader reads, and the marks in it; or why the text is only known when it runs. */
type ReadText = { text: string } | { unknown: string };

interface Candidate {
  reader: Rereader;
  marks: Mark[];
  read: () => ReadText;
}

/**
 * How each mark in a text (already read as `parsed`) is read again below this level.
 * `syntax` is the syntax of the shell that reads the text.
 */
export function nestingOf(parsed: ShellParse, marks: readonly Mark[], syntax: ShellSyntax = 'bash', depth = 0): Map<string, Nesting> {
  const result = new Map<string, Nesting>();
  for (const m of marks) result.set(m.id, { kind: 'exact', levels: [], forbidden: [] });
  if (!marks.length) return result;
  for (const candidate of candidatesOf(parsed, marks, syntax)) {
    const below = descend(candidate, depth);
    for (const m of candidate.marks) result.set(m.id, merge(result.get(m.id)!, below.get(m.id)!));
  }
  for (const { mark, forbidden } of replacementsOf(parsed, marks, syntax)) {
    const current = result.get(mark)!;
    if (current.kind !== 'refused') result.set(mark, { ...current, forbidden: [...current.forbidden, forbidden] });
  }
  return result;
}

/** Marks in the words where `find -exec` replaces `{}` (or `xargs -I` its string): the value must not bring those characters. */
function replacementsOf(parsed: ShellParse, marks: readonly Mark[], syntax: ShellSyntax): Array<{ mark: string; forbidden: Forbidden }> {
  const out: Array<{ mark: string; forbidden: Forbidden }> = [];
  for (const script of allScripts(parsed.script)) {
    for (const cmd of script.commands) {
      for (const inv of allInvocations(readInvocation(cmd.words, syntax))) {
        for (const r of inv.replaces ?? []) {
          const chars = r.token.length <= 2 ? r.token : '';
          for (const m of marks.filter((mk) => r.words.some((w) => inWord(w, mk.at)))) {
            out.push({ mark: m.id, forbidden: { chars: chars || r.token, reason: r.by } });
          }
        }
      }
    }
  }
  return out;
}

/** Every place in the parse where a shell reads text again, with the marks inside it. */
function candidatesOf(parsed: ShellParse, marks: readonly Mark[], syntax: ShellSyntax): Candidate[] {
  const out: Candidate[] = [];
  for (const script of allScripts(parsed.script)) {
    let pipeline: Array<{ cmd: ShellCommand; inv: Invocation | undefined }> = [];
    for (const cmd of script.commands) {
      const inv = readInvocation(cmd.words, syntax);
      out.push(...rereadsOf(inv, marks), ...stdinOf(cmd, inv, marks), ...sourcedOf(inv, marks));
      pipeline.push({ cmd, inv });
      if (cmd.next !== '|' && cmd.next !== '|&') {
        out.push(...pipedOf(pipeline, marks));
        pipeline = [];
      }
    }
    out.push(...pipedOf(pipeline, marks));
  }
  return out;
}

function allScripts(root: ShellScript): ShellScript[] {
  const out: ShellScript[] = [];
  const stack = [root];
  while (stack.length) {
    const script = stack.pop()!;
    out.push(script);
    for (const cmd of script.commands) {
      for (const w of cmd.words) stack.push(...w.nested);
      for (const r of cmd.redirects) {
        if (r.target) stack.push(...r.target.nested);
        if (r.heredoc) stack.push(...r.heredoc.nested);
      }
    }
  }
  return out;
}

const inWord = (w: ShellWord, at: number) => at >= w.start && at < w.end;

/** `sh -c WORD`, `eval WORDS`, `ssh host WORDS` …: the words' values, joined with spaces. */
function rereadsOf(inv: Invocation | undefined, marks: readonly Mark[]): Candidate[] {
  const out: Candidate[] = [];
  for (const one of allInvocations(inv)) {
    for (const r of one.rereads) {
      const inside = marks.filter((m) => r.words.some((w) => inWord(w, m.at)));
      if (!inside.length) continue;
      out.push({
        reader: r.reader,
        marks: inside,
        read: () => {
          const expanding = r.words.find((w) => w.expands);
          if (expanding) return { unknown: `${r.reader.does}, after the shell before it has expanded \`${shorten(expanding)}\` in it, so the text around the value is only known when it runs` };
          return { text: r.words.map((w) => w.value).join(' ') };
        },
      });
    }
  }
  return out;
}

/** A here-document or here-string given to a program that reads commands from its input. */
function stdinOf(cmd: ShellCommand, inv: Invocation | undefined, marks: readonly Mark[]): Candidate[] {
  const reader = stdinReaderOf(inv);
  if (!reader) return [];
  const out: Candidate[] = [];
  for (const r of cmd.redirects) {
    if (r.heredoc) {
      const { body, bodyStart, quoted } = r.heredoc;
      const inside = marks.filter((m) => m.at >= bodyStart && m.at < bodyStart + body.length);
      if (!inside.length) continue;
      const stripTabs = r.op.endsWith('<<-');
      out.push({ reader, marks: inside, read: () => heredocText(body, quoted, stripTabs, reader) });
    } else if (r.op.endsWith('<<<') && r.target) {
      const target = r.target;
      const inside = marks.filter((m) => inWord(target, m.at));
      if (!inside.length) continue;
      out.push({
        reader,
        marks: inside,
        read: () => (target.expands ? { unknown: `${reader.does}, after the shell before it has expanded \`${shorten(target)}\` in it` } : { text: `${target.value}\n` }),
      });
    }
  }
  return out;
}

/** The text a here-document gives its reader: taken literally when its delimiter is quoted. */
function heredocText(body: string, quoted: boolean, stripTabs: boolean, reader: Rereader): ReadText {
  const lines = stripTabs ? body.replace(/^\t+/gm, '') : body;
  if (quoted) return { text: lines };
  if (/(^|[^\\])(\\\\)*[$`]/.test(lines)) {
    return { unknown: `${reader.does}, after the here-document's \`$…\` expansions, so the text around the value is only known when it runs` };
  }
  return { text: lines.replace(/\\([$`\\])|\\\n/g, (_, c: string | undefined) => c ?? '') };
}

/** `source <(…)`, `sh <(…)`: a script that is the output of a command. */
function sourcedOf(inv: Invocation | undefined, marks: readonly Mark[]): Candidate[] {
  if (!inv || !['source', '.', 'sh', 'bash', 'dash', 'zsh', 'ksh'].includes(inv.program) || inv.rereads.length || inv.stdinReader) return [];
  const file = inv.args.find((w) => !w.value.startsWith('-'));
  if (!file?.nested.length) return [];
  const inside = marks.filter((m) => file.nested.some((s) => m.at >= s.start && m.at < s.end));
  if (!inside.length) return [];
  const reader: Rereader = { name: `\`${inv.program}\``, does: `is printed into a file that \`${inv.program}\` reads as commands`, syntax: 'other' };
  return [{ reader, marks: inside, read: () => ({ unknown: reader.does }) }];
}

/** `echo "…" | sh`, `cat <<EOF | ssh host`: text printed into a program that reads commands. */
function pipedOf(pipeline: Array<{ cmd: ShellCommand; inv: Invocation | undefined }>, marks: readonly Mark[]): Candidate[] {
  const out: Candidate[] = [];
  for (let j = 1; j < pipeline.length; j++) {
    const reader = stdinReaderOf(pipeline[j].inv);
    if (!reader) continue;
    const inside = marks.filter((m) => pipeline.slice(0, j).some(({ cmd }) => commandCovers(cmd, m.at)));
    if (!inside.length) continue;
    const piped: Rereader = { ...reader, does: `is printed through a pipe into ${reader.name}, which reads it as commands` };
    out.push({ reader: piped, marks: inside, read: () => ({ unknown: piped.does }) });
  }
  return out;
}

function commandCovers(cmd: ShellCommand, at: number): boolean {
  if (at >= cmd.start && at < cmd.end) return true;
  return cmd.redirects.some((r) => r.heredoc && at >= r.heredoc.bodyStart && at < r.heredoc.bodyStart + r.heredoc.body.length);
}

function shorten(word: ShellWord): string {
  const v = word.value;
  const at = Math.max(0, v.search(/[$`*?[{~]/));
  const piece = v.slice(at, at + 24);
  return piece.length < v.length - at ? `${piece}…` : piece;
}

/** Reads the candidate's text as shell (the next level) and follows its marks further down. */
function descend(candidate: Candidate, depth: number): Map<string, Nesting> {
  const { reader, marks } = candidate;
  const all = (nesting: Nesting) => new Map(marks.map((m) => [m.id, nesting]));
  const unprovable = (reason: string) => all({ kind: 'charset', levels: [], reason, forbidden: [] });
  if (depth + 1 > MAX_LEVELS) return unprovable(`${reader.does}, more than ${MAX_LEVELS} shells deep, which is not followed`);
  if (reader.syntax === 'other') return unprovable(`${reader.does}, which the product does not quote for`);
  const read = candidate.read();
  if ('unknown' in read) return unprovable(read.unknown);
  const { text } = read;
  if (reader.syntax === 'sh' && /\$['"]/.test(text)) {
    return unprovable(`${reader.does}, and a POSIX \`sh\` reads \`$'…'\`/\`$"…"\` differently from bash`);
  }
  const found = locateMarks(text, marks);
  const inner: Mark[] = [];
  for (const m of marks) {
    const at = found.get(m.id) ?? [];
    if (at.length !== 1) return all({ kind: 'refused', reason: `could not be located in the text that ${reader.name} reads` });
    inner.push({ id: m.id, at: at[0] });
  }
  const parsed = parseShell(text, inner.map((m) => m.at));
  if (parsed.incomplete) return unprovable(`${reader.does}, but that text is not complete shell (${parsed.incomplete})`);
  const deeper = nestingOf(parsed, inner, reader.syntax, depth + 1);
  const out = new Map<string, Nesting>();
  for (const m of inner) {
    const ctx = parsed.contexts.get(m.at);
    const context = quotableContext(ctx);
    if (typeof context !== 'string') {
      out.set(m.id, { kind: 'refused', reason: `${context.refused} in the text that ${reader.name} reads again` });
      continue;
    }
    const level: InnerLevel = { reader, text, at: m.at, context, ...(ctx?.heredoc ? { heredoc: ctx.heredoc } : {}) };
    const below = deeper.get(m.id)!;
    out.set(m.id, below.kind === 'refused' ? below : { ...below, levels: [level, ...below.levels] });
  }
  return out;
}

/** Where each mark occurs in a text, in one pass (marks share their first letter and index width; see makeMarks). */
function locateMarks(text: string, marks: readonly Mark[]): Map<string, number[]> {
  const found = new Map<string, number[]>();
  if (!marks.length) return found;
  const lead = marks[0].id[0];
  const width = /^.[a-z]*/.exec(marks[0].id)![0].length - 1;
  const byPrefix = new Map(marks.map((m) => [m.id.slice(0, width + 1), m.id]));
  const prefix = new RegExp(`${lead}[a-z]{${width}}`, 'g');
  for (let m = prefix.exec(text); m; m = prefix.exec(text)) {
    const id = byPrefix.get(m[0]);
    if (id && text.startsWith(id, m.index)) found.set(id, [...(found.get(id) ?? []), m.index]);
    prefix.lastIndex = m.index + 1;
  }
  return found;
}

/** Two readings of one mark at the same level: the stricter wins; the longer chain says how it is quoted. */
function merge(a: Nesting, b: Nesting): Nesting {
  if (a.kind === 'refused') return a;
  if (b.kind === 'refused') return b;
  const levels = b.levels.length > a.levels.length ? b.levels : a.levels;
  const forbidden = [...a.forbidden, ...b.forbidden];
  const charset = a.kind === 'charset' ? a : b.kind === 'charset' ? b : undefined;
  return charset ? { kind: 'charset', levels, reason: charset.reason, forbidden } : { kind: 'exact', levels, forbidden };
}

/**
 * Marks for placeholders: `Q` + a base-26 index + `Z` padding, as long as each placeholder, so
 * offsets do not move. Letters only, so they are plain word text in every quote context; no
 * mark is inside another; none occurs in `text`. Undefined when the text leaves no room.
 */
export function makeMarks(lengths: readonly number[], text: string): string[] | undefined {
  const width = Math.max(1, Math.ceil(Math.log(Math.max(2, lengths.length)) / Math.log(26)));
  if (lengths.some((l) => l < width + 1)) return undefined;
  for (const lead of ['Q', 'X', 'J', 'K', 'V', 'W']) {
    const marks = lengths.map((len, k) => {
      let index = '';
      for (let n = k, d = 0; d < width; d++, n = Math.floor(n / 26)) index = String.fromCharCode(97 + (n % 26)) + index;
      return (lead + index).padEnd(len, 'Z');
    });
    const taken = new Set([...text.matchAll(new RegExp(`(?=(${lead}[a-z]{${width}}))`, 'g'))].map((m) => m[1]));
    if (!marks.some((m) => taken.has(m.slice(0, width + 1)))) return marks;
  }
  return undefined;
}
