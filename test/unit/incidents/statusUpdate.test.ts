import * as assert from 'node:assert/strict';
import type { CadenceConfig } from '../../../src/incidents/cadence';
import type { TimelineEvent } from '../../../src/incidents/model';
import { foldIncident } from '../../../src/incidents/state';
import { draftStatusUpdate, eventsSinceLastUpdate, formatUtc, redactInternalDetail } from '../../../src/incidents/statusUpdate';
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

function draft(audience: 'internal' | 'external', evs = events, now = T0 + 10 * MIN): string {
  return draftStatusUpdate({ incident: foldIncident(evs), events: evs, audience, now, cadence: cfg });
}

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

  it('external: plain words per status, no hostnames, addresses, URLs, commands or notes', () => {
    const text = draft('external');
    assert.match(text, /^Identified: /);
    assert.match(text, /found the cause of the problem affecting checkout/);
    for (const leak of ['db-07', 'prod.internal', 'grafana', '10.2.3.4', 'kubectl', 'pgbouncer', 'TODO', 'connections']) {
      assert.ok(!text.includes(leak), `external draft leaks ${leak}:\n${text}`);
    }
    assert.match(text, /What you may notice: Card payments fail/);
    assert.match(text, /another update by 10:40 UTC/);
  });

  it('has wording for every status, and a closing message when resolved', () => {
    const seen = new Set<string>();
    for (const to of ['investigating', 'identified', 'monitoring', 'resolved'] as const) {
      const evs = to === 'investigating' ? [declared()] : [declared(), at(20, 'statusChanged', { from: 'investigating', to })];
      const ext = draft('external', evs, T0 + 30 * MIN);
      const int = draft('internal', evs, T0 + 30 * MIN);
      seen.add(ext.split('\n')[2]);
      if (to === 'resolved') {
        assert.match(ext, /has been resolved/);
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
    const evs = [declared({ title: 'Checkout \u202Eevil', summary: 'x\u2067y' })];
    for (const audience of ['internal', 'external'] as const) {
      const text = draft(audience, evs);
      assert.doesNotMatch(text, /[\u202A-\u202E\u2066-\u2069]/);
      assert.match(text, /Checkout evil/);
    }
  });

  it('formats UTC times, with the date when it is another day', () => {
    assert.equal(formatUtc('2025-03-04T10:05:00Z', T0), '10:05 UTC');
    assert.equal(formatUtc('2025-03-03T23:55:00Z', T0), '2025-03-03 23:55 UTC');
  });
});
