// Crafted markdown for the parse guard: inputs on which markdown parsers (or backtracking
// regular expressions) are slow or hungry, each scaled to about `size` characters. Used by
// bench/guard.bench.ts and by the real-editor test that opens one in the editor.

/** Repeats `unit` until the text is about `size` long. */
const fill = (unit: string, size: number, head = '', tail = '') => head + unit.repeat(Math.max(1, Math.floor((size - head.length - tail.length) / unit.length))) + tail;

/** One hostile file per kind of hazard, by name. */
export const crafted: Record<string, (size: number) => string> = {
  'nested lists, one line': (n) => fill('- ', n, '# Crafted\n\n', 'x\n'),
  'nested lists, indented': (n) => {
    const lines: string[] = ['# Crafted', ''];
    let size = 0;
    for (let i = 0; size < n; i++) {
      const line = `${' '.repeat(2 * (i % 2000))}- level`;
      lines.push(line);
      size += line.length + 1;
    }
    return lines.join('\n');
  },
  'nested block quotes': (n) => fill('> ', n, '# Crafted\n\n', 'x\n'),
  'emphasis openers and closers': (n) => fill('*a_ ', n, '# Crafted\n\n'),
  'nested images': (n) => {
    const k = Math.floor((n - 20) / 6);
    return `# Crafted\n\n${'!['.repeat(k)}a${'](b)'.repeat(k)}\n`;
  },
  'link openers': (n) => fill('[a ', n, '# Crafted\n\n'),
  'unclosed links': (n) => fill('[a](b', n, '# Crafted\n\n'),
  'backtick runs': (n) => {
    const parts: string[] = ['# Crafted', ''];
    let size = 0;
    for (let i = 0; size < n; i++) {
      const part = `e${'`'.repeat((i % 300) + 1)}`;
      parts.push(part);
      size += part.length;
    }
    return parts.join('');
  },
  'table, many columns': (n) => {
    const cols = 2000;
    const head = `|${'a|'.repeat(cols)}\n|${'-|'.repeat(cols)}\n`;
    return head + fill('| *x [y |\n', n - head.length);
  },
  'old fence pattern (backtracking)': (n) => fill(`- ${' -  '.repeat(30)}x\`\`\n`, n, '# Crafted\n\n'),
  'dense balanced emphasis': (n) => fill('*a* [b](c) _d_ ', n, '# Crafted\n\n'),
  'one long block quote': (n) => fill('> quoted line with *some* text\n', n, '# Crafted\n\n'),
  'hostile front matter': (n) => `---\n${fill('[', 60_000)}\n---\n${fill('*a ', n - 60_010)}`,
  'binary': (n) => fill('\u0000\u0001\u0002PNG', n),
};
