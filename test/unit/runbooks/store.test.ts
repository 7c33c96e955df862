import { strict as assert } from 'node:assert';
import { detailCounts, intern, isPacked, pack, toPacked, unpack } from '../../../src/runbooks/store';
import { parseFixture } from './helpers';

describe('runbooks/store', () => {
  const full = parseFixture('area-b/fences.md');

  it('packs a model so that readers still see plain, equal data', () => {
    const packed = pack(full);
    assert.equal(isPacked(packed), true);
    assert.deepStrictEqual(packed, full);
    assert.equal(JSON.stringify(packed), JSON.stringify(full));
    assert.deepStrictEqual(structuredClone(packed), full);
    assert.deepStrictEqual({ ...packed }, full);
    assert.equal(pack(packed), packed, 'packing twice is a no-op');
  });

  it('stores the details deflated and inflates them on first read', () => {
    const stored = toPacked(full);
    assert.equal('codeBlocks' in stored, false);
    assert.equal(typeof stored.details, 'string');
    assert.ok(stored.details.length < JSON.stringify({ s: full.sections, c: full.codeBlocks }).length / 2, 'smaller than the JSON');
    const again = unpack(JSON.parse(JSON.stringify(stored)));
    assert.deepStrictEqual(detailCounts(again), { sections: full.sections.length, codeBlocks: full.codeBlocks.length });
    assert.deepStrictEqual(again.codeBlocks, full.codeBlocks);
    assert.deepStrictEqual(again, full);
  });

  it('shares one copy of repeated short strings', () => {
    const a = 'team-' + 'edge';
    const b = ['team', 'edge'].join('-');
    assert.equal(intern(a), intern(b));
    assert.equal(intern(undefined), undefined);
  });
});
