import * as assert from 'node:assert/strict';
import {
  checkRemoteUrl, classifyPushFailure, commitObject, fetchedRef, identityName, isRemoteName, parseCatFileBatch, parseIncidentRef,
  parsePushPorcelain, parseRefList, writerRef, FETCHED_NAMESPACE, REMOTE_NAMESPACE,
} from '../../../src/git/incidentRefs';

const INC = 'INC-20250304-7KQ2M';
const W = 'wa000000000';
const OID = 'a'.repeat(40);

describe('incident refs: names', () => {
  it('builds refs only from valid incident and writer ids', () => {
    assert.equal(writerRef(INC, W), `refs/oncall/incidents/${INC}/${W}`);
    assert.equal(fetchedRef(INC, W), `refs/oncall-fetched/incidents/${INC}/${W}`);
    assert.throws(() => writerRef('INC-1/../../heads/main', W), /not an incident id/);
    assert.throws(() => writerRef(INC, '--force'), /not a writer id/);
    assert.throws(() => writerRef(INC, 'wa000000000/x'), /not a writer id/);
  });

  it('reads back incident refs and ignores anything else', () => {
    assert.deepEqual(parseIncidentRef(`${FETCHED_NAMESPACE}${INC}/${W}`, FETCHED_NAMESPACE), { incidentId: INC, writer: W });
    assert.equal(parseIncidentRef(`${FETCHED_NAMESPACE}${INC}/${W}/extra`, FETCHED_NAMESPACE), undefined);
    assert.equal(parseIncidentRef(`${FETCHED_NAMESPACE}notanid/${W}`, FETCHED_NAMESPACE), undefined);
    assert.equal(parseIncidentRef(`${REMOTE_NAMESPACE}${INC}/${W}`, FETCHED_NAMESPACE), undefined);
    assert.deepEqual([...parseRefList(`${OID} refs/a\nnonsense\n${'b'.repeat(40)} refs/b\n`)], [['refs/a', OID], ['refs/b', 'b'.repeat(40)]]);
  });
});

describe('incident refs: objects', () => {
  it('writes a commit object with a claimed name that cannot break its header', () => {
    const text = commitObject({ tree: OID, parents: ['b'.repeat(40)], name: 'Ana <evil>\nparent cccc', writer: W, timeMs: 1_700_000_000_999, message: 'x\r\n' }).toString('utf8');
    assert.equal(text, `tree ${OID}\nparent ${'b'.repeat(40)}\nauthor Ana evil parent cccc <${W}@oncall.invalid> 1700000000 +0000\ncommitter Ana evil parent cccc <${W}@oncall.invalid> 1700000000 +0000\n\nx\n`);
    assert.equal(identityName('\u0000\n'), 'unknown');
    assert.throws(() => commitObject({ tree: 'HEAD', parents: [], name: 'a', writer: W, timeMs: 0, message: 'm' }), /bad object id/);
  });

  it('parses cat-file batch answers, with and without contents, and missing objects', () => {
    const out = Buffer.from(`${OID} blob 5\nhello\nx:events.jsonl missing\n${'b'.repeat(40)} blob 0\n\n`);
    const entries = parseCatFileBatch(out, ['x:a', 'x:events.jsonl', 'x:b'], true);
    assert.equal(entries.length, 3);
    assert.equal((entries[0] as { content: Buffer }).content.toString(), 'hello');
    assert.ok('missing' in entries[1]);
    assert.equal((entries[2] as { size: number }).size, 0);
    const check = parseCatFileBatch(Buffer.from(`${OID} blob 123\n`), ['n'], false);
    assert.deepEqual(check, [{ name: 'n', oid: OID, type: 'blob', size: 123 }]);
    assert.deepEqual(parseCatFileBatch(Buffer.from('garbage\n'), ['n'], false), []);
  });
});

describe('incident refs: push results', () => {
  it('reads porcelain lines and names each failure', () => {
    const refs = parsePushPorcelain(`To /tmp/r.git\n!\t${OID}:refs/oncall/incidents/${INC}/${W}\t[rejected] (non-fast-forward)\nDone\n`);
    assert.deepEqual(refs, [{ flag: '!', to: `refs/oncall/incidents/${INC}/${W}`, summary: '[rejected] (non-fast-forward)' }]);
    assert.equal(classifyPushFailure(refs, ''), 'notFastForward');
    assert.equal(classifyPushFailure([{ flag: '!', to: 'r', summary: '[remote rejected] (pre-receive hook declined)' }], ''), 'refusedRef');
    assert.equal(classifyPushFailure([], "fatal: '/x' does not appear to be a git repository"), 'unreachable');
    assert.equal(classifyPushFailure([], 'fatal: unable to access ...: Could not resolve host: example.invalid'), 'unreachable');
    assert.equal(classifyPushFailure([], 'fatal: could not read Username for https://x: terminal prompts disabled'), 'auth');
    assert.equal(classifyPushFailure([], 'something else'), 'other');
  });
});

describe('incident refs: the remote', () => {
  it('accepts ordinary remotes and refuses helpers, options and control characters', () => {
    for (const ok of ['https://github.com/acme/runbooks.git', 'ssh://git@host/x.git', 'git@github.com:acme/runbooks.git', '/srv/git/runbooks.git', 'file:///srv/git/r.git']) {
      assert.equal(checkRemoteUrl(ok), undefined, ok);
    }
    for (const bad of ['ext::sh -c touch% /tmp/pwned', 'fd::17', '--upload-pack=touch /tmp/x', '-oProxyCommand=x', 'https://x\n/y', '', 'relative/path', 'origin']) {
      assert.ok(checkRemoteUrl(bad), bad);
    }
    assert.match(checkRemoteUrl('ext::sh -c touch% /tmp/pwned') ?? '', /remote helpers/, 'refused as a helper, not only as an unknown form');
    assert.match(checkRemoteUrl('--upload-pack=touch /tmp/x') ?? '', /starts with "-"/);
    assert.ok(isRemoteName('origin'));
    assert.ok(!isRemoteName('-origin'));
    assert.ok(!isRemoteName('a b'));
  });
});
