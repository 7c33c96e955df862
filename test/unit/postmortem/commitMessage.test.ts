import { strict as assert } from 'node:assert';
import { isInPostmortemFolder, postmortemCommitMessage, resolvePostmortemFolder } from '../../../src/postmortem/commitMessage';

describe('post-mortem commit message and folder', () => {
  it('names the incident, title and severity on one line', () => {
    const meta = { incident: 'INC-20261124-001', title: 'API gateway 5xx\non tracking', severity: 'SEV2' };
    assert.equal(postmortemCommitMessage(meta, { draft: false }), 'postmortem: INC-20261124-001 API gateway 5xx on tracking (SEV2)');
    assert.equal(postmortemCommitMessage(meta, { draft: true }), 'postmortem (draft): INC-20261124-001 API gateway 5xx on tracking (SEV2)');
    assert.equal(postmortemCommitMessage({}, { draft: false }), 'postmortem: unknown incident');
    assert.equal(postmortemCommitMessage({ incident: 'X', title: 'a'.repeat(150) }, { draft: false }).length, 'postmortem: X '.length + 100);
  });

  it('keeps the folder inside the workspace folder', () => {
    assert.equal(resolvePostmortemFolder('/ws', undefined), '/ws/postmortems');
    assert.equal(resolvePostmortemFolder('/ws', 'docs/pm/'), '/ws/docs/pm');
    assert.equal(resolvePostmortemFolder('/ws', '.'), '/ws');
    assert.equal(resolvePostmortemFolder('/ws', '../elsewhere'), undefined);
    assert.equal(resolvePostmortemFolder('/ws', '/etc'), undefined);
    assert.equal(resolvePostmortemFolder('/ws', '..pm'), '/ws/..pm');
  });

  it('recognises markdown files in the folder', () => {
    assert.ok(isInPostmortemFolder('/ws/postmortems', '/ws/postmortems/2026/a.md'));
    assert.ok(!isInPostmortemFolder('/ws/postmortems', '/ws/postmortems/a.jsonl'));
    assert.ok(!isInPostmortemFolder('/ws/postmortems', '/ws/runbooks/a.md'));
    assert.ok(!isInPostmortemFolder('/ws/postmortems', '/ws/postmortems-old/a.md'));
  });
});
