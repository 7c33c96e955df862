import { strict as assert } from 'node:assert';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseRunbook } from '../../../src/runbooks/parse';
import { generateRepo } from '../../fixtures/runbooks/generate';
import { FIXTURES, SAMPLE_REPO } from './helpers';

function markdownFiles(dir: string): string[] {
  const out: string[] = [];
  const stack = [dir];
  while (stack.length > 0) {
    const d = stack.pop() as string;
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) stack.push(p);
      else if (/\.(md|markdown)$/i.test(name)) out.push(p);
    }
  }
  return out.sort();
}

/** The subset of remark-gfm we use must give exactly the models all of remark-gfm gives. */
function assertSameModels(root: string): number {
  const files = markdownFiles(root);
  for (const path of files) {
    const input = { path, root, text: readFileSync(path, 'utf8') };
    assert.deepEqual(parseRunbook(input, { gfm: 'subset' }), parseRunbook(input, { gfm: 'full' }), relative(root, path));
  }
  return files.length;
}

describe('runbooks/gfm subset', function () {
  this.timeout(120_000);

  it('gives identical models to full remark-gfm on the messy fixtures', () => {
    assert.ok(assertSameModels(FIXTURES) >= 15);
  });

  it('gives identical models on the sample repository', function () {
    if (!existsSync(SAMPLE_REPO) || markdownFiles(SAMPLE_REPO).length === 0) this.skip();
    assertSameModels(SAMPLE_REPO);
  });

  it('gives identical models on a generated repository', () => {
    const dir = mkdtempSync(join(tmpdir(), 'oncall-gfm-'));
    try {
      generateRepo(dir, 60, 7);
      assert.equal(assertSameModels(dir), 60 + 8);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
