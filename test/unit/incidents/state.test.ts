import * as assert from 'node:assert/strict';
import { createEventIdGenerator, isIncidentId, isWriterId, newIncidentId, newWriterId } from '../../../src/incidents/ids';
import { SEVERITY_GUIDE, severityDetail, severityLabel } from '../../../src/incidents/severity';
import { displayedText, foldIncident, followUpText } from '../../../src/incidents/state';
import { SEVERITIES } from '../../../src/runbooks/model';
import { at, counterBytes, declared } from './fixtures';

describe('incident state (foldIncident)', () => {
  it('starts from the declaration', () => {
    const i = foldIncident([declared()]);
    assert.equal(i.id, 'INC-20250304-001');
    assert.equal(i.title, 'Checkout errors');
    assert.equal(i.severity, 'SEV2');
    assert.equal(i.status, 'investigating');
    assert.deepEqual(i.roles, { commander: 'Ana' });
    assert.deepEqual(i.services, ['checkout']);
    assert.equal(i.declaredAt, '2025-03-04T10:00:00.000Z');
    assert.equal(i.resolvedAt, undefined);
  });

  it('applies status, severity, roles, milestones and summary changes, latest wins, in time order', () => {
    const events = [
      at(30, 'statusChanged', { from: 'identified', to: 'monitoring' }),
      declared(),
      at(10, 'statusChanged', { from: 'investigating', to: 'identified' }),
      at(12, 'severityChanged', { from: 'SEV2', to: 'SEV1', reason: 'all regions' }),
      at(13, 'roleAssigned', { role: 'techLead', person: 'Bo' }),
      at(14, 'roleAssigned', { role: 'commander', person: 'Cy', previous: 'Ana' }),
      at(15, 'milestone', { milestone: 'impactStarted', at: '2025-03-04T09:40:00.000Z', reason: 'graphs show errors from 09:40' }),
      at(16, 'summaryChanged', { summary: 'All card payments fail', services: ['checkout', 'payments'] }),
      at(20, 'roleAssigned', { role: 'techLead', person: '' }),
    ];
    const i = foldIncident(events);
    assert.equal(i.status, 'monitoring');
    assert.equal(i.severity, 'SEV1');
    assert.deepEqual(i.roles, { commander: 'Cy' });
    assert.equal(i.milestones.impactStarted, '2025-03-04T09:40:00.000Z');
    assert.equal(i.summary, 'All card payments fail');
    assert.deepEqual(i.services, ['checkout', 'payments']);
    assert.equal(i.lastEventAt, '2025-03-04T10:30:00.000Z');
  });

  it('sets resolvedAt when resolved and clears it when reopened', () => {
    const resolved = [declared(), at(50, 'statusChanged', { from: 'investigating', to: 'resolved' })];
    assert.equal(foldIncident(resolved).resolvedAt, '2025-03-04T10:50:00.000Z');
    const reopened = [...resolved, at(60, 'statusChanged', { from: 'resolved', to: 'investigating' })];
    assert.equal(foldIncident(reopened).resolvedAt, undefined);
    assert.equal(foldIncident(reopened).status, 'investigating');
  });

  it('turns TODO: notes into follow-ups, following corrections', () => {
    const events = [
      declared(),
      at(1, 'note', { text: 'TODO: add an alert on card declines' }, 'n1'),
      at(2, 'note', { text: 'todo:   rotate the API key ' }, 'n2'),
      at(3, 'note', { text: 'just a note' }, 'n3'),
      at(4, 'note', { text: 'TODO:' }, 'n4'),
      at(5, 'note', { text: 'TODO: wrong thing' }, 'n5'),
      at(6, 'correction', { target: 'n5', text: 'not a follow-up after all' }),
      at(7, 'correction', { target: 'n3', text: 'TODO: write the runbook section' }),
    ];
    const i = foldIncident(events);
    assert.deepEqual(i.followUps, [
      { eventId: 'n1', text: 'add an alert on card declines' },
      { eventId: 'n2', text: 'rotate the API key' },
      { eventId: 'n3', text: 'write the runbook section' },
    ]);
    assert.equal(i.corrections!.n5, 'not a follow-up after all');
    assert.equal(displayedText(i, events[5]), 'not a follow-up after all');
    assert.equal(displayedText(i, events[1]), 'TODO: add an alert on card declines');
    // The original event is unchanged.
    assert.equal((events[5] as { text: string }).text, 'TODO: wrong thing');
  });

  it('tracks pins (latest wins, only events that exist)', () => {
    const events = [
      declared(),
      at(1, 'note', { text: 'a' }, 'n1'),
      at(2, 'note', { text: 'b' }, 'n2'),
      at(3, 'pinned', { target: 'n2', pinned: true }),
      at(4, 'pinned', { target: 'n1', pinned: true }),
      at(5, 'pinned', { target: 'n2', pinned: false }),
      at(6, 'pinned', { target: 'nope', pinned: true }),
    ];
    assert.deepEqual(foldIncident(events).pinned, ['n1']);
  });

  it('counts unknown events and otherwise ignores them', () => {
    const events = [declared(), at(1, 'unknown', { originalType: 'aiSummary', raw: { type: 'aiSummary' } })];
    const i = foldIncident(events);
    assert.equal(i.unknownEvents, 1);
    assert.equal(i.title, 'Checkout errors');
  });

  it('still shows an incident whose declaration is missing', () => {
    const i = foldIncident([at(1, 'note', { text: 'orphan' })]);
    assert.equal(i.id, 'INC-20250304-001');
    assert.match(i.title, /declaration missing/);
  });

  it('ignores a second declaration', () => {
    const i = foldIncident([declared(), at(5, 'declared', { title: 'Other', severity: 'SEV4', summary: '', services: [] })]);
    assert.equal(i.title, 'Checkout errors');
  });

  it('refuses an empty event list', () => {
    assert.throws(() => foldIncident([]));
  });

  it('recognises follow-up text', () => {
    assert.equal(followUpText('TODO: x'), 'x');
    assert.equal(followUpText('  TODO:y'), 'y');
    assert.equal(followUpText('not TODO: x'), undefined);
  });
});

describe('incident and event ids', () => {
  it('dates incident ids by UTC day with five Crockford base32 characters, skipping ids in use', () => {
    const day = new Date('2025-03-04T23:59:00Z');
    // Bytes 0..4 → characters 0..4 of the alphabet; the next call gets 5..9.
    let n = 0;
    const seq = (count: number) => Uint8Array.from({ length: count }, () => n++);
    assert.equal(newIncidentId(day, [], seq), 'INC-20250304-01234');
    n = 0;
    assert.equal(newIncidentId(day, ['INC-20250304-01234'], seq), 'INC-20250304-56789', 'an id in use is drawn again');
    n = 27;
    assert.equal(newIncidentId(new Date('2025-03-05T00:00:01Z'), [], seq), 'INC-20250305-VWXYZ', 'no I, L, O or U; the next UTC day');
    // The high bits of each byte are ignored: 255 → 31 → Z.
    assert.equal(newIncidentId(day, [], (c) => new Uint8Array(c).fill(255)), 'INC-20250304-ZZZZZ');
    assert.throws(() => newIncidentId(day, ['INC-20250304-ZZZZZ'], (c) => new Uint8Array(c).fill(255)), /random source/);
    assert.ok(isIncidentId('INC-20250304-7KQ2M'));
    assert.ok(isIncidentId('INC-20250304-001'), 'ids of the older numbered form stay valid');
    assert.ok(isIncidentId('INC-20250304-1000'));
    assert.ok(!isIncidentId('INC-2025034-001'));
    assert.ok(!isIncidentId('INC-20250304-7KQ2I'), 'I is not a Crockford digit');
    assert.ok(!isIncidentId('INC-20250304-7kq2m'));
    assert.ok(!isIncidentId('../INC-20250304-7KQ2M'));
  });

  it('draws every character at every position from crypto randomness (no position stuck, no bias to a few)', () => {
    const day = new Date('2025-03-04T12:00:00Z');
    const random = (c: number) => globalThis.crypto.getRandomValues(new Uint8Array(c));
    const seen = Array.from({ length: 5 }, () => new Map<string, number>());
    for (let i = 0; i < 6_400; i++) {
      const suffix = newIncidentId(day, [], random).slice(-5);
      [...suffix].forEach((ch, pos) => seen[pos].set(ch, (seen[pos].get(ch) ?? 0) + 1));
    }
    for (const counts of seen) {
      assert.equal(counts.size, 32, 'all 32 characters appear');
      // 200 expected per character; a fair source stays far inside 100..300.
      for (const n of counts.values()) assert.ok(n > 100 && n < 300, `count ${n}`);
    }
  });

  it('makes writer ids that are safe in ref and file names', () => {
    let n = 0;
    const id = newWriterId((c) => Uint8Array.from({ length: c }, () => n++));
    assert.equal(id, 'w0123456789');
    assert.ok(isWriterId(id));
    assert.ok(!isWriterId('w012345678'));
    assert.ok(!isWriterId('W0123456789'));
    assert.ok(!isWriterId('w0123456789/..'));
  });

  it('makes event ids that are unique and sort in creation order, even in one millisecond or when the clock steps back', () => {
    let t = 1_700_000_000_000;
    const next = createEventIdGenerator(() => t, counterBytes());
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) ids.push(next());
    t -= 5_000;
    for (let i = 0; i < 50; i++) ids.push(next());
    t += 60_000;
    ids.push(next());
    assert.equal(new Set(ids).size, ids.length);
    assert.deepEqual([...ids].sort(), ids);
    assert.match(ids[0], /^e[0-9a-f]{16}-[0-9a-f]{8}$/);
  });
});

describe('severity definitions', () => {
  it('define every level with a definition and examples', () => {
    for (const level of SEVERITIES) {
      const g = SEVERITY_GUIDE[level];
      assert.equal(g.level, level);
      assert.ok(g.definition.length > 20);
      assert.ok(g.examples.length >= 3);
      assert.match(severityLabel(level), new RegExp(`^${level} — `));
      assert.ok(severityDetail(level).includes(g.examples[0]));
    }
  });
});
