import { strict as assert } from 'node:assert';
import { missingForCommit } from '../../../src/postmortem/completeness';
import { parseRegions } from '../../../src/postmortem/regions';
import { splitFrontMatter } from '../../../src/postmortem/frontMatter';
import { renderPostmortem } from '../../../src/postmortem/render';
import { addToSectionEdit, applyLineEdit, fillRowEdit, insertSectionEdit } from '../../../src/postmortem/reviewFixes';
import { completeDraft, demoEvents } from './journals';

const draft = renderPostmortem(demoEvents());

describe('post-mortem review gate: quick fixes', () => {
  it('puts a deleted section back where the template has it, with its prompt', () => {
    const deleted = completeDraft(draft).replace(/## Lessons learned\n[\s\S]*$/, '').replace('## Detection\n', '');
    const problems = missingForCommit(deleted);
    assert.deepEqual(problems.map((p) => [p.code, p.section]), [['missingSection', 'Detection'], ['missingSection', 'Lessons learned']]);
    let fixed = applyLineEdit(deleted, insertSectionEdit(deleted, 'Lessons learned'));
    fixed = applyLineEdit(fixed, insertSectionEdit(fixed, 'Detection'));
    assert.ok(fixed.indexOf('## Detection') < fixed.indexOf('## Root cause'), 'Detection goes back before Root cause');
    assert.match(fixed, /## Lessons learned\n\n<!-- To fill: What we learned/);
    assert.deepEqual(missingForCommit(fixed).map((p) => [p.code, p.section]), [['emptySection', 'Detection'], ['emptySection', 'Lessons learned']]);
  });

  it('adds the engineer\'s words below what was generated in a section, never inside it', () => {
    const edit = addToSectionEdit(draft, /\bimpact\b/i, 'About 21 of every 120 tracking requests failed for 28 minutes.')!;
    const fixed = applyLineEdit(draft, edit);
    const regions = parseRegions(splitFrontMatter(fixed).body);
    assert.equal(regions.regions.find((r) => r.name === 'impact')!.edited, false, 'the generated part is untouched');
    assert.ok(fixed.indexOf('<!-- oncall:/impact -->') < fixed.indexOf('About 21 of every 120'));
    assert.ok(fixed.indexOf('About 21 of every 120') < fixed.indexOf('<!-- To fill: Who and what was affected'));
    assert.ok(!missingForCommit(fixed).some((p) => p.section === 'Impact'));
    const rootCause = applyLineEdit(draft, addToSectionEdit(draft, /\bcauses?\b/i, 'The cache had no size limit.')!);
    assert.match(rootCause, /## Root cause and contributing factors\n\nThe cache had no size limit\.\n\n<!-- To fill/);
    assert.equal(addToSectionEdit(draft.replace('## Impact', '## Consequences'), /\bimpact\b/i, 'x'), undefined);
  });

  it('fills the owner and due date of one action item, cells escaped', () => {
    const problems = missingForCommit(draft).filter((p) => p.code === 'actionItemsIncomplete');
    const edit = fillRowEdit(draft, problems[0].line, { owner: 'Ana | Ops', due: '2026-12-20', priority: 'high' })!;
    const fixed = applyLineEdit(draft, edit);
    assert.ok(fixed.includes('| add a memory alert on tracking-api before it is OOMKilled | Ana \\| Ops | 2026-12-20 | high | open |'));
    const after = missingForCommit(fixed).filter((p) => p.code === 'actionItemsIncomplete');
    assert.equal(after.length, 1, 'the other row still needs its owner');
    assert.equal(fillRowEdit(draft, 0, { owner: 'x' }), undefined, 'not a table row');
  });
});
