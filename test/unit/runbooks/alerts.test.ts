// Alert names from every convention, and how the index looks them up. Every fixture here is
// written for this test: small made-up runbooks that reproduce one naming convention each.
import { strict as assert } from 'node:assert';
import { alertCandidates, fileNameConventions, nameInHeading, nameShape, normalizeAlertName, tableAlerts } from '../../../src/runbooks/alerts';
import { RunbookIndex } from '../../../src/runbooks/index';
import { InlineParser } from '../../../src/runbooks/parsePool';
import { parseText } from './helpers';
import { MemorySource } from './memorySource';

const names = (rel: string, text: string) => parseText(rel, text).alerts.map((a) => `${a.source}:${a.name}`);

async function indexOf(files: Record<string, string>): Promise<RunbookIndex> {
  const index = new RunbookIndex({ source: new MemorySource(files), parser: new InlineParser(), roots: ['/ws'] });
  await index.build();
  return index;
}

describe('runbooks/alerts', () => {
  describe('name shapes', () => {
    it('knows every way alert names are written', () => {
      assert.equal(nameShape('QueueDepthHigh'), 'camel');
      assert.equal(nameShape('DNSDown'), 'camel', 'an acronym and one word');
      assert.equal(nameShape('raftNoQuorum'), 'lowerCamel');
      assert.equal(nameShape('bgpPeerFlapping'), 'lowerCamel');
      assert.equal(nameShape('disk_quota_near_limit'), 'snake');
      assert.equal(nameShape('QueueBacklogGrowing_high_priority'), 'snake');
      assert.equal(nameShape('CacheHitRatio(<50%)'), 'punctuated');
      assert.equal(nameShape('Worker-poolSaturated'), 'punctuated');
      assert.equal(nameShape('Recon:Host/PortSweep.B!TCP'), 'punctuated');
      assert.equal(nameShape('Heartbeat'), 'word', 'a single word needs more evidence');
    });
    it('refuses slugs, plain words, shouting and sentences', () => {
      for (const s of ['high-error-rate', 'Disk-Almost-Full', 'overview', 'k8s', 'FAQ', 'TODO', 'Welcome!', 'Restart the pods', 'x']) {
        assert.equal(nameShape(s), undefined, s);
      }
    });
    it('normalizes for loose lookups: case, spaces, `_`, `-`, `:`', () => {
      assert.equal(normalizeAlertName('Disk_Quota near-limit'), 'diskquotanearlimit');
      assert.equal(normalizeAlertName('queue: backlog_growing'), 'queuebackloggrowing');
    });
  });

  describe('headings', () => {
    it('reads explicit prefixes, quotes, Hugo ids and descriptions after a dash', () => {
      assert.deepEqual(nameInHeading('Alert Name: "QueueDepthHigh"'), { name: 'QueueDepthHigh', explicit: true, shape: 'camel' });
      assert.deepEqual(nameInHeading('Title: Heartbeat'), { name: 'Heartbeat', explicit: true, shape: 'word' });
      assert.deepEqual(nameInHeading('Alertname: Disk almost full'), { name: 'Disk almost full', explicit: true, shape: undefined }, 'an explicit phrase');
      assert.deepEqual(nameInHeading('QueueDepthHigh {#queue-depth}'), { name: 'QueueDepthHigh', explicit: false, shape: 'camel', customId: 'queue-depth' });
      assert.deepEqual(nameInHeading('QueueDepthHigh — the consumers are behind'), { name: 'QueueDepthHigh', explicit: false, shape: 'camel' });
      assert.deepEqual(nameInHeading('ingest: queue_depth'), { name: 'ingest: queue_depth', explicit: false, shape: 'qualified' });
      assert.equal(nameInHeading('How to restart the workers'), undefined);
    });

    it('takes a family of alert-shaped headings in a multi-alert file, in every shape', () => {
      const text = [
        '# Storage alerts',
        '',
        '## raftNoQuorum',
        'The cluster lost its quorum.',
        '',
        '## DNSDown',
        'Resolution fails.',
        '',
        '## disk_quota_near_limit',
        '',
        '## CacheHitRatio(<50%)',
        '',
        'Recon:Host/PortSweep.B!TCP',
        '--------------------------',
        'A host is sweeping ports (a setext heading).',
        '',
        '#### Alert Name: "Heartbeat"',
        '',
        '## Overview of the dashboards',
      ].join('\n');
      assert.deepEqual(names('storage/alerts.md', text), [
        'heading:raftNoQuorum',
        'heading:DNSDown',
        'heading:disk_quota_near_limit',
        'heading:CacheHitRatio(<50%)',
        'heading:Recon:Host/PortSweep.B!TCP',
        'heading:Heartbeat',
      ]);
    });

    it('does not take a family of slug headings for alerts', () => {
      assert.deepEqual(names('errors/catalog.md', '# Error catalog\n\n## Disk-Almost-Full\n\n## Queue-Depth-High\n\n## err-cache-miss\n'), []);
    });

    it('does not take a lone product or resource word in a prose document for an alert', () => {
      const text = '# Writing recording rules\n\n## Installation\n\n## PrometheusRule\n\n## ChefSpec\n\n## MyCustomThing\n\n## Testing\n';
      assert.deepEqual(names('guides/rules.md', text), []);
      assert.deepEqual(names('guides/one.md', '# Guide\n\n## Setup\n\n## QueueDepthHigh\n\n## Teardown\n'), [], 'one alert-shaped heading among prose headings is not a family');
    });

    it('takes single words only in a family that is mostly alerts', () => {
      const text = '# Alerts\n\n## QueueDepthHigh\n\n## Heartbeat\n\n## DNSDown\n\n## raftNoQuorum\n';
      assert.deepEqual(names('a/alerts.md', text), ['heading:QueueDepthHigh', 'heading:Heartbeat', 'heading:DNSDown', 'heading:raftNoQuorum']);
    });

    it('gives each heading alert its anchor (a Hugo id when there is one) and line', () => {
      const r = parseText('a/alerts.md', '# Alerts\n\n## QueueDepthHigh {#queue}\n\n## DNSDown\n');
      assert.deepEqual(
        r.alerts.map((a) => [a.name, a.anchor, a.line]),
        [
          ['QueueDepthHigh', 'queue', 2],
          ['DNSDown', 'dnsdown', 4],
        ],
      );
    });

    it('takes `service: snake_name` headings of a generated reference', () => {
      const text = '# Alert reference\n\n## ingest: queue_depth\n\n## ingest: lag\n\n## search: p99_latency\n';
      assert.deepEqual(names('ref/alerts.md', text), ['heading:ingest: queue_depth', 'heading:ingest: lag', 'heading:search: p99_latency']);
    });
  });

  describe('tables', () => {
    it('reads the Alert / Name column of tables outside code, with the section that holds the table', () => {
      const lines = [
        '## queue-group',
        '',
        '| Name | Summary |',
        '|---|---|',
        '| QueueDepthHigh | consumers behind |',
        '| `DNSDown` | resolution fails |',
        '| just words | not an alert |',
        '',
        '```',
        '| Name | x |',
        '|---|---|',
        '| InsideCodeBlock | no |',
        '```',
      ];
      const found = tableAlerts(lines, [{ text: 'queue-group', depth: 2, section: 0, slug: 'queue-group', line: 0 }]);
      assert.deepEqual(
        found.map((c) => [c.name, c.source, c.line, c.anchor]),
        [
          ['QueueDepthHigh', 'table', 4, 'queue-group'],
          ['DNSDown', 'table', 5, 'queue-group'],
        ],
      );
    });
  });

  describe('file names', () => {
    it('never from a kebab-case slug, nor from an area document', () => {
      assert.deepEqual(alertCandidates({ frontMatter: [], fileName: 'assignment-to-nil-map.md', isReadme: false, h1: 'assignment-to-nil-map', headings: [] }), []);
      assert.deepEqual(alertCandidates({ frontMatter: [], fileName: '_index.md', isReadme: true, h1: '_index', headings: [] }), []);
    });

    it('by the folder convention: most files agree with their own H1, so the others count too', () => {
      const conv = fileNameConventions([
        { path: '/r/a/QueueDepthHigh.md', dir: '/r/a', root: '/r', fileName: 'QueueDepthHigh.md', isReadme: false, alerts: [{ name: 'QueueDepthHigh', source: 'fileName' }] },
        { path: '/r/a/raftNoQuorum.md', dir: '/r/a', root: '/r', fileName: 'raftNoQuorum.md', isReadme: false, alerts: [{ name: 'raftNoQuorum', source: 'fileName' }] },
        { path: '/r/a/Heartbeat.md', dir: '/r/a', root: '/r', fileName: 'Heartbeat.md', isReadme: false, alerts: [] },
        { path: '/r/b/Heartbeat.md', dir: '/r/b', root: '/r', fileName: 'Heartbeat.md', isReadme: false, alerts: [] },
        { path: '/r/b/other.md', dir: '/r/b', root: '/r', fileName: 'other.md', isReadme: false, alerts: [] },
      ]);
      assert.deepEqual([...conv.entries()], [['/r/a/Heartbeat.md', 'Heartbeat']], 'folder b has no convention, and a single word is not CamelCase');
    });

    it('in the index: a folder convention, a lone CamelCase file in a repository that names alerts, nothing in one that does not', async () => {
      const index = await indexOf({
        '/ws/etcd/raftNoQuorum.md': '# raftNoQuorum\n',
        '/ws/etcd/raftSlowApply.md': '# raftSlowApply\n',
        '/ws/etcd/Heartbeat.md': '# The heartbeat alert\n\nAlways firing.\n',
        '/ws/db/ReplicaBehindPrimary.md': '# Replica falling behind\n',
        '/ws/db/slow-queries.md': '# Slow queries\n',
      });
      assert.deepEqual(index.byAlert('Heartbeat').map((r) => r.relPath), ['etcd/Heartbeat.md']);
      assert.equal(index.lookupAlert('Heartbeat')[0]?.candidate.byConvention, true);
      assert.deepEqual(index.byAlert('ReplicaBehindPrimary').map((r) => r.relPath), ['db/ReplicaBehindPrimary.md']);
      assert.deepEqual(index.byAlert('SlowQueries'), [], 'never from a slug');

      const playbooks = await indexOf({ '/ws/pb/MalwareFindings.md': '# Incident response playbook\n', '/ws/pb/DataBreach.md': '# Incident response playbook\n' });
      assert.deepEqual(playbooks.all().flatMap((r) => r.alerts), [], 'a repository that names no alert gets none invented');
    });

    it('follows a folder whose convention changes (a file added, then removed)', async () => {
      const source = new MemorySource({ '/ws/a/raftNoQuorum.md': '# raftNoQuorum\n', '/ws/a/Heartbeat.md': '# Always firing\n' });
      const index = new RunbookIndex({ source, parser: new InlineParser(), roots: ['/ws'] });
      await index.build();
      assert.deepEqual(index.byAlert('Heartbeat'), [], 'one agreeing file is not a convention');
      source.write('/ws/a/raftSlowApply.md', '# raftSlowApply\n');
      await index.update(['/ws/a/raftSlowApply.md']);
      assert.deepEqual(index.byAlert('Heartbeat').map((r) => r.relPath), ['a/Heartbeat.md']);
      source.delete('/ws/a/raftSlowApply.md');
      await index.update(['/ws/a/raftSlowApply.md']);
      assert.deepEqual(index.byAlert('Heartbeat'), []);
    });
  });

  describe('lookup', () => {
    it('exact, then case-insensitive, then normalized; a dedicated file before a heading before a table row', async () => {
      const index = await indexOf({
        '/ws/a/QueueDepthHigh.md': '---\nalerts: [QueueDepthHigh]\n---\n# Queue depth\n',
        '/ws/b/alerts.md': '# All alerts\n\n## QueueDepthHigh\n\n## DNSDown\n\n## queueDepthHigh\n',
        '/ws/c/table.md': '# Groups\n\n| Alert | Summary |\n|---|---|\n| QueueDepthHigh | x |\n| Queue_Depth_Low | y |\n',
      });
      assert.deepEqual(
        index.lookupAlert('QueueDepthHigh').map((h) => [h.runbook.relPath, h.candidate.source, h.kind]),
        [
          ['a/QueueDepthHigh.md', 'frontMatter', 'exact'],
          ['b/alerts.md', 'heading', 'exact'],
          ['c/table.md', 'table', 'exact'],
        ],
      );
      assert.deepEqual(index.lookupAlert('queueDepthHigh').map((h) => [h.runbook.relPath, h.kind]), [['b/alerts.md', 'exact']], 'an exact match hides the case-insensitive ones');
      assert.deepEqual(index.lookupAlert('QUEUEDEPTHHIGH').map((h) => h.kind), ['caseInsensitive', 'caseInsensitive', 'caseInsensitive']);
      assert.deepEqual(index.lookupAlert('queue-depth low').map((h) => [h.runbook.relPath, h.kind]), [['c/table.md', 'normalized']]);
      assert.deepEqual(index.lookupAlert('warning_queue_depth_low').map((h) => h.runbook.relPath), ['c/table.md'], 'a leading severity word is ignored');
      assert.deepEqual(index.lookupAlert('NoSuchAlert'), []);
    });
  });
});
