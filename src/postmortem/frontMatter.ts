// The YAML front matter of a post-mortem: split from the body, read, and fingerprinted. The
// keys the generator writes are listed with a short hash of their value in one comment line,
// so drafting again can tell a value the generator wrote from one a person changed.
import { createHash } from 'node:crypto';
import { parse } from 'yaml';

export interface SplitDocument {
  /** The YAML between the `---` lines, without them; undefined when there is none. */
  frontMatter?: string;
  body: string;
  /** Line index (0-based) of the first body line in the whole text. */
  bodyLine: number;
}

/** Splits `text` (LF line endings) into front matter and body. */
export function splitFrontMatter(text: string): SplitDocument {
  if (!text.startsWith('---\n')) return { body: text, bodyLine: 0 };
  const lines = text.split('\n');
  for (let i = 1; i < lines.length; i += 1) {
    if (lines[i] === '---' || lines[i] === '...') {
      return { frontMatter: lines.slice(1, i).join('\n'), body: lines.slice(i + 1).join('\n'), bodyLine: i + 1 };
    }
  }
  return { body: text, bodyLine: 0 };
}

/** The front matter as an object; undefined when missing or not a YAML mapping. */
export function readFrontMatter(text: string): Record<string, unknown> | undefined {
  const { frontMatter } = splitFrontMatter(normalizeEol(text));
  if (frontMatter === undefined) return undefined;
  try {
    const value: unknown = parse(frontMatter);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function normalizeEol(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

const FINGERPRINT = /^# oncall:generated-keys((?: [a-z_]+=[0-9a-f]{8})*)\s*$/;

export function valueHash(value: unknown): string {
  return createHash('sha256')
    .update(JSON.stringify(value ?? null), 'utf8')
    .digest('hex')
    .slice(0, 8);
}

export function fingerprintLine(values: Record<string, unknown>): string {
  const parts = Object.keys(values).map((k) => `${k}=${valueHash(values[k])}`);
  return `# oncall:generated-keys ${parts.join(' ')}`;
}

/** The fingerprint comment of a front matter (key → hash), and the front matter without it. */
export function readFingerprint(frontMatter: string): { hashes: Map<string, string> | undefined; yaml: string } {
  const lines = frontMatter.split('\n');
  let hashes: Map<string, string> | undefined;
  const kept: string[] = [];
  for (const line of lines) {
    const m = FINGERPRINT.exec(line);
    if (m && !hashes) {
      hashes = new Map();
      for (const part of m[1].trim().split(' ').filter(Boolean)) {
        const [key, hash] = part.split('=');
        hashes.set(key, hash);
      }
    } else {
      kept.push(line);
    }
  }
  return { hashes, yaml: kept.join('\n') };
}
