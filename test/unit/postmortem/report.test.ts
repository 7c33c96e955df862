import { strict as assert } from 'node:assert';
import { journalExportFileName, journalExportText } from '../../../src/postmortem/journalExport';
import { renderPostmortem } from '../../../src/postmortem/render';
import { findPostmortems, median, postmortemFor, renderReport, summarizePostmortems } from '../../../src/postmortem/report';
import { builder, demoEvents, demoJournalLines } from './journals';

function incident(id: string, declared: string, severity: string, mitigateMin: number, resolveMin?: number) {
  const start = Date.parse(declared);
  const b = builder(id, start);
  b.add('ic', { type: 'declared', title: `Incident ${id}`, severity, summary: '', services: [] }, start);
  b.add('ic', { type: 'milestone', milestone: 'acknowledged', at: declared }, start + 1000);
  b.add('ic', { type: 'milestone', milestone: 'mitigated', at: new Date(start + mitigateMin * 60_000).toISOString() }, start + 2000);
  if (resolveMin !== undefined) {
    b.add('ic', { type: 'statusChanged', from: 'investigating', to: 'resolved' }, start + resolveMin * 60_000);
  }
  return renderPostmortem(b.events);
}

describe('post-mortem history and report', () => {
  const files = [
    { path: 'postmortems/a.md', text: incident('INC-20261102-001', '2026-11-02T10:00:00Z', 'SEV2', 30, 120) },
    { path: 'postmortems/b.md', text: incident('INC-20261110-001', '2026-11-10T10:00:00Z', 'SEV2', 10, 60) },
    { path: 'postmortems/c.md', text: incident('INC-20261115-001', '2026-11-15T10:00:00Z', 'SEV2', 50) },
    { path: 'postmortems/d.md', text: incident('INC-20261020-001', '2026-10-20T10:00:00Z', 'SEV1', 5, 45).replace('status: draft', 'status: final') },
    { path: 'postmortems/notes.md', text: '# Not a post-mortem\n' },
    { path: 'postmortems/broken.md', text: '---\nincident: [unclosed\n---\n' },
  ];

  it('finds post-mortems by their front matter and reads status, severity and metrics', () => {
    const infos = findPostmortems(files, new Date('2026-12-30T00:00:00Z'));
    assert.deepEqual(infos.map((i) => i.incidentId), ['INC-20261020-001', 'INC-20261102-001', 'INC-20261110-001', 'INC-20261115-001']);
    const a = postmortemFor(infos, 'INC-20261102-001')!;
    assert.equal(a.status, 'draft');
    assert.equal(a.severity, 'SEV2');
    assert.equal(a.timeToMitigateMinutes, 30);
    assert.equal(a.timeToResolveMinutes, 120);
    assert.equal(a.due, '2026-11-09T12:00:00.000Z');
    assert.ok(a.overdueMs! > 0, 'a SEV2 draft past its week is overdue');
    assert.equal(postmortemFor(infos, 'INC-20261020-001')!.overdueMs, undefined, 'final is never overdue');
    assert.equal(postmortemFor(infos, 'INC-20261115-001')!.due, undefined, 'unresolved: no due date yet');
  });

  it('summarises by month and severity with median times to mitigate and resolve', () => {
    const rows = summarizePostmortems(findPostmortems(files));
    assert.deepEqual(rows, [
      { month: '2026-11', severity: 'SEV2', incidents: 3, final: 0, medianTimeToMitigateMinutes: 30, medianTimeToResolveMinutes: 90 },
      { month: '2026-10', severity: 'SEV1', incidents: 1, final: 1, medianTimeToMitigateMinutes: 5, medianTimeToResolveMinutes: 45 },
    ]);
    assert.equal(median([3, undefined, 1, 2]), 2);
    assert.equal(median([4, 1]), 2.5);
    assert.equal(median([]), undefined);
  });

  it('renders the report as markdown, overdue post-mortems listed', () => {
    const text = renderReport(findPostmortems(files, new Date('2026-12-30T00:00:00Z')), new Date('2026-12-30T08:00:00Z'));
    assert.match(text, /^# Incidents by severity and month\n/);
    assert.match(text, /Made 2026-12-30 08:00 UTC from the front matter of 4 post-mortems/);
    assert.match(text, /\| 2026-11 \| SEV2 \| 3 \| 0 \| 30 min \| 1 h 30 min \|/);
    assert.match(text, /\| 2026-10 \| SEV1 \| 1 \| 1 \| 5 min \| 45 min \|/);
    assert.match(text, /## Overdue post-mortems\n\n- INC-20261102-001 Incident INC-20261102-001 \(SEV2\): due 2026-11-09 12:00 UTC, status draft/);
    assert.match(renderReport([], new Date('2026-12-30T08:00:00Z')), /No post-mortems found/);
  });
});

describe('journal export', () => {
  it('names the export after the incident and writes one record per line', () => {
    assert.equal(journalExportFileName('INC-20261124-001'), 'INC-20261124-001.timeline.jsonl');
    assert.equal(journalExportFileName('../x/y'), 'x-y.timeline.jsonl');
    const lines = demoJournalLines();
    const text = journalExportText([...lines.slice(0, 2).map((l) => `${l}\n`), '', ...lines.slice(2)]);
    assert.equal(text.split('\n').length, lines.length + 1);
    assert.ok(text.endsWith('\n'));
    assert.deepEqual(text.trimEnd().split('\n').map((l) => JSON.parse(l).id), demoEvents().map((e) => e.id));
    assert.equal(journalExportText([]), '');
    assert.throws(() => journalExportText(['{"a":\n1}']));
  });
});
