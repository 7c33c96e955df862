// Nothing committed names a folder on the engineer's machine: before a post-mortem is drafted
// or its journal exported, every text in the events has the workspace folders made relative
// (`/home/ana/src/runbooks/db/pool.md` → `db/pool.md`) and the home folder written `~`.

export interface LocalRoot {
  /** An absolute folder. */
  path: string;
  /** What it becomes: `''` makes paths under it relative; `~` for the home folder. */
  replacement: string;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function replacer(roots: readonly LocalRoot[]): (text: string) => string {
  const usable = roots
    .filter((r) => r.path.length > 1)
    .flatMap((r) => {
      const trimmed = r.path.replace(/[\\/]+$/, '');
      const variants = new Set([trimmed, trimmed.replace(/\\/g, '/'), trimmed.replace(/\//g, '\\')]);
      return [...variants].map((p) => ({ path: p, replacement: r.replacement }));
    })
    .sort((a, b) => b.path.length - a.path.length);
  if (usable.length === 0) return (t) => t;
  // The root, then a separator (a path below it) or the end of the name (the folder itself).
  const pattern = new RegExp(`(${usable.map((r) => escape(r.path)).join('|')})(?:([\\\\/])|(?![A-Za-z0-9._-]))`, 'g');
  const byPath = new Map(usable.map((r) => [r.path, r.replacement]));
  return (text) =>
    text.replace(pattern, (_m, root: string, sep: string | undefined) => {
      const replacement = byPath.get(root) ?? '';
      if (replacement === '') return sep ? '' : '.';
      return `${replacement}${sep ? '/' : ''}`;
    });
}

/** A deep copy of `value` with local folders taken out of every string (keys are left alone). */
export function withoutLocalPaths<T>(value: T, roots: readonly LocalRoot[]): T {
  const fix = replacer(roots);
  const walk = (v: unknown): unknown => {
    if (typeof v === 'string') return fix(v);
    if (Array.isArray(v)) return v.map(walk);
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, walk(x)]));
    return v;
  };
  return walk(value) as T;
}
