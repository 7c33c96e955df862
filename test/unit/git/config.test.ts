import { strict as assert } from 'node:assert';
import { writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { readGitConfig } from '../../../src/git/config';
import { makeRepo, type TempRepo } from './gitRepo';

describe('git: readGitConfig (the author name lookup)', () => {
  let repo: TempRepo;
  beforeEach(() => {
    repo = makeRepo({ initialCommit: false });
  });
  afterEach(() => repo.cleanup());

  it("reads the repository's user.name, and undefined when unset", async () => {
    assert.equal(await readGitConfig('user.name', { cwd: repo.dir, env: repo.env }), 'Test Engineer');
    repo.git('config', '--unset', 'user.name');
    assert.equal(await readGitConfig('user.name', { cwd: repo.dir, env: repo.env }), undefined);
  });

  it('ignores GIT_* variables of the host (they would override or redirect the config)', async () => {
    const global = path.join(repo.base, 'injected.gitconfig');
    writeFileSync(global, '[user]\n\tname = From GIT_CONFIG_GLOBAL\n');
    const env = {
      ...repo.env,
      GIT_CONFIG_COUNT: '1',
      GIT_CONFIG_KEY_0: 'user.name',
      GIT_CONFIG_VALUE_0: 'From GIT_CONFIG_PARAMETERS',
      GIT_CONFIG_PARAMETERS: "'user.name'='From GIT_CONFIG_PARAMETERS'",
      GIT_CONFIG_GLOBAL: global,
      GIT_DIR: path.join(repo.base, 'nowhere'),
    };
    assert.equal(await readGitConfig('user.name', { cwd: repo.dir, env }), 'Test Engineer');
  });

  it('refuses a key that git could read as an option', async () => {
    await assert.rejects(readGitConfig('--global', { cwd: repo.dir, env: repo.env }), /not a git config key/);
    await assert.rejects(readGitConfig('-l', { cwd: repo.dir, env: repo.env }), /not a git config key/);
  });

  it('is undefined (not an exception) when git cannot run in the folder', async () => {
    assert.equal(await readGitConfig('user.name', { cwd: path.join(repo.base, 'missing'), env: repo.env }), undefined);
  });
});
