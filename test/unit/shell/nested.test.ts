// Placeholder values in text that a second (and third) shell reads again: `sh -c '…'`,
// `ssh host "…"`, `kubectl exec … -- sh -c '…'`, `eval`, a here-document into `sh` …
// The proof runs the rendered commands in real shells (bash for the terminal; dash, bash, zsh,
// ksh inside), with stand-ins for the far side of ssh, kubectl, docker, su, sudo, watch and
// nsenter (standins.ts): every value the product accepts is printed back byte for byte by
// the innermost shell, and no value ever creates a canary file.
import { strict as assert } from 'node:assert';
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { CommandTextError, prepareCommand, renderCommand, type CommandTemplate } from '../../../src/shell/commandText';
import { SAFE_VALUE } from '../../../src/shell/nesting';
import { refuseValue } from '../../../src/shell/quote';
import { hasShell, placeholdersOf, runContained, tempDir } from './shells';
import { writeStandIns } from './standins';

/** Single-quoted for a POSIX shell (the test's own, independent of the product's). */
const sq = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
/** Double-quoted for a POSIX shell. */
const dq = (s: string) => `"${s.replace(/[\\$`"]/g, '\\$&')}"`;
/** Escaped for the body of an unquoted here-document. */
const hd = (s: string) => s.replace(/[\\$`]/g, '\\$&');

/** A place where a shell reads text again: wraps the text that shell must read. */
interface Context {
  name: string;
  wrap: (inner: string) => string;
  /** The product cannot prove the text: only SAFE_VALUE values may pass. */
  charset?: boolean;
}

const LOCK = 'flock.lock';
const CONTEXTS: Context[] = [
  { name: 'sh -c (single quotes)', wrap: (i) => `sh -c ${sq(i)}` },
  { name: 'sh -c (double quotes)', wrap: (i) => `sh -c ${dq(i)}` },
  { name: 'bash -c', wrap: (i) => `bash -c ${sq(i)}` },
  { name: 'dash -c', wrap: (i) => `dash -c ${dq(i)}` },
  { name: 'zsh -c', wrap: (i) => `zsh -c ${sq(i)}` },
  { name: 'ksh -c', wrap: (i) => `ksh -c ${dq(i)}` },
  { name: 'eval', wrap: (i) => `eval ${sq(i)}` },
  { name: 'ssh [options] host', wrap: (i) => `ssh -p 2222 -o BatchMode=yes ops@db1 ${sq(i)}` },
  { name: 'ssh host "…"', wrap: (i) => `ssh db1 ${dq(i)}` },
  { name: 'su -c', wrap: (i) => `su - postgres -c ${sq(i)}` },
  { name: 'sudo [options] sh -c', wrap: (i) => `sudo -u root sh -c ${sq(i)}` },
  { name: 'kubectl exec -- sh -c', wrap: (i) => `kubectl -n payments exec -it api-0 -c app -- sh -c ${sq(i)}` },
  { name: 'oc exec -- bash -c', wrap: (i) => `oc exec api-0 -- bash -c ${dq(i)}` },
  { name: 'docker exec sh -c', wrap: (i) => `docker exec -i -u root web sh -c ${sq(i)}` },
  { name: 'podman exec bash -c', wrap: (i) => `podman exec web bash -c ${dq(i)}` },
  { name: 'xargs sh -c', wrap: (i) => `xargs sh -c ${sq(i)} _ </dev/null` },
  { name: 'find -exec sh -c', wrap: (i) => `find . -maxdepth 0 -exec sh -c ${sq(i)} \\;` },
  { name: 'watch', wrap: (i) => `watch -n 5 ${sq(i)}` },
  { name: 'timeout N sh -c', wrap: (i) => `timeout 60 sh -c ${sq(i)}` },
  { name: 'env sh -c', wrap: (i) => `env LC_ALL=C.UTF-8 sh -c ${sq(i)}` },
  { name: 'nsenter sh -c', wrap: (i) => `nsenter -t 1 -m -u sh -c ${sq(i)}` },
  { name: 'flock -c', wrap: (i) => `flock ${LOCK} -c ${sq(i)}` },
  { name: "here-document into sh (<<'EOF')", wrap: (i) => `sh <<'EOF'\n${i}\nEOF` },
  { name: 'here-document into ssh (<<REMOTE)', wrap: (i) => `ssh db1 <<REMOTE\n${hd(i)}\nREMOTE` },
  { name: "kubectl exec -i -- sh <<'POD'", wrap: (i) => `kubectl exec -i api-0 -- sh <<'POD'\n${i}\nPOD` },
];

/** Where the product cannot know the text the next shell reads: values are limited, not quoted. */
const CHARSET_CONTEXTS: Context[] = [
  { name: 'sh -c "… $X …" (expanded first)', wrap: (i) => `X=:; sh -c ${dq(i).replace(/^"/, '"$X; ')}`, charset: true },
  { name: 'echo "…" | sh (printed into a shell)', wrap: (i) => `echo ${dq(i)} | sh`, charset: true },
];

/**
 * The innermost command, printing each value on its own line, in one of four quote contexts.
 * In the here-document each line starts with `=`: dash 0.5.12 loses a byte of a non-ASCII
 * character that follows a prefix of the delimiter at the start of a line (see quoting.test.ts).
 */
const PRINTERS: Array<(names: string[]) => string> = [
  (names) => `printf '%s\\n' ${names.map((n) => `<${n}>`).join(' ')}`,
  (names) => `printf '%s\\n' ${names.map((n) => `"<${n}>"`).join(' ')}`,
  (names) => `printf '%s\\n' ${names.map((n) => `'<${n}>'`).join(' ')}`,
  (names) => `cat <<END\n${names.map((n) => `=<${n}>`).join('\n')}\nEND`,
];
const LINE_PREFIX = ['', '', '', '='];

/** Random and hostile values: quotes, expansions, separators, canary payloads, unicode, control characters. */
function values(count: number): string[] {
  const pieces = [
    '$(touch canary)', '`touch canary`', ';touch canary;', '&& touch canary', '| touch canary', "'; touch canary; '",
    '"; touch canary; "', "'\\''", '"\'"\'"', '\\', "\\'", '\\"', '$', '${IFS}', '$((1))', '!!', '#', '~', '*', '?',
    '[a]', '{a,b}', '(', ')', '<', '>', '>>', '&', '|', ';', '=', ' ', '  ', 'EOF', 'END', '\n', '\t', '\r', '\x1b[201~',
    '-', '--', '-rf', '%', 'é', '🔥', '中文', '\u202e', "'", '"', 'a', 'b1', 'value', '.', '/', ':', '@', '+', ',', '_',
  ];
  const piece = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...pieces) },
    { weight: 3, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 3 }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
  );
  const value = fc.array(piece, { maxLength: 8 }).map((p) => p.join(''));
  return fc.sample(value, { numRuns: count, seed: 20_261_124 });
}

interface Case {
  name: string;
  levels: 1 | 2;
  charset: boolean;
  build: (names: string[], printer: number) => string;
}

function cases(): Case[] {
  const out: Case[] = [];
  CONTEXTS.forEach((c, k) => {
    out.push({ name: c.name, levels: 1, charset: false, build: (names, p) => c.wrap(PRINTERS[p](names)) });
    // Two levels: this context around the next one (so each context is outer once and inner once).
    const inner = CONTEXTS[(k + 1) % CONTEXTS.length];
    out.push({ name: `${c.name} › ${inner.name}`, levels: 2, charset: false, build: (names, p) => c.wrap(inner.wrap(PRINTERS[p](names))) });
  });
  out.push({ name: `ssh host "sh -c '…'"`, levels: 2, charset: false, build: (names, p) => `ssh db1 ${dq(`sh -c ${sq(PRINTERS[p](names))}`)}` });
  for (const c of CHARSET_CONTEXTS) {
    out.push({ name: c.name, levels: 1, charset: true, build: (names, p) => c.wrap(PRINTERS[p](names)) });
    out.push({ name: `ssh host › ${c.name}`, levels: 2, charset: true, build: (names, p) => `ssh db1 ${sq(c.wrap(PRINTERS[p](names)))}` });
  }
  return out;
}

function prepare(text: string): CommandTemplate {
  return prepareCommand({ text, placeholders: placeholdersOf(text), lang: 'bash' });
}

interface Tally {
  tried: number;
  accepted: number;
  refused: number;
  refusedBySet: number;
}

/** The values refused in a batch, by index, with the product's reason (each reason names its placeholder `<vN>`). */
function refusedIn(err: CommandTextError): Map<number, string> {
  const out = new Map<number, string>();
  for (const reason of err.reasons) {
    const m = /^the value for <v(\d+)>/.exec(reason);
    if (!m) throw err;
    out.set(Number(m[1]), reason);
  }
  return out;
}

/** Values per batch (one shell process chain runs a whole batch), by levels; halved where a command word would grow too long. */
const BATCH = { 1: 700, 2: 300 };
/** Stands in the run for a value the product refused (it never reaches a shell). */
const FILLER = 'refused';

/**
 * One case: value k goes through printer k mod 4; values are rendered in batches (one
 * placeholder per value). A batch the product refuses names each refused value, which is
 * counted and replaced by FILLER for the run.
 */
function planCase(c: Case, all: string[], tally: Tally): { batches: string[][]; expected: string[][]; problems: string[] } {
  const problems: string[] = [];
  const batches: string[][] = [];
  const expected: string[][] = [];
  const judge = (v: string, reason: string | undefined) => {
    tally.tried++;
    if (reason === undefined) {
      tally.accepted++;
      if (c.charset && !SAFE_VALUE.test(v)) problems.push(`${c.name}: accepted ${JSON.stringify(v)} outside the safe set`);
      return;
    }
    tally.refused++;
    if (refuseValue(v, { allowDash: true }) !== null || /replaces `\{\}`/.test(reason)) return;
    tally.refusedBySet++;
    if (!c.charset) problems.push(`${c.name}: refused ${JSON.stringify(v)} (${reason})`);
    else if (!/is in text that .*(sh|shell)/.test(reason)) problems.push(`${c.name}: the refusal does not name the reader: ${reason}`);
  };
  /** Renders a batch; a refused value is named by the product and stands as `FILLER` in the batch that runs. */
  const flush = (batch: string[], printer: number): void => {
    if (!batch.length) return;
    const names = batch.map((_, k) => `v${k}`);
    const template = prepare(c.build(names, printer));
    const render = (values: string[]) => renderCommand(template, Object.fromEntries(values.map((v, k) => [`v${k}`, v])), { allowDash: true });
    let refused = new Map<number, string>();
    let rendered;
    try {
      rendered = render(batch);
    } catch (err) {
      if (!(err instanceof CommandTextError)) throw err;
      refused = refusedIn(err);
    }
    const sent = batch.map((v, k) => (refused.has(k) ? FILLER : v));
    rendered ??= render(sent);
    // One word of a command may not exceed 128 KiB (MAX_ARG_STRLEN): split a batch that would.
    if (rendered.steps.some((step) => Buffer.byteLength(step) > 100_000) && batch.length > 1) {
      flush(batch.slice(0, batch.length >> 1), printer);
      flush(batch.slice(batch.length >> 1), printer);
      return;
    }
    batch.forEach((v, k) => judge(v, refused.get(k)));
    batches.push(rendered.steps);
    expected.push(sent.map((v) => LINE_PREFIX[printer] + v));
  };
  // Batches of values per shell process.
  for (let printer = 0; printer < PRINTERS.length; printer++) {
    const mine = all.filter((_, k) => k % PRINTERS.length === printer);
    for (let k = 0; k < mine.length; k += BATCH[c.levels]) flush(mine.slice(k, k + BATCH[c.levels]), printer);
  }
  return { batches, expected, problems };
}

/** Seconds one batch may run (each batch runs under `timeout`, in its own process group). */
const BATCH_SECONDS = 60;

/**
 * Runs each batch's lines (the steps the terminal would get) in a non-interactive bash, the
 * terminal's shell, with the stand-ins first on PATH, contained (shells.ts runContained): each
 * batch from its own file under `timeout -s KILL` (its own process group) with its output
 * capped, the whole case in a process group that is killed when it ends. Splits the output by
 * batch.
 */
async function runInBash(batches: string[][], expectedBytes: number, dir: string, bin: string): Promise<Map<number, string[]>> {
  const folder = join(dir, 'batches');
  rmSync(folder, { recursive: true, force: true });
  mkdirSync(folder);
  const script = batches.map((steps, k) => {
    writeFileSync(join(folder, `${k}.sh`), steps.join('\n') + '\n');
    return `printf '\\001%s\\n' ${k}\ntimeout -s KILL ${BATCH_SECONDS} bash batches/${k}.sh | head -c 8000000`;
  });
  const result = await runContained(script.join('\n') + '\n', {
    cwd: dir,
    env: { PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}`, HOME: dir, LC_ALL: 'C.UTF-8', SHELL: '/bin/sh' },
    timeoutMs: Math.max(120_000, batches.length * 15_000),
    maxOutputBytes: expectedBytes * 2 + 1_000_000,
  });
  const out = new Map<number, string[]>();
  let current: string[] | undefined;
  for (const line of result.stdout.toString('utf8').split('\n').slice(0, -1)) {
    if (line.startsWith('\x01')) out.set(Number(line.slice(1)), (current = []));
    else current?.push(line);
  }
  const err = [result.stopped ? `stopped: ${result.stopped}` : '', result.stderr].join('\n');
  if (err.trim()) out.set(-1, err.trim().split('\n').slice(0, 5));
  return out;
}

describe('placeholder values through nested shells', function () {
  const missing = ['bash', 'dash', 'zsh', 'ksh', 'flock', 'timeout', 'xargs', 'find'].filter((s) => !hasShell(s));

  it('has every shell it runs (installed by test/harness/setup-real-vscode.sh)', () => {
    assert.deepEqual(missing, []);
  });

  const VALUES = 10_000;
  it(`property: ${VALUES.toLocaleString('en')} random and hostile values × ${CONTEXTS.length} contexts × one and two levels (and ${CHARSET_CONTEXTS.length} unprovable contexts): every accepted value comes back byte for byte from the innermost shell, no canary`, async function () {
    if (missing.length) this.skip();
    this.timeout(900_000);
    const started = Date.now();
    const all = values(VALUES);
    const { dir, remove } = tempDir('oncall-nested-');
    try {
      const bin = join(dir, '.bin');
      writeStandIns(bin);
      writeFileSync(join(dir, LOCK), '');
      const tally: Tally = { tried: 0, accepted: 0, refused: 0, refusedBySet: 0 };
      const problems: string[] = [];
      const mismatches: string[] = [];
      const plans = cases().map((c) => ({ c, ...planCase(c, all, tally) }));
      for (const p of plans) problems.push(...p.problems);
      // One bash per case: its batches run one after the other.
      for (const plan of plans) {
        const expectedBytes = plan.expected.flat().reduce((n, v) => n + Buffer.byteLength(v) + 1, 0);
        const out = await runInBash(plan.batches, expectedBytes, dir, bin);
        if (out.has(-1)) mismatches.push(`${plan.c.name}: stderr: ${out.get(-1)!.join(' / ')}`);
        plan.expected.forEach((batch, k) => {
          const got = out.get(k) ?? [];
          if (got.length !== batch.length) mismatches.push(`${plan.c.name} batch ${k}: ${got.length} lines for ${batch.length} values`);
          for (let j = 0; j < Math.min(got.length, batch.length); j++) {
            if (got[j] !== batch[j]) mismatches.push(`${plan.c.name}: ${JSON.stringify(batch[j])} came back as ${JSON.stringify(got[j])}`);
          }
        });
      }
      const left = readdirSync(dir).filter((f) => !['.bin', 'run.sh', 'tmp', 'batches', LOCK].includes(f));
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      const contexts = cases().length;
      console.log(
        `      nested quoting: ${VALUES} values × ${contexts} context/level combinations = ${tally.tried} tries; accepted ${tally.accepted}, ` +
          `refused ${tally.refused} (${tally.refusedBySet} only by the conservative set where a level is unprovable); canary files: ${left.length}; ${seconds} s`,
      );
      assert.deepEqual(left, [], 'no file was created by a value (canary)');
      assert.deepEqual(problems.slice(0, 10), []);
      assert.deepEqual(mismatches.slice(0, 10), []);
      assert.ok(tally.accepted > tally.tried / 2, 'most values are accepted');
    } finally {
      remove();
    }
  });
});
