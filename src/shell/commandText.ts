// From a runbook code block to the exact text the terminal receives.
//
// 1. Transcripts (the same rule as the placeholder finder, shell/transcript.ts, so both read the
//    same lines as commands): in a shell/unlabeled block with `$ ` prompt lines (or root `# `
//    prompts in a `console` block), prompt lines are commands (prompt stripped), a line after a command
//    line ending in `\` continues it (a `> ` continuation prompt stripped), and every other
//    line is output and is not sent. Elsewhere every line is a command.
// 2. Placeholders are replaced by the typed values, quoted for a POSIX shell according to the
//    quote context the placeholder sits in — computed here by our own shell reader, because
//    getting it wrong would turn a value into shell syntax. Where no quoting keeps the value
//    exact (inside backticks, `${...}`, `$((...))`, after a `$` or a backslash, in a
//    here-document delimiter) the block is refused with the reason. Where the text around a
//    placeholder is read AGAIN by another shell (`sh -c '…'`, `ssh host "…"`, `eval`, a
//    here-document into `sh` …), the value is quoted for every level in turn, innermost first
//    (nesting.ts); where a level cannot be known before the command runs, only values from a
//    conservative character set are accepted, and others are refused naming that level.
// 3. Multi-line blocks run ONE TOP-LEVEL COMMAND AT A TIME, stopping at the first that fails:
//    the recorded exit code is that command's, and later commands do not run. A "command" is
//    what the shell would run on Enter: a line, plus its `\` continuations, lines after a
//    trailing `&&`/`||`/`|`, a whole here-document, a whole if/for/while/case/{ }/( ) body.
//    Each is sent as one physical line (VS Code can lose the end-of-execution event of a
//    command line containing newlines): continuations are joined, and a command that still
//    spans lines is sent as `eval $'…'`. Commands run in the terminal's own shell, in order, so
//    `cd` and `export` carry over to the next command and the next block, as if typed.
//    `a; b` on one line is one command, as typed: its exit code is `b`'s.
import type { CodeBlock, Placeholder } from '../runbooks/model';
import { matchPrompt, sessionOf } from './transcript';
import { parseShell, type NewlineRole } from './syntax';
import { quoteAnsiC, quotePosix, refuseValue } from './quote';
import { makeMarks, nestingOf, quotableContext, SAFE_VALUE, SAFE_VALUE_DESCRIPTION, type Forbidden, type InnerLevel, type QuotableContext } from './nesting';

/** Why a block or a value cannot become a command; `reasons` are meant for the user. */
export class CommandTextError extends Error {
  constructor(readonly reasons: string[]) {
    super(reasons.join('; '));
    this.name = 'CommandTextError';
  }
}

/** Where a placeholder sits, as far as quoting goes. */
export type SlotContext = QuotableContext;

export interface Slot {
  name: string;
  raw: string;
  context: SlotContext;
  /** The enclosing here-document, whose delimiter a value must not recreate. */
  heredoc?: { delimiter: string; stripTabs: boolean };
  /** The placeholder's mark in the texts of `levels`. */
  mark: string;
  /** The shells that read the value again after the terminal's shell, outermost first. */
  levels: InnerLevel[];
  /** Below `levels` the text is only known when it runs: why, naming the reader. Values are then limited to SAFE_VALUE. */
  charset?: string;
  /** Characters a program rewrites in the words around the value (`find -exec … {}`). */
  forbidden?: Forbidden[];
}

export type Part = string | Slot;

export interface Step {
  parts: Part[];
  /** `line`: sent as written; `eval`: spans lines, sent as `eval $'…'`. */
  form: 'line' | 'eval';
}

export interface CommandTemplate {
  /** The placeholders the command needs, one per name, in order of first use. */
  placeholders: Placeholder[];
  /** The whole command text (prompts stripped, output dropped), for the confirmation and Copy. */
  display: Part[];
  /** The top-level commands, run one at a time. */
  steps: Step[];
  /** The block was read as a transcript (it has `$ ` prompt lines). */
  transcript: boolean;
}

export interface RenderedCommand {
  /** The whole command text with the values, as shown in the confirmation and copied. */
  text: string;
  /** The same with secret values masked. */
  maskedText: string;
  /** One physical line per top-level command, in order. */
  steps: string[];
  maskedSteps: string[];
  /** All steps as one line joined with `&&` (typed, not run, when shell integration is missing). */
  line: string;
  maskedLine: string;
}

const CONTINUATION_PROMPT = /^[ \t]*> ?/;

interface KeptPiece {
  origStart: number;
  origEnd: number;
  scriptStart: number;
}

/** The command lines of a block: prompts stripped, output dropped. */
export function commandLines(text: string, lang: string | null = null): { script: string; pieces: KeptPiece[]; transcript: boolean } {
  const lines: Array<{ start: number; end: number }> = [];
  let start = 0;
  while (start <= text.length) {
    const nl = text.indexOf('\n', start);
    let end = nl < 0 ? text.length : nl;
    const lineEnd = end;
    if (end > start && text[end - 1] === '\r') end--;
    lines.push({ start, end });
    if (nl < 0) break;
    start = lineEnd + 1;
  }
  const { transcript, rootPrompts } = sessionOf(text, lang);
  const pieces: KeptPiece[] = [];
  let script = '';
  const keep = (from: number, to: number) => {
    if (pieces.length) script += '\n';
    pieces.push({ origStart: from, origEnd: to, scriptStart: script.length });
    script += text.slice(from, to);
  };
  if (!transcript) {
    for (const l of lines) keep(l.start, l.end);
  } else {
    let continued = false;
    for (const l of lines) {
      const lineText = text.slice(l.start, l.end);
      const prompt = matchPrompt(lineText, rootPrompts);
      if (prompt !== null) {
        keep(l.start + prompt.length, l.end);
      } else if (continued) {
        const cont = CONTINUATION_PROMPT.exec(lineText);
        keep(l.start + (cont ? cont[0].length : 0), l.end);
      }
      continued = (prompt !== null || continued) && lineText.endsWith('\\');
    }
  }
  // Trailing blank lines carry nothing.
  while (pieces.length && script.slice(pieces[pieces.length - 1].scriptStart).trim() === '') {
    const last = pieces.pop()!;
    script = script.slice(0, Math.max(0, last.scriptStart - (pieces.length ? 1 : 0)));
  }
  return { script, pieces, transcript };
}

function toScriptOffset(pieces: KeptPiece[], from: number, to: number): number | 'dropped' | 'split' {
  for (const p of pieces) {
    if (from >= p.origStart && to <= p.origEnd) return p.scriptStart + (from - p.origStart);
    if (from < p.origEnd && to > p.origStart) return 'split';
  }
  return 'dropped';
}

/**
 * Reads the script with each placeholder replaced by its mark (plain letters, so `<name>` or
 * `${NAME}` does not read as a redirection or an expansion; the letters take the context around
 * them), and finds each placeholder's quote context at every level that reads it.
 */
function locateSlots(script: string, located: readonly Located[]): { masked: string; parsed: ReturnType<typeof parseShell>; slots: Map<number, Slot> } {
  const marks = makeMarks(located.map((l) => l.placeholder.raw.length), script);
  if (!marks) throw new CommandTextError([`the block has too many short placeholders (${located.length}) to tell apart`]);
  let masked = '';
  let cursor = 0;
  located.forEach(({ placeholder, at }, k) => {
    masked += script.slice(cursor, at) + marks[k];
    cursor = at + placeholder.raw.length;
  });
  masked += script.slice(cursor);
  const parsed = parseShell(masked, located.map((l) => l.at));
  if (parsed.incomplete) throw new CommandTextError(whyIncomplete(script, located, parsed.incomplete));
  const nesting = nestingOf(parsed, located.map((l, k) => ({ id: marks[k], at: l.at })));

  /** Messages quote text of the command: show the placeholders there, not their marks. */
  const unmark = (message: string) => located.reduce((m, l, k) => m.split(marks[k]).join(l.placeholder.raw), message);
  const reasons: string[] = [];
  const slots = new Map<number, Slot>();
  located.forEach(({ placeholder, at }, k) => {
    const ctx = parsed.contexts.get(at);
    const context = quotableContext(ctx);
    const nested = nesting.get(marks[k])!;
    if (typeof context !== 'string') {
      reasons.push(`the placeholder ${placeholder.raw} ${context.refused}`);
      return;
    }
    if (nested.kind === 'refused') {
      reasons.push(`the placeholder ${placeholder.raw} ${unmark(nested.reason)}`);
      return;
    }
    slots.set(at, {
      name: placeholder.name,
      raw: placeholder.raw,
      context,
      ...(ctx?.heredoc ? { heredoc: ctx.heredoc } : {}),
      mark: marks[k],
      levels: nested.levels,
      ...(nested.kind === 'charset' ? { charset: unmark(nested.reason) } : {}),
      ...(nested.forbidden.length ? { forbidden: nested.forbidden } : {}),
    });
  });
  if (reasons.length) throw new CommandTextError(reasons);
  return { masked, parsed, slots };
}

/**
 * Why a block is incomplete. A placeholder used as a here-document delimiter (`<<<name>` …
 * `<name>`) only closes when both read the same: read again with one mark per name, such a
 * block is refused for its delimiter rather than called incomplete.
 */
function whyIncomplete(script: string, located: readonly Located[], incomplete: string): string[] {
  let sameForName = '';
  let cursor = 0;
  for (const { placeholder, at } of located) {
    sameForName += script.slice(cursor, at) + 'Q'.repeat(placeholder.raw.length);
    cursor = at + placeholder.raw.length;
  }
  sameForName += script.slice(cursor);
  const again = parseShell(sameForName, located.map((l) => l.at));
  if (!again.incomplete && located.some((l) => again.contexts.get(l.at)?.kind === 'heredocDelimiter')) {
    return located.flatMap(({ placeholder, at }) => {
      const context = quotableContext(again.contexts.get(at));
      return typeof context === 'string' ? [] : [`the placeholder ${placeholder.raw} ${context.refused}`];
    });
  }
  return [`the command is incomplete: ${incomplete}, so the shell would wait for more input`];
}

/**
 * Reads a shell block into a template: which placeholders it needs, the text to show, the
 * commands to run. Throws CommandTextError when the block cannot be run safely as written.
 */
export function prepareCommand(block: Pick<CodeBlock, 'text' | 'placeholders'> & { lang?: string | null }): CommandTemplate {
  const { script, pieces, transcript } = commandLines(block.text, block.lang ?? null);
  const located = locatePlaceholders(block, pieces);
  const { masked, parsed, slots } = locateSlots(script, located);
  const text: TemplateText = { script, masked, slots };
  const steps: Step[] = [];
  for (const range of parsed.commands) {
    const step = stepOf(text, parsed, range);
    if (step) steps.push(step);
  }
  return { placeholders: firstUses(located), display: partsOf(text, 0, script.length, []), steps, transcript };
}

type Located = { placeholder: Placeholder; at: number };

/** Each placeholder's offset in the script (prompts stripped); refuses one that moved, overlaps a prompt or another placeholder. */
function locatePlaceholders(block: Pick<CodeBlock, 'text' | 'placeholders'>, pieces: KeptPiece[]): Located[] {
  const reasons: string[] = [];
  const located: Located[] = [];
  for (const p of [...block.placeholders].sort((a, b) => a.offset - b.offset)) {
    if (block.text.slice(p.offset, p.offset + p.raw.length) !== p.raw) {
      reasons.push(`the placeholder ${p.raw} is not where the runbook index says (the file changed?)`);
      continue;
    }
    const at = toScriptOffset(pieces, p.offset, p.offset + p.raw.length);
    if (at === 'dropped') continue;
    if (at === 'split') {
      reasons.push(`the placeholder ${p.raw} overlaps a prompt`);
      continue;
    }
    const previous = located[located.length - 1];
    if (previous && previous.at + previous.placeholder.raw.length > at) {
      reasons.push(`the placeholders ${previous.placeholder.raw} and ${p.raw} overlap`);
      continue;
    }
    located.push({ placeholder: p, at });
  }
  if (reasons.length) throw new CommandTextError(reasons);
  return located;
}

/** The placeholders, one per name, in order of first use. */
function firstUses(located: readonly Located[]): Placeholder[] {
  const seen = new Set<string>();
  const placeholders: Placeholder[] = [];
  for (const { placeholder } of located) {
    if (seen.has(placeholder.name)) continue;
    seen.add(placeholder.name);
    placeholders.push(placeholder);
  }
  return placeholders;
}

interface TemplateText {
  script: string;
  /** The script with each placeholder replaced by its mark. */
  masked: string;
  slots: Map<number, Slot>;
}

type Edit = { start: number; end: number; text: string };

/** The parts of script[from, to) with `edits` (sorted, non-overlapping) applied. */
function partsOf({ script, slots }: TemplateText, from: number, to: number, edits: Edit[]): Part[] {
  const all = [
    ...edits,
    ...[...slots.entries()].filter(([at]) => at >= from && at < to).map(([at, slot]) => ({ start: at, end: at + slot.raw.length, slot })),
  ].sort((a, b) => a.start - b.start);
  const parts: Part[] = [];
  let pos = from;
  const push = (s: string) => {
    if (!s) return;
    const last = parts[parts.length - 1];
    if (typeof last === 'string') parts[parts.length - 1] = last + s;
    else parts.push(s);
  };
  for (const e of all) {
    if (e.start < pos) continue;
    push(script.slice(pos, e.start));
    if ('slot' in e) parts.push(e.slot);
    else push(e.text);
    pos = e.end;
  }
  push(script.slice(pos, to));
  return parts;
}

/** One top-level command as a step: on one line when its line breaks can be joined, else sent as `eval`. Undefined when it runs nothing. */
function stepOf(text: TemplateText, parsed: ReturnType<typeof parseShell>, range: { start: number; end: number }): Step | undefined {
  const { masked } = text;
  let end = range.end;
  while (end > range.start && /\s/.test(masked[end - 1])) end--;
  let start = range.start;
  while (start < end && /\s/.test(masked[start])) start++;
  if (start >= end) return undefined;
  const commentsInside = parsed.comments.filter((c) => c.start >= start && c.end <= end);
  // A range made only of comments and blank lines runs nothing.
  let rest = masked.slice(start, end);
  for (const c of [...commentsInside].reverse()) rest = rest.slice(0, c.start - start) + rest.slice(c.end - start);
  if (rest.trim() === '') return undefined;
  const roles = [...parsed.newlines.entries()].filter(([pos]) => pos > start && pos < end);
  const oneLine = roles.every(([, role]) => role === 'continuation' || role === 'quotedContinuation' || role === 'afterOperator');
  if (!oneLine) return { parts: partsOf(text, start, end, []), form: 'eval' };
  const edits = joinLines(masked, roles, start, end);
  // A trailing comment is dropped: joined with `&&` it would swallow what follows.
  const trailing = commentsInside[commentsInside.length - 1];
  let stepEnd = end;
  if (trailing && trailing.end >= end) {
    stepEnd = trailing.start;
    while (stepEnd > start && (masked[stepEnd - 1] === ' ' || masked[stepEnd - 1] === '\t')) stepEnd--;
  }
  return { parts: partsOf(text, start, stepEnd, edits.filter((e) => e.end <= stepEnd)), form: 'line' };
}

/** Edits that join a command's continuation lines into one line. */
function joinLines(masked: string, roles: Array<[number, NewlineRole]>, start: number, end: number): Edit[] {
  const edits: Edit[] = [];
  for (const [pos, role] of roles) {
    if (role === 'quotedContinuation') {
      edits.push({ start: pos - 1, end: pos + 1, text: '' });
      continue;
    }
    // Blanks around the break separate words (or nothing): one space, or none.
    const breakStart = role === 'continuation' ? pos - 1 : pos;
    let a = breakStart;
    while (a > start && (masked[a - 1] === ' ' || masked[a - 1] === '\t')) a--;
    let b = pos + 1;
    while (b < end && (masked[b] === ' ' || masked[b] === '\t')) b++;
    const spaced = role === 'afterOperator' || a < breakStart || b > pos + 1;
    edits.push({ start: a, end: b, text: spaced ? ' ' : '' });
  }
  return edits;
}

/** The text a value becomes in its slot: quoted for the innermost shell that reads it, then for each one around it. */
function insertNested(slot: Slot, value: string): string {
  return insert(slot, insertBelow(slot.levels, value));
}

/** The text that the first of `levels` must read for the value to arrive intact at the last. */
function insertBelow(levels: readonly InnerLevel[], value: string): string {
  let text = value;
  for (let j = levels.length - 1; j >= 0; j--) text = insert(levels[j], text);
  return text;
}

/** The text a value becomes in one quote context. */
function insert(slot: { context: SlotContext }, value: string): string {
  switch (slot.context) {
    case 'unquoted': case 'comment': return quotePosix(value);
    // Close the runbook's own quote, add the value in single quotes, reopen it.
    case 'single': return value.replace(/'/g, `'\\''`);
    case 'double': return `"${quotePosix(value)}"`;
    case 'ansiC': return `'${quotePosix(value)}$'`;
    case 'heredoc': return value.replace(/[\\$`]/g, '\\$&');
    case 'heredocQuoted': return value;
  }
}

export interface RenderOptions {
  /** The runbook allows values starting with `-`. */
  allowDash?: boolean;
  /** Names whose values are masked in the `masked*` texts. */
  isSecret?: (name: string) => boolean;
}

export const MASK = '********';

/** The slots of a template, in order. */
function slotsOf(template: CommandTemplate): Slot[] {
  return template.display.filter((p): p is Slot => typeof p !== 'string');
}

/** Why a value cannot go into a slot, or null: the terminal's rules, then the conservative set where a level is unknown. */
function refuseInSlot(slot: Slot, value: string, options: RenderOptions): string | null {
  const refused = refuseValue(value, { allowDash: options.allowDash });
  if (refused) return `the value for ${slot.raw} ${refused}`;
  if (slot.charset && !SAFE_VALUE.test(value)) {
    const bad = value === '' ? 'is empty' : value.startsWith('-') ? 'starts with "-"' : `contains ${describeCharacter([...value].find((ch) => !SAFE_VALUE.test(ch))!)}`;
    return `the value for ${slot.raw} ${bad}: ${slot.raw} is in text that ${slot.charset}; there only ${SAFE_VALUE_DESCRIPTION} are accepted`;
  }
  for (const f of slot.forbidden ?? []) {
    const ch = [...f.chars].find((c) => value.includes(c));
    if (ch !== undefined) return `the value for ${slot.raw} contains ${describeCharacter(ch)}: ${f.reason}`;
  }
  return null;
}

function describeCharacter(ch: string): string {
  if (ch === ' ') return 'a space';
  return /^[\x21-\x7e]$/.test(ch) ? `"${ch}"` : `the character U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}`;
}

/** Fills the template with the values. Throws CommandTextError naming every missing or refused value. */
export function renderCommand(template: CommandTemplate, values: Readonly<Record<string, string>>, options: RenderOptions = {}): RenderedCommand {
  const reasons = new Set<string>();
  const slots = slotsOf(template);
  for (const p of template.placeholders) {
    if (!hasValue(values, p.name)) {
      reasons.add(`no value for ${p.raw}`);
      continue;
    }
    for (const slot of slots.filter((s) => s.name === p.name)) {
      const refused = refuseInSlot(slot, values[p.name], options);
      if (refused) reasons.add(refused);
    }
  }
  if (reasons.size) throw new CommandTextError([...reasons]);

  const isSecret = options.isSecret ?? isSecretName;
  const fill = (parts: Part[], mask: boolean): string =>
    parts.map((p) => (typeof p === 'string' ? p : insertNested(p, mask && isSecret(p.name) ? MASK : values[p.name]))).join('');

  checkHeredocLines(template.display, values);
  checkInnerHeredocLines(slotsOf(template), values);

  const stepText = (s: Step, mask: boolean) => {
    const body = fill(s.parts, mask);
    return s.form === 'eval' ? `eval ${quoteAnsiC(body + '\n')}` : body;
  };
  const steps = template.steps.map((s) => stepText(s, false));
  const maskedSteps = template.steps.map((s) => stepText(s, true));
  return {
    text: fill(template.display, false),
    maskedText: fill(template.display, true),
    steps,
    maskedSteps,
    line: joinSteps(steps),
    maskedLine: joinSteps(maskedSteps),
  };
}

function hasValue(values: Readonly<Record<string, string>>, name: string): boolean {
  return Object.prototype.hasOwnProperty.call(values, name) && typeof values[name] === 'string';
}

/** A value must not turn a line of a here-document into its delimiter, which would end it early. */
function checkHeredocLines(display: Part[], values: Readonly<Record<string, string>>): void {
  let text = '';
  const marks: Array<{ at: number; slot: Slot }> = [];
  for (const p of display) {
    if (typeof p === 'string') text += p;
    else {
      if (p.heredoc) marks.push({ at: text.length, slot: p });
      text += insertNested(p, values[p.name]);
    }
  }
  for (const { at, slot } of marks) checkDelimiterLine(text, at, slot.heredoc!, slot.raw);
}

/** The same, in here-documents of the text that an inner shell reads (`sh -c 'cat <<EOF …'`). */
function checkInnerHeredocLines(slots: readonly Slot[], values: Readonly<Record<string, string>>): void {
  // The placeholders of each inner text, by position, filled as that level reads them.
  const byText = new Map<string, Array<{ at: number; mark: string; filled: () => string }>>();
  for (const slot of slots) {
    slot.levels.forEach((level, k) => {
      const list = byText.get(level.text) ?? [];
      list.push({ at: level.at, mark: slot.mark, filled: () => insertBelow(slot.levels.slice(k), values[slot.name]) });
      byText.set(level.text, list);
    });
  }
  for (const list of byText.values()) list.sort((x, y) => x.at - y.at);
  for (const slot of slots) {
    for (const level of slot.levels) {
      if (!level.heredoc) continue;
      const lineStart = level.text.lastIndexOf('\n', level.at - 1) + 1;
      const nl = level.text.indexOf('\n', level.at);
      const lineEnd = nl < 0 ? level.text.length : nl;
      let line = '';
      let cursor = lineStart;
      for (const other of onLine(byText.get(level.text)!, lineStart, lineEnd)) {
        line += level.text.slice(cursor, other.at) + other.filled();
        cursor = other.at + other.mark.length;
      }
      line += level.text.slice(cursor, lineEnd);
      checkDelimiterLine(line, 0, level.heredoc, slot.raw, `in the text that ${level.reader.name} reads`);
    }
  }
}

/** The entries of a list sorted by `at` that lie in [start, end). */
function onLine<T extends { at: number }>(sorted: readonly T[], start: number, end: number): T[] {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid].at < start) lo = mid + 1;
    else hi = mid;
  }
  const out: T[] = [];
  for (let k = lo; k < sorted.length && sorted[k].at < end; k++) out.push(sorted[k]);
  return out;
}

function checkDelimiterLine(text: string, at: number, heredoc: { delimiter: string; stripTabs: boolean }, raw: string, where = ''): void {
  const lineStart = text.lastIndexOf('\n', at - 1) + 1;
  const nl = text.indexOf('\n', at);
  let line = text.slice(lineStart, nl < 0 ? text.length : nl);
  if (heredoc.stripTabs) line = line.replace(/^\t+/, '');
  if (line === heredoc.delimiter) {
    throw new CommandTextError([`the value for ${raw} would end the here-document${where ? ` ${where}` : ''} early (its line would read \`${heredoc.delimiter}\`)`]);
  }
}

/** Steps as one line, stopping at the first failure like the step-by-step run. */
export function joinSteps(steps: readonly string[]): string {
  return steps.map((s) => (steps.length > 1 && /(^|[^;&])[;&]\s*$/.test(s) ? `{ ${s} }` : s)).join(' && ');
}

/**
 * The command with each placeholder filled with its own name, quoted like a value: how it reads
 * before values are known (`kubectl -n <namespace> delete …` would read `<namespace>` as a
 * redirection), for the danger rules before the prompts.
 */
export function renderWithNames(template: CommandTemplate): string {
  return template.display.map((p) => (typeof p === 'string' ? p : insertNested(p, p.name))).join('');
}

/** Copy: the command text with the values given filled in and the others left as written. */
export function renderForCopy(template: CommandTemplate, values: Readonly<Record<string, string>>, options: RenderOptions = {}): string {
  const reasons: string[] = [];
  const text = template.display
    .map((p) => {
      if (typeof p === 'string') return p;
      if (!hasValue(values, p.name)) return p.raw;
      const refused = refuseInSlot(p, values[p.name], options);
      if (refused) {
        reasons.push(refused);
        return p.raw;
      }
      return insertNested(p, values[p.name]);
    })
    .join('');
  if (reasons.length) throw new CommandTextError(reasons);
  return text;
}

const SECRET_WORDS = new Set(['token', 'password', 'passwd', 'pass', 'pwd', 'secret', 'key', 'apikey', 'credential', 'credentials', 'auth', 'cookie', 'session', 'private', 'otp', 'pin', 'passphrase', 'bearer', 'jwt', 'cert', 'signature']);

/**
 * Whether a placeholder name looks like it holds a secret: one of its words (split at `_`, `-`,
 * `.`, spaces and camelCase) is a secret word, or contains token/secret/passw/credential, or
 * ends in `key` or `pass` (`apikey`, `sshkey`, `pgpass`). Errs on the side of masking.
 */
export function isSecretName(name: string): boolean {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
  return words.some(
    (w) => SECRET_WORDS.has(w) || /token|secret|passw|credential/.test(w) || (w.length > 3 && (w.endsWith('key') || w.endsWith('pass'))),
  );
}

/** Replaces every occurrence of the secret values in text (longest first). */
export function maskSecrets(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const s of [...secrets].filter((v) => v.length > 0).sort((a, b) => b.length - a.length)) {
    out = out.split(s).join(MASK);
  }
  return out;
}
