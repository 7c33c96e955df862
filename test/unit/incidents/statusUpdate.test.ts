import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import type { CadenceConfig } from '../../../src/incidents/cadence';
import type { TimelineEvent } from '../../../src/incidents/model';
import { foldIncident } from '../../../src/incidents/state';
import { CUSTOMER_SUMMARY_PLACEHOLDER, draftStatusUpdate, eventsSinceLastUpdate, postingProblem, redactInternalDetail, type StatusUpdateDraft } from '../../../src/incidents/statusUpdate';
import { TimeFormatter, type TimeStyle } from '../../../src/incidents/timeFormat';
import { T0, at, declared } from './fixtures';

const MIN = 60_000;
const cfg: CadenceConfig = { SEV1: { firstMinutes: 10, everyMinutes: 15 }, SEV2: { firstMinutes: 30, everyMinutes: 30 }, SEV3: null, SEV4: null };

const events: TimelineEvent[] = [
  declared({ title: 'Checkout errors on db-07.prod.internal', summary: 'Card payments fail; see https://grafana.internal/d/abc and 10.2.3.4:5432', services: ['checkout'] }),
  at(2, 'note', { text: 'db-07.prod.internal is out of connections' }),
  at(3, 'statusUpdate', { audience: 'internal', text: 'first', state: 'posted' }),
  at(3.5, 'statusUpdate', { audience: 'external', text: 'first ext', state: 'posted' }),
  at(5, 'commandRun', { runbookPath: '/r/db.md', runbookTitle: 'Database pool', blockIndex: 1, command: 'kubectl -n prod rollout restart deploy/pgbouncer', exitCode: 0, durationMs: 2100 }),
  at(6, 'statusChanged', { from: 'investigating', to: 'identified' }),
  at(7, 'roleAssigned', { role: 'techLead', person: 'Bo' }),
  at(8, 'note', { text: 'TODO: raise the pool limit permanently' }),
];

const UTC: TimeStyle = { locale: 'en', timeZone: 'UTC', display: 'localAndUtc' };

function drafted(audience: 'internal' | 'external', evs = events, now = T0 + 10 * MIN, style = UTC): StatusUpdateDraft {
  return draftStatusUpdate({ incident: foldIncident(evs), events: evs, audience, now, cadence: cfg, time: new TimeFormatter(style) });
}

function draft(audience: 'internal' | 'external', evs = events, now = T0 + 10 * MIN, style = UTC): string {
  return drafted(audience, evs, now, style).text;
}

const customer = (text: string) => at(9, 'customerSummaryChanged', { text });

describe('status update drafts', () => {
  it('internal: says where things stand and lists what changed since the last internal update', () => {
    const text = draft('internal');
    assert.match(text, /^\[SEV2\] INC-20250304-001: Checkout errors on db-07\.prod\.internal — Identified/);
    assert.match(text, /Incident commander: Ana · Tech lead: Bo/);
    assert.match(text, /Since the last update \(10:03 UTC\):/);
    assert.match(text, /ran `kubectl -n prod rollout restart deploy\/pgbouncer` from "Database pool": exit 0/);
    assert.match(text, /status Investigating → Identified/);
    assert.doesNotMatch(text, /out of connections/, 'notes before the last update are not repeated');
    assert.match(text, /The cause is known/);
    assert.match(text, /Next update by 10:40 UTC\./);
  });

  it('external: starts from the customer-facing summary; never the title, impact, services, hosts, commands or notes', () => {
    const text = draft('external', [...events, customer('Some card payments fail at checkout.')]);
    assert.equal(text.split('\n')[0], 'Identified: Some card payments fail at checkout.');
    assert.match(text, /We have found the cause and are working on a fix\./);
    for (const leak of ['Checkout errors', 'db-07', 'prod.internal', 'grafana', '10.2.3.4', 'kubectl', 'pgbouncer', 'TODO', 'connections', 'Card payments fail;', 'checkout\n', 'Ana', 'Bo']) {
      assert.ok(!text.includes(leak), `external draft leaks ${JSON.stringify(leak)}:\n${text}`);
    }
    assert.match(text, /another update by 10:40 UTC\.$/);
  });

  it('external without a customer-facing summary: a placeholder that cannot be posted, never the internal title', () => {
    const text = draft('external');
    assert.equal(text.split('\n')[0], `Identified: ${CUSTOMER_SUMMARY_PLACEHOLDER}`);
    assert.doesNotMatch(text, /Checkout|db-07|Card payments/);
    assert.match(postingProblem('external', text) ?? '', /placeholder/);
    assert.equal(postingProblem('external', text.replace(CUSTOMER_SUMMARY_PLACEHOLDER, 'Payments are slow.')), undefined);
    assert.equal(postingProblem('internal', text), undefined);
  });

  it('external drafts never contain a word of the internal title, impact, services or notes (property)', () => {
    // Internal text made of marker words that cannot occur in our own wording.
    const word = fc.stringMatching(/^zq[a-z]{4,8}$/);
    const words = fc.array(word, { minLength: 1, maxLength: 6 }).map((w) => w.join(' '));
    fc.assert(
      fc.property(words, words, fc.array(word, { maxLength: 3 }), words, fc.constantFrom('investigating', 'identified', 'monitoring', 'resolved'), (title, impact, services, noteText, status) => {
        const evs: TimelineEvent[] = [declared({ title, summary: impact, services }), at(1, 'note', { text: noteText }), customer('Slow tracking pages.')];
        if (status !== 'investigating') evs.push(at(2, 'statusChanged', { from: 'investigating', to: status }));
        const text = draft('external', evs, T0 + 30 * MIN);
        return !/zq[a-z]/.test(text) && text.startsWith(`${status[0].toUpperCase()}${status.slice(1)}: Slow tracking pages.`);
      }),
      { numRuns: 300, seed: 14 },
    );
  });

  it('says the next update time it will be held to: a whole minute, written like every other time', () => {
    const at10m20s = drafted('internal', events, T0 + 10 * MIN + 20_000);
    assert.equal(at10m20s.nextUpdateAt, '2025-03-04T10:41:00.000Z', 'rounded up to the minute the text shows');
    assert.match(at10m20s.text, /Next update by 10:41 UTC\.$/);
    const berlin = drafted('external', [...events, customer('Slow pages.')], T0 + 10 * MIN, { locale: 'en', timeZone: 'Europe/Berlin', display: 'localAndUtc' });
    assert.match(berlin.text, /another update by 11:40 \(10:40 UTC\)\.$/);
    const utcOnly = drafted('internal', events, T0 + 10 * MIN, { locale: 'en', timeZone: 'Europe/Berlin', display: 'utc' });
    assert.match(utcOnly.text, /Since the last update \(10:03 UTC\):/);
    const resolved = drafted('internal', [...events, at(9, 'statusChanged', { from: 'identified', to: 'resolved' })]);
    assert.equal(resolved.nextUpdateAt, undefined);
    assert.doesNotMatch(resolved.text, /Next update/);
  });

  it('writes no word twice in a row, in any draft', () => {
    for (const status of ['investigating', 'identified', 'monitoring', 'resolved'] as const) {
      const evs = status === 'investigating' ? [...events] : [...events, at(9, 'statusChanged', { from: 'identified', to: status })];
      for (const audience of ['internal', 'external'] as const) {
        const text = draft(audience, [...evs, customer('Some pages load slowly.')], T0 + 30 * MIN);
        assert.doesNotMatch(text, /\b(\w+)\s+\1\b/i, text);
      }
    }
  });

  it('has wording for every status, and a closing message when resolved', () => {
    const seen = new Set<string>();
    for (const to of ['investigating', 'identified', 'monitoring', 'resolved'] as const) {
      const evs = to === 'investigating' ? [declared()] : [declared(), at(20, 'statusChanged', { from: 'investigating', to })];
      const ext = draft('external', evs, T0 + 30 * MIN);
      const int = draft('internal', evs, T0 + 30 * MIN);
      seen.add(ext.split('\n')[2]);
      if (to === 'resolved') {
        assert.match(ext, /This is resolved/);
        assert.match(ext, /lasted from 10:00 UTC to 10:20 UTC/);
        assert.doesNotMatch(ext, /another update/);
        assert.match(int, /last update/);
      }
    }
    assert.equal(seen.size, 4);
  });

  it('starts from everything when nothing was posted yet', () => {
    const { since, events: rest } = eventsSinceLastUpdate(events, 'internal');
    assert.equal(since, new Date(T0 + 3 * MIN).toISOString());
    assert.equal(rest.length, 5);
    assert.equal(eventsSinceLastUpdate([declared()], 'external').since, undefined);
    assert.match(draft('internal', [declared()]), /So far:/);
  });

  it('redacts hosts, addresses, URLs, e-mail, paths and inline code', () => {
    const cases: [string, string][] = [
      ['api.example.com is slow', '[internal detail] is slow'],
      ['connect to 192.168.1.10:8080 failed', 'connect to [internal detail] failed'],
      ['see https://x.y/z?q=1 now', 'see [internal detail] now'],
      ['mail ops@corp.example', 'mail [internal detail]'],
      ['logs in /var/log/app/error.log show it', 'logs in [internal detail] show it'],
      ['run `systemctl restart nginx` later', 'run [internal detail] later'],
      ['IPv6 fe80::1:2 down', 'IPv6 [internal detail] down'],
      ['Payments are slow for 5% of users', 'Payments are slow for 5% of users'],
      ['version 1.2.3 released', 'version 1.2.3 released'],
    ];
    for (const [input, expected] of cases) assert.equal(redactInternalDetail(input), expected, input);
  });

  it('drops direction overrides from user text so they cannot reverse the rest of a line', () => {
    const evs = [declared({ title: 'Checkout \u202Eevil', summary: 'x\u2067y' }), customer('Payments \u202Eslow')];
    const internal = draft('internal', evs);
    assert.doesNotMatch(internal, /[\u202A-\u202E\u2066-\u2069]/);
    assert.match(internal, /Checkout evil/);
    const external = draft('external', evs);
    assert.doesNotMatch(external, /[\u202A-\u202E\u2066-\u2069]/);
    assert.match(external, /Payments slow/);
  });

  it('writes times with the date when it is another day', () => {
    const evs = [declared(), at(-24 * 60, 'note', { text: 'the day before' })];
    assert.match(draft('internal', evs), /- Mar 3, 2025, 10:00 UTC Ana: the day before/);
  });
});
