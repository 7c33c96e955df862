// Generated regions: the parts of a post-mortem that come from the journal are written between
// two small marker comments, the start marker carrying a short hash of what was generated
// (`<!-- oncall:timeline 5431c76c -->` … `<!-- oncall:/timeline -->`). Drafting again replaces
// only those regions; a region whose content no longer matches its hash was edited by someone,
// and is never replaced without asking. The longer markers of earlier drafts
// (`<!-- oncall:generated:NAME:start sha256=… -->`) are still read.
import { createHash } from 'node:crypto';

export const REGION_NAMES = ['overview', 'summary', 'impact', 'timeline', 'evidence', 'changes', 'detection', 'resolution', 'follow-ups'] as const;
export type RegionName = (typeof REGION_NAMES)[number];

const START = /^<!-- oncall:([a-z][a-z-]*) ([0-9a-f]{8,64}) -->$/;
const END = /^<!-- oncall:\/([a-z][a-z-]*) -->$/;
const OLD_START = /^<!-- oncall:generated:([a-z][a-z-]*):start sha256=([0-9a-f]{8,64})\b.*-->$/;
const OLD_END = /^<!-- oncall:generated:([a-z][a-z-]*):end -->$/;

/** A short hash of a region's content: enough to notice an edit, small enough for a reviewer's diff. */
export function contentHash(content: string): string {
  return createHash('sha256').update(content, 'utf8').digest('hex').slice(0, 8);
}

/** Whether a stored hash (8 to 64 hex, from any version) matches the content. */
function hashMatches(content: string, stored: string): boolean {
  return createHash('sha256').update(content, 'utf8').digest('hex').startsWith(stored);
}

/** A region as written: start marker, content, end marker (content without trailing newline). */
export function writeRegion(name: string, content: string): string {
  return [`<!-- oncall:${name} ${contentHash(content)} -->`, content, `<!-- oncall:/${name} -->`].join('\n');
}

/**
 * A line of text from outside (command output) placed on a line of its own inside a region:
 * one that reads as a marker gets a leading space, so it can never end or open a region.
 */
export function neutralizeMarker(line: string): string {
  return START.test(line) || END.test(line) || OLD_START.test(line) || OLD_END.test(line) ? ` ${line}` : line;
}

export interface ParsedRegion {
  name: string;
  /** Line index of the start marker and of the end marker. */
  startLine: number;
  endLine: number;
  content: string;
  storedHash: string;
  edited: boolean;
}

export interface ParsedBody {
  lines: string[];
  regions: ParsedRegion[];
  /** Regions whose markers do not pair up (a start without end, nesting, a duplicate name). */
  malformed: { name: string; line: number; reason: string }[];
}

/** Finds the generated regions in `body` (LF line endings). Fenced code is not special: markers are whole lines. */
export function parseRegions(body: string): ParsedBody {
  const lines = body.split('\n');
  const regions: ParsedRegion[] = [];
  const malformed: ParsedBody['malformed'] = [];
  const seen = new Set<string>();
  let open: { name: string; line: number; hash: string } | undefined;
  for (let i = 0; i < lines.length; i += 1) {
    const start = START.exec(lines[i]) ?? OLD_START.exec(lines[i]);
    if (start) {
      if (open) malformed.push({ name: open.name, line: open.line, reason: `a new region starts (line ${i + 1}) before it ends` });
      open = { name: start[1], line: i, hash: start[2] };
      continue;
    }
    const end = END.exec(lines[i]) ?? OLD_END.exec(lines[i]);
    if (!end) continue;
    if (!open || open.name !== end[1]) {
      malformed.push({ name: end[1], line: i, reason: 'an end marker without its start' });
      open = undefined;
      continue;
    }
    const content = lines.slice(open.line + 1, i).join('\n');
    if (seen.has(open.name)) {
      malformed.push({ name: open.name, line: open.line, reason: 'the region appears twice' });
    } else {
      seen.add(open.name);
      regions.push({
        name: open.name,
        startLine: open.line,
        endLine: i,
        content,
        storedHash: open.hash,
        edited: !hashMatches(content, open.hash),
      });
    }
    open = undefined;
  }
  if (open) malformed.push({ name: open.name, line: open.line, reason: 'a start marker without its end' });
  return { lines, regions, malformed };
}

/** `body` without its generated regions (markers included): what the engineer wrote. */
export function withoutRegions(body: string): string {
  const parsed = parseRegions(body);
  const drop = new Set<number>();
  for (const r of parsed.regions) for (let i = r.startLine; i <= r.endLine; i += 1) drop.add(i);
  return parsed.lines.filter((_l, i) => !drop.has(i)).join('\n');
}
