// Small runtime shape checks for plain JSON data (journal records, webview messages).
// Each check returns an error message, or undefined when the value fits.

export type Check = (value: unknown) => string | undefined;

export const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

export function str(opts: { max?: number; min?: number; pattern?: RegExp } = {}): Check {
  return (v) => {
    if (typeof v !== 'string') return 'not a string';
    if (opts.min !== undefined && v.length < opts.min) return `shorter than ${opts.min}`;
    if (opts.max !== undefined && v.length > opts.max) return `longer than ${opts.max}`;
    if (opts.pattern && !opts.pattern.test(v)) return 'does not match the expected form';
    return undefined;
  };
}

export function oneOf<T extends string>(values: readonly T[]): Check {
  return (v) => (typeof v === 'string' && (values as readonly string[]).includes(v) ? undefined : `not one of ${values.join(', ')}`);
}

export function int(opts: { min?: number; max?: number } = {}): Check {
  return (v) => {
    if (typeof v !== 'number' || !Number.isInteger(v)) return 'not an integer';
    if (opts.min !== undefined && v < opts.min) return `below ${opts.min}`;
    if (opts.max !== undefined && v > opts.max) return `above ${opts.max}`;
    return undefined;
  };
}

export function num(opts: { min?: number; max?: number } = {}): Check {
  return (v) => {
    if (typeof v !== 'number' || !Number.isFinite(v)) return 'not a finite number';
    if (opts.min !== undefined && v < opts.min) return `below ${opts.min}`;
    if (opts.max !== undefined && v > opts.max) return `above ${opts.max}`;
    return undefined;
  };
}

export const bool: Check = (v) => (typeof v === 'boolean' ? undefined : 'not a boolean');

export function nullable(check: Check): Check {
  return (v) => (v === null ? undefined : check(v));
}

export function arrayOf(check: Check, maxItems = 10_000): Check {
  return (v) => {
    if (!Array.isArray(v)) return 'not an array';
    if (v.length > maxItems) return `more than ${maxItems} items`;
    for (let i = 0; i < v.length; i++) {
      const e = check(v[i]);
      if (e) return `[${i}] ${e}`;
    }
    return undefined;
  };
}

/** Required fields, optional fields (`undefined` allowed); extra keys are refused when `exact`. */
export function object(required: Record<string, Check>, optional: Record<string, Check> = {}, exact = true): Check {
  return (v) => {
    if (!isRecord(v)) return 'not an object';
    for (const [k, check] of Object.entries(required)) {
      if (!Object.prototype.hasOwnProperty.call(v, k)) return `missing ${k}`;
      const e = check(v[k]);
      if (e) return `${k}: ${e}`;
    }
    for (const [k, check] of Object.entries(optional)) {
      if (!Object.prototype.hasOwnProperty.call(v, k) || v[k] === undefined) continue;
      const e = check(v[k]);
      if (e) return `${k}: ${e}`;
    }
    if (exact) {
      for (const k of Object.keys(v)) {
        // Own-property checks: `in` would accept `__proto__`, `constructor` and friends.
        if (!Object.prototype.hasOwnProperty.call(required, k) && !Object.prototype.hasOwnProperty.call(optional, k)) {
          return `unexpected field ${k.slice(0, 40)}`;
        }
      }
    }
    return undefined;
  };
}

/** An ISO 8601 UTC timestamp as `Date.toISOString()` writes it. */
export const isoTime: Check = (v) => {
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/.test(v)) return 'not an ISO UTC time';
  return Number.isNaN(Date.parse(v)) ? 'not a valid date' : undefined;
};
