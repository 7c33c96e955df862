import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { parse as parseYaml } from 'yaml';
import { splitFrontMatter } from '../../../src/postmortem/frontMatter';
import { codeSpan, escapeInline } from '../../../src/postmortem/markdown';
import { parseRegions, REGION_NAMES } from '../../../src/postmortem/regions';
import { postmortemFileName, renderPostmortem } from '../../../src/postmortem/render';
import { demoEvents, FIXTURES, manyEvents, oddTextEvents } from './journals';

// `UPDATE_GOLDEN=1 npx mocha test/unit/postmortem/render.test.ts` rewrites the golden files.
const UPDATE = process.env.UPDATE_GOLDEN === '1';
export const SAMPLE_PATH = path.join(__dirname, '..', '..', '..', 'docs', 'sample-postmortem.md');

function golden(name: string, actual: string): void {
  const file = path.join(FIXTURES, name);
  if (UPDATE || !existsSync(file)) {
    writeFileSync(file, actual);
    if (!UPDATE) assert.fail(`golden file ${name} did not exist; written now, check it and run again`);
    return;
  }
  assert.equal(actual, readFileSync(file, 'utf8'), `output differs from ${name} (UPDATE_GOLDEN=1 to accept)`);
}

// markdown-it (the parser VS Code's preview uses) ships no types; this is the part we use.
interface MdToken {
  type: string;
  content: string;
  children: MdToken[] | null;
}
interface Md {
  parse(src: string, env: object): MdToken[];
  render(src: string): string;
  renderInline(src: string): string;
}
const MarkdownIt = createRequire(__filename)('markdown-it') as new (options?: { html?: boolean }) => Md;
const md = new MarkdownIt({ html: true });

/** Tokens of the rendered body, flattened (inline children included). */
function tokens(text: string) {
  const all = md.parse(splitFrontMatter(text).body, {});
  return all.flatMap((t) => [t, ...(t.children ?? [])]);
}

describe('post-mortem rendering', () => {
  it('matches the golden file for the demo incident, which is also docs/sample-postmortem.md', () => {
    const text = renderPostmortem(demoEvents());
    golden('demo-incident.md', text);
    if (UPDATE) writeFileSync(SAMPLE_PATH, text);
    assert.equal(readFileSync(SAMPLE_PATH, 'utf8'), text, 'docs/sample-postmortem.md is stale (UPDATE_GOLDEN=1)');
  });

  it('matches the golden file for a journal with no events', () => {
    const text = renderPostmortem([], { incidentId: 'INC-20261124-009' });
    golden('no-events.md', text);
    assert.match(text, /has no events/);
    assert.equal(parseRegions(splitFrontMatter(text).body).regions.length, REGION_NAMES.length);
  });

  it('matches the golden file for notes full of markdown, HTML and pipes, and keeps them literal', () => {
    const text = renderPostmortem(oddTextEvents());
    golden('odd-text.md', text);
    const all = tokens(text);
    // The only HTML in the output is ours: line breaks inside cells and the marker/prompt comments.
    for (const t of all.filter((x) => x.type === 'html_inline')) assert.equal(t.content, '<br>', `unexpected inline HTML ${t.content}`);
    for (const t of all.filter((x) => x.type === 'html_block')) assert.match(t.content, /^<!-- (oncall:|To fill|Blameless)/, `unexpected HTML block ${t.content}`);
    // No user text turned into a link, an image, emphasis or a heading beyond our own.
    assert.ok(!all.some((t) => t.type === 'link_open' || t.type === 'image'), 'no links or images from user text');
    assert.ok(!all.some((t) => t.type === 's_open'), 'no strikethrough from user text');
    const headings = all.filter((t) => t.type === 'heading_open').length;
    assert.equal(headings, 1 + 13 + 1, 'title, 13 sections, the "All events" sub-heading (the one pin was undone)');
    // Every timeline row has exactly three cells.
    const body = splitFrontMatter(text).body;
    const timeline = parseRegions(body).regions.find((r) => r.name === 'timeline')!;
    const html = md.render(timeline.content);
    for (const row of html.split('<tr>').slice(1)) assert.equal((row.match(/<t[dh]>/g) ?? []).length, 3, row);
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'), 'HTML shown as text');
    // Run output that looks like a region marker, a fence and HTML stays inside its code block.
    const regions = parseRegions(body);
    assert.deepEqual(regions.malformed, []);
    assert.deepEqual(regions.regions.map((r) => r.name), [...REGION_NAMES]);
    const evidence = md.render(regions.regions.find((r) => r.name === 'evidence')!.content);
    assert.ok(evidence.includes('&lt;script&gt;alert(2)&lt;/script&gt;') && !evidence.includes('<script>'), 'output HTML shown as text');
    assert.ok(evidence.includes('## not a heading') && !/<h2/.test(evidence), 'output headings shown as text');
    assert.ok(html.includes('a | b || c \\| d'), 'pipes shown as typed');
    // The marker typed into a note does not end the generated region early.
    assert.equal(parseRegions(body).malformed.length, 0);
    assert.equal(parseRegions(body).regions.length, REGION_NAMES.length);
  });

  it('keeps the front matter valid YAML with the generated values', () => {
    const text = renderPostmortem(oddTextEvents());
    const meta = parseYaml(splitFrontMatter(text).frontMatter!) as Record<string, unknown>;
    assert.equal(meta.title, 'Checkout | <b>broken</b> & "quoted" `code` # not a heading');
    assert.equal(meta.severity, 'SEV1');
    assert.equal(meta.status, 'draft');
    assert.equal(meta.postmortem_required, 'required');
    assert.equal(meta.postmortem_due, null, 'not resolved yet: no due date');
    assert.deepEqual(meta.services, ['pay|ments', '<svc>']);
    const demo = parseYaml(splitFrontMatter(renderPostmortem(demoEvents())).frontMatter!) as Record<string, unknown>;
    assert.equal(demo.postmortem_due, '2026-12-01T15:02:00.000Z', 'SEV2: a week after resolution');
    assert.deepEqual(demo.metrics_minutes, { time_to_detect: 5, time_to_acknowledge: 2, time_to_mitigate: 21, time_to_resolve: 59 });
    assert.equal(demo.duration_minutes, 64);
  });

  it('renders 10,000 events to the golden head, tail and digest', () => {
    const events = manyEvents();
    assert.equal(events.length, 10_000);
    const text = renderPostmortem(events);
    const lines = text.split('\n');
    const digest = createHash('sha256').update(text).digest('hex');
    golden(
      'ten-thousand-events.excerpt.md',
      [`<!-- sha256 of the whole draft: ${digest}; ${lines.length} lines -->`, ...lines.slice(0, 90), '…', ...lines.slice(-60)].join('\n'),
    );
    const timeline = parseRegions(splitFrontMatter(text).body).regions.find((r) => r.name === 'timeline')!;
    const [keyPart, allPart] = timeline.content.split('### All events');
    const rowsOf = (part: string) => part.split('\n').filter((l) => /^\| 2026-/.test(l));
    assert.equal(rowsOf(allPart).length, 9_999, 'every event but the one pin event is a row');
    assert.equal(rowsOf(keyPart).length, 1, 'the pinned note is a key moment');
  });

  it('is a pure function of the events: same bytes for the same events in any order', () => {
    const events = demoEvents();
    const once = renderPostmortem(events);
    const reversed = renderPostmortem([...events].reverse());
    const rotated = renderPostmortem([...events.slice(7), ...events.slice(0, 7)]);
    assert.equal(reversed, once);
    assert.equal(rotated, once);
  });

  it('shows times in UTC and names the offset', () => {
    const text = renderPostmortem(demoEvents());
    assert.match(text, /\| Time \(UTC, \+00:00\) \| Event \| Who \|/);
    assert.match(text, /\| Declared \| 2026-11-24 14:07 UTC \|/);
    assert.ok(!/\d{2}:\d{2}(:\d{2})? (?!UTC)[A-Z]{3,4}\b/.test(text), 'no other time zone names');
  });

  it('puts pinned events first, command runs with exit codes, and TODO notes in the action items', () => {
    const text = renderPostmortem(demoEvents());
    const keyMoments = text.indexOf('### Key moments');
    const allEvents = text.indexOf('### All events');
    assert.ok(keyMoments > 0 && keyMoments < allEvents);
    assert.match(text.slice(keyMoments, allEvents), /★ Ran `kubectl -n tracking rollout undo deploy\/tracking-api`.*exit 0/);
    assert.match(text, /grep -c 'upstream timed out'` from .*\*\*exit 1\*\*/);
    assert.match(text, /\| add a memory alert on tracking-api before it is OOMKilled \| _\(owner\)_ \| _\(YYYY-MM-DD\)_ \| _\(high \/ medium \/ low\)_ \| open \|/);
  });

  it('names the file by date, incident id and a slug of the title', () => {
    assert.equal(
      postmortemFileName({ id: 'INC-20261124-001', title: 'API gateway 5xx on tracking routes', declaredAt: '2026-11-24T14:07:30.000Z' }),
      '2026-11-24-INC-20261124-001-api-gateway-5xx-on-tracking-routes.md',
    );
    assert.equal(postmortemFileName({ id: 'INC-20261124-009', title: '' }), '2026-11-24-INC-20261124-009-incident.md');
    assert.equal(postmortemFileName({ id: '../../etc/x', title: 'Ünïcode — Fehler!', declaredAt: '2026-01-02T00:00:00Z' }), '2026-01-02-etc-x-unicode-fehler.md');
  });
});

describe('post-mortem markdown escaping', () => {
  it('escapes what would change meaning and leaves plain text readable', () => {
    assert.equal(escapeInline('plain text, 5 % done (ok)'), 'plain text, 5 % done (ok)');
    assert.equal(escapeInline('a|b'), 'a\\|b');
    assert.equal(escapeInline('<b>&amp;</b>'), '&lt;b&gt;&amp;amp;&lt;/b&gt;');
    assert.equal(escapeInline('R&D'), 'R&D');
    assert.equal(escapeInline('# h\n- x'), '\\# h<br>\\- x');
    assert.equal(escapeInline('1. first'), '1\\. first');
    assert.equal(escapeInline('`x` *y* _z_ [l](u)'), '\\`x\\` \\*y\\* \\_z\\_ \\[l\\](u)');
  });

  it('makes code spans that survive backticks and pipes', () => {
    assert.equal(codeSpan('a | b'), '`a \\| b`');
    assert.equal(codeSpan('echo `x`'), '`` echo `x` ``');
    assert.equal(codeSpan('one\ntwo\nthree'), '`one` (+2 more lines)');
    const html = new MarkdownIt().renderInline(codeSpan('``a``'));
    assert.equal(html, '<code>``a``</code>');
  });
});
