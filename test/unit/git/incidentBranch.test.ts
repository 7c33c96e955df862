// The shared branch's names and tree edits, checked against what real git computes.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import {
  BRANCH_FETCH_REFSPEC, FETCHED_BRANCH, SHARE_BRANCH, branchFolderKey, folderEntry, isTransportSetting, mktreeInput, parseLsTree, withEntry, writerFolderId, writerFolders,
} from '../../../src/git/incidentBranch';
import { gitBlobId } from '../../../src/incidents/sharedSegment';
import { isolatedEnv } from './gitRepo';

const INC = 'INC-20250304-7KQ2M';
const W = 'wa000000000';
const OID = 'a'.repeat(40);

describe('shared branch: names', () => {
  it('names one branch, fetched outside every branch of the private repository', () => {
    assert.equal(SHARE_BRANCH, 'refs/heads/oncall/incidents');
    assert.ok(!FETCHED_BRANCH.startsWith('refs/heads/'));
    assert.equal(BRANCH_FETCH_REFSPEC, `+${SHARE_BRANCH}*:${FETCHED_BRANCH}*`);
    assert.equal(branchFolderKey(INC, W), `${FETCHED_BRANCH}/${INC}/${W}`);
    assert.throws(() => branchFolderKey('../x', W), /not an incident folder/);
    assert.throws(() => branchFolderKey(INC, '--force'), /not an incident folder/);
    assert.deepEqual(['refs', 'branch', 'auto', 'git', undefined].map(isTransportSetting), [true, true, true, false, false]);
  });
});

describe('shared branch: trees', () => {
  let dir: string;
  const git = (args: string[], input?: Buffer | string) => execFileSync('git', args, { cwd: dir, env: isolatedEnv(dir), input }).toString('latin1').trim();
  before(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'oncall-tree-'));
    execFileSync('git', ['init', '--bare', '--quiet', dir], { env: isolatedEnv(dir) });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('computes a writer folder id as git does', () => {
    const events = Buffer.from('{"a":1}\n');
    const writer = Buffer.from('{"format":1}\n');
    const eb = git(['hash-object', '-w', '--stdin'], events);
    const wb = git(['hash-object', '-w', '--stdin'], writer);
    assert.equal(eb, gitBlobId(events));
    const tree = git(['mktree'], `100644 blob ${wb}\twriter.json\n100644 blob ${eb}\tevents.jsonl\n`);
    assert.equal(writerFolderId({ events: eb, writer: wb }), tree);
    assert.throws(() => writerFolderId({ events: 'HEAD', writer: wb }), /bad blob id/);
  });

  it('lists and rewrites entries byte for byte, whatever their names, and replaces only the one named', () => {
    const blob = git(['hash-object', '-w', '--stdin'], 'x');
    // Names a teammate could put on the branch: option-like, spaces, tabs, non-UTF-8 bytes.
    const names = ['--exec=touch pwned', '-rf', 'a b\tc', Buffer.from([0xff, 0x41]).toString('latin1'), 'README.md'];
    const input = Buffer.concat(names.map((n) => Buffer.from(`100644 blob ${blob}\t${n}\0`, 'latin1')));
    const tree = git(['mktree', '-z'], input);
    const listed = parseLsTree(execFileSync('git', ['ls-tree', '-z', tree], { cwd: dir, env: isolatedEnv(dir) }));
    assert.deepEqual(listed.map((e) => e.name).sort(), [...names].sort());
    assert.equal(git(['mktree', '-z'], mktreeInput(listed)), tree, 'the same entries give the same tree');
    const replaced = withEntry(listed, folderEntry('-rf', tree));
    assert.equal(replaced.length, listed.length);
    assert.deepEqual(replaced.filter((e) => e.name !== '-rf'), listed.filter((e) => e.name !== '-rf'));
    assert.throws(() => mktreeInput([{ mode: '100644', type: 'blob', oid: OID, name: 'a/b' }]), /bad tree entry/);
    assert.throws(() => mktreeInput([{ mode: '100644', type: 'blob', oid: '--x', name: 'a' }]), /bad tree entry/);
  });

  it('finds writer folders at <incident>/<writer> and leaves everything else alone', () => {
    const entries = parseLsTree(Buffer.from([
      `040000 tree ${OID}\t${INC}`,
      `040000 tree ${OID}\t${INC}/${W}`,
      `040000 tree ${OID}\t${INC}/not-a-writer`,
      `040000 tree ${OID}\t${INC}/${W}/deeper`,
      `100644 blob ${OID}\t${INC}/wb000000000`,
      `040000 tree ${OID}\tnot-an-incident/${W}`,
      'garbage',
    ].join('\0'), 'latin1'));
    assert.deepEqual(writerFolders(entries), [{ incidentId: INC, writer: W, oid: OID }]);
  });
});
