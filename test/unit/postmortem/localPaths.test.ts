import { strict as assert } from 'node:assert';
import { withoutLocalPaths } from '../../../src/postmortem/localPaths';

describe('post-mortems name no local folder', () => {
  const roots = [
    { path: '/home/ana/src/parcel/runbooks', replacement: '' },
    { path: '/home/ana', replacement: '~' },
  ];

  it('makes paths under a workspace folder relative and writes the home folder as ~', () => {
    const event = {
      runbookPath: '/home/ana/src/parcel/runbooks/api/gateway.md',
      command: 'cat /home/ana/src/parcel/runbooks/api/x.txt > /home/ana/tmp/out',
      output: { head: ['cwd: /home/ana/src/parcel/runbooks', 'config /home/ana/.kube/config'], tail: [], lines: 2, bytes: 1 },
      nested: [{ note: 'see /home/ana/src/parcel/runbooks/' }],
    };
    assert.deepEqual(withoutLocalPaths(event, roots), {
      runbookPath: 'api/gateway.md',
      command: 'cat api/x.txt > ~/tmp/out',
      output: { head: ['cwd: .', 'config ~/.kube/config'], tail: [], lines: 2, bytes: 1 },
      nested: [{ note: 'see ' }],
    });
  });

  it('leaves look-alike folders, keys and other values alone', () => {
    const event = { '/home/ana': 1, text: '/home/anabel/x and /home/ana-old/y', n: 3, ok: true, none: null };
    assert.deepEqual(withoutLocalPaths(event, roots), event);
  });

  it('handles Windows separators', () => {
    assert.equal(withoutLocalPaths('C:\\Users\\ana\\rb\\db.md', [{ path: 'C:\\Users\\ana\\rb', replacement: '' }]), 'db.md');
  });
});
