// Times and names as a post-mortem shows them: always UTC, always saying so.

/** `2026-11-24 14:05:09` from an ISO time (UTC); the raw text when it is not a valid time. */
export function utcDateTime(iso: string): string {
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

/** `2026-11-24 14:05 UTC`: a time in prose, with the offset named. */
export function utcLabel(iso: string | undefined): string {
  if (!iso) return '';
  const ms = Date.parse(iso);
  if (Number.isNaN(ms)) return iso;
  return `${new Date(ms).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** The UTC calendar day of an ISO time, `YYYY-MM-DD`. */
export function utcDay(iso: string): string | undefined {
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString().slice(0, 10);
}

/** Minutes with one decimal, for front matter numbers. */
export function minutes(ms: number): number {
  return Math.round(ms / 6_000) / 10;
}

/** A file-name-safe slug of a title: lower-case ASCII words joined by `-`, at most 60 characters. */
export function slugify(title: string): string {
  const ascii = title
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  const cut = ascii.length > 60 ? ascii.slice(0, 60).replace(/-[^-]*$/, '') : ascii;
  return cut || 'incident';
}

/** An id made safe for a file name: no separators, no leading dot. */
export function safeFileId(id: string): string {
  const safe = id.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+/, '');
  return safe.slice(0, 80) || 'incident';
}
