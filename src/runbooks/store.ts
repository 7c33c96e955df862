// How the index keeps thousands of models small. What the views, the search and the alert
// lookup read on every keystroke stays plain (title, metadata, alerts, links, problems); the
// bulky part (sections and code blocks: most of a model) is kept deflated and inflated on first
// read, with the most recently read ones kept in a small LRU. To readers the model is still
// plain data: `sections` and `codeBlocks` are ordinary enumerable properties (getters), so
// spreading, JSON and structured cloning see full arrays. Repeated short strings (areas, owners,
// languages, rule ids …) are shared. The same packed form is what the persistent cache stores.
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { CodeBlock, Runbook, Section } from './model';

interface Details {
  sections: Section[];
  codeBlocks: CodeBlock[];
}

/**
 * A zlib dictionary of what details look like: small JSON documents compress a quarter better
 * when the compressor already knows the keys. Changing it changes the stored format (bump the
 * cache format in cache.ts).
 */
const DICTIONARY = Buffer.from(
  '{"sections":[{"title":"Overview","slug":"overview","depth":2,"startLine":0,"endLine":0,"parent":0},' +
    '{"title":"Diagnosis","slug":"diagnosis","depth":2,"startLine":0,"endLine":0,"parent":0},{"title":"Mitigation","slug":"mitigation"}],' +
    '"codeBlocks":[{"index":0,"lang":"bash","meta":null,"fence":"backtick","text":"kubectl -n ","startLine":0,"endLine":0,"section":0,' +
    '"placeholders":[{"name":"namespace","style":"angle","raw":"<namespace>","offset":0,"quoted":null,"explained":true}],"danger":[],' +
    '"markedDangerous":false,"allowDashValues":false,"looksLikeShell":false,"warningNearby":false},{"index":1,"lang":"sql","meta":null,' +
    '"fence":"tilde","text":"","startLine":0,"endLine":0,"section":0,"placeholders":[],"danger":[{"ruleId":"","reason":"","match":""}],' +
    '"markedDangerous":true,"allowDashValues":true,"looksLikeShell":true,"warningNearby":true}]}',
);

/** The stored form of a model: everything but the details, plus the details deflated (base64). */
export type PackedRunbook = Omit<Runbook, 'sections' | 'codeBlocks'> & { details: string; sectionCount: number; codeBlockCount: number };

const PACKED = Symbol('packedDetails');
const COUNTS = Symbol('detailCounts');

interface PackedFields {
  [PACKED]: string;
  [COUNTS]: [sections: number, codeBlocks: number];
}

/** Details inflated recently, newest last. */
const recent = new Map<object, Details>();
const RECENT_LIMIT = 64;

const interned = new Map<string, string>();
const INTERN_LIMIT = 100_000;

/** One shared copy of a short, often repeated string. */
export function intern(s: string): string;
export function intern(s: string | undefined): string | undefined;
export function intern(s: string | undefined): string | undefined {
  if (s === undefined || s.length > 80) return s;
  const known = interned.get(s);
  if (known !== undefined) return known;
  if (interned.size < INTERN_LIMIT) interned.set(s, s);
  return s;
}

function details(model: Runbook & PackedFields): Details {
  let d = recent.get(model);
  if (d) {
    recent.delete(model);
  } else {
    d = JSON.parse(inflateRawSync(Buffer.from(model[PACKED], 'latin1'), { dictionary: DICTIONARY }).toString('utf8')) as Details;
  }
  recent.set(model, d);
  if (recent.size > RECENT_LIMIT) recent.delete(recent.keys().next().value as object);
  return d;
}

export function isPacked(model: Runbook): boolean {
  return PACKED in model;
}

/** Section and code block counts without inflating anything. */
export function detailCounts(model: Runbook): { sections: number; codeBlocks: number } {
  const counts = (model as Partial<PackedFields>)[COUNTS];
  return counts ? { sections: counts[0], codeBlocks: counts[1] } : { sections: model.sections.length, codeBlocks: model.codeBlocks.length };
}

function shareStrings(model: Omit<Runbook, 'sections' | 'codeBlocks'>): void {
  // The same text in two places of one model is one string (JSON.parse makes two).
  if (model.metadata.title === model.title) model.metadata.title = model.title;
  for (const a of model.alerts) {
    const same = model.metadata.alerts.find((n) => n === a.name);
    if (same !== undefined) a.name = same;
  }
  model.root = intern(model.root);
  model.area = intern(model.area);
  // Only keys that are there: an added `key: undefined` would make the model differ.
  if (model.reviewedKey !== undefined) model.reviewedKey = intern(model.reviewedKey);
  const m = model.metadata;
  if (m.owner !== undefined) m.owner = intern(m.owner);
  if (m.service !== undefined) m.service = intern(m.service);
  if (m.lastReviewed !== undefined) m.lastReviewed = intern(m.lastReviewed);
  m.tags = m.tags.map((t) => intern(t));
  for (const p of model.problems) p.message = intern(p.message);
}

// The getters are shared by every model (they find the details through `this`): per-model
// closures would give each model its own hidden class, and V8 then keeps ten thousand models in
// slow dictionary mode (measured: 1.3 KB more per model).
function sectionsGetter(this: Runbook & PackedFields): Section[] {
  return details(this).sections;
}
function codeBlocksGetter(this: Runbook & PackedFields): CodeBlock[] {
  return details(this).codeBlocks;
}
const SECTIONS = { enumerable: true, configurable: true, get: sectionsGetter };
const CODE_BLOCKS = { enumerable: true, configurable: true, get: codeBlocksGetter };

/** A lazy model over a packed one (from the cache file or from pack()). */
export function unpack(packed: PackedRunbook): Runbook {
  const { details: blob, sectionCount, codeBlockCount, ...rest } = packed;
  shareStrings(rest);
  // Same key order as a parsed model (sections and code blocks after the alerts), so the JSON
  // of a packed model is byte for byte the JSON of the original.
  const model = {} as Runbook & PackedFields;
  const addDetails = () => {
    Object.defineProperty(model, 'sections', SECTIONS);
    Object.defineProperty(model, 'codeBlocks', CODE_BLOCKS);
  };
  for (const [key, value] of Object.entries(rest)) {
    (model as unknown as Record<string, unknown>)[key] = value;
    if (key === 'alerts') addDetails();
  }
  if (!('sections' in model)) addDetails();
  // In memory the deflated bytes are a one-byte string (a quarter smaller than base64).
  Object.defineProperty(model, PACKED, { value: Buffer.from(blob, 'base64').toString('latin1'), enumerable: false });
  Object.defineProperty(model, COUNTS, { value: [sectionCount, codeBlockCount], enumerable: false });
  return model;
}

/** The stored form of a model (packed already or not). */
export function toPacked(model: Runbook): PackedRunbook {
  const own = model as Runbook & Partial<PackedFields>;
  const rest: Record<string, unknown> = {};
  for (const key of Object.keys(model)) if (key !== 'sections' && key !== 'codeBlocks') rest[key] = (model as unknown as Record<string, unknown>)[key];
  const bytes =
    own[PACKED] !== undefined
      ? Buffer.from(own[PACKED], 'latin1')
      : deflateRawSync(Buffer.from(JSON.stringify({ sections: model.sections, codeBlocks: model.codeBlocks })), { dictionary: DICTIONARY });
  const blob = bytes.toString('base64');
  const counts = detailCounts(model);
  return { ...(rest as Omit<Runbook, 'sections' | 'codeBlocks'>), details: blob, sectionCount: counts.sections, codeBlockCount: counts.codeBlocks };
}

/** Packs a full model for keeping in the index (a packed one is returned as it is). */
export function pack(model: Runbook): Runbook {
  if (isPacked(model)) return model;
  // Through JSON on purpose: objects that came out of a worker message are built property by
  // property and weigh more than JSON.parse's compact ones (measured: 4.7 vs 3.6 KB a model).
  const packed = unpack(JSON.parse(JSON.stringify(toPacked(model))) as PackedRunbook);
  // The caller just had the details: keep them warm for the lint and view updates that follow.
  recent.set(packed, { sections: model.sections, codeBlocks: model.codeBlocks });
  if (recent.size > RECENT_LIMIT) recent.delete(recent.keys().next().value as object);
  return packed;
}
