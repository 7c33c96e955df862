import { strict as assert } from 'node:assert';
import { fixtureText, parseFixture, parseText, runbookText } from './helpers';

describe('runbooks/parse', () => {
  describe('front matter', () => {
    it('indexes a file with no front matter at all', () => {
      const r = parseFixture('area-a/no-front-matter.md');
      assert.equal(r.parseStatus, 'full');
      assert.equal(r.title, 'Disk almost full on a node');
      assert.deepEqual(r.metadata.alerts, []);
      assert.deepEqual(r.problems, []);
      assert.deepEqual(r.sections.map((s) => s.title), ['Disk almost full on a node', 'Diagnosis', 'Mitigation']);
      assert.equal(r.codeBlocks.length, 2);
    });

    it('keeps the other keys of Hugo YAML front matter as they are, and ignores shortcodes', () => {
      const r = parseFixture('hugo/hugo-yaml.md');
      assert.equal(r.title, 'Cache stampede');
      assert.equal(r.metadata.severity, 'SEV1', '"critical" is the top severity');
      assert.equal(r.metadata.owner, 'team-data');
      assert.deepEqual(r.metadata.tags, ['redis', 'cache']);
      assert.deepEqual(r.metadata.extra, {
        date: '2023-11-02T10:00:00+01:00',
        draft: false,
        weight: 20,
        categories: ['caching'],
        layout: 'runbook',
      });
      assert.deepEqual(r.alerts, [{ name: 'RedisCacheMissRatioHigh', source: 'frontMatter' }]);
      assert.equal(r.codeBlocks.length, 1, 'shortcodes are text, not code');
      assert.deepEqual(r.codeBlocks[0]?.placeholders.map((p) => p.name), ['redis-host']);
    });

    it('reads Hugo TOML front matter up to its first table', () => {
      const r = parseFixture('hugo/hugo-toml.md');
      assert.equal(r.metadata.owner, 'team-edge');
      assert.equal(r.metadata.severity, 'SEV2');
      assert.equal(r.metadata.lastReviewed, '2024-03-01');
      assert.deepEqual(r.metadata.alerts, ['TLSCertificateExpiringSoon', 'TLSCertificateExpired']);
      assert.deepEqual(r.metadata.extra, { draft: true });
      assert.equal(r.sections[0]?.startLine, 12);
    });

    it('reports malformed YAML as a problem and indexes the rest of the file', () => {
      const r = parseFixture('area-a/malformed-yaml.md');
      assert.equal(r.parseStatus, 'full');
      assert.equal(r.problems.length, 1);
      assert.equal(r.problems[0]?.ruleId, 'front-matter-invalid');
      assert.equal(r.problems[0]?.severity, 'warning');
      assert.ok(r.problems[0]!.line >= 1 && r.problems[0]!.line <= 4, 'points into the front matter');
      assert.equal(r.title, 'Broken metadata', 'title falls back to the H1');
      assert.equal(r.codeBlocks.length, 1);
      assert.equal(r.codeBlocks[0]?.startLine, 12, 'line numbers are the file\'s');
    });

    it('checks field types with its own schema, pointing at the offending line', () => {
      const r = parseFixture('area-a/bad-fields.md');
      assert.deepEqual(
        r.problems.map((p) => [p.ruleId, p.line]),
        [
          ['front-matter-field', 2],
          ['front-matter-field', 3],
          ['front-matter-field', 4],
        ],
      );
      assert.equal(r.metadata.owner, undefined);
      assert.equal(r.metadata.severity, undefined);
      assert.equal(r.metadata.lastReviewed, undefined, 'February 30th is not a date');
      assert.deepEqual(r.metadata.tags, ['database', 'postgres'], 'a comma-separated string is a list');
      assert.deepEqual(r.metadata.extra, { status: 'NO' }, 'YAML 1.2: NO stays a string');
    });

    it('never expands YAML alias bombs', () => {
      const bomb = ['a: &a [x, x, x, x, x, x, x, x, x, x]'];
      for (let i = 0; i < 8; i++) bomb.push(`${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [${Array(10).fill('*' + String.fromCharCode(97 + i)).join(', ')}]`);
      const r = parseText('bomb.md', runbookText('# Bomb\n', bomb.join('\n')));
      assert.equal(r.parseStatus, 'full');
      assert.equal(r.problems[0]?.ruleId, 'front-matter-invalid');
      assert.equal(r.title, 'Bomb');
    });

    it('does not read a front matter block above the size cap', () => {
      const big = `title: Big\nnotes: "${'x'.repeat(70 * 1024)}"`;
      const r = parseText('big.md', runbookText('# Heading\n', big));
      assert.equal(r.title, 'Heading');
      assert.match(r.problems[0]?.message ?? '', /larger than 64 KB/);
    });

    it('treats an unclosed front matter block as text, with a warning', () => {
      const r = parseText('open.md', '---\ntitle: Never closed\n\n# Heading\n');
      assert.equal(r.title, 'Heading');
      assert.equal(r.problems[0]?.ruleId, 'front-matter-invalid');
    });
  });

  describe('title', () => {
    it('prefers the front matter title', () => {
      assert.equal(parseFixture('area-b/non-ascii.md').title, 'Überlastung der Warteschlange ✅');
    });
    it('else takes the first H1', () => {
      assert.equal(parseText('x.md', '## Second level\n\n# The H1\n').title, 'The H1');
    });
    it('else the first heading of any level', () => {
      assert.equal(parseFixture('area-a/title-from-first-heading.md').title, 'Restarting the scheduler');
    });
    it('else the file name', () => {
      assert.equal(parseFixture('area-a/title-from-file-name.md').title, 'title-from-file-name');
      assert.equal(parseFixture('area-b/empty.md').title, 'empty');
      assert.equal(parseFixture('area-b/.md').title, '.md', 'a file named `.md` keeps its whole name');
    });
    it('drops inline markup from heading titles', () => {
      assert.equal(parseText('x.md', '# The *big* `outage` ~~runbook~~\n').title, 'The big outage runbook');
    });
  });

  describe('alerts', () => {
    it('takes a file name as the alert only when the file agrees (its H1, title or front matter)', () => {
      assert.deepEqual(parseFixture('area-a/HighErrorRate.md').alerts, [], 'the folder convention decides, in the index');
      assert.deepEqual(parseText('x/HighErrorRate.md', '# HighErrorRate\n').alerts, [
        { name: 'HighErrorRate', source: 'title' },
        { name: 'HighErrorRate', source: 'fileName' },
      ]);
      assert.deepEqual(parseText('x/Watchdog.md', '# Watchdog\n').alerts, [
        { name: 'Watchdog', source: 'title' },
        { name: 'Watchdog', source: 'fileName' },
      ], 'a single word names an alert when the file name agrees');
    });
    it('never makes an alert of a kebab-case file name', () => {
      assert.deepEqual(parseFixture('area-a/high-error-rate.md').alerts, []);
      assert.deepEqual(parseFixture('hugo/hugo-yaml.md').alerts.map((a) => a.source), ['frontMatter']);
    });
    it('reads the alert from the H1', () => {
      assert.deepEqual(parseFixture('area-a/alert-in-h1.md').alerts, [{ name: 'KafkaConsumerLagHigh', source: 'title' }]);
    });
    it('keeps every alert of a runbook with one heading per alert, with its anchor and line', () => {
      const r = parseFixture('area-b/node-alerts.md');
      assert.deepEqual(r.alerts, [
        { name: 'NodeMemoryPressure', source: 'frontMatter' },
        { name: 'NodeMemoryPressure', source: 'heading', section: 1, anchor: 'nodememorypressure', line: 11 },
        { name: 'NodeDiskPressure', source: 'heading', section: 2, anchor: 'nodediskpressure', line: 17 },
        { name: 'NodePIDPressure', source: 'heading', section: 3, anchor: 'alert-nodepidpressure', line: 23 },
      ]);
      assert.equal(r.sections[2]?.title, 'NodeDiskPressure');
    });
    it('gives READMEs no file-name alert', () => {
      const r = parseFixture('area-b/README.md');
      assert.equal(r.isReadme, true);
      assert.deepEqual(r.alerts, []);
      assert.equal(parseFixture('area-b/nested/readme.MD').isReadme, true);
    });
  });

  describe('sections', () => {
    it('builds the heading tree with line ranges and parents', () => {
      const r = parseFixture('area-a/title-from-first-heading.md');
      assert.deepEqual(
        r.sections.map((s) => [s.title, s.depth, s.startLine, s.endLine, s.parent]),
        [
          ['Restarting the scheduler', 2, 2, 7, -1],
          ['Steps', 3, 4, 7, 0],
        ],
      );
    });
    it('ends a section before the next heading of the same or a higher level', () => {
      const r = parseText('x.md', '# A\n## B\ntext\n### C\n## D\n# E\n');
      assert.deepEqual(
        r.sections.map((s) => [s.title, s.startLine, s.endLine, s.parent]),
        [
          ['A', 0, 4, -1],
          ['B', 1, 3, 0],
          ['C', 3, 3, 1],
          ['D', 4, 4, 0],
          ['E', 5, 6, -1],
        ],
      );
    });
    it('makes GitHub-style slugs, unique within the runbook, for non-ASCII too', () => {
      const r = parseFixture('area-b/non-ascii.md');
      assert.deepEqual(
        r.sections.map((s) => s.slug),
        ['überlastung-der-warteschlange-', 'diagnose--schritt-1', 'diagnose--schritt-1-1', '日本語の見出し'],
      );
    });
    it('reads setext headings', () => {
      const r = parseText('x.md', 'Title here\n==========\n\nSub\n---\n');
      assert.deepEqual(r.sections.map((s) => [s.title, s.depth]), [['Title here', 1], ['Sub', 2]]);
    });
  });

  describe('code blocks', () => {
    const r = parseFixture('area-b/fences.md');
    const blocks = r.codeBlocks;

    it('finds every kind of fence, with languages and fence kinds', () => {
      assert.deepEqual(
        blocks.map((b) => [b.lang, b.fence]),
        [
          [null, 'backtick'],
          ['bash', 'tilde'],
          ['bash', 'backtick'],
          ['sql', 'tilde'],
          ['bash', 'backtick'],
          [null, 'indented'],
          ['markdown', 'backtick'],
          ['console', 'backtick'],
          ['text', 'backtick'],
          ['bash', 'backtick'],
          ['bash', 'backtick'],
        ],
      );
      assert.deepEqual(blocks.map((b) => b.index), blocks.map((_, i) => i));
    });

    it('strips list and block quote indentation from the text, with the file\'s lines', () => {
      assert.equal(blocks[2]?.text, 'kubectl rollout restart deploy/<deployment>');
      assert.deepEqual([blocks[2]?.startLine, blocks[2]?.endLine], [12, 14]);
      assert.equal(blocks[3]?.text, 'SELECT 1;');
      assert.equal(blocks[4]?.text, 'echo in a block quote');
      assert.equal(blocks[5]?.text, 'indented code after a blank line');
      assert.deepEqual([blocks[5]?.startLine, blocks[5]?.endLine], [26, 26]);
    });

    it('keeps a fence inside a longer fence as text', () => {
      assert.equal(blocks[6]?.text, '```bash\necho a fence inside a fence is text\n```');
    });

    it('reads info-string markers', () => {
      assert.equal(blocks[9]?.markedDangerous, true, '{bash danger}');
      assert.equal(blocks[9]?.lang, 'bash');
      assert.equal(blocks[10]?.allowDashValues, true);
      assert.equal(blocks[10]?.meta, 'allow-dash');
      assert.equal(blocks[1]?.markedDangerous, false);
    });

    it('takes placeholders only from the command lines of a transcript', () => {
      const transcript = blocks[7];
      assert.ok(transcript?.text.includes('<none>'));
      assert.deepEqual(transcript?.placeholders.map((p) => p.raw), ['<namespace>']);
    });

    it('flags unlabeled blocks that look like shell, and only those', () => {
      assert.deepEqual(blocks.map((b) => b.looksLikeShell), [true, false, false, false, false, false, false, false, false, false, false]);
    });

    it('assigns each block to the section it sits in', () => {
      const p = parseFixture('area-b/node-alerts.md');
      assert.deepEqual(p.codeBlocks.map((b) => b.section), [1, 2]);
      const before = parseText('x.md', '```bash\necho before any heading\n```\n# H\n');
      assert.equal(before.codeBlocks[0]?.section, -1);
    });

    it('reports an unclosed fence, which runs to the end of the file', () => {
      const u = parseFixture('area-b/unclosed-fence.md');
      assert.deepEqual(u.problems.map((p) => [p.ruleId, p.line]), [['unclosed-fence', 4]]);
      assert.equal(u.codeBlocks[0]?.endLine, 10);
      assert.deepEqual(u.sections.map((s) => s.title), ['Unclosed fence', 'Diagnosis'], 'the heading inside the fence is code');
    });

    it('ignores fences inside HTML comments, reads them inside <details>, and reads tables', () => {
      const h = parseFixture('area-b/html-and-tables.md');
      assert.deepEqual(h.codeBlocks.map((b) => b.text), ['echo inside details: a real code block']);
      assert.deepEqual(h.sections.map((s) => s.title), ['HTML, comments and tables'], 'a table followed by --- is not a heading');
      assert.deepEqual(h.links, [{ url: './fences.md#every-kind-of-fence', text: 'doc', line: 21 }]);
    });

    it('marks a block that has warning text near it', () => {
      const text = runbookText('# T\n## Mitigation\n\n> **Warning:** this drops the data.\n\n```bash\nkubectl delete pvc x\n```\n\n## Other\n\n```bash\nkubectl delete pvc y\n```\n');
      const w = parseText('x.md', text);
      assert.deepEqual(w.codeBlocks.map((b) => b.warningNearby), [true, false]);
    });
  });

  describe('messy files', () => {
    const base = fixtureText('area-b/fences.md');
    const lf = parseText('area-b/fences.md', base);

    it('gives CRLF files the same model as LF files', () => {
      const crlf = parseText('area-b/fences.md', base.replace(/\n/g, '\r\n'));
      assert.deepEqual({ ...crlf, contentHash: '' }, { ...lf, contentHash: '' });
    });

    it('ignores a BOM', () => {
      const bom = parseFixture('area-b/non-ascii.md');
      const withBom = parseText('area-b/non-ascii.md', '\uFEFF' + fixtureText('area-b/non-ascii.md'));
      assert.equal(withBom.title, bom.title);
      assert.deepEqual(withBom.metadata, bom.metadata);
      assert.deepEqual(withBom.sections, bom.sections);
    });

    it('handles very long lines', () => {
      const long = parseText('x.md', `# Long\n\n${'word '.repeat(50_000)}\n\n\`\`\`bash\necho ${'a'.repeat(10_000)}\n\`\`\`\n`);
      assert.equal(long.parseStatus, 'full');
      assert.equal(long.codeBlocks[0]?.text.length, 10_005);
    });

    it('parses a file of several thousand lines', () => {
      const parts = ['# Big runbook'];
      for (let i = 0; i < 400; i++) parts.push(`## Step ${i}`, '', `Text for step ${i}.`, '', '```bash', `echo step ${i}`, '```', '');
      const big = parseText('big.md', parts.join('\n'));
      assert.equal(big.lineCount, 3201);
      assert.equal(big.codeBlocks.length, 400);
      assert.equal(big.sections.length, 401);
      assert.equal(big.codeBlocks[399]?.section, 400);
      assert.equal(big.sections[400]?.slug, 'step-399');
    });

    it('parses an empty file', () => {
      const e = parseFixture('area-b/empty.md');
      assert.equal(e.parseStatus, 'full');
      assert.equal(e.lineCount, 1);
      assert.deepEqual([e.sections, e.codeBlocks, e.links, e.problems], [[], [], [], []]);
    });

    it('refuses deeply nested containers before remark sees them, keeping the quick model', () => {
      const hostile = runbookText(`# Nested\n\n${'- '.repeat(3000)}x\n`);
      const r = parseText('nested.md', hostile);
      assert.equal(r.parseStatus, 'failed');
      assert.equal(r.title, 'T');
      assert.equal(r.problems.at(-1)?.ruleId, 'parse-failed');
      assert.equal(r.problems.at(-1)?.severity, 'error');
    });

    it('refuses files above the size cap', () => {
      const r = parseText('huge.md', '# Huge\n' + 'x'.repeat(3000), { maxBytes: 1000 });
      assert.equal(r.parseStatus, 'failed');
      assert.equal(r.title, 'Huge');
      assert.match(r.problems[0]?.message ?? '', /larger than/);
    });

    it('copies strings out of the source (no syntax tree kept)', () => {
      const r = parseFixture('area-b/fences.md');
      const json = JSON.stringify(r);
      assert.ok(!json.includes('"position"'), 'no mdast positions in the model');
      assert.ok(!json.includes('"children"'), 'no mdast nodes in the model');
    });
  });
});
