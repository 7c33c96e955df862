// Drafting again after more events: only the generated parts are rewritten. Everything outside
// the generated regions, and every front matter key the generator does not own (such as
// `status`), stays byte for byte. A generated part someone edited is never replaced silently:
// by default the redraft is refused with a list of those parts; the caller may instead keep
// the edits (those parts stop being generated) or, on an explicit choice, replace them.
import { isMap, parseDocument } from 'yaml';
import { normalizeEol, readFingerprint, splitFrontMatter, valueHash } from './frontMatter';
import { parseRegions, type ParsedRegion } from './regions';

export type OnEditedRegions = 'refuse' | 'keep' | 'replace';

export interface RegenerateResult {
  /** `conflict`: refused because generated parts were edited; `text` is then the existing text. */
  status: 'unchanged' | 'updated' | 'conflict';
  text: string;
  /** Generated parts whose content changed in this redraft. */
  regenerated: string[];
  /** Generated parts the engineer edited (refused, kept, or replaced, per `onEdited`). */
  edited: string[];
  /** Generated parts not found in the file (removed, or markers broken): left as they are. */
  skipped: string[];
}

const FRONT_MATTER = 'front matter';

export function regeneratePostmortem(existing: string, fresh: string, onEdited: OnEditedRegions = 'refuse'): RegenerateResult {
  const eol = existing.includes('\r\n') ? '\r\n' : '\n';
  const old = splitFrontMatter(normalizeEol(existing));
  const next = splitFrontMatter(normalizeEol(fresh));
  const result: RegenerateResult = { status: 'unchanged', text: existing, regenerated: [], edited: [], skipped: [] };

  const frontMatter = mergeFrontMatter(old.frontMatter, next.frontMatter, onEdited, result);
  const body = mergeBody(old.body, next.body, onEdited, result);

  if (onEdited === 'refuse' && result.edited.length > 0) {
    return { ...result, status: 'conflict', text: existing, regenerated: [] };
  }
  const merged = frontMatter === undefined ? body : `---\n${frontMatter}\n---\n${body}`;
  const text = eol === '\n' ? merged : merged.replace(/\n/g, eol);
  return { ...result, text, status: text === existing ? 'unchanged' : 'updated' };
}

function mergeFrontMatter(
  oldYaml: string | undefined,
  freshYaml: string | undefined,
  onEdited: OnEditedRegions,
  result: RegenerateResult,
): string | undefined {
  if (freshYaml === undefined) return oldYaml;
  if (oldYaml === undefined) {
    result.skipped.push(FRONT_MATTER);
    return undefined;
  }
  const oldPrint = readFingerprint(oldYaml);
  const freshPrint = readFingerprint(freshYaml);
  const doc = parseDocument(oldPrint.yaml);
  const freshValues = (parseDocument(freshPrint.yaml).toJS() ?? {}) as Record<string, unknown>;
  if (!oldPrint.hashes || doc.errors.length > 0 || !isMap(doc.contents)) {
    // No fingerprint, or YAML we cannot edit safely: the whole front matter is the engineer's.
    result.skipped.push(FRONT_MATTER);
    return oldYaml;
  }
  const current = (doc.toJS() ?? {}) as Record<string, unknown>;
  const owned: string[] = [];
  let changed = false;
  for (const key of freshPrint.hashes?.keys() ?? []) {
    const value = freshValues[key];
    const stored = oldPrint.hashes.get(key);
    const present = Object.hasOwn(current, key);
    if (stored === undefined) {
      // Not generated before: a key of the engineer's with the same name stays theirs.
      if (present) continue;
      doc.set(key, value);
      changed = true;
      owned.push(key);
      continue;
    }
    const edited = !present || valueHash(current[key]) !== stored;
    if (edited) {
      result.edited.push(`${FRONT_MATTER}: ${key}`);
      if (onEdited !== 'replace') continue;
    }
    owned.push(key);
    if (valueHash(current[key]) !== valueHash(value) || !present) {
      setKeepingComments(doc, key, value);
      changed = true;
      result.regenerated.push(`${FRONT_MATTER}: ${key}`);
    }
  }
  const fingerprint = `# oncall:generated-keys ${owned.map((k) => `${k}=${valueHash(freshValues[k])}`).join(' ')}`;
  const oldFingerprint = `# oncall:generated-keys ${[...oldPrint.hashes].map(([k, h]) => `${k}=${h}`).join(' ')}`;
  if (!changed && fingerprint === oldFingerprint) return oldYaml;
  const yaml = changed ? doc.toString({ lineWidth: 0 }).replace(/\n+$/, '') : oldPrint.yaml;
  return `${yaml}\n${fingerprint}`;
}

function mergeBody(oldBody: string, freshBody: string, onEdited: OnEditedRegions, result: RegenerateResult): string {
  const old = parseRegions(oldBody);
  const fresh = parseRegions(freshBody);
  const freshByName = new Map(fresh.regions.map((r) => [r.name, r]));
  const oldNames = new Set(old.regions.map((r) => r.name));
  for (const m of old.malformed) if (!result.skipped.includes(m.name)) result.skipped.push(m.name);
  for (const r of fresh.regions) {
    if (!oldNames.has(r.name) && !result.skipped.includes(r.name)) result.skipped.push(r.name);
  }
  // Replacements by line range, applied from the bottom so earlier line numbers stay valid.
  const replacements: { from: number; to: number; lines: string[] }[] = [];
  for (const region of old.regions) {
    const update = freshByName.get(region.name);
    if (!update) continue; // a region this version no longer writes: leave it
    if (region.edited) {
      result.edited.push(region.name);
      if (onEdited === 'keep') {
        // The edited content becomes the engineer's text: drop only the two marker lines.
        replacements.push({ from: region.endLine, to: region.endLine, lines: [] });
        replacements.push({ from: region.startLine, to: region.startLine, lines: [] });
      } else if (onEdited === 'replace') {
        replacements.push({ from: region.startLine, to: region.endLine, lines: regionLines(fresh.lines, update) });
        result.regenerated.push(region.name);
      }
      continue;
    }
    if (region.content !== update.content) {
      replacements.push({ from: region.startLine, to: region.endLine, lines: regionLines(fresh.lines, update) });
      result.regenerated.push(region.name);
    }
  }
  const lines = [...old.lines];
  replacements.sort((a, b) => b.from - a.from);
  for (const r of replacements) lines.splice(r.from, r.to - r.from + 1, ...r.lines);
  return lines.join('\n');
}

function regionLines(lines: readonly string[], region: ParsedRegion): string[] {
  return lines.slice(region.startLine, region.endLine + 1);
}

function setKeepingComments(doc: ReturnType<typeof parseDocument>, key: string, value: unknown): void {
  const previous = doc.get(key, true) as { comment?: string | null; commentBefore?: string | null } | undefined;
  const node = doc.createNode(value) as { comment?: string | null; commentBefore?: string | null };
  if (previous && typeof previous === 'object') {
    if (previous.comment) node.comment = previous.comment;
    if (previous.commentBefore) node.commentBefore = previous.commentBefore;
  }
  doc.set(key, node);
}

