// What a reviewer reads: human words only, times in the order things happened, one duration,
// goals that match the severity picker, commands whole, services from everything the journal
// knows, and markers small enough to ignore in a diff.
import { strict as assert } from 'node:assert';
import { formatDuration, incidentSpan } from '../../../src/incidents/duration';
import { EVENT_FIELDS } from '../../../src/incidents/eventSchema';
import { MILESTONES, ROLES } from '../../../src/incidents/model';
import { RESPOND_WITHIN_MINUTES, severityPick } from '../../../src/incidents/severity';
import { foldIncident } from '../../../src/incidents/state';
import { splitFrontMatter } from '../../../src/postmortem/frontMatter';
import { parseRegions, writeRegion } from '../../../src/postmortem/regions';
import { renderPostmortem } from '../../../src/postmortem/render';
import { builder, demoEvents, oddTextEvents } from './journals';

/** Identifiers of the data that must never be shown as words. */
export const INTERNAL_NAMES = [
  ...Object.keys(EVENT_FIELDS), 'unknown', ...MILESTONES.filter((m) => !['detected', 'acknowledged', 'mitigated', 'resolved'].includes(m)),
  ...ROLES.filter((r) => r !== 'commander' && r !== 'scribe'), 'guide 000', 'guide 002', 'guide 004',
].filter((n) => !['note', 'declared', 'milestone', 'pinned', 'correction', 'unknown'].includes(n));

function body(text: string): string {
  return splitFrontMatter(text).body;
}

describe('post-mortem: what a reviewer reads', () => {
  it('uses no internal event, milestone or role names and no guide numbers', () => {
    for (const events of [demoEvents(), oddTextEvents()]) {
      const text = body(renderPostmortem(events));
      for (const name of INTERNAL_NAMES) assert.ok(!text.includes(name), `"${name}" appears in the post-mortem`);
    }
  });

  it('keeps markers small: no hash longer than 8 hex digits in the text', () => {
    const text = renderPostmortem(demoEvents());
    assert.ok(!/[0-9a-f]{16,}/.test(body(text).replace(/`[^`]*`/g, '')), 'a long hex string in the body');
    assert.match(writeRegion('timeline', 'x'), /^<!-- oncall:timeline [0-9a-f]{8} -->\nx\n<!-- oncall:\/timeline -->$/);
  });

  it('still reads the long markers of earlier drafts, and notices edits inside them', () => {
    const old = ['<!-- oncall:generated:impact:start sha256=2d711642b726b044 (from the incident journal) -->', 'x', '<!-- oncall:generated:impact:end -->'].join('\n');
    const parsed = parseRegions(old);
    assert.deepEqual(parsed.regions.map((r) => [r.name, r.edited]), [['impact', false]]);
    assert.equal(parseRegions(old.replace('\nx\n', '\ny\n')).regions[0].edited, true);
  });

  it('sorts a backdated milestone by when it happened, not when it was typed', () => {
    const b = builder('INC-20261201-001');
    b.add('A', { type: 'declared', title: 'T', severity: 'SEV3', summary: '', services: [] });
    b.add('A', { type: 'note', text: 'first note' });
    b.add('A', { type: 'milestone', milestone: 'impactStarted', at: '2026-11-20T08:30:00.000Z', reason: 'from the graphs' });
    const text = renderPostmortem(b.events);
    const all = text.slice(text.indexOf('### All events'));
    assert.ok(all.indexOf('Impact started') < all.indexOf('Declared'), 'the milestone row comes first');
    assert.ok(all.indexOf('Declared') < all.indexOf('first note'));
  });

  it('lists posted status updates only, unless drafts are asked for', () => {
    const b = builder('INC-20261201-002');
    b.add('A', { type: 'declared', title: 'T', severity: 'SEV3', summary: '', services: [] });
    b.add('A', { type: 'statusUpdate', audience: 'internal', text: 'a drafted update', state: 'drafted' });
    b.add('A', { type: 'statusUpdate', audience: 'external', text: 'a posted update', state: 'posted' });
    const text = renderPostmortem(b.events);
    assert.ok(!text.includes('a drafted update'));
    assert.match(text, /Status update \(external\): a posted update/);
    assert.match(renderPostmortem(b.events, { includeDraftUpdates: true }), /Status update \(internal, drafted, not posted\): a drafted update/);
  });

  it('shows a key command whole, each line as code', () => {
    const text = renderPostmortem(demoEvents());
    assert.ok(!/more line/.test(text), 'no "(+1 more line)"');
    assert.match(text, /`kubectl -n edge logs deploy\/gateway --since=10m \\`<br>` {2}\\\| \.\/scripts\/count-status\.sh --route \/track --budget 5`/);
  });

  it('names the services of the incident, of the runbooks used and of the alert', () => {
    const b = builder('INC-20261201-003');
    b.add('A', { type: 'declared', title: 'T', severity: 'SEV2', summary: '', services: [], alert: { name: 'KubePodCrashLooping', labels: { namespace: 'prod', service: 'checkout' } } });
    b.add('A', { type: 'commandRun', runbookPath: 'runbooks/pay.md', runbookTitle: 'Payments', blockIndex: 0, command: 'true', exitCode: 0, durationMs: 5, service: 'payments' });
    const text = renderPostmortem(b.events);
    assert.match(text, /\| Services \| payments, checkout \|/);
    assert.ok(!text.includes('_none recorded_'));
  });

  it('measures the duration as the timeline panel does', () => {
    const events = demoEvents();
    const span = incidentSpan(foldIncident(events))!;
    const text = renderPostmortem(events);
    assert.equal(span.from, 'impact start');
    assert.ok(text.includes(`| Duration | ${formatDuration(span.ms)} (impact start to resolution) |`));
    assert.ok(text.includes(`- Duration: ${formatDuration(span.ms)} (impact start to resolution)`));
    assert.match(text, /duration_minutes: 64\n/);
  });

  it('sets the acknowledge goal the severity picker states', () => {
    for (const level of ['SEV1', 'SEV2'] as const) {
      const minutes = RESPOND_WITHIN_MINUTES[level]!;
      assert.match(severityPick(level).description, new RegExp(`${minutes} minutes`), `the picker says ${minutes} minutes for ${level}`);
      const b = builder('INC-20261201-004');
      b.add('A', { type: 'declared', title: 'T', severity: level, summary: '', services: [] });
      assert.match(renderPostmortem(b.events), new RegExp(`\\| Time to acknowledge \\| Detected → Acknowledged \\| [^|]+ \\| ${formatDuration(minutes * 60_000)}`));
    }
  });

  it('never shows an absolute runbook path', () => {
    const b = builder('INC-20261201-005');
    b.add('A', { type: 'declared', title: 'T', severity: 'SEV3', summary: '', services: [] });
    b.add('A', { type: 'commandRun', runbookPath: '/home/someone/work/runbooks/db.md', runbookTitle: 'DB', blockIndex: 0, command: 'false', exitCode: 1, durationMs: 5 });
    const text = renderPostmortem(b.events);
    assert.ok(!text.includes('/home/someone'), 'the absolute path is gone');
    assert.match(text, /DB \(`db\.md`\): 1 run, 1 failed/);
  });
});
