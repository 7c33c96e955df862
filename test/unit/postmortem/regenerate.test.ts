import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { parse as parseYaml } from 'yaml';
import { readFingerprint, splitFrontMatter } from '../../../src/postmortem/frontMatter';
import { parseRegions, withoutRegions } from '../../../src/postmortem/regions';
import { regeneratePostmortem } from '../../../src/postmortem/regenerate';
import { renderPostmortem } from '../../../src/postmortem/render';
import { demoEvents } from './journals';

const all = demoEvents();
const early = all.slice(0, 17); // before the rollback, the TODO notes and the resolution
const draftEarly = renderPostmortem(early);
const draftAll = renderPostmortem(all);
// After both TODO notes: the action items table (the engineer's, prefilled once) is the same as in draftAll.
const draftWithTodos = renderPostmortem(all.slice(0, 26));

function meta(text: string): Record<string, unknown> {
  return parseYaml(readFingerprint(splitFrontMatter(text).frontMatter!).yaml) as Record<string, unknown>;
}

/** An engineer's edits, all outside the generated parts. */
function engineerEdits(text: string): string {
  return text
    .replace('status: draft # draft, in review or final', 'status: in review # draft, in review or final\nreviewers: [Ana, Sam] # added by hand')
    .replace(
      '<!-- To fill: In two or three sentences',
      'A deploy of tracking-api ran out of memory under real parcel histories; tracking failed for a third of users for 28 minutes.\n\n<!-- To fill: In two or three sentences',
    )
    .replace('## Root cause and contributing factors\n', '## Root cause and contributing factors\n\nThe v2.41.0 cache kept every history in memory. | a pipe | and <b>HTML</b> typed by hand\n');
}

describe('post-mortem regeneration', () => {
  it('a fresh draft regenerated with more events equals the draft of all events', () => {
    const result = regeneratePostmortem(draftWithTodos, draftAll);
    assert.equal(result.status, 'updated');
    assert.equal(result.text, draftAll);
    assert.deepEqual(result.edited, []);
    assert.ok(result.regenerated.includes('timeline'));
    assert.ok(result.regenerated.includes('front matter: resolved'));
  });

  it('leaves the action items table to the engineer: TODO notes after the first draft are listed, not added', () => {
    const result = regeneratePostmortem(draftEarly, draftAll);
    assert.match(result.text, /\| _\(action\)_ \| _\(owner\)_ \|/);
    const followUps = parseRegions(splitFrontMatter(result.text).body).regions.find((r) => r.name === 'follow-ups')!;
    assert.match(followUps.content, /add a memory alert on tracking-api/);
  });

  it('keeps every edit outside the generated parts, and the engineer\'s own front matter keys', () => {
    const edited = engineerEdits(draftEarly);
    const result = regeneratePostmortem(edited, draftAll);
    assert.equal(result.status, 'updated');
    assert.deepEqual(result.edited, []);
    const body = splitFrontMatter(result.text).body;
    assert.equal(withoutRegions(body), withoutRegions(splitFrontMatter(edited).body), 'text outside regions is byte for byte the same');
    assert.match(result.text, /A deploy of tracking-api ran out of memory/);
    assert.match(result.text, /\| a pipe \| and <b>HTML<\/b> typed by hand/);
    const m = meta(result.text);
    assert.equal(m.status, 'in review');
    assert.deepEqual(m.reviewers, ['Ana', 'Sam']);
    assert.equal(m.resolved, '2026-11-24T15:02:00.000Z');
    assert.match(result.text, /^status: in review # draft, in review or final$/m, 'comments on keys survive');
    // The timeline now has the later events.
    const timeline = parseRegions(body).regions.find((r) => r.name === 'timeline')!;
    assert.match(timeline.content, /Status \*\*monitoring → resolved\*\*/);
    assert.ok(!timeline.edited);
  });

  it('changes nothing when the journal has not changed', () => {
    const edited = engineerEdits(draftAll);
    const result = regeneratePostmortem(edited, draftAll);
    assert.equal(result.status, 'unchanged');
    assert.equal(result.text, edited);
  });

  it('refuses by default when a generated region was edited, and says which', () => {
    const edited = engineerEdits(draftEarly).replace('| Tech lead: Tomás Ruiz |', '| Tech lead: Tomás Ruiz (joined from holiday) |');
    const result = regeneratePostmortem(edited, draftAll);
    assert.equal(result.status, 'conflict');
    assert.deepEqual(result.edited, ['timeline']);
    assert.equal(result.text, edited, 'nothing changes on refusal');
  });

  it('on "keep", an edited region becomes the engineer\'s text and the rest is regenerated', () => {
    const edited = engineerEdits(draftEarly).replace('| Tech lead: Tomás Ruiz |', '| Tech lead: Tomás Ruiz (joined from holiday) |');
    const kept = regeneratePostmortem(edited, draftAll, 'keep');
    assert.equal(kept.status, 'updated');
    assert.deepEqual(kept.edited, ['timeline']);
    assert.match(kept.text, /joined from holiday/);
    const regions = parseRegions(splitFrontMatter(kept.text).body).regions.map((r) => r.name);
    assert.ok(!regions.includes('timeline'), 'the edited region is no longer generated');
    assert.ok(kept.regenerated.includes('follow-ups'));
    // Drafting again later leaves that text alone and says it skipped the region.
    const again = regeneratePostmortem(kept.text, draftAll);
    assert.equal(again.status, 'unchanged');
    assert.ok(again.skipped.includes('timeline'));
  });

  it('on "replace", an edited region is regenerated (an explicit choice)', () => {
    const edited = draftWithTodos.replace('| Tech lead: Tomás Ruiz |', '| Tech lead: someone else |');
    const replaced = regeneratePostmortem(edited, draftAll, 'replace');
    assert.equal(replaced.text, draftAll);
  });

  it('detects an edited generated front matter key, and keeps or replaces it on request', () => {
    const edited = draftEarly.replace('title: API gateway 5xx on tracking routes', 'title: Tracking outage after v2.41.0');
    const refused = regeneratePostmortem(edited, draftAll);
    assert.equal(refused.status, 'conflict');
    assert.deepEqual(refused.edited, ['front matter: title']);

    const kept = regeneratePostmortem(edited, draftAll, 'keep');
    assert.equal(meta(kept.text).title, 'Tracking outage after v2.41.0');
    assert.equal(meta(kept.text).resolved, '2026-11-24T15:02:00.000Z');
    assert.ok(!readFingerprint(splitFrontMatter(kept.text).frontMatter!).hashes!.has('title'), 'title is now the engineer\'s');
    const later = regeneratePostmortem(kept.text, draftAll);
    assert.equal(later.status, 'unchanged');

    const replaced = regeneratePostmortem(edited, draftAll, 'replace');
    assert.equal(meta(replaced.text).title, 'API gateway 5xx on tracking routes');
  });

  it('treats a deleted generated key as an edit', () => {
    const edited = draftEarly.replace(/^services:\n(?: {2}- .*\n)+/m, '');
    assert.notEqual(edited, draftEarly);
    const result = regeneratePostmortem(edited, draftAll);
    assert.deepEqual(result.edited, ['front matter: services']);
  });

  it('keeps CRLF line endings', () => {
    const edited = engineerEdits(draftEarly).replace(/\n/g, '\r\n');
    const result = regeneratePostmortem(edited, draftAll);
    assert.equal(result.status, 'updated');
    assert.ok(!/[^\r]\n/.test(result.text), 'every line ends in CRLF');
    assert.equal(result.text.replace(/\r\n/g, '\n'), regeneratePostmortem(engineerEdits(draftEarly), draftAll).text);
  });

  it('leaves a removed region removed and a broken one alone', () => {
    const parsed = parseRegions(splitFrontMatter(draftEarly).body);
    const impact = parsed.regions.find((r) => r.name === 'impact')!;
    const lines = draftEarly.split('\n');
    const offset = splitFrontMatter(draftEarly).bodyLine;
    const removed = [...lines.slice(0, offset + impact.startLine), ...lines.slice(offset + impact.endLine + 1)].join('\n');
    const r1 = regeneratePostmortem(removed, draftAll);
    assert.ok(r1.skipped.includes('impact'));
    assert.ok(!r1.text.includes('oncall:impact'));

    const broken = draftEarly.replace('<!-- oncall:/detection -->', '');
    const r2 = regeneratePostmortem(broken, draftAll);
    assert.equal(r2.status, 'updated');
    assert.ok(r2.skipped.includes('detection'));
    const detectionStart = r2.text.indexOf('<!-- oncall:detection ');
    assert.ok(detectionStart > 0, 'the broken region is left in place');
  });

  it('property: random edits outside generated regions survive any redraft', () => {
    const bodyLines = splitFrontMatter(draftEarly).body.split('\n');
    const inRegion = new Set<number>();
    for (const r of parseRegions(splitFrontMatter(draftEarly).body).regions) for (let i = r.startLine; i <= r.endLine; i += 1) inRegion.add(i);
    // Gaps where a person could type: before a line that is not inside a region (or at the end).
    const gaps = bodyLines.map((_l, i) => i).filter((i) => !inRegion.has(i) || !inRegion.has(i - 1));
    const userLine = fc.string({ maxLength: 40 }).filter((s) => !s.includes('oncall:') && !s.includes('\n') && !s.includes('\r'));
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.constantFrom(...gaps), userLine), { maxLength: 8 }), fc.integer({ min: 1, max: all.length }), (inserts, count) => {
        const lines = [...bodyLines];
        const sorted = [...inserts].sort((a, b) => b[0] - a[0]);
        for (const [at, text] of sorted) lines.splice(at, 0, text);
        const fm = draftEarly.slice(0, draftEarly.length - splitFrontMatter(draftEarly).body.length);
        const edited = fm + lines.join('\n');
        const result = regeneratePostmortem(edited, renderPostmortem(all.slice(0, count)));
        assert.notEqual(result.status, 'conflict');
        assert.equal(withoutRegions(splitFrontMatter(result.text).body), withoutRegions(splitFrontMatter(edited).body));
      }),
      { numRuns: 60, seed: 20261124 },
    );
  });
});
