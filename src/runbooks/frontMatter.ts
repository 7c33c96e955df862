// Front matter: the metadata block at the top of a runbook. YAML between `---` lines (Jekyll,
// Hugo, our own convention) or TOML between `+++` lines (Hugo). Read with `yaml` under the
// YAML 1.2 core schema, so `2024-01-05` and `NO` stay strings, with a low alias limit and a size
// cap; every error becomes a Problem and the rest of the file is still indexed. The typed
// fields are checked by our own schema below, never by YAML's type guessing.
import { LineCounter, isMap, isPair, isScalar, parseDocument } from 'yaml';
import type { Problem, RunbookMetadata, Severity } from './model';

/** Front matter larger than this is not read (a runbook's metadata is a few hundred bytes). */
export const MAX_FRONT_MATTER_BYTES = 64 * 1024;
/** YAML errors reported per file. */
const MAX_YAML_ERRORS = 10;
/** Aliases expanded when converting YAML to data: real front matter needs none. */
const MAX_ALIAS_COUNT = 10;

export interface FrontMatter {
  kind: 'yaml' | 'toml' | null;
  /** Lines the block covers, delimiters included (0-based, inclusive); -1 when there is none. */
  startLine: number;
  endLine: number;
  metadata: RunbookMetadata;
  problems: Problem[];
  /** The key that holds the review date, as spelled in the file (for the "mark reviewed" edit). */
  reviewedKey?: string;
  /** Raw names of keys that explain placeholders (`placeholders:`, `parameters:`, `variables:`). */
  explainedNames: string[];
}

export function emptyMetadata(): RunbookMetadata {
  return { alerts: [], tags: [], extra: {} };
}

const YAML_OPEN = /^---[ \t]*$/;
const YAML_CLOSE = /^(?:---|\.\.\.)[ \t]*$/;
const TOML_FENCE = /^\+\+\+[ \t]*$/;

/**
 * Finds the front matter block in `lines` (line endings already normalised, BOM removed).
 * Returns the closing line index, or -1 when the file has no (closed) front matter.
 */
export function findFrontMatterEnd(lines: readonly string[]): { kind: 'yaml' | 'toml'; endLine: number } | null {
  const first = lines[0];
  if (first === undefined) return null;
  const kind = YAML_OPEN.test(first) ? 'yaml' : TOML_FENCE.test(first) ? 'toml' : null;
  if (!kind) return null;
  const close = kind === 'yaml' ? YAML_CLOSE : TOML_FENCE;
  let bytes = 0;
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i] as string;
    if (close.test(line)) return { kind, endLine: i };
    bytes += line.length + 1;
    // Past the cap, the closing line is searched no further: treated as not closed.
    if (bytes > MAX_FRONT_MATTER_BYTES * 4) return null;
  }
  return null;
}

/**
 * Reads the front matter of a file split into lines. Never throws. A block larger than
 * `maxBytes` is not read (the quick pass on the extension host reads only small ones).
 */
export function readFrontMatter(lines: readonly string[], maxBytes = MAX_FRONT_MATTER_BYTES): FrontMatter {
  const none: FrontMatter = { kind: null, startLine: -1, endLine: -1, metadata: emptyMetadata(), problems: [], explainedNames: [] };
  const found = findFrontMatterEnd(lines);
  if (!found) {
    if (lines[0] !== undefined && YAML_OPEN.test(lines[0]) && /^[A-Za-z_][\w-]*:/.test(lines[1] ?? '')) {
      none.problems.push({
        ruleId: 'front-matter-invalid',
        severity: 'warning',
        message: 'Front matter is not closed: add a `---` line after the metadata.',
        line: 0,
      });
    }
    return none;
  }
  const result: FrontMatter = { ...none, kind: found.kind, startLine: 0, endLine: found.endLine };
  const body = lines.slice(1, found.endLine).join('\n');
  if (body.length > maxBytes) {
    result.problems.push({
      ruleId: 'front-matter-invalid',
      severity: 'warning',
      message: `Front matter is larger than ${maxBytes / 1024} KB and was not read.`,
      line: 0,
    });
    return result;
  }
  const deep = tooDeep(body);
  if (deep !== undefined) {
    result.problems.push({
      ruleId: 'front-matter-invalid',
      severity: 'warning',
      message: `Front matter nests deeper than ${MAX_FRONT_MATTER_DEPTH} levels (line ${deep + 2}) and was not read.`,
      line: deep + 1,
    });
    return result;
  }
  try {
    const parsed = found.kind === 'yaml' ? parseYaml(body) : parseToml(body);
    for (const p of parsed.problems.slice(0, MAX_YAML_ERRORS)) result.problems.push({ ...p, line: p.line + 1 });
    if (parsed.data) applySchema(parsed.data, parsed.keyLines, result);
  } catch (err) {
    // The yaml package reports through `errors`, but a thrown error must not stop indexing.
    result.problems.push({
      ruleId: 'front-matter-invalid',
      severity: 'warning',
      message: `Front matter could not be read: ${err instanceof Error ? err.message : String(err)}`,
      line: 0,
    });
  }
  return result;
}

/** Brackets or indentation deeper than this are not given to the YAML parser (it recurses). */
const MAX_FRONT_MATTER_DEPTH = 32;

/**
 * The first line (0-based, in the body) where `[`/`{` nest, or indentation goes, deeper than
 * MAX_FRONT_MATTER_DEPTH; undefined when none does. Brackets inside quotes count too: erring
 * on the safe side, since the YAML parser recurses once per level and very deep input has
 * been seen to crash the process, not just throw.
 */
function tooDeep(body: string): number | undefined {
  let depth = 0;
  let line = 0;
  let indent = 0;
  let inIndent = true;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\n') {
      line++;
      indent = 0;
      inIndent = true;
      continue;
    }
    if (inIndent && c === ' ') {
      if (++indent > MAX_FRONT_MATTER_DEPTH * 4) return line;
      continue;
    }
    inIndent = false;
    if (c === '[' || c === '{') {
      if (++depth > MAX_FRONT_MATTER_DEPTH) return line;
    } else if ((c === ']' || c === '}') && depth > 0) depth--;
  }
  return undefined;
}

interface RawFrontMatter {
  data: Record<string, unknown> | null;
  /** Key → 0-based line inside the front matter body. */
  keyLines: Map<string, number>;
  problems: Problem[];
}

function parseYaml(body: string): RawFrontMatter {
  const lineCounter = new LineCounter();
  const doc = parseDocument(body, {
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    version: '1.2',
    schema: 'core',
  });
  const problems: Problem[] = [];
  const lineOf = (offset: number | undefined) => (offset === undefined ? 0 : lineCounter.linePos(offset).line - 1);
  // Hostile YAML can hold thousands of errors: the first few say enough.
  for (const e of doc.errors.slice(0, MAX_YAML_ERRORS)) {
    problems.push({
      ruleId: 'front-matter-invalid',
      severity: 'warning',
      message: `Front matter is not valid YAML: ${firstLine(e.message)}`,
      line: lineOf(e.pos?.[0]),
    });
  }
  if (doc.errors.length > 0) return { data: null, keyLines: new Map(), problems };
  const keyLines = new Map<string, number>();
  if (doc.contents !== null && doc.contents !== undefined && !isMap(doc.contents)) {
    problems.push({
      ruleId: 'front-matter-invalid',
      severity: 'warning',
      message: 'Front matter must be a list of `key: value` lines.',
      line: 0,
    });
    return { data: null, keyLines, problems };
  }
  if (isMap(doc.contents)) {
    for (const item of doc.contents.items) {
      if (isPair(item) && isScalar(item.key) && item.key.range) {
        keyLines.set(String(item.key.value), lineOf(item.key.range[0]));
      }
    }
  }
  let data: unknown;
  try {
    data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT, mapAsMap: false });
  } catch (err) {
    problems.push({
      ruleId: 'front-matter-invalid',
      severity: 'warning',
      message: `Front matter could not be read: ${firstLine(err instanceof Error ? err.message : String(err))}`,
      line: 0,
    });
    return { data: null, keyLines, problems };
  }
  return { data: isPlainObject(data) ? data : {}, keyLines, problems };
}

/**
 * The part of TOML that Hugo front matter uses: `key = value` with strings, numbers, booleans,
 * dates and flat arrays. Tables (`[params]`) end what we read; their keys are not metadata.
 */
function parseToml(body: string): RawFrontMatter {
  const data: Record<string, unknown> = {};
  const keyLines = new Map<string, number>();
  const problems: Problem[] = [];
  const lines = body.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = (lines[i] as string).trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('[')) break;
    const m = /^([A-Za-z0-9_-]+|"[^"]*")\s*=\s*(.+)$/.exec(line);
    if (!m) {
      problems.push({ ruleId: 'front-matter-invalid', severity: 'warning', message: `Front matter line is not \`key = value\`: ${line.slice(0, 80)}`, line: i });
      continue;
    }
    const key = (m[1] as string).replace(/^"|"$/g, '');
    const value = parseTomlValue((m[2] as string).trim());
    if (value === undefined) {
      problems.push({ ruleId: 'front-matter-invalid', severity: 'warning', message: `Front matter value of \`${key}\` is not understood.`, line: i });
      continue;
    }
    data[key] = value;
    keyLines.set(key, i);
  }
  return { data, keyLines, problems };
}

function parseTomlValue(raw: string): unknown {
  const text = raw.replace(/\s+#.*$/, '');
  if (/^"(?:[^"\\]|\\.)*"$/.test(text)) return text.slice(1, -1).replace(/\\(["\\])/g, '$1');
  if (/^'[^']*'$/.test(text)) return text.slice(1, -1);
  if (text === 'true' || text === 'false') return text === 'true';
  if (/^[+-]?\d+(?:\.\d+)?$/.test(text)) return Number(text);
  if (/^\d{4}-\d{2}-\d{2}(?:[T ][\d:.]+(?:Z|[+-]\d{2}:\d{2})?)?$/.test(text)) return text;
  if (text.startsWith('[') && text.endsWith(']')) {
    const inner = text.slice(1, -1).trim();
    if (inner === '') return [];
    const items = inner.split(',').map((s) => parseTomlValue(s.trim()));
    return items.some((v) => v === undefined) ? undefined : items;
  }
  return undefined;
}

const ALERT_KEYS = ['alerts', 'alert', 'alertname', 'alert_name', 'alert-name', 'alertName'];
const REVIEWED_KEYS = ['last_reviewed', 'lastReviewed', 'last-reviewed', 'reviewed'];
const EXPLAIN_KEYS = ['placeholders', 'parameters', 'variables'];

function applySchema(data: Record<string, unknown>, keyLines: Map<string, number>, out: FrontMatter): void {
  const meta = out.metadata;
  const field = (key: string, message: string) =>
    out.problems.push({ ruleId: 'front-matter-field', severity: 'warning', message, line: (keyLines.get(key) ?? 0) + 1 });
  for (const [key, value] of Object.entries(data)) {
    if (key === 'title') {
      const title = asText(value);
      if (title === undefined) field(key, '`title` should be text.');
      else if (title !== '') meta.title = title;
    } else if (key === 'owner' || key === 'owners') {
      const owners = asList(value);
      if (owners === undefined) field(key, `\`${key}\` should be a team or person handle.`);
      else if (owners.length > 0) meta.owner = owners.join(', ');
    } else if (key === 'severity') {
      const severity = normalizeSeverity(value);
      if (severity) meta.severity = severity;
      else if (value !== null && value !== '') field(key, `\`severity\` should be SEV1, SEV2, SEV3 or SEV4 (found ${JSON.stringify(value)}).`);
    } else if (ALERT_KEYS.includes(key)) {
      const alerts = asList(value);
      if (alerts === undefined) field(key, `\`${key}\` should be an alert name or a list of them.`);
      else for (const a of alerts) if (!meta.alerts.includes(a)) meta.alerts.push(a);
    } else if (key === 'tags') {
      const tags = asList(value, /[,\s]+/);
      if (tags === undefined) field(key, '`tags` should be a list of words.');
      else meta.tags = tags;
    } else if (key === 'service') {
      const service = asText(value);
      if (service === undefined) field(key, '`service` should be text.');
      else if (service !== '') meta.service = service;
    } else if (REVIEWED_KEYS.includes(key)) {
      out.reviewedKey = key;
      const date = normalizeDate(value);
      if (date) meta.lastReviewed = date;
      else if (value !== null && value !== '') field(key, `\`${key}\` should be a date written YYYY-MM-DD (found ${JSON.stringify(String(value))}).`);
    } else {
      meta.extra[key] = value;
      if (EXPLAIN_KEYS.includes(key)) out.explainedNames.push(...namesIn(value));
    }
  }
}

function namesIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap((v) => (isPlainObject(v) ? Object.keys(v) : [String(v)]));
  if (isPlainObject(value)) return Object.keys(value);
  return typeof value === 'string' ? [value] : [];
}

function asText(value: unknown): string | undefined {
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (value === null) return '';
  return undefined;
}

function asList(value: unknown, separator = /\s*,\s*/): string[] | undefined {
  if (value === null) return [];
  if (typeof value === 'string') return value.split(separator).map((s) => s.trim()).filter(Boolean);
  if (typeof value === 'number') return [String(value)];
  if (Array.isArray(value)) {
    const items = value.map(asText);
    return items.some((v) => v === undefined) ? undefined : (items as string[]).filter(Boolean);
  }
  return undefined;
}

const SEVERITY_WORDS: Record<string, Severity> = {
  critical: 'SEV1', crit: 'SEV1', blocker: 'SEV1', emergency: 'SEV1',
  high: 'SEV2', major: 'SEV2', error: 'SEV2',
  medium: 'SEV3', moderate: 'SEV3', minor: 'SEV3', warning: 'SEV3', warn: 'SEV3',
  low: 'SEV4', info: 'SEV4', informational: 'SEV4',
};

/**
 * SEV1..SEV4 in any case and spacing (`sev-2`, `Sev 2`), priorities P0/P1..P4 (P0 and P1 are the
 * top level), bare numbers 1..4, and the usual words (critical, high, medium, low …).
 */
export function normalizeSeverity(value: unknown): Severity | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1 && value <= 4) return `SEV${value}` as Severity;
  if (typeof value !== 'string') return undefined;
  const text = value.trim().toLowerCase();
  const sev = /^sev[\s_-]?([1-4])$/.exec(text) ?? /^([1-4])$/.exec(text);
  if (sev) return `SEV${sev[1]}` as Severity;
  const p = /^p([0-4])$/.exec(text);
  if (p) return `SEV${Math.max(1, Number(p[1]))}` as Severity;
  return SEVERITY_WORDS[text];
}

/** `YYYY-MM-DD` for a real calendar date (a date-time keeps its date part), else undefined. */
export function normalizeDate(value: unknown): string | undefined {
  if (value instanceof Date && !Number.isNaN(value.getTime())) return value.toISOString().slice(0, 10);
  if (typeof value !== 'string') return undefined;
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ][0-9:.]+(?:Z|[+-]\d{2}:?\d{2})?)?$/.exec(value.trim());
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return undefined;
  return `${m[1]}-${m[2]}-${m[3]}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}
