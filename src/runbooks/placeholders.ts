// Placeholders in code blocks, and the shell heuristics that go with them.
//
// The rule (also in runbooks/README.md, "Placeholders"):
// - `<name>`: a letter or `_`, then letters, digits, `_`, `.` or `-`, closed by `>` right away.
//   Not a placeholder when the `<` directly follows a letter, digit, `<` or `?` (a generic type
//   `List<String>`, a here-doc `<<EOF>`, a regex group `(?<name>`), when it is an HTML tag (the
//   block closes it with `</name>`, it is a void element such as `<br>`, or the block is HTML/XML/
//   markdown), or when it is the way tools print a missing value (`<none>`, `<nil>`, `<unknown>`).
//   A redirect `<file` or `2>&1` never matches because nothing closes it.
// - `${NAME}`: braces around a plain identifier. Not a placeholder when the block assigns NAME
//   itself (`NAME=…`, `export NAME=…`, `read NAME`, `for NAME in`), when every shell already has
//   it (`HOME`, `PATH`, `USER` …), when escaped (`\${X}`, `$${X}`), or with an operator inside
//   (`${X:-default}` is the shell's own default).
// - `{{name}}` / `{{ name }}`: a plain identifier. Not a placeholder when the command (logical
//   line) around it uses a template language itself (`{{.Status}}`, `{{ .Values.x }}`,
//   `{{range …}}`, `{{ $x }}`, a pipe), for template keywords (`{{end}}`), after `$` (`${{ x }}`
//   in CI files), or when the whole block is a template (`yaml`, `helm`, `jinja`, `html` …).
// - `<value of X from alert>`: an angle placeholder may be a few words (letters, digits, `_.-'`
//   and single spaces, no `=`, quotes or slashes); it explains itself, and `X` is the alert label
//   that holds the value. `<a|b>` (or `<a | b>`) lists the values to pick from.
// - `[POD_NAME]`: upper-case words joined by `_` in square brackets, in shell command text; not
//   after a word character, `$`, `[` or `{` (an array index, a glob), not inside single quotes
//   (a grep pattern), not log levels and status words (`[ERROR]`, `[OK]`).
// - `$NAME`: an upper-case variable a block uses but no block of the runbook sets
//   (`NAME=`, `export NAME=`, `read NAME`, `for NAME in`), that the shell does not already
//   have, outside single quotes, backticks, `$((…))` and `${…}`. Asked before a run; left
//   empty, the terminal's own value is used. `${NAME}` set by another block of the runbook is
//   not asked either (see pruneRunbookVariables).
// - In a transcript (a block with `$ ` prompts, or root `# ` prompts in a `console` block), only
//   the command lines count: output such as `<none>` is never a placeholder. Shell comments do
//   not count either.
import { commandMask, isCommandLine, isShellLanguage } from '../shell/transcript';
import type { CodeBlock, Placeholder } from './model';

const MARKUP_LANGS = new Set(['html', 'xml', 'svg', 'xhtml', 'markdown', 'md', 'mdx', 'vue', 'jsx', 'tsx', 'svelte']);
const TEMPLATE_LANGS = new Set([
  'yaml', 'yml', 'helm', 'jinja', 'jinja2', 'j2', 'gotmpl', 'go-template', 'gotemplate', 'tmpl', 'tpl',
  'handlebars', 'hbs', 'mustache', 'html', 'twig', 'liquid', 'django', 'ansible', 'nunjucks', 'njk',
]);
const VOID_ELEMENTS = new Set(['br', 'hr', 'img', 'wbr', 'input', 'meta', 'link', 'area', 'base', 'col', 'embed', 'source', 'track']);
const HTML_ELEMENTS = new Set([
  'a', 'abbr', 'b', 'blockquote', 'body', 'br', 'button', 'code', 'details', 'div', 'em', 'font', 'form',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'head', 'hr', 'html', 'i', 'img', 'kbd', 'li', 'ol', 'p', 'pre', 'script',
  'small', 'span', 'strong', 'style', 'sub', 'summary', 'sup', 'table', 'tbody', 'td', 'th', 'thead', 'tr', 'u', 'ul',
]);
/** What tools print for an empty value: output, not input. */
const OUTPUT_TOKENS = new Set(['none', 'nil', 'null', 'unknown', 'pending', 'invalid', 'missing', 'empty', 'unset', 'redacted']);
/** Variables every shell session already has (or that belong to the engineer's own environment). */
const SHELL_BUILTIN_VARS = new Set([
  'HOME', 'USER', 'LOGNAME', 'PATH', 'PWD', 'OLDPWD', 'SHELL', 'HOSTNAME', 'LANG', 'TERM', 'TMPDIR', 'UID', 'EUID',
  'PPID', 'RANDOM', 'SECONDS', 'LINENO', 'IFS', 'BASH_SOURCE', 'BASH_VERSION', 'EDITOR', 'PS1', 'OSTYPE',
  'PS2', 'PS3', 'PS4', 'PAGER', 'VISUAL', 'DISPLAY', 'MAIL', 'SHLVL', 'COLUMNS', 'LINES', 'REPLY', 'OPTARG', 'OPTIND',
  'PIPESTATUS', 'GROUPS', 'HOSTTYPE', 'MACHTYPE', 'BASHPID', 'FUNCNAME', 'HISTFILE', 'HISTSIZE', 'HISTCONTROL',
  'SSH_AUTH_SOCK', 'SSH_CONNECTION', 'SSH_CLIENT', 'TZ', 'LC_ALL', 'LANGUAGE', 'KUBECONFIG', 'GOPATH', 'GOROOT',
]);
/** Words in square brackets that are output (log levels, statuses), not inputs. */
const BRACKET_OUTPUT = new Set([
  'ERROR', 'ERR', 'WARN', 'WARNING', 'INFO', 'DEBUG', 'TRACE', 'FATAL', 'OK', 'FAIL', 'FAILED', 'PASS', 'PASSED', 'DONE',
  'YES', 'NO', 'TRUE', 'FALSE', 'NULL', 'NONE', 'REDACTED', 'SKIPPED', 'SKIP', 'PENDING', 'RUNNING', 'ABORTED', 'CRITICAL',
  'NOTICE', 'ALERT', 'EMERG', 'TODO', 'NOTE', 'TIP', 'IMPORTANT', 'CAUTION', 'OPTIONS', 'OPTION', 'ARGS', 'FLAGS',
]);
const TEMPLATE_KEYWORDS = new Set(['end', 'else', 'range', 'if', 'with', 'define', 'template', 'block', 'break', 'continue']);

const ANGLE = /<([^<>\n]{1,100})>/g;
const ANGLE_NAME = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
/** `<value of mountpoint label from alert>`: words separated by single spaces. */
const ANGLE_WORDS = /^[A-Za-z][\w.'-]*(?: [\w.'-]+){1,11}$/;
/** `<cellsdev|cellsprod>`: alternatives. */
const ANGLE_CHOICE = /^[\w.-]+(?: ?\| ?[\w.-]+)+$/;
const BRACKET = /\[([A-Z][A-Z0-9]*(?:_[A-Z0-9]+)*)\]/g;
const VARIABLE = /\$([A-Z][A-Z0-9_]*[A-Z0-9])(?![\w{(])/g;
const DOLLAR = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g;
const MUSTACHE = /\{\{\s*([A-Za-z_][A-Za-z0-9_-]*)\s*\}\}/g;
/** A `{{ … }}` that is a template expression, not a bare name. */
const TEMPLATE_EXPR = /\{\{-?\s*(?:[.$]|[A-Za-z_][\w-]*\s+[^}\s]|[^}]*\|)/;

type QuoteState = 0 | 1 | 2 | 3; // none, single, double, comment

/** Quote state before each character, as a shell reads the text (comments marked too). */
function quoteStates(text: string, shellComments: boolean): Uint8Array {
  const states = new Uint8Array(text.length + 1);
  let state: QuoteState = 0;
  for (let i = 0; i < text.length; i++) {
    states[i] = state;
    const c = text[i];
    if (state === 3) {
      if (c === '\n') state = 0;
    } else if (state === 1) {
      if (c === "'") state = 0;
    } else if (c === '\\') {
      states[i + 1] = state;
      i++;
    } else if (state === 2) {
      if (c === '"') state = 0;
    } else if (c === "'") state = 1;
    else if (c === '"') state = 2;
    else if (c === '#' && shellComments && (i === 0 || /\s/.test(text[i - 1] as string))) state = 3;
  }
  states[text.length] = state;
  return states;
}

/** Names the block itself assigns, so `${NAME}` later is an ordinary variable. */
function assignedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const m of text.matchAll(/(?:^|[\s;&|(`])(?:(?:export|local|readonly|declare|typeset)\s+(?:-\w+\s+)*)?([A-Za-z_][A-Za-z0-9_]*)\+?=/g)) {
    names.add(m[1] as string);
  }
  for (const m of text.matchAll(/\bread\b([^\n;&|]*)/g)) {
    // `read [-r] [-p prompt] [-a array] NAME…`: options that take a value skip it.
    const words = (m[1] as string).trim().split(/\s+/);
    for (let i = 0; i < words.length; i++) {
      const w = words[i] as string;
      if (/^-[ptnNdui]$/.test(w)) i++;
      else if (/^[A-Za-z_]\w*$/.test(w)) names.add(w);
    }
  }
  for (const m of text.matchAll(/\b(?:for|select)\s+([A-Za-z_][A-Za-z0-9_]*)\s+in\b/g)) names.add(m[1] as string);
  return names;
}

/** [start, end) offsets of each logical line (a command continued with a trailing `\`). */
function logicalLines(text: string): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  let start = 0;
  let i = 0;
  while (i <= text.length) {
    const nl = text.indexOf('\n', i);
    const end = nl === -1 ? text.length : nl;
    const continued = end > 0 && text[end - 1] === '\\' && nl !== -1;
    if (!continued) {
      ranges.push([start, end]);
      start = end + 1;
    }
    if (nl === -1) break;
    i = nl + 1;
  }
  return ranges;
}

interface AngleForm {
  name: string;
  options?: string[];
  label?: string;
  /** Written so that it explains itself (words, alternatives). */
  explains?: boolean;
}

/** What the text between `<` and `>` is: a name, a few words, alternatives — or nothing of ours. */
function angleForm(inner: string, commands: string): AngleForm | undefined {
  if (ANGLE_NAME.test(inner)) {
    const lower = inner.toLowerCase();
    if (OUTPUT_TOKENS.has(lower)) return undefined;
    if (VOID_ELEMENTS.has(lower) || (HTML_ELEMENTS.has(lower) && commands.includes(`</${inner}>`))) return undefined;
    return { name: inner };
  }
  if (ANGLE_CHOICE.test(inner)) {
    const options = [...new Set(inner.split('|').map((o) => o.trim()))];
    return options.length >= 2 ? { name: options.join('|'), options, explains: true } : undefined;
  }
  if (ANGLE_WORDS.test(inner)) {
    const first = inner.split(' ')[0]?.toLowerCase() ?? '';
    if (HTML_ELEMENTS.has(first) || VOID_ELEMENTS.has(first)) return undefined; // `<a href>`
    const label = alertLabelIn(inner);
    return { name: inner, explains: true, ...(label !== undefined ? { label } : {}) };
  }
  return undefined;
}

/** The alert label a worded placeholder names: `value of mountpoint label from alert` → `mountpoint`. */
export function alertLabelIn(words: string): string | undefined {
  const m =
    /^(?:the )?(?:value of )?(?:the )?([\w.-]+)(?: label)?(?: (?:value|name))? (?:from|in|of) (?:the )?alert$/i.exec(words) ??
    /^(?:the )?([\w.-]+) label(?: value)?$/i.exec(words);
  return m ? (m[1] as string) : undefined;
}

/**
 * Whether `$NAME` at `offset` is a plain expansion a value can replace: not inside backticks,
 * `$((…))` or `${…}` on its line (where quoting rules differ and the command could not run).
 */
function expandsPlainly(commands: string, offset: number): boolean {
  const lineStart = commands.lastIndexOf('\n', offset - 1) + 1;
  const before = commands.slice(lineStart, offset);
  if ((before.match(/(?<!\\)`/g) ?? []).length % 2 === 1) return false;
  const arith = before.lastIndexOf('$((');
  if (arith !== -1 && !before.slice(arith).includes('))')) return false;
  const param = before.lastIndexOf('${');
  return param === -1 || before.slice(param).includes('}');
}

/**
 * Drops `$NAME` / `${NAME}` placeholders whose variable some block of the runbook sets: run in
 * order in the same terminal, the earlier block has set it (or a later one explains it is set
 * there). Mutates and returns the blocks.
 */
export function pruneRunbookVariables<T extends Pick<CodeBlock, 'text' | 'lang' | 'placeholders'>>(blocks: T[]): T[] {
  if (!blocks.some((b) => b.placeholders.some((p) => p.style === 'variable' || p.style === 'dollar'))) return blocks;
  const assigned = new Set<string>();
  for (const b of blocks) if (b.lang === null || isShellLanguage(b.lang)) for (const n of assignedNames(commandMask(b.text, b.lang))) assigned.add(n);
  for (const b of blocks) {
    if (b.placeholders.some((p) => (p.style === 'variable' || p.style === 'dollar') && assigned.has(p.name))) {
      b.placeholders = b.placeholders.filter((p) => !((p.style === 'variable' || p.style === 'dollar') && assigned.has(p.name)));
    }
  }
  return blocks;
}

/**
 * Values for a block's placeholders from an alert's labels (or any name → value map): the same
 * name, then case-insensitively, then as words (`POD_NAME` ~ `pod_name` ~ `podName`), and a
 * worded placeholder (`<value of mountpoint label from alert>`) from the label it names.
 * Placeholders with no matching label are left out; values are returned as given (quoting
 * happens when the command is built, like for typed values).
 */
export function fillInputs(placeholders: readonly Placeholder[], labels: Readonly<Record<string, string>>): Record<string, string> {
  const byWords = new Map<string, string>();
  for (const [k, v] of Object.entries(labels)) if (typeof v === 'string' && !byWords.has(placeholderWords(k))) byWords.set(placeholderWords(k), v);
  const out: Record<string, string> = {};
  for (const p of placeholders) {
    if (Object.prototype.hasOwnProperty.call(out, p.name)) continue;
    const keys = [p.name, ...(p.label !== undefined ? [p.label] : [])];
    let value: string | undefined;
    for (const key of keys) {
      if (Object.prototype.hasOwnProperty.call(labels, key) && typeof labels[key] === 'string') value = labels[key];
      else value = Object.entries(labels).find(([k, v]) => typeof v === 'string' && k.toLowerCase() === key.toLowerCase())?.[1] ?? byWords.get(placeholderWords(key));
      if (value !== undefined) break;
    }
    if (value !== undefined && (!p.options || p.options.includes(value))) out[p.name] = value;
  }
  return out;
}

/** Every placeholder in a code block, in order of appearance (see the rule at the top). */
export function findPlaceholders(text: string, lang: string | null): Placeholder[] {
  if (!text.includes('<') && !text.includes('$') && !text.includes('{{') && !text.includes('[')) return [];
  const commands = commandMask(text, lang);
  const shellish = lang === null || isShellLanguage(lang);
  const states = quoteStates(commands, shellish);
  const found: Placeholder[] = [];
  const add = (name: string, style: Placeholder['style'], raw: string, offset: number): Placeholder | undefined => {
    const state = states[offset];
    if (state === 3) return undefined; // inside a shell comment
    const p: Placeholder = { name, style, raw, offset, quoted: state === 1 ? 'single' : state === 2 ? 'double' : null };
    found.push(p);
    return p;
  };

  if (!(lang !== null && MARKUP_LANGS.has(lang))) {
    for (const m of commands.matchAll(ANGLE)) {
      const inner = m[1] as string;
      const before = m.index > 0 ? (commands[m.index - 1] as string) : '';
      if (/[A-Za-z0-9<?]/.test(before)) continue;
      const found = angleForm(inner, commands);
      if (!found) continue;
      const p = add(found.name, 'angle', m[0], m.index);
      if (p && found.options) p.options = found.options;
      if (p && found.label !== undefined) p.label = found.label;
      if (p && found.explains) p.explained = true;
    }
  }

  if (shellish && commands.includes('[')) {
    for (const m of commands.matchAll(BRACKET)) {
      const name = m[1] as string;
      const before = m.index > 0 ? (commands[m.index - 1] as string) : '';
      const after = commands[m.index + m[0].length] ?? '';
      if (/[\w$[{]/.test(before) || /[\]=(\w]/.test(after)) continue;
      if (name.length < 3 || BRACKET_OUTPUT.has(name) || states[m.index] === 1) continue;
      add(name, 'bracket', m[0], m.index);
    }
  }

  if (shellish && commands.includes('$')) {
    const assigned = assignedNames(commands);
    for (const m of commands.matchAll(VARIABLE)) {
      const name = m[1] as string;
      const before = m.index > 0 ? commands[m.index - 1] : '';
      if (before === '$' || before === '\\' || assigned.has(name) || SHELL_BUILTIN_VARS.has(name)) continue;
      if (states[m.index] === 1 || !expandsPlainly(commands, m.index)) continue;
      add(name, 'variable', m[0], m.index);
    }
  }

  if (commands.includes('${')) {
    const assigned = assignedNames(commands);
    for (const m of commands.matchAll(DOLLAR)) {
      const name = m[1] as string;
      const before = m.index > 0 ? commands[m.index - 1] : '';
      if (before === '$' || before === '\\') continue;
      if (assigned.has(name) || SHELL_BUILTIN_VARS.has(name)) continue;
      add(name, 'dollar', m[0], m.index);
    }
  }

  if (commands.includes('{{') && !(lang !== null && TEMPLATE_LANGS.has(lang))) {
    const templated = logicalLines(commands).filter(([s, e]) => TEMPLATE_EXPR.test(commands.slice(s, e)));
    for (const m of commands.matchAll(MUSTACHE)) {
      const name = m[1] as string;
      const before = m.index > 0 ? commands[m.index - 1] : '';
      if (before === '$' || before === '{') continue;
      if (TEMPLATE_KEYWORDS.has(name)) continue;
      if (templated.some(([s, e]) => m.index >= s && m.index < e)) continue;
      add(name, 'mustache', m[0], m.index);
    }
  }
  return found.sort((a, b) => a.offset - b.offset);
}

/**
 * A heuristic for unlabeled blocks: does this read as shell commands? Prompts (`$ `) decide at
 * once; otherwise most non-empty, non-comment lines must start with a known command, an
 * assignment `NAME=…`, or continue the previous line. JSON, YAML, SQL and log output fail it.
 */
export function looksLikeShell(text: string): boolean {
  const lines = text.split('\n').map((l) => l.trim()).filter((l) => l !== '' && !l.startsWith('#'));
  if (lines.length === 0) return false;
  if (lines.some((l) => l.startsWith('$ '))) return true;
  const first = lines[0] as string;
  if (/^[{[]/.test(first)) return false; // JSON
  let commandLike = 0;
  let previousContinues = false;
  for (const line of lines) {
    if (previousContinues || isCommandLine(line)) commandLike++;
    previousContinues = line.endsWith('\\') || line.endsWith('|') || line.endsWith('&&');
  }
  return isCommandLine(first) && commandLike * 2 >= lines.length;
}

/** Normalises a placeholder name to words for matching it against prose: `POD_NAME` → `pod name`. */
export function placeholderWords(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean)
    .join(' ');
}

// ---- what the runbook says about an input --------------------------------------------------

const MAX_EXPLANATION = 240;

interface ProseUnit {
  line: number;
  text: string;
}

/** Sentences of paragraphs and whole list items, outside code fences and front matter. */
function proseUnits(lines: readonly string[]): ProseUnit[] {
  const units: ProseUnit[] = [];
  let fence: string | null = null;
  let start = 0;
  if (/^(---|\+\+\+)\s*$/.test(lines[0] ?? '')) {
    const close = lines.findIndex((l, i) => i > 0 && /^(---|\+\+\+|\.\.\.)\s*$/.test(l));
    if (close > 0) start = close + 1;
  }
  let current: ProseUnit | null = null;
  const flush = () => {
    if (!current) return;
    const text = current.text.trim();
    if (/^\s*(?:[-*+]|\d{1,9}[.)])\s/.test(current.text)) units.push({ line: current.line, text });
    else for (const sentence of text.split(/(?<=[.!?])\s+(?=[A-Z`*_[(<"'])/)) units.push({ line: current.line, text: sentence });
    current = null;
  };
  for (let i = start; i < lines.length; i++) {
    const line = lines[i] as string;
    const f = /^\s*(?:>\s?)*(`{3,}|~{3,})/.exec(line);
    if (f) {
      flush();
      const mark = f[1] as string;
      if (fence === null) fence = mark;
      else if (mark[0] === fence[0] && mark.length >= fence.length) fence = null;
      continue;
    }
    if (fence !== null || /^\s{4,}\S/.test(line) && !current) continue;
    if (line.trim() === '' || /^\s*#{1,6}\s/.test(line) || /^\s*\|/.test(line)) {
      flush();
      continue;
    }
    if (/^\s*(?:[-*+]|\d{1,9}[.)])\s/.test(line)) flush();
    if (current) (current as ProseUnit).text += ` ${line.trim()}`;
    else current = { line: i, text: line.replace(/^\s*>\s?/, '') };
  }
  flush();
  return units;
}

/** Markdown inline markup dropped, for a one-line explanation. */
function plainProse(text: string): string {
  const plain = text
    .replace(/^\s*(?:[-*+]|\d{1,9}[.)])\s+/, '')
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/\*\*|__|`/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  return plain.length > MAX_EXPLANATION ? `${plain.slice(0, MAX_EXPLANATION - 1)}…` : plain;
}

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * What the runbook says about an input, for the prompt: a front matter `placeholders:` entry for
 * it, else the sentence or list item of the prose that mentions it (as written, by name, or as
 * words: `POD_NAME` ~ "pod name"), the nearest one before the block first. Plain text, short.
 */
export function explainInput(markdown: string, placeholder: Pick<Placeholder, 'name' | 'raw'> & { options?: readonly string[] }, blockLine: number): string | undefined {
  const lines = markdown.replace(/\r\n?/g, '\n').split('\n');
  const fromFrontMatter = frontMatterExplanation(lines, placeholder.name);
  if (fromFrontMatter) return plainProse(fromFrontMatter);
  const words = placeholderWords(placeholder.name);
  const patterns: Array<(text: string) => boolean> = [
    (t) => t.includes(placeholder.raw),
    (t) => new RegExp(`(?<![\\w$])${escapeRegExp(placeholder.name)}(?!\\w)`, /[a-z]/.test(placeholder.name) ? '' : 'i').test(t),
    (t) => words.includes(' ') && new RegExp(`\\b${words.split(' ').map(escapeRegExp).join('[\\s_-]+')}\\b`, 'i').test(t),
    // Alternatives: a sentence that names every one of them.
    (t) => (placeholder.options?.length ?? 0) > 1 && (placeholder.options ?? []).every((o) => new RegExp(`(?<![\\w-])${escapeRegExp(o)}(?![\\w-])`).test(t)),
  ];
  let best: { unit: ProseUnit; score: number } | undefined;
  for (const unit of proseUnits(lines)) {
    const strength = patterns.findIndex((p) => p(unit.text));
    if (strength === -1) continue;
    const distance = unit.line < blockLine ? blockLine - unit.line : (unit.line - blockLine) * 3;
    const score = strength * 1000 + distance;
    if (!best || score < best.score) best = { unit, score };
  }
  return best ? plainProse(best.unit.text) : undefined;
}

/** `placeholders:` / `parameters:` / `variables:` in front matter: `name: what it is`. */
function frontMatterExplanation(lines: readonly string[], name: string): string | undefined {
  if (!/^---\s*$/.test(lines[0] ?? '')) return undefined;
  let inKey = false;
  for (let i = 1; i < lines.length && !/^(---|\.\.\.)\s*$/.test(lines[i] as string); i++) {
    const line = lines[i] as string;
    if (/^\S/.test(line)) inKey = /^(?:placeholders|parameters|variables)\s*:/.test(line);
    else if (inKey) {
      const m = new RegExp(`^\\s+(?:-\\s+)?["']?${escapeRegExp(name)}["']?\\s*:\\s*(.+)$`).exec(line);
      if (m) return (m[1] as string).replace(/^["']|["']$/g, '');
    }
  }
  return undefined;
}
