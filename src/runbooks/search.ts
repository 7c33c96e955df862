// Fuzzy search over what a responder types when paged: the title, the alert, a tag, the owner,
// the service or the area. Every word of the query must match some field (as a substring, or as
// letters in order); word starts and contiguous runs score higher, and so do the fields that
// identify a runbook best. Fast enough to run on every keystroke over thousands of runbooks.
import type { Runbook } from './model';

export type SearchField = 'title' | 'alert' | 'tag' | 'owner' | 'service' | 'area' | 'path';

export interface SearchHit {
  runbook: Runbook;
  score: number;
  /** The field that matched best, for the quick pick's detail line. */
  field: SearchField;
}

const WEIGHT: Record<SearchField, number> = { title: 3, alert: 3, tag: 2, service: 2, owner: 1.5, area: 1.5, path: 1 };

interface Haystack {
  field: SearchField;
  text: string;
}

const haystacks = new WeakMap<Runbook, Haystack[]>();

function haystacksOf(runbook: Runbook): Haystack[] {
  let h = haystacks.get(runbook);
  if (!h) {
    h = [{ field: 'title', text: runbook.title.toLowerCase() }];
    for (const a of new Set(runbook.alerts.map((c) => c.name.toLowerCase()))) h.push({ field: 'alert', text: a });
    for (const t of runbook.metadata.tags) h.push({ field: 'tag', text: t.toLowerCase() });
    if (runbook.metadata.owner) h.push({ field: 'owner', text: runbook.metadata.owner.toLowerCase() });
    if (runbook.metadata.service) h.push({ field: 'service', text: runbook.metadata.service.toLowerCase() });
    if (runbook.area) h.push({ field: 'area', text: runbook.area.toLowerCase() });
    h.push({ field: 'path', text: runbook.relPath.toLowerCase() });
    haystacks.set(runbook, h);
  }
  return h;
}

/** Score of one query word against one text; 0 when it does not match. */
export function scoreWord(word: string, text: string): number {
  const at = text.indexOf(word);
  if (at !== -1) {
    const wordStart = at === 0 || /[^a-z0-9]/.test(text[at - 1] as string);
    const exact = at === 0 && word.length === text.length;
    return 10 + word.length * 2 + (wordStart ? 8 : 0) + (exact ? 10 : 0);
  }
  // Letters in order (`hier` ~ "high error rate"); runs and word starts count more.
  let score = 0;
  let ti = 0;
  let run = 0;
  for (const ch of word) {
    const found = text.indexOf(ch, ti);
    if (found === -1) return 0;
    run = found === ti && ti > 0 ? run + 1 : 0;
    const start = found === 0 || /[^a-z0-9]/.test(text[found - 1] as string);
    score += 1 + run + (start ? 2 : 0);
    ti = found + 1;
  }
  // Too scattered to mean anything.
  return score >= word.length * 1.5 ? score : 0;
}

/** Runbooks matching `query`, best first. An empty query lists everything by title. */
export function searchRunbooks(runbooks: Iterable<Runbook>, query: string, limit = 50): SearchHit[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  const hits: SearchHit[] = [];
  for (const runbook of runbooks) {
    if (words.length === 0) {
      hits.push({ runbook, score: 0, field: 'title' });
      continue;
    }
    let total = 0;
    let bestField: SearchField = 'title';
    let bestFieldScore = -1;
    let all = true;
    for (const word of words) {
      let best = 0;
      for (const h of haystacksOf(runbook)) {
        const s = scoreWord(word, h.text) * WEIGHT[h.field];
        if (s > best) {
          best = s;
          if (s > bestFieldScore) {
            bestFieldScore = s;
            bestField = h.field;
          }
        }
      }
      if (best === 0) {
        all = false;
        break;
      }
      total += best;
    }
    // READMEs describe folders: findable, but below the runbooks themselves.
    if (all) hits.push({ runbook, score: runbook.isReadme ? total * 0.8 : total, field: bestField });
  }
  hits.sort((a, b) => b.score - a.score || a.runbook.title.localeCompare(b.runbook.title) || a.runbook.path.localeCompare(b.runbook.path));
  return hits.slice(0, limit);
}
