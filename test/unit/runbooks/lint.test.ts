import { strict as assert } from 'node:assert';
import { DEFAULT_LINT_CONFIG, headingMatches, joinPath, lintRepository, lintRunbook, sharedSections, type LintContext } from '../../../src/runbooks/lint';
import { applyEdit, markReviewedEdit } from '../../../src/runbooks/markReviewed';
import type { Runbook } from '../../../src/runbooks/model';
import { parseText, runbookText } from './helpers';

const complete = runbookText(
  '# T\n\n## Diagnosis\n\n```bash\nkubectl get pods\n```\n\n## Mitigation\n\nRestart it.\n',
  'title: T\nowner: team-a\nalerts: [SomethingBroke]\nlast_reviewed: 2024-05-01',
);

function context(today = '2024-06-01', others: Record<string, Runbook> = {}): LintContext {
  return { today, runbookAt: (path) => others[path] };
}

const ids = (problems: ReturnType<typeof lintRunbook>) => problems.map((p) => p.ruleId);

describe('runbooks/lint', () => {
  it('finds nothing wrong with a complete, recently reviewed runbook', () => {
    assert.deepEqual(lintRunbook(parseText('a/ok.md', complete), context()), []);
  });

  it('reports staleness against the injected clock, and a missing date', () => {
    const r = parseText('a/ok.md', complete);
    assert.deepEqual(ids(lintRunbook(r, context('2024-07-30'))), [], '90 days is not stale yet');
    const stale = lintRunbook(r, context('2024-07-31'));
    assert.deepEqual(ids(stale), ['stale']);
    assert.match(stale[0]!.message, /91 days ago \(2024-05-01\)/);
    const noDate = parseText('a/x.md', complete.replace('last_reviewed: 2024-05-01\n', ''));
    assert.deepEqual(ids(lintRunbook(noDate, context())), ['missing-review-date']);
    assert.deepEqual(ids(lintRunbook(r, context('2024-06-01'), { ...DEFAULT_LINT_CONFIG, staleAfterDays: 10 })), ['stale']);
  });

  it('reports a missing owner, alerts and required sections', () => {
    const r = parseText('a/some-problem.md', runbookText('# T\n\n## Overview\n', 'title: T\nlast_reviewed: 2024-05-01'));
    const sections = { ...DEFAULT_LINT_CONFIG, requiredSections: ['diagnosis', 'mitigation'] };
    assert.deepEqual(ids(lintRunbook(r, context(), sections)), ['missing-owner', 'missing-alerts', 'missing-section', 'missing-section']);
    assert.deepEqual(ids(lintRunbook(r, context())), ['missing-owner', 'missing-alerts'], 'alone, a runbook has no required sections by default');
    const camel = parseText('a/SomethingBroke.md', runbookText('# SomethingBroke\n## Diagnose it\n## Mitigations\n', 'owner: x\nlast_reviewed: 2024-05-01'));
    assert.deepEqual(ids(lintRunbook(camel, context(), sections)), [], 'an H1 names the alert; section words match by stem');
    const custom = { ...DEFAULT_LINT_CONFIG, requiredSections: ['Escalation path'] };
    assert.deepEqual(lintRunbook(camel, context(), custom).map((p) => p.message), ['No "Escalation path" section.']);
  });

  it('does not lint READMEs for metadata', () => {
    const readme = parseText('a/README.md', '# Area\n\nNo metadata at all.\n');
    assert.deepEqual(lintRunbook(readme, context()), []);
  });

  it('reports unlabeled fences and unexplained placeholders once per name', () => {
    const body = '# T\n## Diagnosis\n\nSet the namespace first.\n\n```\nkubectl -n <namespace> get pod <pod> <pod>\n```\n\n    indented\n\n## Mitigation\n';
    const r = parseText('a/x.md', runbookText(body));
    const problems = lintRunbook(r, context());
    assert.deepEqual(ids(problems), ['unlabeled-fence', 'unexplained-placeholder', 'unlabeled-fence']);
    assert.match(problems[1]!.message, /<pod>/);
    assert.equal(problems[1]!.line, 11);
  });

  it('reports a dangerous block without warning text, not one with it', () => {
    const body =
      '# T\n## Diagnosis\n## Mitigation\n\n```bash danger\nredis-cli flushall\n```\n\n## Rollback\n\n**Caution:** irreversible.\n\n```bash danger\nredis-cli flushall\n```\n';
    const problems = lintRunbook(parseText('a/x.md', runbookText(body)), context());
    assert.deepEqual(ids(problems), ['danger-without-warning']);
    assert.equal(problems[0]!.line, 10);
  });

  it('checks relative links and anchors against the other runbooks', () => {
    const target = parseText('b/target.md', '# Target\n## Mitigation steps\n');
    const r = parseText(
      'a/x.md',
      complete +
        '\n[ok](../b/target.md#mitigation-steps) [ok2](../b/target.md) [bad](../b/missing.md) [anchor](../b/target.md#nope)' +
        ' [self](#diagnosis) [selfbad](#nope) [web](https://example.com/x.md) [img](./diagram.png)\n',
    );
    const problems = lintRunbook(r, context('2024-06-01', { '/repo/b/target.md': target }));
    assert.deepEqual(
      problems.map((p) => p.message),
      ['Link to ../b/missing.md: no such runbook.', 'Link to ../b/target.md#nope: no heading with the anchor #nope.', 'Link to #nope: no heading with the anchor #nope.'],
    );
    const withFiles = lintRunbook(r, { ...context('2024-06-01', { '/repo/b/target.md': target }), fileExists: () => false });
    assert.equal(withFiles.length, 4, 'non-markdown links are checked when the file system is available');
  });

  it('reports a fence "closed" by a fence with an info string', () => {
    const body = '# T\n## Diagnosis\n## Mitigation\n\n```bash\nkubectl get pods\n```text\nprose swallowed as code\n```\n';
    const problems = lintRunbook(parseText('a/x.md', runbookText(body)), context());
    assert.deepEqual(ids(problems), ['fence-closed-by-info-string']);
    assert.equal(problems[0]!.line, 12, 'on the line that looks like a closing fence');
    assert.match(problems[0]!.message, /closing fence cannot have an info string/);
  });

  it('understands Hugo heading ids, relref, pretty URLs, and skips template expressions', () => {
    const target = parseText('b/target.md', '# Target\n## Restart the pods {#restart}\n');
    const others = { '/repo/b/target.md': target };
    const r = parseText(
      'a/x.md',
      complete +
        '\n## Own section {#own}\n\n[id](../b/target.md#restart) [self](#own) [liquid]({{site.baseurl}}/runbooks/x.md) [tpl]({{ .Site.BaseURL }}x.md)' +
        ' [pretty](../b/target/#restart) [prettybad](../b/target/#nope) [ref]({{< relref "../b/missing.md" >}}) [ref2]({{< ref "gone.md" >}})\n',
    );
    const problems = lintRunbook(r, context('2024-06-01', others));
    assert.deepEqual(
      problems.map((p) => [p.ruleId, p.message]),
      [['broken-anchor', 'Link to ../b/target/#nope: no heading with the anchor #nope.']],
      'relref/ref shortcodes are resolved by Hugo (not markdown links), template URLs by the site generator',
    );
  });

  describe('fitted to the repository', () => {
    const bare = (name: string, sections: string) => parseText(`r/${name}.md`, `# ${name}\n\n${sections}`);
    it('turns a convention most runbooks do not follow into one suggestion, unless its level is set', () => {
      const runbooks = ['One', 'Two', 'Three', 'Four'].map((n) => bare(n, '## Meaning\n## Impact\n'));
      const fitted = lintRepository(runbooks, context());
      assert.deepEqual([...fitted.problems.values()].flat(), [], 'no per-file missing-owner, missing-review-date …');
      const owner = fitted.suggestions.find((s) => s.ruleId === 'missing-owner');
      assert.equal(owner?.message.startsWith('0 of 4 runbooks name an owner — add `owner:` to their front matter'), true);
      assert.ok(fitted.demoted.has('missing-owner'));
      const switchedOn = lintRepository(runbooks, context(), { ...DEFAULT_LINT_CONFIG, rules: { 'missing-owner': 'warning' } });
      assert.equal([...switchedOn.problems.values()].flat().filter((p) => p.ruleId === 'missing-owner').length, 4);
      assert.ok(!switchedOn.suggestions.some((s) => s.ruleId === 'missing-owner'));
    });

    it('keeps reporting a convention most runbooks follow, on the few that do not', () => {
      const withOwner = (n: string) => parseText(`r/${n}.md`, runbookText(`# ${n}\n## Diagnosis\n## Mitigation\n`, `owner: team\nalerts: [${n}Alert]\nlast_reviewed: 2024-05-01`));
      const runbooks = [withOwner('A'), withOwner('B'), withOwner('C'), parseText('r/D.md', runbookText('# D\n## Diagnosis\n## Mitigation\n', 'alerts: [DAlert]\nlast_reviewed: 2024-05-01'))];
      const fitted = lintRepository(runbooks, context());
      assert.deepEqual(fitted.problems.get('/repo/r/D.md')?.map((p) => p.ruleId), ['missing-owner']);
      assert.deepEqual(fitted.suggestions, []);
    });

    it('requires by default the sections most runbooks share', () => {
      const runbooks = [
        bare('A', '## Meaning\n## Impact\n## Mitigation\n'),
        bare('B', '## Meaning\n## Impact\n## Mitigation\n'),
        bare('C', '## Meaning\n## 2. Impact\n## Mitigation steps {#m}\n'),
        bare('D', '## Meaning\n## Mitigation\n## Notes\n'),
      ];
      assert.deepEqual(sharedSections(runbooks), ['meaning', 'impact', 'mitigation'], 'in three of four (75%) or more');
      const fitted = lintRepository(runbooks, context(), { ...DEFAULT_LINT_CONFIG, rules: { 'missing-section': 'warning' } });
      assert.deepEqual(fitted.problems.get('/repo/r/D.md')?.filter((p) => p.ruleId === 'missing-section').map((p) => p.message), ['No "impact" section.']);
      assert.deepEqual(sharedSections(runbooks.slice(0, 2)), [], 'two runbooks say nothing about the team\'s sections');
      const configured = lintRepository(runbooks, context(), { ...DEFAULT_LINT_CONFIG, requiredSections: ['rollback'], rules: { 'missing-section': 'warning' } });
      assert.equal(configured.requiredSections[0], 'rollback');
    });
  });

  it('applies configured severities and turns rules off', () => {
    const r = parseText('a/some-problem.md', runbookText('# T\n## Diagnosis\n## Mitigation\n', 'title: T\nlast_reviewed: 2024-05-01\nalerts: [X]'));
    const config = { ...DEFAULT_LINT_CONFIG, rules: { 'missing-owner': 'error' as const } };
    assert.deepEqual(lintRunbook(r, context(), config).map((p) => [p.ruleId, p.severity]), [['missing-owner', 'error']]);
    assert.deepEqual(lintRunbook(r, context(), { ...DEFAULT_LINT_CONFIG, rules: { 'missing-owner': 'off' } }), []);
  });

  it('matches section names by words and stems', () => {
    assert.equal(headingMatches('3. Diagnose the lag', 'diagnosis'), true);
    assert.equal(headingMatches('Mitigation steps', 'Mitigation'), true);
    assert.equal(headingMatches('Overview', 'diagnosis'), false);
    assert.equal(headingMatches('Escalation', 'escalation path'), false);
  });

  it('joins relative paths', () => {
    assert.equal(joinPath('/repo/a', '../b/./c.md'), '/repo/b/c.md');
    assert.equal(joinPath('C:\\repo\\a', '..\\b.md'), 'C:\\repo\\b.md');
  });
});

describe('runbooks/markReviewed', () => {
  const today = '2024-06-01';
  const mark = (text: string) => {
    const edit = markReviewedEdit(text, today);
    assert.ok(edit);
    return applyEdit(text, edit);
  };

  it('changes only the date of an existing key, keeping quotes and comments', () => {
    assert.equal(mark('---\ntitle: x\nlast_reviewed: 2023-01-01\nowner: y\n---\n# T\n'), '---\ntitle: x\nlast_reviewed: 2024-06-01\nowner: y\n---\n# T\n');
    assert.equal(mark('---\nlast_reviewed: "2023-01-01"  # quarterly\n---\n'), '---\nlast_reviewed: "2024-06-01"  # quarterly\n---\n');
    assert.equal(mark("---\nreviewed: '2023-01-01'\n---\n"), "---\nreviewed: '2024-06-01'\n---\n");
    assert.equal(mark('---\nlast_reviewed:\n---\n'), '---\nlast_reviewed: 2024-06-01\n---\n');
    assert.equal(mark('---\nlast_reviewed: not a date # why\n---\n'), '---\nlast_reviewed: 2024-06-01 # why\n---\n');
  });

  it('adds the key to front matter that lacks it, with the file\'s line endings', () => {
    assert.equal(mark('---\ntitle: x\n---\n# T\n'), '---\ntitle: x\nlast_reviewed: 2024-06-01\n---\n# T\n');
    assert.equal(mark('---\r\ntitle: x\r\n---\r\n# T\r\n'), '---\r\ntitle: x\r\nlast_reviewed: 2024-06-01\r\n---\r\n# T\r\n');
    assert.equal(mark('+++\ntitle = "x"\n+++\n'), '+++\ntitle = "x"\nlast_reviewed = 2024-06-01\n+++\n');
    assert.equal(mark('+++\nlast_reviewed = "2020-01-01"\n+++\n'), '+++\nlast_reviewed = "2024-06-01"\n+++\n');
  });

  it('adds front matter to a file without it, after a BOM', () => {
    assert.equal(mark('# T\n\nBody\n'), '---\nlast_reviewed: 2024-06-01\n---\n# T\n\nBody\n');
    assert.equal(mark('\uFEFF# T\r\n'), '\uFEFF---\r\nlast_reviewed: 2024-06-01\r\n---\r\n# T\r\n');
    assert.equal(mark(''), '---\nlast_reviewed: 2024-06-01\n---\n');
  });

  it('refuses to guess when the front matter is never closed', () => {
    assert.equal(markReviewedEdit('---\ntitle: x\n# T\n', today), undefined);
  });

  it('produces a runbook that is no longer stale', () => {
    const text = runbookText('# T\n## Diagnosis\n## Mitigation\n', 'owner: a\nalerts: [X]\nlast_reviewed: 2020-01-01');
    const before = lintRunbook(parseText('a/x.md', text), context(today));
    assert.deepEqual(ids(before), ['stale']);
    assert.deepEqual(lintRunbook(parseText('a/x.md', mark(text)), context(today)), []);
  });
});
