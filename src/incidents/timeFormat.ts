// One way of writing times, shared by the timeline panel, the status bar and the status update
// drafts (pure: no `vscode`, no DOM, so the host and the webview format a time identically).
// Times are shown in the user's locale and time zone with UTC beside them, or only one of the
// two (the `oncall.time.display` setting); a 24-hour clock, since incident timelines are read
// across teams. When the local zone is UTC at that instant the time is written once.

export type TimeDisplay = 'localAndUtc' | 'local' | 'utc';
export const TIME_DISPLAYS: readonly TimeDisplay[] = ['localAndUtc', 'local', 'utc'];

export interface TimeStyle {
  /** A BCP 47 locale (`en`, `de-DE`); an unknown one falls back to `en`. */
  locale: string;
  /** An IANA zone (`Europe/Berlin`); an unknown one falls back to `UTC`. */
  timeZone: string;
  display: TimeDisplay;
}

export interface TimeOptions {
  /** Seconds too (the timeline); without them, hours and minutes (drafts, status bar). */
  seconds?: boolean;
  /** The date is added when the time is not on the same calendar day as `now` (ms). */
  now?: number;
}

interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const MINUTE = 60_000;
const QUARTER_HOUR = 15 * MINUTE;
const DAY = 24 * 60 * MINUTE;

function safeLocale(locale: string): string {
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([locale]).length > 0 ? locale : 'en';
  } catch {
    return 'en';
  }
}

function safeZone(timeZone: string): string {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return timeZone;
  } catch {
    return 'UTC';
  }
}

/** Reads "now", "HH:MM", "YYYY-MM-DD HH:MM" and full ISO times; see `parseInput`. */
const HOUR_MINUTE = /^(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?$/;
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{1,2}):(\d{2})(?::(\d{2}))?$/;
const HAS_ZONE = /(Z|[+-]\d{2}:?\d{2})$/i;

export class TimeFormatter {
  readonly style: TimeStyle;
  private readonly wallParts: Intl.DateTimeFormat;
  private readonly cache = new Map<string, Intl.DateTimeFormat>();
  /** Offsets by quarter hour: zones change offset only on those boundaries, and a timeline has thousands of times. */
  private readonly offsets = new Map<number, number>();

  constructor(style: TimeStyle) {
    this.style = { locale: safeLocale(style.locale), timeZone: safeZone(style.timeZone), display: style.display };
    this.wallParts = new Intl.DateTimeFormat('en-US', {
      timeZone: this.style.timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
  }

  /** The zone inputs are read in: UTC when only UTC is shown, else the local zone. */
  get inputZone(): 'local' | 'utc' {
    return this.style.display === 'utc' ? 'utc' : 'local';
  }

  /** Local wall-clock time minus UTC at that instant, in ms (whole seconds). */
  offsetAt(ms: number): number {
    const bucket = Math.floor(ms / QUARTER_HOUR);
    let offset = this.offsets.get(bucket);
    if (offset === undefined) {
      const at = bucket * QUARTER_HOUR;
      const parts: Record<string, number> = {};
      for (const p of this.wallParts.formatToParts(new Date(at))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
      offset = Date.UTC(parts.year, parts.month - 1, parts.day, parts.hour % 24, parts.minute, parts.second) - at;
      if (this.offsets.size > 10_000) this.offsets.clear();
      this.offsets.set(bucket, offset);
    }
    return offset;
  }

  /**
   * A time as people read it: `09:15:29 (08:15:29 UTC)`, `09:15:29`, or `08:15:29 UTC`, with the
   * date in front when it is not the same day as `now`.
   */
  time(t: string | number, options: TimeOptions = {}): string {
    const ms = typeof t === 'number' ? t : Date.parse(t);
    if (!Number.isFinite(ms)) return String(t);
    const utcOnly = this.style.display === 'utc' || this.offsetAt(ms) === 0;
    const withDate = (zone: string) => options.now !== undefined && this.dayKey(ms, zone) !== this.dayKey(options.now, zone);
    if (utcOnly) return `${this.format(ms, 'UTC', options.seconds ?? false, withDate('UTC'))} UTC`;
    const local = this.format(ms, this.style.timeZone, options.seconds ?? false, withDate(this.style.timeZone));
    if (this.style.display === 'local') return local;
    // UTC beside it carries its own date when that differs from the local one.
    const utcDate = this.dayKey(ms, 'UTC') !== this.dayKey(ms, this.style.timeZone);
    return `${local} (${this.format(ms, 'UTC', options.seconds ?? false, utcDate)} UTC)`;
  }

  /** `UTC+01:00`, `UTC−05:30`, or `UTC`. */
  offsetLabel(ms: number): string {
    const off = this.offsetAt(ms) / MINUTE;
    if (off === 0) return 'UTC';
    const sign = off > 0 ? '+' : '−';
    const abs = Math.abs(off);
    return `UTC${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
  }

  /** What a time typed into an input means: `UTC`, or `local time, Europe/Berlin (UTC+01:00)`. */
  inputZoneLabel(at: number): string {
    if (this.inputZone === 'utc') return 'UTC';
    const offset = this.offsetLabel(at);
    return offset === 'UTC' && this.style.timeZone === 'UTC' ? 'UTC' : `local time, ${this.style.timeZone} (${offset})`;
  }

  /** The value an input shows for a time: `2026-11-24 09:40` in the input zone. */
  toInput(t: string | number): string {
    const ms = typeof t === 'number' ? t : Date.parse(t);
    const w = this.inputZone === 'utc' ? utcWall(ms) : this.wall(ms);
    const two = (n: number) => String(n).padStart(2, '0');
    return `${w.year}-${two(w.month)}-${two(w.day)} ${two(w.hour)}:${two(w.minute)}`;
  }

  /**
   * Reads a typed time in the input zone: `09:40` (today, or yesterday when today's would be
   * more than five minutes ahead of `now`), `2026-11-24 09:40`, or an ISO time with a zone.
   * Undefined when it is none of these or not a real date.
   */
  parseInput(text: string, now: number): number | undefined {
    const t = text.trim();
    if (t === '') return undefined;
    const hm = HOUR_MINUTE.exec(t);
    if (hm) {
      const [h, m, s] = [Number(hm[1]), Number(hm[2]), Number(hm[3] ?? 0)];
      if (h > 23 || m > 59 || s > 59) return undefined;
      const today = this.inputZone === 'utc' ? utcWall(now) : this.wall(now);
      let ms = this.fromWall({ ...today, hour: h, minute: m, second: s });
      if (ms > now + 5 * MINUTE) ms = this.fromWall({ ...(this.inputZone === 'utc' ? utcWall(ms - DAY) : this.wall(ms - DAY)), hour: h, minute: m, second: s });
      return ms;
    }
    const dt = DATE_TIME.exec(t);
    if (dt) {
      const w: WallClock = { year: Number(dt[1]), month: Number(dt[2]), day: Number(dt[3]), hour: Number(dt[4]), minute: Number(dt[5]), second: Number(dt[6] ?? 0) };
      if (w.month < 1 || w.month > 12 || w.day < 1 || w.day > 31 || w.hour > 23 || w.minute > 59 || w.second > 59) return undefined;
      const ms = this.fromWall(w);
      // 2026-02-31 rolls over in Date.UTC: not a real date.
      const back = this.inputZone === 'utc' ? utcWall(ms) : this.wall(ms);
      return back.day === w.day && back.month === w.month ? ms : undefined;
    }
    if (/^\d{4}-\d{2}-\d{2}T/.test(t) && HAS_ZONE.test(t)) {
      const ms = Date.parse(t);
      return Number.isNaN(ms) ? undefined : ms;
    }
    return undefined;
  }

  /** The local wall clock at an instant: UTC fields of the instant moved by the zone's offset. */
  private wall(ms: number): WallClock {
    return utcWall(ms + this.offsetAt(ms));
  }

  /** The instant a wall-clock time in the input zone stands for (the later one in a DST gap). */
  private fromWall(w: WallClock): number {
    const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
    if (this.inputZone === 'utc') return asUtc;
    let ms = asUtc - this.offsetAt(asUtc);
    ms = asUtc - this.offsetAt(ms);
    return ms;
  }

  private dayKey(ms: number, zone: string): string {
    const w = zone === 'UTC' ? utcWall(ms) : this.wall(ms);
    return `${w.year}-${w.month}-${w.day}`;
  }

  private format(ms: number, zone: string, seconds: boolean, withDate: boolean): string {
    const key = `${zone}|${seconds}|${withDate}`;
    let f = this.cache.get(key);
    if (!f) {
      f = new Intl.DateTimeFormat(this.style.locale, {
        timeZone: zone,
        hourCycle: 'h23',
        hour: '2-digit',
        minute: '2-digit',
        ...(seconds ? { second: '2-digit' } : {}),
        ...(withDate ? { year: 'numeric', month: 'short', day: 'numeric' } : {}),
      });
      this.cache.set(key, f);
    }
    return f.format(new Date(ms));
  }
}

function utcWall(ms: number): WallClock {
  const d = new Date(ms);
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds() };
}

/** Reads the setting; anything else is the default. */
export function parseTimeDisplay(value: unknown): TimeDisplay {
  return (TIME_DISPLAYS as readonly unknown[]).includes(value) ? (value as TimeDisplay) : 'localAndUtc';
}
