import * as assert from 'node:assert/strict';
import { codeBlockCommand, codeBlockLabel } from '../../../src/runbooks/blockLabel';
import { parseRunbook } from '../../../src/runbooks/parse';

const MD = [
  '# Queue consumer lag',
  '',
  'Before any heading of its own, under the title:',
  '```bash',
  'kubectl get pods -n queue',
  '```',
  '## Check the lag',
  '```bash',
  '# the consumer group first',
  'kafka-consumer-groups --describe --group orders',
  '```',
  '```bash',
  'kafka-consumer-groups --describe --group orders',
  '```',
  '## Restart',
  '```console',
  '$ kubectl rollout restart deploy/orders',
  'deployment.apps/orders restarted',
  '```',
  '```',
  '```',
].join('\n');

describe('code block labels', () => {
  it('are the step number and the heading, unique within a runbook even for identical blocks', () => {
    const runbook = parseRunbook({ path: '/r/queue/lag.md', root: '/r', text: MD });
    const labels = runbook.codeBlocks.map((b) => codeBlockLabel(runbook, b));
    assert.deepEqual(labels, ['Step 1 · Queue consumer lag', 'Step 2 · Check the lag', 'Step 3 · Check the lag', 'Step 4 · Restart', 'Step 5 · Restart']);
    assert.equal(new Set(labels).size, labels.length);
  });

  it('describe a block by its first command: no comment, no transcript output', () => {
    const runbook = parseRunbook({ path: '/r/queue/lag.md', root: '/r', text: MD });
    const [first, second, , fourth, empty] = runbook.codeBlocks;
    assert.equal(codeBlockCommand(first), 'kubectl get pods -n queue');
    assert.equal(codeBlockCommand(second), 'kafka-consumer-groups --describe --group orders');
    assert.match(codeBlockCommand(fourth), /kubectl rollout restart deploy\/orders/);
    assert.doesNotMatch(codeBlockCommand(fourth), /restarted/);
    assert.equal(codeBlockCommand(empty), '(empty block)');
    assert.equal(codeBlockCommand(second, 10), 'kafka-con…');
  });
});
