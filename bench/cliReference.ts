// The reference the CLI is measured against (bench/cli.bench.ts), bundled and run as its own
// process like the CLI: every markdown file under a folder, read and parsed one after the other
// on one thread with remark + all of remark-gfm, front matter with yaml. `--read-only`: only
// list and read the files (the floor).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { remark } from 'remark';
import remarkGfm from 'remark-gfm';
import { parseDocument } from 'yaml';

function listMarkdown(dir: string): string[] {
  const out: string[] = [];
  const stack = [dir];
  while (stack.length > 0) {
    const d = stack.pop() as string;
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.name === 'node_modules' || e.name === '.git') continue;
      const p = join(d, e.name);
      if (e.isDirectory()) stack.push(p);
      else if (/\.(md|markdown)$/i.test(e.name)) out.push(p);
    }
  }
  return out;
}

const [dir, mode] = process.argv.slice(2);
const files = listMarkdown(dir as string);
let bytes = 0;
let nodes = 0;
const processor = remark().use(remarkGfm).freeze();
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  bytes += text.length;
  if (mode === '--read-only') continue;
  const m = /^---\n([\s\S]*?)\n---\n/.exec(text);
  if (m) parseDocument(m[1] as string).toJS();
  nodes += processor.parse(m ? text.slice(m[0].length) : text).children.length;
}
process.stdout.write(`${files.length} files, ${bytes} chars, ${nodes} top-level nodes\n`);
