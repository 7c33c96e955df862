import { strict as assert } from 'node:assert';
import { missingForCommit, postmortemProblems } from '../../../src/postmortem/completeness';
import { renderPostmortem } from '../../../src/postmortem/render';
import { completeDraft, demoEvents } from './journals';

const draft = renderPostmortem(demoEvents());

describe('post-mortem completeness', () => {
  it('lists every required section that still holds only prompts and generated facts', () => {
    const missing = missingForCommit(draft);
    assert.deepEqual(
      missing.map((p) => [p.code, p.section]),
      [
        ['emptySection', 'Summary'],
        ['emptySection', 'Impact'],
        ['emptySection', 'Detection'],
        ['emptySection', 'Root cause and contributing factors'],
        ['emptySection', 'Resolution'],
        ['emptySection', 'What went well'],
        ['emptySection', 'What could be improved'],
        ['actionItemsIncomplete', 'Action items'],
        ['actionItemsIncomplete', 'Action items'],
        ['emptySection', 'Lessons learned'],
      ],
    );
    assert.equal(missing[7].message, 'Action item "add a memory alert on tracking-api before it is OOMKilled" still needs: owner, due (YYYY-MM-DD), priority.');
    assert.equal(missing[7].line, draft.split('\n').findIndex((l) => l.startsWith('| add a memory alert')), 'on the row itself');
    assert.deepEqual(missing[7].missingColumns, ['owner', 'due (YYYY-MM-DD)', 'priority']);
    const summaryLine = draft.split('\n').indexOf('## Summary');
    assert.equal(missing[0].line, summaryLine);
  });

  it('is complete once each required section has the engineer\'s words and action items are filled', () => {
    assert.deepEqual(missingForCommit(completeDraft(draft)), []);
    assert.deepEqual(missingForCommit(completeDraft(draft).replace(/\n/g, '\r\n')), [], 'CRLF files too');
  });

  it('counts an action items table with only the prompt row as empty, and "None" as an answer', () => {
    const empty = renderPostmortem([], { incidentId: 'INC-20261124-009' });
    assert.ok(missingForCommit(empty).some((p) => p.section === 'Action items' && p.code === 'emptySection'));
    const none = empty.replace('## Action items\n', '## Action items\n\nNone: the fix is already in place.\n');
    assert.ok(!missingForCommit(none).some((p) => p.section === 'Action items'));
  });

  it('finds renamed headings by their words, reports deleted ones, and ignores headings in code blocks', () => {
    const renamed = completeDraft(draft).replace('## Root cause and contributing factors', '## Root causes');
    assert.deepEqual(missingForCommit(renamed), []);
    const deleted = completeDraft(draft).replace('## Detection\n', '');
    // Without its heading, the detection text belongs to the timeline section.
    assert.deepEqual(missingForCommit(deleted).map((p) => [p.code, p.section]), [['missingSection', 'Detection']]);
    const fenced = draft.replace('## Summary\n', '## Summary\n\n```\n## Impact\ntext in a code block\n```\n');
    const problems = missingForCommit(fenced);
    assert.ok(!problems.some((p) => p.section === 'Summary'), 'the code block is the summary\'s content');
    assert.ok(problems.some((p) => p.section === 'Impact' && p.code === 'emptySection'));
  });

  it('does not count text typed inside a generated region as the engineer\'s section text', () => {
    const inside = draft.replace('Summary recorded during the incident:', 'Summary recorded during the incident: my words');
    assert.ok(missingForCommit(inside).some((p) => p.section === 'Summary'));
    const problems = postmortemProblems(inside, new Date('2026-11-25T00:00:00Z'));
    assert.ok(problems.some((p) => p.code === 'editedRegion' && p.severity === 'info'));
  });

  it('reports an overdue post-mortem on its due date line until it is final', () => {
    const dueLine = draft.split('\n').findIndex((l) => l.startsWith('postmortem_due:'));
    const late = postmortemProblems(draft, new Date('2026-12-02T15:02:00Z')).find((p) => p.code === 'overdue');
    assert.ok(late);
    assert.equal(late.line, dueLine);
    assert.equal(late.message, 'This SEV2 post-mortem was due 2026-12-01 15:02 UTC (1 d 0 h ago) and is still "draft".');
    assert.ok(!postmortemProblems(draft, new Date('2026-12-01T15:01:00Z')).some((p) => p.code === 'overdue'));
    const final = draft.replace('status: draft #', 'status: final #');
    assert.ok(!postmortemProblems(final, new Date('2027-01-01T00:00:00Z')).some((p) => p.code === 'overdue'));
    const odd = draft.replace('status: draft #', 'status: finished #');
    assert.ok(postmortemProblems(odd, new Date('2026-11-25T00:00:00Z')).some((p) => p.code === 'unknownStatus'));
  });

  it('warns about a broken generated region', () => {
    const broken = draft.replace('<!-- oncall:/impact -->', '');
    const problems = postmortemProblems(broken, new Date('2026-11-25T00:00:00Z'));
    assert.ok(problems.some((p) => p.code === 'brokenRegion' && /impact/.test(p.message)));
  });

  it('asks for a number in the impact', () => {
    const vague = completeDraft(draft).replace('About a third of tracking page loads failed; 41 support tickets.', 'Many tracking page loads failed.');
    assert.deepEqual(missingForCommit(vague).map((p) => p.code), ['impactWithoutNumber']);
  });

  it('flags "human error" given as the only cause, not human error among other causes', () => {
    const blame = (cause: string) => completeDraft(draft).replace('A cache held whole parcel histories in memory.', cause);
    assert.deepEqual(missingForCommit(blame('Human error.')).map((p) => p.code), ['humanErrorOnly']);
    assert.deepEqual(missingForCommit(blame('Operator error: the wrong flag was used.')).map((p) => p.code), ['humanErrorOnly']);
    assert.deepEqual(missingForCommit(blame('An engineer mistake during the deploy.')).map((p) => p.code), ['humanErrorOnly']);
    assert.deepEqual(missingForCommit(blame('Human error started it; the deploy tool accepted a page size nobody had load-tested, and no memory alert existed.')), []);
    assert.deepEqual(missingForCommit(blame('The cache had no size limit.')), []);
  });

  it('wants an owner who is a person and a real due date on every action item', () => {
    const tbd = completeDraft(draft).replace('| Ana | 2026-12-05 |', '| TBD | next week |');
    const problems = missingForCommit(tbd);
    assert.deepEqual(problems.map((p) => [p.code, p.missingColumns]), [['actionItemsIncomplete', ['owner', 'due (YYYY-MM-DD)']]]);
  });
});

