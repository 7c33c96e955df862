// What the CLI prints for scripts and CI: the index as JSON (schema below), an alert's runbook,
// and lint results as JSON, SARIF 2.1.0 (code scanning) or GitHub workflow annotations.
// Every JSON document carries `schemaVersion`; fields are only ever added within a version.
//
// index --json (schemaVersion 1):
//   { schemaVersion, files, codeBlocks, readmes, runbooks: [ {
//       path, area, title, owner, severity, lastReviewed, tags, parseStatus,
//       alerts: [ { name, source: frontMatter|fileName|title|heading|table, anchor?, line? } ],
//       sections: [ { title, anchor, depth, line } ],
//       codeBlocks: <count>,
//       blocks: [ { index, lang, line, endLine, kind, runs,
//                   inputs: [ { name, style, raw, options?, label?, explained } ],
//                   danger: [ { ruleId, reason, match } ] } ],
//       problems: [ { ruleId, severity, message, line, endLine? } ] } ] }
// Lines are 1-based. `kind` is commands|transcript|promql|sql|yaml|json|output|empty; `runs` says
// whether the editor offers Run (with the default `oncall.run.languages`).
import { relative, sep } from 'node:path';
import { describeAlertSource } from '../runbooks/alerts';
import type { AlertHit } from '../runbooks/index';
import { LINT_RULES, type RepositorySuggestion } from '../runbooks/lint';
import type { Problem, Runbook } from '../runbooks/model';
import { blockKind, DEFAULT_RUN_LANGUAGES, isRunnable } from '../runbooks/runnable';

export const SCHEMA_VERSION = 1;
const TOOL = { name: 'oncall-runbooks', version: '0.1.0', informationUri: 'https://github.com/oncall-runbooks/oncall-runbooks' };

export const cliProblem = (p: Problem) => ({
  ruleId: p.ruleId,
  severity: p.severity,
  message: p.message,
  line: p.line + 1,
  ...(p.endLine !== undefined ? { endLine: p.endLine + 1 } : {}),
});

export function runbookJson(r: Runbook) {
  return {
    path: r.relPath,
    area: r.area,
    title: r.title,
    owner: r.metadata.owner ?? null,
    severity: r.metadata.severity ?? null,
    lastReviewed: r.metadata.lastReviewed ?? null,
    tags: r.metadata.tags,
    parseStatus: r.parseStatus,
    alerts: r.alerts.map((a) => ({
      name: a.name,
      source: a.source,
      ...(a.anchor !== undefined ? { anchor: a.anchor } : {}),
      ...(a.line !== undefined ? { line: a.line + 1 } : {}),
    })),
    sections: r.sections.map((s) => ({ title: s.title, anchor: s.slug, depth: s.depth, line: s.startLine + 1 })),
    codeBlocks: r.codeBlocks.length,
    blocks: r.codeBlocks.map((b) => ({
      index: b.index,
      lang: b.lang,
      line: b.startLine + 1,
      endLine: b.endLine + 1,
      kind: blockKind(b),
      runs: isRunnable(b, DEFAULT_RUN_LANGUAGES),
      inputs: b.placeholders.map((p) => ({
        name: p.name,
        style: p.style,
        raw: p.raw,
        ...(p.options ? { options: p.options } : {}),
        ...(p.label !== undefined ? { label: p.label } : {}),
        explained: p.explained !== false,
      })),
      danger: b.danger.map((d) => ({ ruleId: d.ruleId, reason: d.reason, match: d.match })),
    })),
    problems: r.problems.map(cliProblem),
  };
}

export function indexJson(all: readonly Runbook[]) {
  const runbooks = all.filter((r) => !r.isReadme);
  return {
    schemaVersion: SCHEMA_VERSION,
    files: runbooks.length,
    codeBlocks: runbooks.reduce((n, r) => n + r.codeBlocks.length, 0),
    readmes: all.length - runbooks.length,
    runbooks: runbooks.map(runbookJson),
  };
}

function hitJson(hit: AlertHit) {
  const c = hit.candidate;
  return {
    path: hit.runbook.relPath,
    title: hit.runbook.title,
    alert: c.name,
    source: c.source,
    from: describeAlertSource(c),
    match: hit.kind,
    ...(c.anchor !== undefined ? { anchor: c.anchor } : {}),
    ...(c.line !== undefined ? { line: c.line + 1 } : {}),
  };
}

export function alertJson(query: string, hits: readonly AlertHit[]) {
  return { schemaVersion: SCHEMA_VERSION, alert: query, match: hits[0] ? hitJson(hits[0]) : null, others: hits.slice(1).map(hitJson) };
}

export function alertText(query: string, hits: readonly AlertHit[]): string {
  if (hits.length === 0) return `No runbook answers the alert “${query}”.`;
  const line = (h: AlertHit) => {
    const c = h.candidate;
    const where = `${h.runbook.relPath}${c.anchor !== undefined ? `#${c.anchor}` : ''}${c.line !== undefined ? `:${c.line + 1}` : ''}`;
    const how = h.kind === 'exact' ? '' : `, ${h.kind === 'caseInsensitive' ? 'case-insensitive' : 'normalized'} match for “${query}”`;
    return `${where}  “${h.runbook.title}” — ${c.name} from the ${describeAlertSource(c)}${how}`;
  };
  const lines = [line(hits[0] as AlertHit)];
  if (hits.length > 1) lines.push(`also (${hits.length - 1}):`, ...hits.slice(1).map((h) => `  ${line(h)}`));
  return lines.join('\n');
}

export interface FoundProblem extends ReturnType<typeof cliProblem> {
  path: string;
  /** Absolute path, for locations relative to the working folder. */
  absolutePath: string;
}

/** A path as a CI system sees it: relative to the working folder when the file is under it. */
function repoPath(p: FoundProblem): string {
  const rel = relative(process.cwd(), p.absolutePath);
  return rel !== '' && !rel.startsWith('..') ? rel.split(sep).join('/') : p.path;
}

const SARIF_LEVEL = { error: 'error', warning: 'warning', info: 'note' } as const;

/** SARIF 2.1.0 for code scanning: one result per problem, repository suggestions as notifications. */
export function sarif(problems: readonly FoundProblem[], suggestions: readonly RepositorySuggestion[], root: string) {
  const ruleIds = [...new Set([...LINT_RULES.map((r) => r.id), ...problems.map((p) => p.ruleId)])];
  const rules = ruleIds.map((id) => {
    const rule = LINT_RULES.find((r) => r.id === id);
    return {
      id,
      name: id.replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase()),
      shortDescription: { text: rule?.description ?? 'A problem found while parsing the runbook.' },
      defaultConfiguration: { level: SARIF_LEVEL[rule?.defaultSeverity ?? 'warning'] },
      properties: { kind: rule?.kind ?? 'defect' },
    };
  });
  return {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [
      {
        tool: { driver: { ...TOOL, rules } },
        originalUriBaseIds: { RUNBOOKROOT: { uri: `file://${root.split(sep).join('/').replace(/^([A-Za-z]:)/, '/$1')}/` } },
        invocations: [
          {
            executionSuccessful: true,
            toolConfigurationNotifications: suggestions.map((s) => ({ descriptor: { id: s.ruleId }, level: 'note', message: { text: s.message } })),
          },
        ],
        results: problems.map((p) => {
          const uri = repoPath(p);
          return {
            ruleId: p.ruleId,
            ruleIndex: ruleIds.indexOf(p.ruleId),
            level: SARIF_LEVEL[p.severity],
            message: { text: p.message },
            locations: [
              {
                physicalLocation: {
                  artifactLocation: uri === p.path && relative(process.cwd(), p.absolutePath).startsWith('..') ? { uri, uriBaseId: 'RUNBOOKROOT' } : { uri },
                  region: { startLine: p.line, ...(p.endLine !== undefined && p.endLine >= p.line ? { endLine: p.endLine } : {}) },
                },
              },
            ],
          };
        }),
      },
    ],
  };
}

/** GitHub workflow commands: `::warning file=…,line=…::message`, suggestions as notices. */
export function githubAnnotations(problems: readonly FoundProblem[], suggestions: readonly RepositorySuggestion[]): string {
  const data = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  const prop = (s: string) => data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
  const command = { error: 'error', warning: 'warning', info: 'notice' } as const;
  const lines = problems.map((p) => {
    const props = [`file=${prop(repoPath(p))}`, `line=${p.line}`, ...(p.endLine !== undefined && p.endLine > p.line ? [`endLine=${p.endLine}`] : []), `title=${prop(p.ruleId)}`];
    return `::${command[p.severity]} ${props.join(',')}::${data(p.message)}`;
  });
  for (const s of suggestions) lines.push(`::notice title=${prop(s.ruleId)}::${data(s.message)}`);
  return lines.join('\n');
}
