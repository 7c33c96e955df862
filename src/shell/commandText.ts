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
//    here-document delimiter) the block is refused with the reason.
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
import { parseShell, type ContextKind, type OffsetContext } from './syntax';
import { quoteAnsiC, quotePosix, refuseValue } from './quote';

/** Why a block or a value cannot become a command; `reasons` are meant for the user. */
export class CommandTextError extends Error {
  constructor(readonly reasons: string[]) {
    super(reasons.join('; '));
    this.name = 'CommandTextError';
  }
}

/** Where a placeholder sits, as far as quoting goes. */
export type SlotContext = 'unquoted' | 'single' | 'double' | 'ansiC' | 'heredoc' | 'heredocQuoted' | 'comment';

export interface Slot {
  name: string;
  raw: string;
  context: SlotContext;
  /** The enclosing here-document, whose delimiter a value must not recreate. */
  heredoc?: { delimiter: string; stripTabs: boolean };
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

const REFUSED_CONTEXT: Partial<Record<ContextKind, string>> = {
  backtick: 'sits inside backticks (`…`), where quoting rules differ; write `$(…)` instead',
  param: 'sits inside `${…}`',
  arith: 'sits inside an arithmetic expression `$((…))`',
  afterDollar: 'follows a `$` directly',
  escaped: 'follows a backslash',
  heredocDelimiter: 'is the delimiter of a here-document',
};

function slotContext(ctx: OffsetContext | undefined): SlotContext | string {
  if (!ctx) return 'could not be located in the command';
  for (const kind of [...ctx.within, ctx.kind]) {
    const refused = REFUSED_CONTEXT[kind];
    if (refused) return refused;
  }
  switch (ctx.kind) {
    case 'unquoted': case 'single': case 'double': case 'ansiC': case 'heredoc': case 'heredocQuoted': case 'comment':
      return ctx.kind;
    default:
      return `sits where it cannot be quoted (${ctx.kind})`;
  }
}

/**
 * Reads a shell block into a template: which placeholders it needs, the text to show, the
 * commands to run. Throws CommandTextError when the block cannot be run safely as written.
 */
export function prepareCommand(block: Pick<CodeBlock, 'text' | 'placeholders'> & { lang?: string | null }): CommandTemplate {
  const { script, pieces, transcript } = commandLines(block.text, block.lang ?? null);
  const reasons: string[] = [];
  type Located = { placeholder: Placeholder; at: number };
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

  // Read the script with each placeholder replaced by plain letters, so `<name>` or `${NAME}`
  // does not read as a redirection or an expansion; the letters take the context around them.
  let masked = '';
  let cursor = 0;
  for (const { placeholder, at } of located) {
    masked += script.slice(cursor, at) + 'x'.repeat(placeholder.raw.length);
    cursor = at + placeholder.raw.length;
  }
  masked += script.slice(cursor);
  const parsed = parseShell(masked, located.map((l) => l.at));
  if (parsed.incomplete) throw new CommandTextError([`the command is incomplete: ${parsed.incomplete}, so the shell would wait for more input`]);

  const slots = new Map<number, Slot>();
  for (const { placeholder, at } of located) {
    const ctx = parsed.contexts.get(at);
    const context = slotContext(ctx);
    if (!['unquoted', 'single', 'double', 'ansiC', 'heredoc', 'heredocQuoted', 'comment'].includes(context)) {
      reasons.push(`the placeholder ${placeholder.raw} ${context}`);
      continue;
    }
    slots.set(at, { name: placeholder.name, raw: placeholder.raw, context: context as SlotContext, ...(ctx?.heredoc ? { heredoc: ctx.heredoc } : {}) });
  }
  if (reasons.length) throw new CommandTextError(reasons);

  /** The parts of script[from, to) with `edits` (sorted, non-overlapping) applied. */
  const partsOf = (from: number, to: number, edits: Array<{ start: number; end: number; text: string }>): Part[] => {
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
  };

  const steps: Step[] = [];
  for (const range of parsed.commands) {
    let end = range.end;
    while (end > range.start && /\s/.test(masked[end - 1])) end--;
    let start = range.start;
    while (start < end && /\s/.test(masked[start])) start++;
    if (start >= end) continue;
    const commentsInside = parsed.comments.filter((c) => c.start >= start && c.end <= end);
    // A range made only of comments and blank lines runs nothing.
    let rest = masked.slice(start, end);
    for (const c of [...commentsInside].reverse()) rest = rest.slice(0, c.start - start) + rest.slice(c.end - start);
    if (rest.trim() === '') continue;
    const roles = [...parsed.newlines.entries()].filter(([pos]) => pos > start && pos < end);
    const oneLine = roles.every(([, role]) => role === 'continuation' || role === 'quotedContinuation' || role === 'afterOperator');
    if (!oneLine) {
      steps.push({ parts: partsOf(start, end, []), form: 'eval' });
      continue;
    }
    const edits: Array<{ start: number; end: number; text: string }> = [];
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
    // A trailing comment is dropped: joined with `&&` it would swallow what follows.
    const trailing = commentsInside[commentsInside.length - 1];
    let stepEnd = end;
    if (trailing && trailing.end >= end) {
      stepEnd = trailing.start;
      while (stepEnd > start && (masked[stepEnd - 1] === ' ' || masked[stepEnd - 1] === '\t')) stepEnd--;
    }
    steps.push({ parts: partsOf(start, stepEnd, edits.filter((e) => e.end <= stepEnd)), form: 'line' });
  }

  const seen = new Set<string>();
  const placeholders: Placeholder[] = [];
  for (const { placeholder } of located) {
    if (seen.has(placeholder.name)) continue;
    seen.add(placeholder.name);
    placeholders.push(placeholder);
  }
  return { placeholders, display: partsOf(0, script.length, []), steps, transcript };
}

/** The text a value becomes in its context. */
function insert(slot: Slot, value: string): string {
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

/** Fills the template with the values. Throws CommandTextError naming every missing or refused value. */
export function renderCommand(template: CommandTemplate, values: Readonly<Record<string, string>>, options: RenderOptions = {}): RenderedCommand {
  const reasons: string[] = [];
  for (const p of template.placeholders) {
    const value = Object.prototype.hasOwnProperty.call(values, p.name) ? values[p.name] : undefined;
    if (typeof value !== 'string') {
      reasons.push(`no value for ${p.raw}`);
      continue;
    }
    const refused = refuseValue(value, { allowDash: options.allowDash });
    if (refused) reasons.push(`the value for ${p.raw} ${refused}`);
  }
  if (reasons.length) throw new CommandTextError(reasons);

  const isSecret = options.isSecret ?? isSecretName;
  const fill = (parts: Part[], mask: boolean): string =>
    parts.map((p) => (typeof p === 'string' ? p : insert(p, mask && isSecret(p.name) ? MASK : values[p.name]))).join('');

  checkHeredocLines(template.display, values);

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

/** A value must not turn a line of a here-document into its delimiter, which would end it early. */
function checkHeredocLines(display: Part[], values: Readonly<Record<string, string>>): void {
  let text = '';
  const marks: Array<{ at: number; slot: Slot }> = [];
  for (const p of display) {
    if (typeof p === 'string') text += p;
    else {
      if (p.heredoc) marks.push({ at: text.length, slot: p });
      text += insert(p, values[p.name]);
    }
  }
  for (const { at, slot } of marks) {
    const lineStart = text.lastIndexOf('\n', at - 1) + 1;
    const nl = text.indexOf('\n', at);
    let line = text.slice(lineStart, nl < 0 ? text.length : nl);
    if (slot.heredoc!.stripTabs) line = line.replace(/^\t+/, '');
    if (line === slot.heredoc!.delimiter) {
      throw new CommandTextError([`the value for ${slot.raw} would end the here-document early (its line would read \`${slot.heredoc!.delimiter}\`)`]);
    }
  }
}

/** Steps as one line, stopping at the first failure like the step-by-step run. */
export function joinSteps(steps: readonly string[]): string {
  return steps.map((s) => (steps.length > 1 && /(^|[^;&])[;&]\s*$/.test(s) ? `{ ${s} }` : s)).join(' && ');
}

/** Copy: the command text with the values given filled in and the others left as written. */
export function renderForCopy(template: CommandTemplate, values: Readonly<Record<string, string>>, options: RenderOptions = {}): string {
  const reasons: string[] = [];
  const text = template.display
    .map((p) => {
      if (typeof p === 'string') return p;
      const value = Object.prototype.hasOwnProperty.call(values, p.name) ? values[p.name] : undefined;
      if (typeof value !== 'string') return p.raw;
      const refused = refuseValue(value, { allowDash: options.allowDash });
      if (refused) {
        reasons.push(`the value for ${p.raw} ${refused}`);
        return p.raw;
      }
      return insert(p, value);
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
