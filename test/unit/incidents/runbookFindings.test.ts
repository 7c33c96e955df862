import { strict as assert } from 'node:assert';
import { findingProblems, findingsFromEvents, samePath } from '../../../src/incidents/runbookFindings';
import { builder } from '../postmortem/journals';

function incident() {
  const b = builder('INC-20261204-001', Date.parse('2026-12-04T09:00:00.000Z'));
  b.add('A', { type: 'declared', title: 'Checkout errors', severity: 'SEV2', summary: '', services: [] });
  b.add('A', { type: 'commandRun', runbookPath: 'runbooks/payments/checkout.md', runbookTitle: 'Checkout', blockIndex: 2, command: 'x', exitCode: 3, durationMs: 10 });
  b.add('A', { type: 'commandRun', runbookPath: 'runbooks/payments/checkout.md', runbookTitle: 'Checkout', blockIndex: 0, command: 'y', exitCode: 0, durationMs: 10 });
  const unknown = b.add('A', { type: 'commandRun', runbookPath: 'runbooks/payments/checkout.md', runbookTitle: 'Checkout', blockIndex: 1, command: 'z', exitCode: null, durationMs: 10 });
  b.add('A', { type: 'note', text: "this step didn't work: the flag is gone", about: unknown });
  b.add('A', { type: 'note', text: 'step 4 wants a namespace', runbookPath: 'runbooks/payments/checkout.md', blockIndex: 3 });
  b.add('A', { type: 'note', text: 'an ordinary note' });
  return b.events;
}

describe('runbooks learn from incidents', () => {
  it('finds failed steps and notes written against a step or a run', () => {
    const findings = findingsFromEvents(incident());
    assert.deepEqual(findings.map((f) => [f.kind, f.blockIndex, f.exitCode ?? f.text]), [
      ['failed', 2, 3],
      ['noted', 1, "this step didn't work: the flag is gone"],
      ['noted', 3, 'step 4 wants a namespace'],
    ]);
  });

  it('puts them on the runbook at the block, with the incident and the day', () => {
    const problems = findingProblems(findingsFromEvents(incident()), { paths: ['payments/checkout.md'], blockLines: [10, 20, 30, 40] });
    assert.deepEqual(problems.map((p) => [p.ruleId, p.severity, p.line, p.incidentId]), [
      ['noted-in-incident', 'info', 20, 'INC-20261204-001'],
      ['failed-in-incident', 'warning', 30, 'INC-20261204-001'],
      ['noted-in-incident', 'info', 40, 'INC-20261204-001'],
    ]);
    assert.equal(problems[1].message, 'Step 3 failed in INC-20261204-001 on 2026-12-04, exit 3. Check the step, then mark the runbook reviewed.');
    assert.match(problems[0].message, /^Noted in INC-20261204-001 on 2026-12-04 about step 2: “this step didn't work: the flag is gone”$/);
  });

  it('forgets findings from before the runbook was last reviewed, and blocks that no longer exist', () => {
    const findings = findingsFromEvents(incident());
    assert.deepEqual(findingProblems(findings, { paths: ['runbooks/payments/checkout.md'], lastReviewed: '2026-12-05', blockLines: [1, 2, 3, 4] }), []);
    assert.equal(findingProblems(findings, { paths: ['runbooks/payments/checkout.md'], lastReviewed: '2026-12-04', blockLines: [1, 2, 3, 4] }).length, 3, 'reviewed the same day: still shown');
    assert.equal(findingProblems(findings, { paths: ['checkout.md'], blockLines: [1, 2] }).length, 1, 'only blocks that exist');
  });

  it('matches paths by whole trailing segments only', () => {
    assert.ok(samePath('runbooks/db/pool.md', 'db/pool.md'));
    assert.ok(samePath('./db/pool.md', 'runbooks/db/pool.md'));
    assert.ok(!samePath('runbooks/db/pool.md', 'b/pool.md'));
    assert.ok(!samePath('runbooks/db/pool.md', 'other/pool.md'));
    assert.ok(!samePath('', 'pool.md'));
  });

  it('shows a few per block, newest first, and counts the rest', () => {
    const b = builder('INC-20261204-002', Date.parse('2026-12-01T09:00:00.000Z'));
    for (let i = 0; i < 5; i++) b.add('A', { type: 'commandRun', runbookPath: 'r.md', runbookTitle: 'R', blockIndex: 0, command: 'x', exitCode: i + 1, durationMs: 1 }, Date.parse(`2026-12-0${i + 1}T09:00:00.000Z`));
    const problems = findingProblems(findingsFromEvents(b.events), { paths: ['r.md'], blockLines: [7] });
    assert.deepEqual(problems.map((p) => p.message.match(/on (\S+), exit (\d)/)!.slice(1)), [['2026-12-05', '5'], ['2026-12-04', '4'], ['2026-12-03', '3']]);
    assert.match(problems[2].message, /\(and 2 earlier\)/);
  });
});
