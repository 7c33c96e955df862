import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseTimeDisplay, TimeFormatter, type TimeStyle } from '../../../src/incidents/timeFormat';

const NOW = Date.parse('2026-11-24T08:15:29Z');
const style = (over: Partial<TimeStyle> = {}): TimeStyle => ({ locale: 'en', timeZone: 'Europe/Berlin', display: 'localAndUtc', ...over });

describe('one time format', () => {
  it('writes local time with UTC beside it, 24-hour, seconds on request', () => {
    const f = new TimeFormatter(style());
    assert.equal(f.time(NOW, { seconds: true, now: NOW }), '09:15:29 (08:15:29 UTC)');
    assert.equal(f.time(NOW, { now: NOW }), '09:15 (08:15 UTC)');
    assert.equal(f.time('2026-11-24T08:15:29.000Z', { now: NOW }), '09:15 (08:15 UTC)');
  });

  it('writes a time once when the local zone is UTC at that instant (never "08:15:29 08:15:29 UTC")', () => {
    for (const timeZone of ['UTC', 'Etc/UTC', 'Europe/London']) {
      const text = new TimeFormatter(style({ timeZone })).time(NOW, { seconds: true, now: NOW });
      assert.equal(text, '08:15:29 UTC', timeZone);
    }
    // London in summer is an hour ahead: both again.
    assert.equal(new TimeFormatter(style({ timeZone: 'Europe/London' })).time(Date.parse('2026-07-01T08:00:00Z'), { now: Date.parse('2026-07-01T09:00:00Z') }), '09:00 (08:00 UTC)');
  });

  it('follows the setting: local only, or UTC only', () => {
    assert.equal(new TimeFormatter(style({ display: 'local' })).time(NOW, { now: NOW }), '09:15');
    assert.equal(new TimeFormatter(style({ display: 'utc' })).time(NOW, { now: NOW }), '08:15 UTC');
    assert.equal(parseTimeDisplay('utc'), 'utc');
    assert.equal(parseTimeDisplay('both'), 'localAndUtc');
    assert.equal(parseTimeDisplay(undefined), 'localAndUtc');
  });

  it('adds the date when the time is not today, in the locale\'s order; UTC carries its own date when it differs', () => {
    const yesterday = NOW - 24 * 3600_000;
    assert.equal(new TimeFormatter(style()).time(yesterday, { now: NOW }), 'Nov 23, 2026, 09:15 (08:15 UTC)');
    assert.equal(new TimeFormatter(style({ locale: 'en-GB' })).time(yesterday, { now: NOW }), '23 Nov 2026, 09:15 (08:15 UTC)');
    // 00:30 in Berlin is 23:30 UTC the day before.
    const justAfterMidnight = Date.parse('2026-11-23T23:30:00Z');
    assert.equal(new TimeFormatter(style()).time(justAfterMidnight, { now: justAfterMidnight }), '00:30 (Nov 23, 2026, 23:30 UTC)');
  });

  it('falls back instead of throwing on an unknown locale or zone', () => {
    const f = new TimeFormatter({ locale: 'not a locale!!', timeZone: 'Mars/Olympus', display: 'localAndUtc' });
    assert.equal(f.style.timeZone, 'UTC');
    assert.equal(f.time(NOW, { now: NOW }), '08:15 UTC');
    assert.equal(f.time('not a time'), 'not a time');
  });

  it('says which zone a typed time is read in', () => {
    assert.equal(new TimeFormatter(style()).inputZoneLabel(NOW), 'local time, Europe/Berlin (UTC+01:00)');
    assert.equal(new TimeFormatter(style({ timeZone: 'Asia/Kolkata' })).inputZoneLabel(NOW), 'local time, Asia/Kolkata (UTC+05:30)');
    assert.equal(new TimeFormatter(style({ timeZone: 'America/St_Johns' })).inputZoneLabel(NOW), 'local time, America/St_Johns (UTC−03:30)');
    assert.equal(new TimeFormatter(style({ display: 'utc' })).inputZoneLabel(NOW), 'UTC');
    assert.equal(new TimeFormatter(style({ timeZone: 'UTC' })).inputZoneLabel(NOW), 'UTC');
  });

  it('reads typed times in that zone: HH:MM today (yesterday when still ahead), a date and time, or ISO with a zone', () => {
    const f = new TimeFormatter(style());
    assert.equal(new Date(f.parseInput('09:05', NOW)!).toISOString(), '2026-11-24T08:05:00.000Z');
    assert.equal(new Date(f.parseInput('9.05', NOW)!).toISOString(), '2026-11-24T08:05:00.000Z');
    // 09:40 local is still 25 minutes ahead: it means yesterday's.
    assert.equal(new Date(f.parseInput('09:40', NOW)!).toISOString(), '2026-11-23T08:40:00.000Z');
    assert.equal(new Date(f.parseInput('2026-11-23 23:30', NOW)!).toISOString(), '2026-11-23T22:30:00.000Z');
    assert.equal(new Date(f.parseInput('2026-11-23T23:30', NOW)!).toISOString(), '2026-11-23T22:30:00.000Z');
    assert.equal(new Date(f.parseInput('2026-11-23T23:30:00Z', NOW)!).toISOString(), '2026-11-23T23:30:00.000Z');
    const utc = new TimeFormatter(style({ display: 'utc' }));
    assert.equal(new Date(utc.parseInput('2026-11-23 23:30', NOW)!).toISOString(), '2026-11-23T23:30:00.000Z');
    for (const bad of ['', 'soon', '25:00', '09:61', '2026-02-31 10:00', '2026-13-01 10:00', '10:00 tomorrow', '2026-11-23T23:30:00+25:00x']) {
      assert.equal(f.parseInput(bad, NOW), undefined, bad);
    }
  });

  it('reads back what it writes into an input, in any zone, across daylight saving changes (property)', () => {
    const zones = ['Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'Australia/Lord_Howe', 'UTC', 'America/St_Johns'];
    fc.assert(
      fc.property(fc.constantFrom(...zones), fc.constantFrom('localAndUtc', 'utc', 'local') as fc.Arbitrary<TimeStyle['display']>, fc.integer({ min: Date.parse('2025-01-01T00:00:00Z') / 60_000, max: Date.parse('2027-12-31T00:00:00Z') / 60_000 }), (timeZone, display, minute) => {
        const f = new TimeFormatter(style({ timeZone, display }));
        const ms = minute * 60_000;
        const back = f.parseInput(f.toInput(ms), ms + 3600_000);
        // A wall-clock time that occurs twice (the autumn hour) may read as either instant.
        return back === ms || (back !== undefined && Math.abs(back - ms) <= 3600_000 && f.toInput(back) === f.toInput(ms));
      }),
      { numRuns: 500, seed: 1124 },
    );
  });
});
