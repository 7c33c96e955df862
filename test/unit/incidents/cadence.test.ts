import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CADENCE, formatDuration, parseCadence, updateSchedule, type CadenceConfig } from '../../../src/incidents/cadence';
import { incidentMetrics } from '../../../src/incidents/metrics';
import { foldIncident } from '../../../src/incidents/state';
import { T0, at, declared } from './fixtures';

const MIN = 60_000;
const cfg: CadenceConfig = {
  SEV1: { firstMinutes: 10, everyMinutes: 20 },
  SEV2: { firstMinutes: 30, everyMinutes: 60 },
  SEV3: { firstMinutes: 60, everyMinutes: 240 },
  SEV4: null,
};

describe('update cadence', () => {
  it('makes the first update due after firstMinutes from declaring', () => {
    const s = updateSchedule([declared()], cfg, T0 + 10 * MIN);
    assert.equal(s.state, 'scheduled');
    assert.equal(s.dueAt, new Date(T0 + 30 * MIN).toISOString());
    assert.equal(s.msUntilDue, 20 * MIN);
  });

  it('is overdue once the due time has passed', () => {
    const s = updateSchedule([declared()], cfg, T0 + 31 * MIN);
    assert.equal(s.state, 'overdue');
    assert.equal(s.msUntilDue, -MIN);
  });

  it('counts from the last posted update (drafts do not count)', () => {
    const events = [
      declared(),
      at(25, 'statusUpdate', { audience: 'internal', text: 'x', state: 'posted' }),
      at(40, 'statusUpdate', { audience: 'external', text: 'y', state: 'drafted' }),
    ];
    const s = updateSchedule(events, cfg, T0 + 50 * MIN);
    assert.equal(s.lastPostedAt, new Date(T0 + 25 * MIN).toISOString());
    assert.equal(s.dueAt, new Date(T0 + 85 * MIN).toISOString());
  });

  it('a posted update that named the next update\'s time is held to it: the reminder is due then, not a rhythm later', () => {
    const promised = new Date(T0 + 86 * MIN).toISOString();
    const events = [
      declared(),
      // Drafted at 25 min (promising 25 + 60 = 85, rounded up to 86), posted a little later.
      at(27, 'statusUpdate', { audience: 'external', text: 'next update by 11:26', state: 'posted', nextUpdateAt: promised }),
      at(30, 'statusUpdate', { audience: 'internal', text: 'drafted', state: 'drafted', nextUpdateAt: new Date(T0 + 200 * MIN).toISOString() }),
    ];
    const s = updateSchedule(events, cfg, T0 + 50 * MIN);
    assert.equal(s.dueAt, promised, 'the promised time, not 27 + 60');
    assert.equal(updateSchedule(events, cfg, T0 + 87 * MIN).state, 'overdue');
    // A snooze can still push it later, with its reason.
    const snoozed = updateSchedule([...events, at(80, 'reminderSnoozed', { minutes: 15, reason: 'vendor call' })], cfg, T0 + 81 * MIN);
    assert.equal(snoozed.dueAt, new Date(T0 + 95 * MIN).toISOString());
  });

  it('raising the severity starts the new level\'s first-update clock when that is sooner', () => {
    const events = [
      declared({ severity: 'SEV3' }),
      at(5, 'statusUpdate', { audience: 'internal', text: 'x', state: 'posted' }),
      at(6, 'severityChanged', { from: 'SEV3', to: 'SEV1' }),
    ];
    // SEV1's interval from the last post would be 5 + 20; its first update after the raise is sooner: 6 + 10.
    assert.equal(updateSchedule(events, cfg, T0 + 7 * MIN).dueAt, new Date(T0 + 16 * MIN).toISOString());
    const later = [...events.slice(0, 2), at(20, 'severityChanged', { from: 'SEV3', to: 'SEV1' })];
    assert.equal(updateSchedule(later, cfg, T0 + 21 * MIN).dueAt, new Date(T0 + 25 * MIN).toISOString());
  });

  it('lowering the severity uses the new interval from the last update', () => {
    const events = [declared({ severity: 'SEV1' }), at(5, 'statusUpdate', { audience: 'internal', text: 'x', state: 'posted' }), at(6, 'severityChanged', { from: 'SEV1', to: 'SEV3' })];
    assert.equal(updateSchedule(events, cfg, T0 + 7 * MIN).dueAt, new Date(T0 + 245 * MIN).toISOString());
  });

  it('a snooze moves the due time, with its reason, and survives a reload (it is an event)', () => {
    const events = [declared(), at(31, 'reminderSnoozed', { minutes: 15, reason: 'waiting for the vendor' })];
    const s = updateSchedule(events, cfg, T0 + 35 * MIN);
    assert.equal(s.state, 'scheduled');
    assert.equal(s.dueAt, new Date(T0 + 46 * MIN).toISOString());
    assert.equal(s.snoozedUntil, s.dueAt);
    assert.equal(s.snoozeReason, 'waiting for the vendor');
    // "Reload": the same events, any later time, the same answer.
    assert.equal(updateSchedule([...events], cfg, T0 + 50 * MIN).state, 'overdue');
  });

  it('a snooze before the last posted update no longer applies', () => {
    const events = [declared(), at(29, 'reminderSnoozed', { minutes: 200, reason: 'x' }), at(40, 'statusUpdate', { audience: 'internal', text: 'x', state: 'posted' })];
    assert.equal(updateSchedule(events, cfg, T0 + 41 * MIN).dueAt, new Date(T0 + 100 * MIN).toISOString());
  });

  it('has no reminders for SEV4 or once resolved', () => {
    assert.equal(updateSchedule([declared({ severity: 'SEV4' })], cfg, T0 + 999 * MIN).state, 'off');
    const resolved = [declared(), at(20, 'statusChanged', { from: 'investigating', to: 'resolved' })];
    assert.equal(updateSchedule(resolved, cfg, T0 + 999 * MIN).state, 'resolved');
  });

  it('defaults match package.json and follow the guides (SEV4 none)', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '../../../package.json'), 'utf8'));
    assert.deepEqual(pkg.contributes.configuration.properties['oncall.incidents.updateCadence'].default, DEFAULT_CADENCE);
    assert.equal(DEFAULT_CADENCE.SEV4, null);
    assert.ok(DEFAULT_CADENCE.SEV1!.everyMinutes <= DEFAULT_CADENCE.SEV2!.everyMinutes);
  });

  it('reads the setting level by level and falls back to defaults for invalid entries', () => {
    const { config, problems } = parseCadence({ SEV1: { firstMinutes: 5, everyMinutes: 10 }, SEV2: { firstMinutes: -1, everyMinutes: 10 }, SEV3: null });
    assert.deepEqual(config.SEV1, { firstMinutes: 5, everyMinutes: 10 });
    assert.deepEqual(config.SEV2, DEFAULT_CADENCE.SEV2);
    assert.equal(config.SEV3, null);
    assert.deepEqual(config.SEV4, DEFAULT_CADENCE.SEV4);
    assert.equal(problems.length, 1);
    assert.match(problems[0], /^SEV2/);
    assert.deepEqual(parseCadence('nonsense').config, DEFAULT_CADENCE);
  });

  it('formats durations compactly', () => {
    assert.equal(formatDuration(42_000), '42 s');
    assert.equal(formatDuration(12 * MIN), '12 min');
    assert.equal(formatDuration(65 * MIN), '1 h 05 min');
    assert.equal(formatDuration(-3 * MIN), '-3 min');
    assert.equal(formatDuration(26 * 60 * MIN), '1 d 2 h');
  });
});

describe('incident metrics', () => {
  const base = [
    declared({ severity: 'SEV1' }),
    at(1, 'milestone', { milestone: 'impactStarted', at: new Date(T0 - 10 * MIN).toISOString(), reason: 'backdated from graphs' }),
    at(2, 'milestone', { milestone: 'detected', at: new Date(T0 - 6 * MIN).toISOString() }),
    at(3, 'milestone', { milestone: 'acknowledged', at: new Date(T0 + 3 * MIN).toISOString() }),
    at(40, 'milestone', { milestone: 'mitigated', at: new Date(T0 + 40 * MIN).toISOString() }),
    at(90, 'milestone', { milestone: 'resolved', at: new Date(T0 + 90 * MIN).toISOString() }),
  ];

  it('computes detect, acknowledge, mitigate and resolve times from milestones', () => {
    const m = Object.fromEntries(incidentMetrics(foldIncident(base)).map((x) => [x.name, x]));
    assert.equal(m.timeToDetect.ms, 4 * MIN);
    assert.equal(m.timeToAcknowledge.ms, 9 * MIN);
    assert.equal(m.timeToMitigate.ms, 37 * MIN);
    assert.equal(m.timeToResolve.ms, 96 * MIN);
    assert.equal(m.timeToDetect.withinGoal, true);
    assert.equal(m.timeToMitigate.withinGoal, true);
    assert.equal(m.timeToResolve.estimated, undefined);
  });

  it('says which milestone is missing, and estimates detected/resolved from the incident', () => {
    const events = [declared({ severity: 'SEV3' }), at(30, 'statusChanged', { from: 'investigating', to: 'resolved' })];
    const m = Object.fromEntries(incidentMetrics(foldIncident(events)).map((x) => [x.name, x]));
    assert.equal(m.timeToDetect.missing, 'no “impact started” milestone');
    assert.equal(m.timeToAcknowledge.missing, 'no “acknowledged” milestone');
    assert.equal(m.timeToResolve.ms, 30 * MIN);
    assert.equal(m.timeToResolve.estimated, true);
    assert.equal(m.timeToResolve.goalMs, undefined);
  });

  it('refuses an impossible order', () => {
    const events = [declared(), at(5, 'milestone', { milestone: 'acknowledged', at: new Date(T0 - 60 * MIN).toISOString() })];
    const m = incidentMetrics(foldIncident(events)).find((x) => x.name === 'timeToAcknowledge')!;
    assert.equal(m.ms, undefined);
    assert.match(m.missing!, /before/);
  });
});
