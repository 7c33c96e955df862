// Real runbook repositories: how the index, the alert lookup and the lint fare on material nobody
// here wrote. It fetches nothing: it reads local copies under .cache/real-repos/<name>/ (git-ignored)
// and skips the repositories that are not there. To make the copies, bring each repository onto the
// machine (the `fetch` tool) and copy only its runbook folders, e.g.
//   git --git-dir=<mirror> ls-tree -r --name-only HEAD -- content | while read f; do …git show HEAD:"$f"…; done
// (the folders are listed per repository below).
//
// For each repository, this script derives the alert names the repository's OWN convention implies
// with its own rules (a regular expression over the files, or the file names of a one-file-per-alert
// folder) — deliberately not with the index's heuristics — and then asks the index for each name.
// Reported per repository: runbooks, hit rate (the name's best match is the right file and, in a
// multi-alert file, the right heading or table row), alert names the index lists that the convention
// does not imply (for a repository without alerts: invented), lint problems per rule (% of runbooks),
// runnable blocks, files that failed to parse.
//
// Run: node --import tsx bench/real-repos.bench.ts   (or `node bench/run.mjs real-repos`)
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { normalizeAlertName } from '../src/runbooks/alerts';
import { RunbookIndex } from '../src/runbooks/index';
import { lintRepository } from '../src/runbooks/lint';
import type { Runbook } from '../src/runbooks/model';
import { InlineParser } from '../src/runbooks/parsePool';
import { blockKind, isRunnable } from '../src/runbooks/runnable';
import { nodeSource } from '../src/runbooks/source';

const project = resolve(__dirname, '..');
const base = join(project, '.cache', 'real-repos');
const log = (s: string) => process.stderr.write(`[real-repos] ${s}\n`);

interface Expected {
  name: string;
  /** Path relative to the repository copy. */
  file: string;
  /** 0-based line of the heading or table row that names it, in a multi-alert file. */
  line?: number;
}

interface RepoSpec {
  name: string;
  /** Where it comes from and which folders are copied. */
  origin: string;
  shape: string;
  /** The folders (or files) copied, relative to the copy: links that leave them cannot be judged here. */
  copied: string[];
  /** The names the repository's convention implies; [] for a repository without alerts. */
  expected(dir: string): Expected[];
}

/** Markdown files under a folder, sorted. */
function listMarkdown(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((p) => /\.(md|markdown)$/i.test(p))
    .map((p) => join(dir, p))
    .sort();
}

const rel = (dir: string, path: string) => relative(dir, path).split(sep).join('/');

/** One file per alert: the file name (without `.md`) is the alert, in the given folders (lower-case slugs are helper pages). */
function fileNames(folder: string) {
  return (dir: string): Expected[] =>
    listMarkdown(join(dir, folder))
      .filter((p) => !/(?:^|[\\/])(?:readme|_index|index)\.md$/i.test(p))
      .map((p) => ({ name: (p.split(/[\\/]/).pop() as string).replace(/\.md$/i, ''), file: rel(dir, p) }))
      .filter((e) => /[A-Z]/.test(e.name));
}

/** Lines of one file (outside code fences) matching a pattern whose first group is the alert. */
function matchingLines(file: string, pattern: RegExp, pick: (m: RegExpExecArray) => string = (m) => m[1] as string) {
  return (dir: string): Expected[] => {
    const lines = readFileSync(join(dir, file), 'utf8').split('\n');
    const out: Expected[] = [];
    let fence = false;
    lines.forEach((line, i) => {
      if (/^\s*(```|~~~)/.test(line)) fence = !fence;
      const m = fence ? null : pattern.exec(line);
      if (m) out.push({ name: pick(m), file, line: i });
    });
    return out;
  };
}

const none = (): Expected[] => [];

const REPOS: RepoSpec[] = [
  {
    name: 'mimir',
    copied: ['docs/sources/mimir/manage/mimir-runbooks'],
    origin: 'grafana/mimir (a fork with the same file: karlskewes/mimir), docs/sources/mimir/manage/mimir-runbooks/',
    shape: 'Hugo `_index.md`, ~90 alerts as H3/H4 headings in one file, plus an errors catalog of kebab ids',
    expected: matchingLines('docs/sources/mimir/manage/mimir-runbooks/_index.md', /^#{3,4} ((?:Mimir|Kube|RolloutOperator)[A-Za-z0-9]+)\s*$/),
  },
  {
    name: 'sourcegraph',
    copied: ['doc/admin/observability/alerts.md'],
    origin: 'sourcegraph/sourcegraph-public-snapshot doc/admin/observability/alerts.md (as synced into sourcegraph/docs)',
    shape: 'one generated file, ~250 alerts as `## service: snake_name` headings',
    expected: matchingLines('doc/admin/observability/alerts.md', /^## ([a-z][\w-]*: \w+)\s*$/),
  },
  {
    name: 'thanos',
    copied: ['mixin/runbook.md'],
    origin: 'thanos-io/thanos mixin/runbook.md',
    shape: 'one file, alerts as rows of tables (one table per rule group)',
    expected: matchingLines('mixin/runbook.md', /^\|(Thanos\w+)\|/),
  },
  {
    name: 'kubernetes-mixin',
    copied: ['runbook.md'],
    origin: 'kubernetes-monitoring/kubernetes-mixin runbook.md',
    shape: 'one file, `##### Alert Name: "X"` (H5) headings, quoted or not',
    expected: matchingLines('runbook.md', /^#{5} Alert Name: "?(\w+)"?\s*$/),
  },
  {
    name: 'prometheus-operator',
    copied: ['content'],
    origin: 'prometheus-operator/runbooks content/',
    shape: 'Hugo site, one file per alert (CamelCase, lower camelCase, single words), `_index.md` section pages',
    expected: fileNames('content/runbooks'),
  },
  {
    name: 'openshift',
    copied: ['alerts'],
    origin: 'openshift/runbooks alerts/',
    shape: 'one file per alert under alerts/<operator>/ (etcd* lower camelCase, acronyms)',
    expected: fileNames('alerts'),
  },
  {
    name: 'kubevirt',
    copied: ['docs/runbooks'],
    origin: 'kubevirt/monitoring docs/runbooks/',
    shape: 'flat folder, one file per alert (acronym + word: SSPDown, CDINotReady …)',
    expected: fileNames('docs/runbooks'),
  },
  {
    name: 'guardduty',
    copied: ['doc_source'],
    origin: 'awsdocs/amazon-guardduty-user-guide doc_source/ (last commit with the sources)',
    shape: 'security finding types as headings with HTML anchors (`Backdoor:EC2/C&CActivity.B!DNS`)',
    expected: (dir) =>
      listMarkdown(join(dir, 'doc_source'))
        .filter((p) => /finding-types-[a-z0-9]+\.md$/.test(p))
        .flatMap((p) => matchingLines(rel(dir, p), /^## ([A-Z][A-Za-z0-9]*:[^\s<]+)<a name=/, (m) => (m[1] as string).replace(/\\(.)/g, '$1'))(dir)),
  },
  {
    name: 'pagerduty',
    copied: ['docs'],
    origin: 'PagerDuty/incident-response-docs docs/',
    shape: 'mkdocs site, flat folders of snake/kebab slugs, no alerts',
    expected: none,
  },
  {
    name: 'aws-ir',
    copied: ['playbooks'],
    origin: 'aws-samples/aws-incident-response-playbooks playbooks/',
    shape: 'security playbooks (IRP-*.md, spaces in folder names), no alerts',
    expected: none,
  },
];

const DEFAULT_LANGUAGES = ['sh', 'bash', 'shell', 'zsh', 'console'];
const DEFECT_RULES = new Set(['unclosed-fence', 'fence-closed-by-info-string', 'unlabeled-fence', 'parse-failed', 'broken-link']);

interface RepoResult {
  spec: RepoSpec;
  runbooks: number;
  documents: number;
  expected: number;
  hits: number;
  misses: string[];
  extra: string[];
  failed: number;
  blocks: number;
  runnable: number;
  copyOnly: Record<string, number>;
  /** `console` / `shell-session` blocks without a prompt line, and how many of them run. */
  consoleNoPrompt: { total: number; runs: number };
  /** Inputs by how they are written (words, alternatives, brackets, unset variables …). */
  inputs: Record<string, number>;
  rules: Map<string, number>;
  suggestions: string[];
}

async function measure(spec: RepoSpec, dir: string): Promise<RepoResult> {
  const index = new RunbookIndex({ source: nodeSource, parser: new InlineParser(), roots: [dir] });
  await index.build();
  const all = index.all();
  const runbooks = all.filter((r) => !r.isReadme);
  const expected = spec.expected(dir);
  const misses: string[] = [];
  let hits = 0;
  // A name the repository writes in two places (two severities, two operators) may be found at either.
  const places = new Map<string, Expected[]>();
  for (const e of expected) places.set(e.name, [...(places.get(e.name) ?? []), e]);
  for (const [name, where] of places) {
    const best = index.lookupAlert(name)[0];
    const right = where.some((e) => best && rel(dir, best.runbook.path) === e.file && (e.line === undefined || best.candidate.line === e.line));
    if (right) hits++;
    else misses.push(`${name}${best ? ` → ${rel(dir, best.runbook.path)}${best.candidate.line !== undefined ? `:${best.candidate.line + 1}` : ''}` : ' → none'}`);
  }
  const implied = new Set(expected.map((e) => normalizeAlertName(e.name)));
  const extra = new Set<string>();
  for (const r of runbooks) for (const a of r.alerts) if (!implied.has(normalizeAlertName(a.name))) extra.add(`${a.name} (${a.source}, ${r.relPath})`);

  let blocks = 0;
  let runnable = 0;
  const copyOnly: Record<string, number> = {};
  const consoleNoPrompt = { total: 0, runs: 0 };
  const inputs: Record<string, number> = {};
  for (const r of runbooks) {
    for (const b of r.codeBlocks) {
      blocks++;
      for (const p of b.placeholders) {
        const how = p.options ? 'alternatives' : p.style === 'angle' && p.name.includes(' ') ? 'words' : p.style;
        inputs[how] = (inputs[how] ?? 0) + 1;
      }
      if ((b.lang === 'console' || b.lang === 'shell-session') && !/^[ \t]*[$#] /m.test(b.text)) {
        consoleNoPrompt.total++;
        if (isRunnable(b, DEFAULT_LANGUAGES)) consoleNoPrompt.runs++;
      }
      if (isRunnable(b, DEFAULT_LANGUAGES)) runnable++;
      else if (b.lang === null || DEFAULT_LANGUAGES.includes(b.lang)) {
        const kind = blockKind(b);
        copyOnly[kind] = (copyOnly[kind] ?? 0) + 1;
      }
    }
  }

  const lint = lintRepository(all, {
    today: '2026-07-01',
    runbookAt: (p) => index.get(p),
    // Only the runbook folders are copied: a link that leaves them cannot be judged here.
    fileExists: (p) => !spec.copied.some((c) => p === join(dir, c) || p.startsWith(join(dir, c) + sep)) || existsSync(p),
  });
  const rules = new Map<string, number>();
  for (const r of runbooks) {
    const ids = new Set([...r.problems, ...(lint.problems.get(r.path) ?? [])].map((p) => p.ruleId));
    for (const id of ids) rules.set(id, (rules.get(id) ?? 0) + 1);
  }
  return {
    spec,
    runbooks: runbooks.length,
    documents: all.length - runbooks.length,
    expected: places.size,
    hits,
    misses,
    extra: [...extra],
    failed: all.filter((r: Runbook) => r.parseStatus === 'failed').length,
    blocks,
    runnable,
    copyOnly,
    consoleNoPrompt,
    inputs,
    rules,
    suggestions: lint.suggestions.map((s) => s.message),
  };
}

const pct = (a: number, b: number) => (b === 0 ? '–' : `${((100 * a) / b).toFixed(1)}%`);

async function main(): Promise<void> {
  const results: RepoResult[] = [];
  const skipped: string[] = [];
  for (const spec of REPOS) {
    const dir = join(base, spec.name);
    if (!existsSync(dir) || !statSync(dir).isDirectory()) {
      skipped.push(spec.name);
      continue;
    }
    log(spec.name);
    results.push(await measure(spec, dir));
  }
  const out: string[] = ['## Real runbook repositories', ''];
  out.push(
    'Local copies of public runbook repositories (`.cache/real-repos/`, see `bench/real-repos.bench.ts` for what is copied). ' +
      'Alert names are the ones each repository\'s own convention implies (derived by the bench script\'s own rules, not the index\'s). ' +
      '"Hit" = the best match of the lookup is the right file and, in a multi-alert file, the right heading or table row. ' +
      '"Not implied" = names the index lists that the convention does not imply (for a repository without alerts: invented). ' +
      'Lint: the rules firing on the largest share of runbooks with the repository-adapted defaults; defects (unclosed or wrongly closed fence, ' +
      'unlabeled fence, parse failure, link to a missing file) marked *.',
    '',
  );
  if (results.length === 0) {
    out.push(`No copies found under .cache/real-repos/ (looked for ${REPOS.map((r) => r.name).join(', ')}).`);
    process.stdout.write(`${out.join('\n')}\n`);
    return;
  }
  out.push('| repository | shape | runbooks (+docs) | alert names implied | hit | not implied | parse failures | code blocks | runnable | top lint rules (% of runbooks) |');
  out.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const r of results) {
    const top = [...r.rules.entries()]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 4)
      .map(([id, n]) => `${id}${DEFECT_RULES.has(id) ? '*' : ''} ${pct(n, r.runbooks)}`)
      .join(', ');
    out.push(
      `| ${r.spec.name} | ${r.spec.shape} | ${r.runbooks} (+${r.documents}) | ${r.expected} | ${r.expected ? `${r.hits} (${pct(r.hits, r.expected)})` : '–'} | ${r.extra.length} | ${r.failed} | ${r.blocks} | ${r.runnable} | ${top || 'none'} |`,
    );
  }
  out.push('');
  const overBudget = results.flatMap((r) =>
    [...r.rules.entries()].filter(([id, n]) => !DEFECT_RULES.has(id) && n * 2 > r.runbooks).map(([id, n]) => `${r.spec.name}: ${id} on ${pct(n, r.runbooks)}`),
  );
  out.push(`Non-defect rules on more than half of a repository's runbooks: ${overBudget.length ? overBudget.join('; ') : 'none'}.`);
  out.push('');
  for (const r of results) {
    const details: string[] = [];
    if (r.misses.length) details.push(`misses: ${r.misses.slice(0, 8).join('; ')}${r.misses.length > 8 ? ` … (${r.misses.length})` : ''}`);
    if (r.extra.length) details.push(`not implied: ${r.extra.slice(0, 8).join('; ')}${r.extra.length > 8 ? ` … (${r.extra.length})` : ''}`);
    const copy = Object.entries(r.copyOnly).map(([k, n]) => `${n} ${k}`).join(', ');
    if (copy) details.push(`shell-labelled or unlabeled blocks kept Copy-only: ${copy}`);
    if (r.consoleNoPrompt.total) details.push(`console blocks without prompts: ${r.consoleNoPrompt.total} (${r.consoleNoPrompt.runs} run as commands)`);
    const inputs = Object.entries(r.inputs).map(([k, n]) => `${n} ${k}`).join(', ');
    if (inputs) details.push(`inputs: ${inputs}`);
    if (r.suggestions.length) details.push(`repository suggestions: ${r.suggestions.join(' / ')}`);
    details.push(`all rules: ${[...r.rules.entries()].map(([id, n]) => `${id} ${n}`).join(', ') || 'none'}`);
    out.push(`- **${r.spec.name}** (${r.spec.origin}): ${details.join('. ')}.`);
  }
  if (skipped.length) out.push('', `Not present here (skipped): ${skipped.join(', ')}.`);
  process.stdout.write(`${out.join('\n')}\n`);
}

void main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
