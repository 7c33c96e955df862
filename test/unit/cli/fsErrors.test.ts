import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describeFsError, isNotFound } from '../../../src/fsErrors';

const CLI = resolve(__dirname, '../../../src/cli/main.ts');

function errno(code: string): NodeJS.ErrnoException {
  return Object.assign(new Error(`${code}: injected`), { code });
}

describe('file system errors are reported as what they are', () => {
  let tmp: string;
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'oncall-fserr-'));
    writeFileSync(join(tmp, 'file'), 'x');
    symlinkSync(join(tmp, 'loop'), join(tmp, 'loop'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('names each error by its cause and code', async () => {
    assert.equal(describeFsError(errno('EACCES')), 'permission denied (EACCES)');
    assert.equal(describeFsError(errno('ENOENT')), 'it does not exist (ENOENT)');
    assert.equal(describeFsError(errno('EWEIRD')), 'EWEIRD: injected');
    assert.equal(describeFsError(new Error('plain')), 'plain');
    assert.ok(isNotFound(errno('ENOENT')));
    assert.ok(!isNotFound(errno('EACCES')) && !isNotFound(errno('ENOTDIR')) && !isNotFound(undefined));
    // Real errors from the file system, not only hand-made ones.
    const real = async (p: string) => stat(p).then(() => 'no error', describeFsError);
    assert.match(await real(join(tmp, 'loop')), /\(ELOOP\)$/);
    assert.match(await real(join(tmp, 'file', 'sub')), /not a folder \(ENOTDIR\)$/);
  });

  it('the CLI says "no such directory" only when the directory is missing', () => {
    const run = (dir: string) => spawnSync(process.execPath, ['--import', 'tsx', CLI, 'index', dir, '--no-cache'], { encoding: 'utf8', timeout: 60_000 });
    const cases: Array<[string, RegExp]> = [
      [join(tmp, 'missing'), /no such directory: .*missing/],
      [join(tmp, 'loop'), /cannot open .*loop: too many symbolic links .*\(ELOOP\)/],
      [join(tmp, 'file', 'sub'), /cannot open .*sub: a part of the path is not a folder \(ENOTDIR\)/],
      [join(tmp, 'file'), /not a directory: /],
    ];
    for (const [dir, message] of cases) {
      const r = run(dir);
      assert.equal(r.status, 2, dir);
      assert.match(r.stderr, message);
      if (!/missing/.test(dir)) assert.doesNotMatch(r.stderr, /no such directory/);
    }
  });
});
