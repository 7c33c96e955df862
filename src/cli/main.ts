// oncall-runbooks: index and lint a runbook repository outside the editor (e.g. in CI), and find
// an alert's runbook, with the same core, parser workers and persistent cache as the extension.
// Bad input is reported in a sentence and an exit code, never a stack trace. What is printed
// for scripts (JSON, SARIF, GitHub annotations) is in output.ts.
import { existsSync, statSync } from 'node:fs';
import { availableParallelism, homedir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { describeFsError, isNotFound } from '../fsErrors';
import { FileModelCache, MemoryModelCache, type ModelCache } from '../runbooks/cache';
import { RunbookIndex } from '../runbooks/index';
import { DEFAULT_LINT_CONFIG, LINT_RULES, lintRepository, type LintConfig, type RuleLevel } from '../runbooks/lint';
import type { Problem, Runbook } from '../runbooks/model';
import { InlineParser, ParsePool, type RunbookParser } from '../runbooks/parsePool';
import { nodeSource } from '../runbooks/source';
import { findingProblems, findingsFromEvents, FINDING_RULES } from '../incidents/runbookFindings';
import { defaultJournalLocations, readIncidentEvents } from './incidentJournals';
import { detailCounts } from '../runbooks/store';
import { alertJson, alertText, cliProblem, githubAnnotations, indexJson, sarif, type FoundProblem } from './output';

const USAGE = `Usage:
  oncall-runbooks index <dir> [--json] [--no-cache] [--cache-dir <dir>] [--exclude <glob>]…
  oncall-runbooks lint <dir> [--json | --format <text|json|sarif|github>] [--stale-days <n>]
                             [--required-sections <a,b>] [--rule <id>=<error|warning|info|off>]…
                             [--today <YYYY-MM-DD>] [--no-cache] [--cache-dir <dir>] [--exclude <glob>]…
                             [--journals <dir or file>]… [--no-journals]
  oncall-runbooks alert <name> [dir] [--json] [--no-cache] [--cache-dir <dir>] [--exclude <glob>]…

index   lists every runbook under <dir> with its title, alerts and code blocks (--json: with
        sections, alerts and their sources, and per code block its language, kind, whether it
        runs, its inputs and danger findings; see schemaVersion).
lint    checks staleness and completeness, fitted to the repository (a convention most runbooks
        do not follow is one suggestion, not a warning per file); exits with 1 when a rule at
        error level fails.
alert   prints the runbook that answers an alert (default <dir>: the current folder) and where the
        name was found; exits with 1 when no runbook answers it.

Options:
  --json                 print JSON instead of text
  --format <f>           lint output: text (default), json, sarif (SARIF 2.1.0 for code scanning),
                         github (workflow annotations)
  --no-cache             parse every file afresh (the cache is neither read nor written)
  --cache-dir <dir>      where parsed models are cached (default: ${defaultCacheDir()})
  --exclude <glob>       leave out matching files or folders (node_modules and .git always are)
  --workers <n>          parser worker threads (0: parse on the main thread, under the same limits)
  --stale-days <n>       a runbook reviewed longer ago than this is stale (default 90)
  --required-sections    comma-separated headings every runbook needs (default: the sections most
                         of the repository's runbooks share)
  --rule <id>=<level>    change a rule's severity, e.g. --rule missing-owner=error
  --today <YYYY-MM-DD>   the date staleness is measured against (default: today, UTC)
  --journals <path>      incident journals to learn from (a journal folder or an exported
                         *.timeline.jsonl); by default .oncall/incidents and postmortems/
                         in <dir> and the folders above it, up to the repository's top
  --no-journals          do not read incident journals

Rules: ${[...LINT_RULES.map((r) => r.id), ...Object.values(FINDING_RULES)].join(', ')}`;

/** An error in how the CLI was called or what it was pointed at: printed as is, exit code 2. */
class UsageError extends Error {}

type Format = 'text' | 'json' | 'sarif' | 'github';

interface Options {
  command: 'index' | 'lint' | 'alert';
  dir: string;
  /** `alert`: the alert name. */
  alert: string;
  format: Format;
  cache: boolean;
  cacheDir: string;
  exclude: string[];
  workers: number | undefined;
  lint: LintConfig;
  today: string;
  /** Incident journals to read findings from; undefined: the default locations. */
  journals?: string[];
  noJournals?: boolean;
}

function defaultCacheDir(): string {
  if (process.env.XDG_CACHE_HOME) return join(process.env.XDG_CACHE_HOME, 'oncall-runbooks');
  if (process.platform === 'win32' && process.env.LOCALAPPDATA) return join(process.env.LOCALAPPDATA, 'oncall-runbooks', 'cache');
  return join(homedir(), '.cache', 'oncall-runbooks');
}

function parseArgs(argv: readonly string[]): Options | 'help' | 'version' {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) return 'help';
  if (argv.includes('--version')) return 'version';
  const [command, ...rest] = argv;
  if (command !== 'index' && command !== 'lint' && command !== 'alert') throw new UsageError(`unknown command "${command}" (expected index, lint or alert)`);
  const options: Options = {
    command,
    dir: '',
    alert: '',
    format: 'text',
    cache: true,
    cacheDir: defaultCacheDir(),
    exclude: [],
    workers: undefined,
    lint: { ...DEFAULT_LINT_CONFIG, rules: {} },
    today: new Date().toISOString().slice(0, 10),
  };
  const rules: Record<string, RuleLevel> = {};
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] as string;
    const value = (): string => {
      const v = rest[++i];
      if (v === undefined || v.startsWith('--')) throw new UsageError(`${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case '--json':
        options.format = 'json';
        break;
      case '--format': {
        const f = value();
        if (f !== 'text' && f !== 'json' && f !== 'sarif' && f !== 'github') throw new UsageError('--format takes text, json, sarif or github');
        if ((f === 'sarif' || f === 'github') && command !== 'lint') throw new UsageError(`--format ${f} is for lint`);
        options.format = f;
        break;
      }
      case '--no-cache':
        options.cache = false;
        break;
      case '--cache-dir':
        options.cacheDir = resolve(value());
        break;
      case '--exclude':
        options.exclude.push(value());
        break;
      case '--workers': {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 0 || n > 16) throw new UsageError('--workers must be a whole number from 0 to 16');
        options.workers = n;
        break;
      }
      case '--stale-days': {
        const n = Number(value());
        if (!Number.isInteger(n) || n < 1) throw new UsageError('--stale-days must be a whole number of days, 1 or more');
        options.lint.staleAfterDays = n;
        break;
      }
      case '--required-sections':
        options.lint.requiredSections = value().split(',').map((s) => s.trim()).filter(Boolean);
        break;
      case '--rule': {
        const m = /^([a-z-]+)=(error|warning|info|off)$/.exec(value());
        if (!m) throw new UsageError('--rule takes <id>=<error|warning|info|off>, e.g. missing-owner=error');
        if (!LINT_RULES.some((r) => r.id === m[1]) && !(Object.values(FINDING_RULES) as string[]).includes(m[1] as string)) throw new UsageError(`unknown rule "${m[1]}" (rules: ${LINT_RULES.map((r) => r.id).join(', ')})`);
        rules[m[1] as string] = m[2] as RuleLevel;
        break;
      }
      case '--journals':
        (options.journals ??= []).push(resolve(value()));
        break;
      case '--no-journals':
        options.noJournals = true;
        break;
      case '--today': {
        const v = value();
        if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(v))) throw new UsageError('--today takes a date written YYYY-MM-DD');
        options.today = v;
        break;
      }
      default:
        if (arg.startsWith('-')) throw new UsageError(`unknown option ${arg}`);
        if (command === 'alert' && !options.alert) options.alert = arg;
        else if (options.dir) throw new UsageError(`one directory only (got "${options.dir}" and "${arg}")`);
        else options.dir = arg;
    }
  }
  if (command === 'alert') {
    if (!options.alert.trim()) throw new UsageError('alert needs an alert name, e.g. oncall-runbooks alert KubePodCrashLooping');
    options.dir ||= '.';
  }
  if (!options.dir) throw new UsageError(`${command} needs a directory`);
  options.lint.rules = rules;
  return options;
}

function makeParser(workers: number | undefined): RunbookParser {
  const workerPath = join(__dirname, 'parseWorker.js');
  // Run from source (tests) there is no bundled worker: parse on this thread.
  if (workers === 0 || !existsSync(workerPath)) return new InlineParser();
  return new ParsePool({ workerPath, size: workers ?? Math.min(2, Math.max(1, availableParallelism())) });
}

async function openCache(options: Options, root: string): Promise<ModelCache> {
  if (!options.cache) return new MemoryModelCache();
  return FileModelCache.open(options.cacheDir, [root]);
}

async function run(argv: readonly string[]): Promise<number> {
  const parsed = parseArgs(argv);
  if (parsed === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  if (parsed === 'version') {
    process.stdout.write('oncall-runbooks 0.1.0\n');
    return 0;
  }
  const root = resolve(parsed.dir);
  let stat;
  try {
    stat = statSync(root);
  } catch (err) {
    throw new UsageError(isNotFound(err) ? `no such directory: ${parsed.dir}` : `cannot open ${parsed.dir}: ${describeFsError(err)}`);
  }
  if (!stat.isDirectory()) throw new UsageError(`not a directory: ${parsed.dir}`);

  const cache = await openCache(parsed, root);
  const parser = makeParser(parsed.workers);
  const index = new RunbookIndex({ source: nodeSource, parser, cache, roots: [root], exclude: parsed.exclude, quickFirst: false });
  try {
    await index.build();
  } finally {
    parser.dispose();
  }
  try {
    await cache.save();
  } catch (err) {
    process.stderr.write(`oncall-runbooks: warning: could not write the cache in ${parsed.cacheDir}: ${(err as Error).message}\n`);
  }

  const all = index.all();
  for (const r of all) {
    const unreadable = r.problems.find((p) => p.ruleId === 'parse-failed' && /could not be read|not valid UTF-8|NUL bytes/.test(p.message));
    if (unreadable) process.stderr.write(`oncall-runbooks: warning: ${r.relPath}: ${unreadable.message}\n`);
  }
  for (const p of index.problems()) process.stderr.write(`oncall-runbooks: warning: ${relative(root, p.path)}: ${p.message}\n`);
  if (parsed.command === 'alert') return printAlert(index, parsed);
  if (parsed.command === 'index') return printIndex(all, parsed);
  const learned = parsed.noJournals ? new Map<string, Problem[]>() : await incidentProblems(all, parsed.journals ?? defaultJournalLocations(root));
  return printLint(all, index, parsed, root, learned);
}

function printAlert(index: RunbookIndex, options: Options): number {
  const hits = index.lookupAlert(options.alert);
  if (options.format === 'json') process.stdout.write(`${JSON.stringify(alertJson(options.alert, hits), null, 2)}\n`);
  else process.stdout.write(`${alertText(options.alert, hits)}\n`);
  return hits.length > 0 ? 0 : 1;
}

function printIndex(all: readonly Runbook[], options: Options): number {
  const runbooks = all.filter((r) => !r.isReadme);
  const codeBlocks = runbooks.reduce((n, r) => n + detailCounts(r).codeBlocks, 0);
  if (options.format === 'json') {
    process.stdout.write(`${JSON.stringify(indexJson(all), null, 2)}\n`);
    return 0;
  }
  const lines: string[] = [];
  for (const r of runbooks) {
    const alerts = [...new Set(r.alerts.map((a) => a.name))];
    const status = r.parseStatus === 'failed' ? '  [could not be parsed]' : '';
    lines.push(`${r.relPath}  ${r.title}${alerts.length ? `  (${alerts.join(', ')})` : ''}  ${detailCounts(r).codeBlocks} code blocks${status}`);
  }
  lines.push(`${runbooks.length} runbooks, ${codeBlocks} code blocks (${all.length - runbooks.length} READMEs not counted)`);
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

/** Problems from incident journals (failed steps, notes against steps), by runbook path. */
async function incidentProblems(all: readonly Runbook[], locations: readonly string[]): Promise<Map<string, Problem[]>> {
  const findings = [...(await readIncidentEvents(locations)).values()].flatMap((events) => findingsFromEvents(events));
  const out = new Map<string, Problem[]>();
  if (findings.length === 0) return out;
  for (const r of all) {
    const problems = findingProblems(findings, { paths: [r.relPath], lastReviewed: r.metadata.lastReviewed, blockLines: r.codeBlocks.map((b) => b.startLine) });
    if (problems.length) out.set(r.path, problems.map(({ incidentId: _id, ...p }) => p));
  }
  return out;
}

function printLint(all: readonly Runbook[], index: RunbookIndex, options: Options, root: string, learned: ReadonlyMap<string, Problem[]> = new Map()): number {
  const lint = lintRepository(all, { today: options.today, runbookAt: (p) => index.get(p), fileExists: (p) => existsSync(p) }, options.lint);
  const found: FoundProblem[] = [];
  for (const r of all) {
    for (const p of [...r.problems, ...(lint.problems.get(r.path) ?? []), ...(learned.get(r.path) ?? [])]) {
      const level = options.lint.rules[p.ruleId];
      if (level === 'off') continue;
      found.push({ path: r.relPath, absolutePath: r.path, ...cliProblem(level ? { ...p, severity: level } : p) });
    }
  }
  found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.line - b.line));
  const count = (s: string) => found.filter((p) => p.severity === s).length;
  const errors = count('error');
  const files = all.filter((r) => !r.isReadme).length;
  if (options.format === 'json') {
    const problems = found.map(({ absolutePath: _absolute, ...p }) => p);
    const out = { schemaVersion: 1, files, errors, warnings: count('warning'), infos: count('info'), problems, suggestions: lint.suggestions, requiredSections: lint.requiredSections };
    process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  } else if (options.format === 'sarif') {
    process.stdout.write(`${JSON.stringify(sarif(found, lint.suggestions, root), null, 2)}\n`);
  } else if (options.format === 'github') {
    const text = githubAnnotations(found, lint.suggestions);
    process.stdout.write(text === '' ? '' : `${text}\n`);
  } else {
    const lines = found.map((p) => `${p.path}:${p.line}: ${p.severity} [${p.ruleId}] ${p.message}`);
    for (const s of lint.suggestions) lines.push(`suggestion [${s.ruleId}] ${s.message}`);
    lines.push(`${found.length === 0 ? 'No problems' : `${errors} errors, ${count('warning')} warnings, ${count('info')} infos`} in ${files} runbooks.`);
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  return errors > 0 ? 1 : 0;
}

export async function main(argv: readonly string[]): Promise<number> {
  try {
    return await run(argv);
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`oncall-runbooks: ${err.message}\n${argv.length > 0 ? 'Run with --help for usage.\n' : ''}`);
      return 2;
    }
    process.stderr.write(`oncall-runbooks: ${err instanceof Error ? err.message : String(err)}\n`);
    return 3;
  }
}

// Run when executed (dist/cli.js or `tsx src/cli/main.ts`), not when imported by tests.
if (require.main === module) {
  void main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
