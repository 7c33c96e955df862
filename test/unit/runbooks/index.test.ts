import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileModelCache, MemoryModelCache, cacheFileName } from '../../../src/runbooks/cache';
import { RunbookIndex, type IndexChange } from '../../../src/runbooks/index';
import type { Runbook } from '../../../src/runbooks/model';
import { parseRunbook, type ParseInput } from '../../../src/runbooks/parse';
import { InlineParser, type RunbookParser } from '../../../src/runbooks/parsePool';
import { globMatcher, nodeSource } from '../../../src/runbooks/source';
import { runbookText } from './helpers';
import { MemorySource } from './memorySource';

/** A parser that counts calls and can be held back, to observe the quick pass. */
class ControlledParser implements RunbookParser {
  calls: string[] = [];
  private gate: Promise<void> = Promise.resolve();
  private open: () => void = () => {};
  hold(): void {
    this.gate = new Promise((resolve) => (this.open = resolve));
  }
  release(): void {
    this.open();
  }
  async parse(input: ParseInput): Promise<Runbook> {
    this.calls.push(input.path);
    await this.gate;
    return parseRunbook(input);
  }
  dispose(): void {}
}

const rb = (title: string, alerts: string[] = [], extra = '') =>
  runbookText(`# ${title}\n\n## Diagnosis\n\n\`\`\`bash\necho ${title}\n\`\`\`\n${extra}`, `title: ${title}\nowner: team-x\nalerts: [${alerts.join(', ')}]\ntags: [db]\nlast_reviewed: 2024-05-01`);

function repo(): MemorySource {
  return new MemorySource({
    '/ws/README.md': '# The repo\n',
    '/ws/database/README.md': '# Database area\n\nPostgres things.\n',
    '/ws/database/replication-lag.md': rb('Replication lag', ['PostgresReplicationLagHigh']),
    '/ws/database/pool/connection-pool.md': rb('Connection pool exhausted', ['PgBouncerPoolFull', 'HighErrorRate']),
    '/ws/api/HighErrorRate.md': '# API errors\n',
    '/ws/api/latency.markdown': rb('Latency', ['ApiLatencyHigh']),
    '/ws/top-level.md': rb('Top level'),
    '/ws/node_modules/pkg/README.md': '# dependency\n',
    '/ws/node_modules/pkg/doc.md': '# dependency doc\n',
    '/ws/.git/info.md': '# not a runbook\n',
    '/ws/drafts/wip.md': '# work in progress\n',
    '/ws/api/notes.txt': 'not markdown',
  });
}

function makeIndex(source: MemorySource, parser: RunbookParser = new InlineParser(), extra: Partial<ConstructorParameters<typeof RunbookIndex>[0]> = {}) {
  return new RunbookIndex({ source, parser, roots: ['/ws'], exclude: ['drafts'], ...extra });
}

describe('runbooks/index', () => {
  it('indexes every markdown file under the roots except excluded folders', async () => {
    const index = makeIndex(repo());
    await index.build();
    assert.deepEqual(
      index.all().map((r) => [r.relPath, r.area, r.isReadme, r.parseStatus]),
      [
        ['README.md', '', true, 'full'],
        ['api/HighErrorRate.md', 'api', false, 'full'],
        ['api/latency.markdown', 'api', false, 'full'],
        ['database/README.md', 'database', true, 'full'],
        ['database/pool/connection-pool.md', 'database', false, 'full'],
        ['database/replication-lag.md', 'database', false, 'full'],
        ['top-level.md', '', false, 'full'],
      ],
    );
    assert.equal(index.runbookCount, 5);
  });

  it('finds runbooks by alert, case-insensitively, from every kind of candidate', async () => {
    const index = makeIndex(repo());
    await index.build();
    assert.deepEqual(index.byAlert('postgresreplicationlaghigh').map((r) => r.title), ['Replication lag']);
    assert.deepEqual(index.byAlert(' HIGHERRORRATE ').map((r) => r.relPath), ['database/pool/connection-pool.md', 'api/HighErrorRate.md'], 'front matter before file name');
    assert.deepEqual(index.byAlert('NoSuchAlert'), []);
  });

  it('searches fuzzily over title, alerts, tags, owner, service and area', async () => {
    const index = makeIndex(repo());
    await index.build();
    assert.equal(index.search('replication')[0]?.runbook.title, 'Replication lag');
    assert.equal(index.search('pgbouncer')[0]?.runbook.title, 'Connection pool exhausted');
    assert.equal(index.search('pgbouncer')[0]?.field, 'alert');
    assert.equal(index.search('conn pool')[0]?.runbook.title, 'Connection pool exhausted');
    assert.equal(index.search('rpllag')[0]?.runbook.title, 'Replication lag', 'letters in order');
    assert.ok(index.search('team-x').length >= 4, 'owner');
    assert.deepEqual(index.search('xyzzy'), []);
    assert.equal(index.search('').length, 7, 'an empty query lists everything');
    assert.equal(index.search('database area')[0]?.runbook.relPath, 'database/README.md', 'READMEs are searchable');
  });

  it('shows quick models (titles) before the full parse completes', async () => {
    const parser = new ControlledParser();
    parser.hold();
    const index = makeIndex(repo(), parser);
    const statuses: string[][] = [];
    index.onDidChange(() => statuses.push(index.all().map((r) => r.parseStatus)));
    const built = index.build();
    while (parser.calls.length === 0) await new Promise((r) => setImmediate(r));
    assert.deepEqual(index.all().map((r) => [r.title, r.parseStatus]).slice(0, 3), [
      ['The repo', 'quick'],
      ['API errors', 'quick'],
      ['Latency', 'quick'],
    ]);
    assert.equal(index.get('/ws/api/latency.markdown')?.fenceCount, 1);
    parser.release();
    await built;
    assert.ok(index.all().every((r) => r.parseStatus === 'full'));
    assert.ok(statuses.length >= 2);
  });

  it('keeps a single changed file current, and removes deleted ones', async () => {
    const source = repo();
    const parser = new ControlledParser();
    const index = makeIndex(source, parser);
    await index.build();
    const changes: IndexChange[] = [];
    index.onDidChange((c) => changes.push(c));
    parser.calls = [];

    source.write('/ws/api/latency.markdown', rb('Latency v2', ['ApiLatencyHigh', 'ApiLatencyCritical']));
    await index.update(['/ws/api/latency.markdown']);
    assert.deepEqual(parser.calls, ['/ws/api/latency.markdown'], 'only the changed file is parsed');
    assert.equal(index.get('/ws/api/latency.markdown')?.title, 'Latency v2');
    assert.equal(index.byAlert('apilatencycritical').length, 1);
    assert.deepEqual(changes, [{ updated: ['/ws/api/latency.markdown'], removed: [] }]);

    source.write('/ws/api/new-runbook.md', rb('Brand new', ['NewAlert']));
    source.delete('/ws/top-level.md');
    await index.update(['/ws/api/new-runbook.md', '/ws/top-level.md', '/ws/drafts/other.md', '/ws/api/notes.txt']);
    assert.equal(index.get('/ws/api/new-runbook.md')?.title, 'Brand new');
    assert.equal(index.get('/ws/top-level.md'), undefined);
    assert.equal(index.runbookCount, 5);
    assert.deepEqual(index.byAlert('newalert').map((r) => r.title), ['Brand new']);
  });

  it('ignores a change whose content is the same (no parse)', async () => {
    const source = repo();
    const parser = new ControlledParser();
    const index = makeIndex(source, parser);
    await index.build();
    parser.calls = [];
    source.write('/ws/api/latency.markdown', source.files.get('/ws/api/latency.markdown')!.text); // touched only
    await index.update(['/ws/api/latency.markdown']);
    assert.deepEqual(parser.calls, []);
  });

  it('handles a batch of hundreds of files (a branch switch) and folder deletes', async () => {
    const source = repo();
    const index = makeIndex(source);
    await index.build();
    const paths: string[] = [];
    for (let i = 0; i < 300; i++) {
      const p = `/ws/branch/rb-${i}.md`;
      source.write(p, rb(`Branch runbook ${i}`, [`BranchAlert${i}`]));
      paths.push(p);
    }
    source.delete('/ws/database');
    let events = 0;
    index.onDidChange(() => events++);
    await index.update([...paths, '/ws/database']);
    assert.equal(index.runbookCount, 3 + 300);
    assert.equal(index.get('/ws/database/replication-lag.md'), undefined);
    assert.equal(index.byAlert('BranchAlert299')[0]?.title, 'Branch runbook 299');
    assert.ok(events < 300 / 2, `changes are batched (${events} events for 300 files)`);
    source.write('/ws/moved/a.md', rb('Moved in'));
    source.write('/ws/moved/deeper/b.md', rb('Moved in deeper'));
    await index.update(['/ws/moved']);
    assert.equal(index.get('/ws/moved/deeper/b.md')?.title, 'Moved in deeper', 'a folder that appears is walked');
  });

  it('survives symbolic link loops and indexes linked folders once', async () => {
    const source = new MemorySource({ '/ws/a/one.md': rb('One'), '/ws/b/two.md': rb('Two') });
    source.symlink('/ws/a/loop', '/ws/a');
    source.symlink('/ws/b/to-a', '/ws/a');
    source.symlink('/ws/dangling', '/nowhere');
    const index = makeIndex(source);
    await index.build();
    const titles = index.all().map((r) => r.title).sort();
    assert.deepEqual(titles, ['One', 'Two']);
  });

  it('survives a real symbolic link loop on disk (node file system source)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oncall-links-'));
    try {
      mkdirSync(join(dir, 'area', 'deep'), { recursive: true });
      writeFileSync(join(dir, 'area', 'deep', 'one.md'), rb('One on disk'));
      symlinkSync(join(dir, 'area'), join(dir, 'area', 'deep', 'back-to-area'));
      symlinkSync(join(dir, 'nowhere'), join(dir, 'area', 'dangling.md'));
      const index = new RunbookIndex({ source: nodeSource, parser: new InlineParser(), roots: [dir] });
      await index.build();
      assert.deepEqual(index.all().map((r) => r.relPath), ['area/deep/one.md']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports binary files and names that are not UTF-8 (files and folders) instead of skipping them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oncall-names-'));
    try {
      writeFileSync(join(dir, 'fine.md'), rb('Fine'));
      writeFileSync(join(dir, 'image.md'), Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]));
      // Latin-1 bytes in names, as an old archive or another OS may leave them: "d\xe9j\xe0.md", "r\xe9seau/".
      const dirBytes = Buffer.from(dir);
      writeFileSync(Buffer.concat([dirBytes, Buffer.from('/d\xe9j\xe0.md', 'latin1')]), rb('Latin one'));
      mkdirSync(Buffer.concat([dirBytes, Buffer.from('/r\xe9seau', 'latin1')]));
      writeFileSync(Buffer.concat([dirBytes, Buffer.from('/r\xe9seau/inside.md', 'latin1')]), rb('Inside'));
      const index = new RunbookIndex({ source: nodeSource, parser: new InlineParser(), roots: [dir] });
      await index.build();
      const byName = new Map(index.all().map((r) => [r.relPath, r]));
      assert.deepEqual([...byName.keys()].sort(), ['d\ufffdj\ufffd.md', 'fine.md', 'image.md']);
      assert.equal(byName.get('fine.md')?.parseStatus, 'full');
      const binary = byName.get('image.md');
      assert.equal(binary?.parseStatus, 'failed');
      assert.match(binary?.problems[0]?.message ?? '', /NUL bytes: it is binary/);
      const latin = byName.get('d\ufffdj\ufffd.md');
      assert.equal(latin?.parseStatus, 'failed');
      assert.match(latin?.problems[0]?.message ?? '', /file name is not valid UTF-8/);
      assert.deepEqual(
        index.problems().map((p) => [p.path.slice(dir.length + 1), p.message]),
        [['r\ufffdseau', 'The folder name is not valid UTF-8, so nothing under it could be listed or indexed: rename it.']],
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('serves several roots, and a root inside another as its own', async () => {
    const source = new MemorySource({
      '/one/team/a.md': rb('A'),
      '/two/b.md': rb('B'),
      '/one/team/docs/runbooks/x/c.md': rb('C'),
    });
    const index = new RunbookIndex({ source, parser: new InlineParser(), roots: ['/one', '/two/', '/one/team/docs/runbooks'] });
    await index.build();
    assert.deepEqual(
      index.all().map((r) => [r.root, r.relPath, r.area]),
      [
        ['/one', 'team/a.md', 'team'],
        ['/one/team/docs/runbooks', 'x/c.md', 'x'],
        ['/two', 'b.md', ''],
      ],
    );
  });

  it('shows an unreadable file as failed and indexes the rest', async () => {
    const source = repo();
    source.unreadable.add('/ws/top-level.md');
    const index = makeIndex(source);
    await index.build();
    const failed = index.get('/ws/top-level.md');
    assert.equal(failed?.parseStatus, 'failed');
    assert.match(failed?.problems[0]?.message ?? '', /could not be read: EACCES/);
    assert.equal(index.runbookCount, 5);
  });

  it('never lets an older, slower parse overwrite a newer one', async () => {
    const source = repo();
    const parser = new ControlledParser();
    const index = makeIndex(source, parser);
    await index.build();
    parser.hold();
    source.write('/ws/top-level.md', rb('Old edit'));
    const first = index.update(['/ws/top-level.md']);
    while (parser.calls.length === 0) await new Promise((r) => setImmediate(r));
    source.write('/ws/top-level.md', rb('New edit'));
    parser.release();
    await Promise.all([first, index.update(['/ws/top-level.md'])]);
    await index.whenCurrent();
    assert.equal(index.get('/ws/top-level.md')?.title, 'New edit');
  });

  it('takes unchanged files from the cache without reading them', async () => {
    const source = repo();
    const cache = new MemoryModelCache();
    await makeIndex(source, new InlineParser(), { cache }).build();
    source.reads = [];
    const parser = new ControlledParser();
    const warm = makeIndex(source, parser, { cache });
    await warm.build();
    assert.deepEqual(source.reads, []);
    assert.deepEqual(parser.calls, []);
    assert.equal(warm.runbookCount, 5);
    assert.ok(warm.all().every((r) => r.parseStatus === 'full'));

    // Touched but identical: read once, recognised by its hash, not parsed.
    source.write('/ws/top-level.md', source.files.get('/ws/top-level.md')!.text);
    source.write('/ws/api/latency.markdown', rb('Changed'));
    const third = makeIndex(source, parser, { cache });
    await third.build();
    assert.deepEqual(parser.calls, ['/ws/api/latency.markdown']);
  });

  it('persists the cache in one file, and ignores a corrupt or outdated one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oncall-cache-'));
    try {
      const source = repo();
      const cache = await FileModelCache.open(dir, ['/ws']);
      await makeIndex(source, new InlineParser(), { cache }).build();
      const file = join(dir, cacheFileName(['/ws']));
      const lines = readFileSync(file, 'utf8').trim().split('\n');
      assert.equal(lines.length, 1 + 7);

      const reopened = await FileModelCache.open(dir, ['/ws']);
      assert.equal(reopened.size, 7);
      const parser = new ControlledParser();
      await makeIndex(source, parser, { cache: reopened }).build();
      assert.deepEqual(parser.calls, []);

      writeFileSync(file, lines.slice(0, 3).join('\n') + '\n{"torn');
      assert.equal((await FileModelCache.open(dir, ['/ws'])).size, 2, 'a torn line loses one entry');
      writeFileSync(file, JSON.stringify({ format: 4, parserVersion: -1 }) + '\n' + lines.slice(1).join('\n'));
      assert.equal((await FileModelCache.open(dir, ['/ws'])).size, 0, 'another parser version: nothing reused');
      writeFileSync(file, 'garbage');
      assert.equal((await FileModelCache.open(dir, ['/ws'])).size, 0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('matches exclusion globs like .gitignore', () => {
    const m = globMatcher(['drafts', 'archive/**', '*.tmp.md', '**/old', 'teams/{a,b}/private']);
    assert.equal(m('drafts/x.md'), true);
    assert.equal(m('area/drafts/x.md'), true);
    assert.equal(m('archive/2020/x.md'), true);
    assert.equal(m('area/archive/x.md'), false, 'anchored when it has a slash');
    assert.equal(m('a/b/c.tmp.md'), true);
    assert.equal(m('x/old/y.md'), true);
    assert.equal(m('teams/b/private/y.md'), true);
    assert.equal(m('teams/c/private/y.md'), false);
    assert.equal(m('area/runbook.md'), false);
  });
});
