import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  REQUEST_TYPES, RequestTracker, createTimelineDispatcher, validateHostMessage, validateWebviewMessage,
  type HostMessage, type TimelineHandlers, type WebviewMessage, type WebviewRequest,
} from '../../../src/protocol/timeline';
import { updateSchedule, DEFAULT_CADENCE } from '../../../src/incidents/cadence';
import { foldIncident } from '../../../src/incidents/state';
import { at, declared, T0 } from './fixtures';

/** One valid example of every message the page may send. */
const VALID: WebviewMessage[] = [
  { type: 'ready' },
  { type: 'draftChanged', text: 'half a', revision: 4 },
  { type: 'cspViolation', directive: 'script-src', blockedUri: 'inline', sample: '' },
  { type: 'rendered', events: 10, ms: 12.5 },
  { type: 'addNote', requestId: 'r-1', text: 'note' },
  { type: 'setStatus', requestId: 'r-2', status: 'identified' },
  { type: 'setSeverity', requestId: 'r-3', severity: 'SEV1', reason: 'worse' },
  { type: 'assignRole', requestId: 'r-4', role: 'scribe', person: 'Cy' },
  { type: 'markMilestone', requestId: 'r-5', milestone: 'detected', at: '2025-03-04T10:00:00.000Z' },
  { type: 'pin', requestId: 'r-6', eventId: 'e1', pinned: true },
  { type: 'correct', requestId: 'r-7', eventId: 'e1', text: 'fixed' },
  { type: 'draftUpdate', requestId: 'r-8', audience: 'external' },
  { type: 'markPosted', requestId: 'r-9', audience: 'internal', text: 'posted text', nextUpdateAt: '2025-03-04T10:30:00.000Z' },
  { type: 'copyText', requestId: 'r-10', text: 'x' },
  { type: 'snooze', requestId: 'r-11', minutes: 10, reason: 'busy' },
  { type: 'keepDraft', requestId: 'r-12', audience: 'external', text: 'draft' },
  { type: 'setCustomerSummary', requestId: 'r-13', text: 'Some payments fail.' },
  { type: 'resolve', requestId: 'r-14', summary: 'fixed' },
  { type: 'updateDraftChanged', draft: { audience: 'external', text: 'half an update', nextUpdateAt: '2025-03-04T10:30:00.000Z' } },
  { type: 'pinEvidence', requestId: 'r-15', eventId: 'e1', fromLine: 3, toLine: 7 },
];

/** A fake incident behind the handlers: the state the fuzz test watches. */
function fakeHost() {
  const state = { notes: [] as string[], status: 'investigating', drafts: [] as string[], csp: 0, readyCalls: 0, requests: 0 };
  const posted: HostMessage[] = [];
  const logs: string[] = [];
  const handlers: TimelineHandlers = {
    ready: () => void (state.readyCalls += 1),
    draftChanged: (t) => void state.drafts.push(t),
    cspViolation: () => void (state.csp += 1),
    request: async (m: WebviewRequest) => {
      state.requests += 1;
      if (m.type === 'addNote') state.notes.push(m.text);
      if (m.type === 'setStatus') {
        if (m.status === state.status) throw new Error(`already ${m.status}`);
        state.status = m.status;
      }
      return m.type === 'draftUpdate' ? 'draft text' : undefined;
    },
  };
  const d = createTimelineDispatcher(handlers, (m) => void posted.push(m), (l) => void logs.push(l));
  return { state, posted, logs, d };
}

describe('timeline protocol', () => {
  it('accepts every valid message kind', () => {
    for (const m of VALID) assert.equal(validateWebviewMessage(m).ok, true, m.type);
    assert.equal(new Set(VALID.map((m) => m.type)).size, 5 + REQUEST_TYPES.length);
  });

  it('refuses unknown types, missing or extra fields, wrong types and oversized text', () => {
    const bad: unknown[] = [
      null, 42, 'ready', [], { type: 'nope' }, { type: 'addNote', requestId: 'r', text: '' },
      { type: 'addNote', text: 'x' }, { type: 'addNote', requestId: 'r x', text: 'x' },
      { type: 'addNote', requestId: 'r', text: 'x', extra: 1 }, { type: 'addNote', requestId: 'r', text: 'x'.repeat(100_001) },
      { type: 'setStatus', requestId: 'r', status: 'fixing' }, { type: 'snooze', requestId: 'r', minutes: 0, reason: 'x' },
      { type: 'markMilestone', requestId: 'r', milestone: 'detected', at: 'yesterday' },
      { type: 'markPosted', requestId: 'r', audience: 'internal', text: 'x', nextUpdateAt: 'in ten minutes' },
      { type: 'setCustomerSummary', requestId: 'r', text: '' }, { type: 'setCustomerSummary', requestId: 'r', text: 'x'.repeat(2_001) },
      { type: 'resolve', requestId: 'r', summary: 42 }, { type: 'keepDraft', requestId: 'r', audience: 'public', text: 'x' },
      { type: 'updateDraftChanged', draft: { audience: 'internal' } }, { type: 'updateDraftChanged', draft: { audience: 'internal', text: 'x', extra: 1 } },
      JSON.parse('{"type":"ready","__proto__":{"polluted":true}}'), { type: 'toString' }, { type: 'constructor' },
    ];
    for (const b of bad) assert.equal(validateWebviewMessage(b).ok, false, JSON.stringify(b)?.slice(0, 80));
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
  });

  it('drops requests before ready, then answers each request with a reply carrying its id', async () => {
    const { state, posted, logs, d } = fakeHost();
    await d.dispatch({ type: 'addNote', requestId: 'early', text: 'x' });
    assert.deepEqual(state.notes, []);
    assert.match(logs[0], /before ready/);
    await d.dispatch({ type: 'ready' });
    await d.dispatch({ type: 'addNote', requestId: 'a1', text: 'hello' });
    await d.dispatch({ type: 'draftUpdate', requestId: 'a2', audience: 'internal' });
    await d.dispatch({ type: 'setStatus', requestId: 'a3', status: 'investigating' });
    assert.deepEqual(state.notes, ['hello']);
    assert.deepEqual(posted, [
      { type: 'reply', requestId: 'a1', ok: true },
      { type: 'reply', requestId: 'a2', ok: true, result: 'draft text' },
      { type: 'reply', requestId: 'a3', ok: false, error: 'already investigating' },
    ]);
    assert.equal(d.stats.dropped, 1);
  });

  it('10,000 random and near-miss messages change no state and throw nothing', async () => {
    const { state, posted, d } = fakeHost();
    await d.dispatch({ type: 'ready' });
    const before = JSON.stringify(state);
    const nearMiss = fc
      .tuple(fc.constantFrom(...VALID.filter((m) => m.type !== 'ready')), fc.nat(), fc.anything(), fc.string())
      .map(([m, pick, junk, key]) => {
        const copy: Record<string, unknown> = { ...m };
        const keys = Object.keys(copy).filter((k) => k !== 'type');
        const k = keys[pick % keys.length];
        switch (pick % 4) {
          case 0: delete copy[k]; break; // a required field missing (every kept key is required or makes it wrong below)
          case 1: copy[k] = typeof copy[k] === 'string' ? 12345 : 'not the right type'; break;
          case 2: copy[`x${key}`] = junk; break; // an unexpected field
          default: copy.type = `${m.type}${key}X`; // an unknown type
        }
        return copy;
      });
    const arbitrary = fc.oneof(
      fc.anything({ withNullPrototype: true, withMap: true, withSet: true, withBigInt: true, withDate: true, withTypedArray: true }),
      fc.record({ type: fc.constantFrom('ready', ...REQUEST_TYPES, 'draftChanged', 'cspViolation'), requestId: fc.anything(), text: fc.anything() }, { requiredKeys: ['type'] }),
      fc.object(),
    );
    const messages = fc.sample(fc.oneof(nearMiss, arbitrary), { numRuns: 10_000, seed: 20250304 });
    // Only messages that are invalid are part of the "no state change" claim; count the rest.
    let valid = 0;
    for (const m of messages) {
      const isValid = validateWebviewMessage(m).ok;
      if (isValid) {
        valid += 1;
        continue;
      }
      await d.dispatch(m);
    }
    assert.ok(valid < 200, `the generator should make near-misses, not valid messages (${valid} valid)`);
    assert.equal(JSON.stringify(state), before);
    assert.deepEqual(posted, [], 'no reply for a dropped message');
    assert.equal(d.stats.dropped, messages.length - valid);
  });

  it('handlers that throw become error replies or log lines, never exceptions', async () => {
    const logs: string[] = [];
    const d = createTimelineDispatcher(
      { ready: () => { throw new Error('boom'); }, draftChanged: async () => { throw new Error('disk'); }, cspViolation: () => {}, request: async () => { throw 'string error'; } },
      () => { throw new Error('panel disposed'); },
      (l) => logs.push(l),
    );
    await d.dispatch({ type: 'ready' });
    await d.dispatch({ type: 'draftChanged', text: 'x' });
    await d.dispatch({ type: 'addNote', requestId: 'r', text: 'x' });
    assert.equal(logs.length, 3);
  });

  it('validates what the host sends, events included', () => {
    const events = [declared(), at(1, 'note', { text: 'x' })];
    const incident = foldIncident(events);
    const view = { incident, schedule: updateSchedule(events, DEFAULT_CADENCE, T0) };
    const timeStyle = { locale: 'en', timeZone: 'Europe/Berlin', display: 'localAndUtc' as const };
    const init: HostMessage = { type: 'init', view, events, draft: '', draftRevision: 0, saveState: 'saved', severities: [{ level: 'SEV1', label: 'SEV1', detail: 'd' }], timeStyle };
    assert.equal(validateHostMessage(JSON.parse(JSON.stringify(init))).ok, true);
    assert.equal(validateHostMessage({ ...init, updateDraft: { audience: 'external', text: 'x' } }).ok, true);
    assert.equal(validateHostMessage({ ...init, events: [{ id: 'x' }] }).ok, false);
    assert.equal(validateHostMessage({ ...init, timeStyle: { ...timeStyle, display: 'both' } }).ok, false);
    assert.equal(validateHostMessage({ ...init, timeStyle: undefined }).ok, false);
    assert.equal(validateHostMessage({ type: 'timeStyle', timeStyle }).ok, true);
    assert.equal(validateHostMessage({ type: 'showUpdate', draft: { audience: 'internal', text: 'x', nextUpdateAt: '2025-03-04T10:30:00.000Z' } }).ok, true);
    assert.equal(validateHostMessage({ type: 'showUpdate', draft: { audience: 'internal', text: 7 } }).ok, false);
    assert.equal(validateHostMessage({ type: 'focus', target: 'note' }).ok, true);
    assert.equal(validateHostMessage({ type: 'focus', target: 'body' }).ok, false);
    // The customer-facing summary travels with the incident, checked like the rest.
    const withSummary = { ...view, incident: { ...incident, customerSummary: 'Some payments fail.' } };
    assert.equal(validateHostMessage({ type: 'view', view: withSummary }).ok, true);
    assert.equal(validateHostMessage({ type: 'view', view: { ...view, incident: { ...incident, customerSummary: 42 } } }).ok, false);
    assert.equal(validateHostMessage({ type: 'reply', requestId: 'r-1', ok: false, error: 'no' }).ok, true);
    assert.equal(validateHostMessage({ type: 'reply', requestId: 'r-1', ok: true, result: 'text' }).ok, true);
    assert.equal(validateHostMessage({ type: 'reply', requestId: 'r-1', ok: false }).ok, false);
    assert.equal(validateHostMessage({ type: 'saveState', state: 'lost' }).ok, false);
  });

  it('carries how far sharing got in the view, checked like the rest', () => {
    const events = [declared(), at(1, 'note', { text: 'x', writer: 'wa000000000' }), at(2, 'joined', { role: 'scribe', writer: 'wb000000000', author: 'Bo' })];
    const incident = foldIncident(events);
    const schedule = updateSchedule(events, DEFAULT_CADENCE, T0);
    const share = { shared: true, unshared: 3, problems: 1, detail: 'The remote could not be reached.' };
    assert.equal(validateHostMessage(JSON.parse(JSON.stringify({ type: 'view', view: { incident, schedule, share } }))).ok, true);
    assert.equal(validateHostMessage(JSON.parse(JSON.stringify({ type: 'events', view: { incident, schedule }, events }))).ok, true, 'writer ids and joined events pass');
    for (const bad of [{ ...share, unshared: -1 }, { ...share, shared: 'yes' }, { ...share, extra: 1 }, { shared: true }]) {
      assert.equal(validateHostMessage({ type: 'view', view: { incident, schedule, share: bad } }).ok, false, JSON.stringify(bad));
    }
    assert.equal(validateHostMessage({ type: 'events', view: { incident, schedule }, events: [{ ...events[1], writer: '../x' }] }).ok, false, 'a malformed writer id is refused');
  });

  it('the page-side tracker matches replies to requests by id', async () => {
    const sent: WebviewMessage[] = [];
    const t = new RequestTracker((m) => sent.push(m), 'p');
    const a = t.request({ type: 'addNote', text: 'x' });
    const b = t.request({ type: 'draftUpdate', audience: 'internal' });
    assert.equal(t.outstanding, 2);
    const [ra, rb] = sent as WebviewRequest[];
    assert.equal(t.settle({ type: 'reply', requestId: rb.requestId, ok: true, result: 'draft' }), true);
    assert.equal(t.settle({ type: 'reply', requestId: ra.requestId, ok: false, error: 'nope' }), true);
    assert.equal(t.settle({ type: 'reply', requestId: 'unknown', ok: true }), false);
    assert.equal(await b, 'draft');
    await assert.rejects(a, /nope/);
    assert.ok(sent.every((m) => validateWebviewMessage(m).ok));
  });
});
