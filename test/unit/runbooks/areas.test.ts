import { strict as assert } from 'node:assert';
import { AreaLayout } from '../../../src/runbooks/areas';
import { RunbookIndex } from '../../../src/runbooks/index';
import { InlineParser } from '../../../src/runbooks/parsePool';
import { MemorySource } from './memorySource';

describe('runbooks/areas', () => {
  it('skips folders named for holding runbooks, and single-child chains without runbooks of their own', () => {
    const layout = new AreaLayout([
      'README.md',
      'CONTRIBUTING.md',
      'content/_index.md',
      'content/runbooks/_index.md',
      'content/runbooks/queue/_index.md',
      'content/runbooks/queue/QueueDepthHigh.md',
      'content/runbooks/storage/DiskAlmostFull.md',
      'content/docs/how-to-write.md',
      'site/sources/product/operate/product-runbooks/_index.md',
      'teams/payments/refunds-stuck.md',
      'teams/search/index-lag.md',
    ]);
    assert.equal(layout.areaOf('content/runbooks/queue/QueueDepthHigh.md'), 'queue');
    assert.equal(layout.areaOf('content/runbooks/storage/DiskAlmostFull.md'), 'storage');
    assert.equal(layout.areaOf('content/docs/how-to-write.md'), '', 'directly in a container: no area');
    assert.equal(layout.areaOf('content/_index.md'), '');
    assert.equal(layout.areaOf('site/sources/product/operate/product-runbooks/_index.md'), '', 'a chain of single folders');
    assert.equal(layout.areaOf('teams/payments/refunds-stuck.md'), 'teams', 'a folder with several children is an area');
    assert.equal(layout.areaOf('CONTRIBUTING.md'), '');
  });

  it('in the index: detected under a repository root, the top folder under a configured root', async () => {
    const files = {
      '/ws/alerts/etcd/raftNoQuorum.md': '# raftNoQuorum\n',
      '/ws/alerts/network/DNSDown.md': '# DNSDown\n',
      '/ws/alerts/_index.md': '---\ntitle: Alerts\n---\n',
      '/ws/README.md': '# Repo\n',
    };
    const detected = new RunbookIndex({ source: new MemorySource(files), parser: new InlineParser(), roots: ['/ws'] });
    await detected.build();
    assert.deepEqual(detected.all().map((r) => [r.relPath, r.area, r.isReadme]), [
      ['README.md', '', true],
      ['alerts/_index.md', '', true],
      ['alerts/etcd/raftNoQuorum.md', 'etcd', false],
      ['alerts/network/DNSDown.md', 'network', false],
    ]);
    const configured = new RunbookIndex({ source: new MemorySource(files), parser: new InlineParser(), roots: ['/ws'], detectAreas: false });
    await configured.build();
    assert.deepEqual(configured.all().map((r) => r.area), ['', 'alerts', 'alerts', 'alerts']);
  });

  it("treats `_index.md`, `index.md` and the repository's own papers as documents, unless they name alerts", async () => {
    const index = new RunbookIndex({
      source: new MemorySource({
        '/ws/docs/index.md': '# Welcome\n',
        '/ws/CONTRIBUTING.md': '# How to contribute\n',
        '/ws/CHANGELOG.md': '# Changes\n',
        '/ws/docs/runbooks/_index.md': '# Alerts\n\n## QueueDepthHigh\n\n## DNSDown\n',
      }),
      parser: new InlineParser(),
      roots: ['/ws'],
    });
    await index.build();
    assert.deepEqual(index.all().map((r) => [r.relPath, r.isReadme]), [
      ['CHANGELOG.md', true],
      ['CONTRIBUTING.md', true],
      ['docs/index.md', true],
      ['docs/runbooks/_index.md', false],
    ]);
    assert.equal(index.runbookCount, 1);
  });
});
