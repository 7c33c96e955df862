// Which code blocks get a Run action (the rest are Copy only). Shared by the tree, the CodeLens,
// the run command and the CLI so they always agree.
//
// How a block's kind is decided (blockKind), for blocks labelled with a shell language
// (`oncall.run.languages`) and unlabeled / `text` blocks:
// 1. A transcript (prompt lines: `$ `, or root `# ` prompts in a `console` block) is commands:
//    the prompted lines run, the rest is output.
// 2. Otherwise the first lines that are not blank or comments decide:
//    - JSON (`{` / `[` first) → `json`;
//    - SQL (`SELECT … FROM`, `UPDATE … SET`, `INSERT INTO`, `CREATE TABLE` … in capitals, or in
//      lower case when no line starts with a command) → `sql`;
//    - PromQL (a metric selector `name{label="x"}`, a range `[5m]`, `sum by (…)`,
//      `rate(` / `histogram_quantile(` …) with no line starting with a command → `promql`;
//    - YAML (most lines `key: value` or `- item`, none starting with a command) → `yaml`;
//    - a line that starts with a command (a known command, `NAME=value`, a path) → `commands`;
//    - for a `console` block, or an unlabeled one, anything else is `output`.
//    A `bash` / `sh` block is commands unless it clearly is one of the above: the author's label
//    is trusted over a guess.
// Only `commands` and `transcript` run; every kind can be copied.
import { isCommandLine, isSessionLanguage, isShellLanguage, sessionOf } from '../shell/transcript';
import type { CodeBlock } from './model';

/** The default of the setting `oncall.run.languages`. */
export const DEFAULT_RUN_LANGUAGES: readonly string[] = ['sh', 'bash', 'shell', 'zsh', 'console'];

/** Labels that say "plain text" and nothing about what runs it: treated like no label. */
const PLAIN_TEXT = new Set(['text', 'txt', 'plaintext', 'plain']);

export type BlockKind = 'commands' | 'transcript' | 'promql' | 'sql' | 'yaml' | 'json' | 'output' | 'empty';

const SQL_START = /^(?:SELECT|INSERT\s+INTO|UPDATE|DELETE\s+FROM|WITH|CREATE\s+(?:TABLE|INDEX|VIEW|USER|DATABASE)|ALTER\s+(?:TABLE|USER|SYSTEM)|DROP\s+(?:TABLE|INDEX|VIEW|DATABASE)|SHOW|EXPLAIN|GRANT|REVOKE|VACUUM|ANALYZE|TRUNCATE)\b/;
const SQL_BODY = /\b(?:FROM|WHERE|SET|VALUES|TABLE|INTO|ORDER\s+BY|GROUP\s+BY|LIMIT)\b/i;
const PROMQL_FUNCTION =
  /\b(?:rate|irate|increase|delta|idelta|deriv|predict_linear|histogram_quantile|absent|absent_over_time|sum|avg|min|max|count|topk|bottomk|quantile|stddev|count_values|label_replace|label_join|\w+_over_time|clamp_min|clamp_max|changes|resets|time|vector|scalar)\s*(?:by\s*\([^)]*\)\s*|without\s*\([^)]*\)\s*)?\(/;
const PROMQL_SELECTOR = /[A-Za-z_:][\w:]*\{[^{}\n]*(?:=|=~|!=|!~)\s*"[^"\n]*"[^{}\n]*\}/;
const PROMQL_RANGE = /\[\d+(?:ms|[smhdwy])(?::\d*(?:ms|[smhdwy])?)?\]/;
const PROMQL_GROUPING = /\b(?:sum|avg|min|max|count)\s+(?:by|without)\s*\(/;
const YAML_LINE = /^\s*(?:-\s+)?[A-Za-z_][\w.-]*:(?:\s|$)|^\s*-\s+\S/;

function meaningfulLines(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#') && !l.startsWith('//') && !l.startsWith('--'));
}

/** What a block holds, for the Run / Copy decision (see the top of this file). */
export function blockKind(block: Pick<CodeBlock, 'lang' | 'text'>): BlockKind {
  const lang = block.lang === null || PLAIN_TEXT.has(block.lang) ? null : block.lang;
  if (sessionOf(block.text, lang).transcript) return 'transcript';
  const lines = meaningfulLines(block.text);
  if (lines.length === 0) return 'empty';
  const anyCommand = lines.some((l) => isCommandLine(l));
  const first = lines[0] as string;
  const joined = lines.join('\n');
  if (/^[{[]/.test(first) && !isCommandLine(first)) return 'json';
  if (SQL_START.test(first) && (lines.length === 1 || SQL_BODY.test(joined))) return 'sql';
  if (!anyCommand && /^(?:select|insert\s+into|update|delete\s+from|with|show|explain)\b/i.test(first) && SQL_BODY.test(joined)) return 'sql';
  if (!anyCommand && (PROMQL_SELECTOR.test(joined) || PROMQL_RANGE.test(joined) || PROMQL_GROUPING.test(joined) || PROMQL_FUNCTION.test(joined))) return 'promql';
  if (!anyCommand && lines.filter((l) => YAML_LINE.test(l)).length * 2 > lines.length && YAML_LINE.test(first)) return 'yaml';
  if (isCommandLine(first) || (lang !== null && !isSessionLanguage(lang) && anyCommand)) return 'commands';
  // A shell-labelled (not session) block: the author said it is commands.
  if (lang !== null && isShellLanguage(lang) && !isSessionLanguage(lang)) return 'commands';
  return 'output';
}

/**
 * Runnable: the block's language is one of `languages` (setting `oncall.run.languages`,
 * compared case-insensitively), or the block is unlabeled (or `text`) and its content looks
 * like shell (`looksLikeShell`) — and what it holds is commands or a transcript, not a query,
 * data or output (blockKind).
 */
export function isRunnable(block: Pick<CodeBlock, 'lang' | 'looksLikeShell' | 'text'>, languages: readonly string[]): boolean {
  const lang = block.lang?.toLowerCase() ?? null;
  const labelled = lang !== null && languages.some((l) => l.toLowerCase() === lang);
  if (!labelled && !((lang === null || PLAIN_TEXT.has(lang)) && block.looksLikeShell)) return false;
  const kind = blockKind(block);
  return kind === 'commands' || kind === 'transcript';
}
