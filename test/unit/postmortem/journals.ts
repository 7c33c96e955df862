// Journals for the post-mortem tests: the demo incident (a fixture file), a journal whose text
// is full of markdown, HTML and pipes, and a generated one with 10,000 events.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { TimelineEvent } from '../../../src/incidents/model';

export const FIXTURES = path.join(__dirname, '..', '..', 'fixtures', 'postmortem');

export function demoJournalLines(): string[] {
  return readFileSync(path.join(FIXTURES, 'demo-incident.jsonl'), 'utf8').split('\n').filter(Boolean);
}

export function demoEvents(): TimelineEvent[] {
  return demoJournalLines().map((l) => JSON.parse(l) as TimelineEvent);
}

type Draft = Omit<TimelineEvent, 'id' | 'incidentId' | 'time' | 'author'>;

/** Builds events one second apart from `start`, with sortable ids. */
export function builder(incidentId: string, start = Date.parse('2026-11-20T09:00:00.000Z')) {
  const events: TimelineEvent[] = [];
  let n = 0;
  return {
    events,
    add(author: string, draft: Record<string, unknown> & { type: TimelineEvent['type'] }, atMs?: number): string {
      const ms = atMs ?? start + n * 1000;
      const id = `e${ms.toString(16).padStart(12, '0')}0000-${n.toString(16).padStart(8, '0')}`;
      n += 1;
      events.push({ id, incidentId, time: new Date(ms).toISOString(), author, ...(draft as Draft) } as TimelineEvent);
      return id;
    },
  };
}

export function oddTextEvents(): TimelineEvent[] {
  const b = builder('INC-20261120-007');
  b.add('Zoë <b>Ops</b>', {
    type: 'declared',
    title: 'Checkout | <b>broken</b> & "quoted" `code` # not a heading',
    severity: 'SEV1',
    summary: '# Not a heading\nSecond line with <em>HTML</em> and | a pipe\n> not a quote',
    services: ['pay|ments', '<svc>'],
    commander: 'Zoë <b>Ops</b>',
  });
  b.add('dev', { type: 'note', text: '**bold** _italic_ [link](http://example.invalid) ![img](x.png) ~~struck~~' });
  const html = b.add('dev', { type: 'note', text: '<script>alert(1)</script><img src=x onerror=alert(1)> &lt;already&gt; &#124;' });
  b.add('dev', { type: 'note', text: 'a | b || c \\| d' });
  b.add('dev', { type: 'note', text: 'fence:\n```\nrm -rf /\n```\n\n- item\n1. numbered\n    indented code' });
  b.add('dev', { type: 'note', text: '<!-- oncall:generated:timeline:end -->' });
  b.add('dev', { type: 'note', text: 'TODO: fix | the <pipe> & `thing`' });
  b.add('dev', { type: 'note', text: '' });
  b.add('ops', {
    type: 'commandRun',
    runbookPath: 'runbooks/a|b.md',
    runbookTitle: 'Runbook <with> | pipes',
    blockIndex: 0,
    command: "echo `date` | tee /tmp/x && printf '%s\\n' '|'",
    exitCode: 2,
    durationMs: 125_000,
    // Output that tries to end the generated region, open a fence and inject HTML.
    output: { head: ['<!-- oncall:/evidence -->', '````', '<script>alert(2)</script>', '## not a heading'], tail: [], lines: 4, bytes: 70 },
  });
  const run = b.add('ops', {
    type: 'commandRun',
    runbookPath: 'runbooks/multi.md',
    runbookTitle: 'Multi-line',
    blockIndex: 3,
    command: '``kubectl get pods``\nkubectl describe pod x\n',
    exitCode: null,
    durationMs: 400,
    unknownReason: 'no shell <integration>',
  });
  b.add('ops', { type: 'correction', target: run, text: 'ran against **staging**, not production' });
  b.add('lead', { type: 'roleAssigned', role: 'scribe', person: '<i>Scribe</i> | Person' });
  b.add('lead', { type: 'statusUpdate', audience: 'internal', text: 'Fix &amp; retry | soon\nnext line', state: 'drafted' });
  b.add('lead', { type: 'pinned', target: html, pinned: true });
  b.add('lead', { type: 'pinned', target: html, pinned: false });
  b.add('lead', { type: 'unknown', originalType: 'futureThing<x>', raw: { type: 'futureThing<x>' } });
  b.add('lead', { type: 'milestone', milestone: 'detected', at: '2026-11-20T08:59:00.000Z', reason: '`alert` | fired' });
  return b.events;
}

const PEOPLE = ['Ana', 'Bo', 'Chen', 'Dara'];

/** 10,000 events of every kind, deterministic. */
export function manyEvents(count = 10_000): TimelineEvent[] {
  const b = builder('INC-20261121-042', Date.parse('2026-11-21T00:00:00.000Z'));
  b.add('Ana', { type: 'declared', title: 'Long-running queue backlog', severity: 'SEV2', summary: 'Consumers fell behind.', services: ['queue'] });
  const notes: string[] = [];
  for (let i = 1; i < count - 1; i += 1) {
    const who = PEOPLE[i % PEOPLE.length];
    switch (i % 7) {
      case 0:
        notes.push(b.add(who, { type: 'note', text: `observation ${i}: lag ${i * 3} messages` }));
        break;
      case 1:
        b.add(who, { type: 'commandRun', runbookPath: 'runbooks/queue/consumer-lag.md', runbookTitle: 'Consumer lag', blockIndex: i % 5, command: `kafka-consumer-groups --describe --group g${i % 13}`, exitCode: i % 11 === 0 ? 1 : 0, durationMs: 1000 + (i % 17) * 100 });
        break;
      case 2:
        b.add(who, { type: 'statusUpdate', audience: i % 2 ? 'internal' : 'external', text: `update ${i}`, state: 'posted' });
        break;
      case 3:
        b.add(who, { type: 'note', text: i % 500 === 3 ? `TODO: follow-up ${i}` : `note ${i} | with pipe` });
        break;
      case 4:
        b.add(who, { type: 'reminderSnoozed', minutes: 15, reason: `busy ${i}` });
        break;
      case 5:
        if (notes.length > 0 && i % 1000 === 5) b.add(who, { type: 'pinned', target: notes[notes.length - 1], pinned: true });
        else b.add(who, { type: 'note', text: `<tag ${i}>` });
        break;
      default:
        b.add(who, { type: 'summaryChanged', summary: `summary ${i}` });
    }
  }
  b.add('Ana', { type: 'statusChanged', from: 'monitoring', to: 'resolved', summary: 'Backlog drained.' });
  return b.events;
}

/** Writes a sentence under each required heading and fills the action items. */
export function completeDraft(text: string): string {
  const write = (heading: string, sentence: string) => text = text.replace(`## ${heading}\n`, `## ${heading}\n\n${sentence}\n`);
  write('Summary', 'tracking-api v2.41.0 ran out of memory; tracking failed for a third of users for 28 minutes.');
  write('Impact', 'About a third of tracking page loads failed; 41 support tickets.');
  write('Detection', 'The 5xx alert fired five minutes after the first errors.');
  write('Root cause and contributing factors', 'A cache held whole parcel histories in memory.');
  write('Resolution', 'Rolled back to v2.40.3.');
  write('What went well', 'The rollback runbook worked the first time.');
  write('What could be improved', 'Nothing alerted on memory before the pods were killed.');
  write('Lessons learned', 'Load tests need production-sized histories.');
  text = text
    .replace(/\| _\(owner\)_ \| _\(YYYY-MM-DD\)_ \| _\(high \/ medium \/ low\)_ \| open \|/, '| Ana | 2026-12-05 | high | open |')
    .replace(/\| _\(owner\)_ \| _\(YYYY-MM-DD\)_ \| _\(high \/ medium \/ low\)_ \| open \|/, '| Tomás | 2026-12-12 | medium | open |');
  return text;
}
