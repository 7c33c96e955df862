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
// - In a transcript (a `console` block, or any block with `$ ` prompts), only the command lines
//   count: output such as `<none>` is never a placeholder. Shell comments do not count either.
import { commandMask, isShellLanguage } from '../shell/transcript';
import type { Placeholder } from './model';

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
/** Variables every shell session already has. */
const SHELL_BUILTIN_VARS = new Set([
  'HOME', 'USER', 'LOGNAME', 'PATH', 'PWD', 'OLDPWD', 'SHELL', 'HOSTNAME', 'LANG', 'TERM', 'TMPDIR', 'UID', 'EUID',
  'PPID', 'RANDOM', 'SECONDS', 'LINENO', 'IFS', 'BASH_SOURCE', 'BASH_VERSION', 'EDITOR', 'PS1', 'OSTYPE',
]);
const TEMPLATE_KEYWORDS = new Set(['end', 'else', 'range', 'if', 'with', 'define', 'template', 'block', 'break', 'continue']);

const ANGLE = /<([A-Za-z_][A-Za-z0-9_.-]*)>/g;
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

/** Every placeholder in a code block, in order of appearance (see the rule at the top). */
export function findPlaceholders(text: string, lang: string | null): Placeholder[] {
  if (!text.includes('<') && !text.includes('${') && !text.includes('{{')) return [];
  const commands = commandMask(text, lang);
  const shellish = lang === null || isShellLanguage(lang);
  const states = quoteStates(commands, shellish);
  const found: Placeholder[] = [];
  const add = (name: string, style: Placeholder['style'], raw: string, offset: number) => {
    const state = states[offset];
    if (state === 3) return; // inside a shell comment
    found.push({ name, style, raw, offset, quoted: state === 1 ? 'single' : state === 2 ? 'double' : null });
  };

  if (!(lang !== null && MARKUP_LANGS.has(lang))) {
    for (const m of commands.matchAll(ANGLE)) {
      const name = m[1] as string;
      const before = m.index > 0 ? (commands[m.index - 1] as string) : '';
      if (/[A-Za-z0-9<?]/.test(before)) continue;
      const lower = name.toLowerCase();
      if (OUTPUT_TOKENS.has(lower)) continue;
      if (VOID_ELEMENTS.has(lower) || (HTML_ELEMENTS.has(lower) && commands.includes(`</${name}>`))) continue;
      add(name, 'angle', m[0], m.index);
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

const KNOWN_COMMANDS = new Set(
  (
    'kubectl helm docker podman systemctl journalctl curl wget aws gcloud az psql mysql redis-cli mongosh git ssh scp ' +
    'rsync cd ls cat less tail head grep egrep rg awk sed sort uniq wc cut tr jq yq xargs find echo printf export ' +
    'sudo kill pkill ps top htop df du free uptime dig nslookup host ping traceroute nc netstat ss ip ifconfig ' +
    'openssl terraform ansible ansible-playbook vault consul nomad make npm npx node python python3 pip go ' +
    'kafka-topics kafka-consumer-groups kafka-console-consumer kcat kafkacat stern k9s watch timeout sleep date ' +
    'mkdir rm cp mv touch chmod chown tar gzip gunzip zcat unzip env source set unset test true false while for ' +
    'if then do done fi case esac read nginx apachectl service crontab pg_dump pg_restore pg_isready ' +
    'redis-server etcdctl crictl ctr minikube kind eksctl istioctl linkerd argocd flux velero gsutil bq ' +
    'tee diff base64 sha256sum md5sum history which type alias ulimit lsof strace tcpdump iptables ufw'
  ).split(' '),
);

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

function isCommandLine(line: string): boolean {
  if (/^[A-Za-z_][A-Za-z0-9_]*=\S*/.test(line) && !/^[A-Za-z_]\w*:\s/.test(line)) return true;
  const word = /^(?:sudo\s+)?([A-Za-z0-9_./-]+)/.exec(line)?.[1];
  if (!word) return false;
  if (KNOWN_COMMANDS.has(word)) return true;
  // `./script.sh`, `/usr/local/bin/tool --flag`: a path with arguments.
  return /^\.{0,2}\/[\w./-]+$/.test(word) && !/:$/.test(word);
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
