// Canonical JSON: object keys sorted, no whitespace, `undefined` members left out. The journal
// hashes exactly these bytes, so the same event always yields the same checksum.

export function canonicalJson(value: unknown): string {
  // Iterative (explicit stack) so a deeply nested `raw` field from a newer version cannot
  // overflow the call stack.
  const out: string[] = [];
  type Frame = { kind: 'value'; value: unknown } | { kind: 'text'; text: string };
  const stack: Frame[] = [{ kind: 'value', value }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    if (frame.kind === 'text') {
      out.push(frame.text);
      continue;
    }
    const v = frame.value;
    if (v === null || typeof v === 'boolean' || typeof v === 'string') {
      out.push(JSON.stringify(v));
    } else if (typeof v === 'number') {
      out.push(Number.isFinite(v) ? JSON.stringify(v) : 'null');
    } else if (Array.isArray(v)) {
      const parts: Frame[] = [{ kind: 'text', text: '[' }];
      v.forEach((item, i) => {
        if (i > 0) parts.push({ kind: 'text', text: ',' });
        parts.push({ kind: 'value', value: item === undefined || typeof item === 'function' ? null : item });
      });
      parts.push({ kind: 'text', text: ']' });
      for (let i = parts.length - 1; i >= 0; i--) stack.push(parts[i]);
    } else if (typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>)
        .filter(([, x]) => x !== undefined && typeof x !== 'function')
        .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      const parts: Frame[] = [{ kind: 'text', text: '{' }];
      entries.forEach(([k, x], i) => {
        parts.push({ kind: 'text', text: `${i > 0 ? ',' : ''}${JSON.stringify(k)}:` });
        parts.push({ kind: 'value', value: x });
      });
      parts.push({ kind: 'text', text: '}' });
      for (let i = parts.length - 1; i >= 0; i--) stack.push(parts[i]);
    } else {
      // bigint, symbol, function at the top level: not representable.
      out.push('null');
    }
  }
  return out.join('');
}
