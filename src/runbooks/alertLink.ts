// Alert links: `vscode://oncall-runbooks.oncall-runbooks/alert?name=KubePodCrashLooping&namespace=prod&pod=api-7f9c`.
// `name` is the alert; `link` (optional) is where the alert itself can be seen; every other
// query parameter is one of the alert's labels. Labels fill the runbook's inputs of the same
// name (matched by `fillInputs` in placeholders.ts) as suggestions the engineer confirms; they
// go through exactly the checks and quoting typed values do. Nothing here runs anything.

export interface AlertLink {
  name: string;
  labels: Record<string, string>;
  /** Where the alert can be seen (Alertmanager, Grafana, PagerDuty), when the link carried it. */
  link?: string;
}

export const MAX_LABELS = 50;
const MAX_LABEL_NAME = 100;
const MAX_LABEL_VALUE = 4096;
const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_.:/-]*$/;
/** Query parameters that are not labels. */
const RESERVED = new Set(['name', 'alert', 'alertname', 'link']);

export type AlertLinkResult = { ok: true; alert: AlertLink; ignored: string[] } | { ok: false; reason: string };

/**
 * Reads an alert link's query. Labels with names that are not label names, repeated, or too
 * long are left out (and listed in `ignored`); values are kept as they are — whether a value
 * can be used is decided when it fills an input, by the same rules as a typed value.
 */
export function parseAlertQuery(query: string): AlertLinkResult {
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(query);
  } catch {
    return { ok: false, reason: 'the link cannot be read' };
  }
  const name = (params.get('name') ?? params.get('alertname') ?? params.get('alert') ?? '').trim();
  if (!name) return { ok: false, reason: 'the link names no alert (`name=` is missing)' };
  if (name.length > 300) return { ok: false, reason: 'the alert name is too long' };
  const labels: Record<string, string> = Object.create(null) as Record<string, string>;
  const ignored: string[] = [];
  const seen = new Set<string>();
  for (const [key, value] of params) {
    if (RESERVED.has(key.toLowerCase())) continue;
    const shown = key.slice(0, 40);
    if (!LABEL_NAME.test(key) || key.length > MAX_LABEL_NAME || key === '__proto__' || key === 'constructor' || key === 'prototype') {
      ignored.push(`${shown} (not a label name)`);
    } else if (seen.has(key)) {
      ignored.push(`${shown} (given twice)`);
      delete labels[key];
    } else if (value.length > MAX_LABEL_VALUE) {
      ignored.push(`${shown} (value too long)`);
    } else if (Object.keys(labels).length >= MAX_LABELS) {
      ignored.push(`${shown} (more than ${MAX_LABELS} labels)`);
    } else {
      labels[key] = value;
    }
    seen.add(key);
  }
  const link = params.get('link')?.trim();
  const alert: AlertLink = { name, labels: { ...labels }, ...(link && /^https?:\/\//i.test(link) && link.length <= 2000 ? { link } : {}) };
  return { ok: true, alert, ignored };
}

/** `namespace=prod, pod=api-7f9c` (values cut for display). */
export function describeLabels(labels: Readonly<Record<string, string>>, max = 6): string {
  const entries = Object.entries(labels);
  const visible = (v: string) => v.replace(/[\x00-\x1f\x7f-\x9f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  const shown = entries.slice(0, max).map(([k, v]) => `${k}=${visible(v.length > 40 ? `${v.slice(0, 39)}…` : v)}`);
  return entries.length > max ? `${shown.join(', ')}, +${entries.length - max} more` : shown.join(', ');
}
