import { strict as assert } from 'node:assert';
import { normalizeDate, normalizeSeverity, readFrontMatter } from '../../../src/runbooks/frontMatter';
import { quickScan } from '../../../src/runbooks/quick';
import { parseFixture, fixtureText } from './helpers';

describe('runbooks/frontMatter', () => {
  it('normalises severities written in the usual ways', () => {
    const cases: Array<[unknown, string | undefined]> = [
      ['SEV1', 'SEV1'], ['sev2', 'SEV2'], ['Sev 3', 'SEV3'], ['sev-4', 'SEV4'], ['SEV_1', 'SEV1'],
      ['P0', 'SEV1'], ['p1', 'SEV1'], ['P2', 'SEV2'], ['P4', 'SEV4'], [2, 'SEV2'], ['3', 'SEV3'],
      ['critical', 'SEV1'], ['High', 'SEV2'], ['major', 'SEV2'], ['medium', 'SEV3'], ['minor', 'SEV3'], ['low', 'SEV4'],
      ['SEV5', undefined], ['P5', undefined], [0, undefined], ['urgent-ish', undefined], [true, undefined], [null, undefined],
    ];
    for (const [input, expected] of cases) assert.equal(normalizeSeverity(input), expected, JSON.stringify(input));
  });

  it('accepts real calendar dates only, keeping the date part of a date-time', () => {
    assert.equal(normalizeDate('2024-01-05'), '2024-01-05');
    assert.equal(normalizeDate('2024-02-29'), '2024-02-29');
    assert.equal(normalizeDate('2023-02-29'), undefined);
    assert.equal(normalizeDate('2024-13-01'), undefined);
    assert.equal(normalizeDate('2024-1-5'), undefined);
    assert.equal(normalizeDate('2024-01-05T10:00:00Z'), '2024-01-05');
    assert.equal(normalizeDate('yesterday'), undefined);
    assert.equal(normalizeDate(20240105), undefined);
    assert.equal(normalizeDate(new Date(Date.UTC(2024, 0, 5))), '2024-01-05');
  });

  it('accepts alert and owner spellings and lists written as strings', () => {
    const fm = readFrontMatter(['---', 'alert: A', 'alertname: B', 'owners: [x, y]', 'tags: a b, c', '---']);
    assert.deepEqual(fm.metadata.alerts, ['A', 'B']);
    assert.equal(fm.metadata.owner, 'x, y');
    assert.deepEqual(fm.metadata.tags, ['a', 'b', 'c']);
  });

  it('reports a front matter that is not a mapping', () => {
    const fm = readFrontMatter(['---', '- just', '- a list', '---']);
    assert.equal(fm.problems[0]?.ruleId, 'front-matter-invalid');
    assert.match(fm.problems[0]?.message ?? '', /key: value/);
  });

  it('reports duplicate keys', () => {
    const fm = readFrontMatter(['---', 'owner: a', 'owner: b', '---']);
    assert.equal(fm.problems[0]?.ruleId, 'front-matter-invalid');
    assert.equal(fm.problems[0]?.line, 2);
  });

  it('remembers the spelling of the review key', () => {
    assert.equal(readFrontMatter(['---', 'lastReviewed: 2024-01-01', '---']).reviewedKey, 'lastReviewed');
  });
});

describe('runbooks/quick', () => {
  it('agrees with the full parse on title, metadata and file-name alerts', () => {
    for (const rel of ['area-a/no-front-matter.md', 'hugo/hugo-yaml.md', 'hugo/hugo-toml.md', 'area-a/HighErrorRate.md', 'area-b/non-ascii.md', 'area-a/title-from-first-heading.md', 'area-b/.md']) {
      const full = parseFixture(rel);
      const quick = quickScan({ path: `/repo/${rel}`, root: '/repo', text: fixtureText(rel) });
      assert.equal(quick.parseStatus, 'quick');
      assert.equal(quick.title, full.title, rel);
      assert.deepEqual(quick.metadata, full.metadata, rel);
      assert.equal(quick.contentHash, full.contentHash, rel);
      assert.equal(quick.area, full.area);
    }
  });

  it('counts fences, ignoring fence-like lines inside a fence', () => {
    const q = quickScan({ path: '/r/x.md', root: '/r', text: fixtureText('area-b/fences.md') });
    assert.equal(q.fenceCount, 10, 'the ten fenced blocks; indented code is not counted');
    assert.deepEqual(q.codeBlocks, []);
  });

  it('skips headings inside fences and reads setext and closed ATX headings', () => {
    const q = quickScan({ path: '/r/x.md', root: '/r', text: '```\n# not this\n```\nThe title\n=====\n' });
    assert.equal(q.title, 'The title');
    assert.equal(quickScan({ path: '/r/y.md', root: '/r', text: '## Closed ##\n' }).title, 'Closed');
  });
});
