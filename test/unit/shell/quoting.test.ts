import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { CommandTextError, prepareCommand, renderCommand, type RenderedCommand } from '../../../src/shell/commandText';
import { MAX_VALUE_LENGTH, quoteAnsiC, quotePosix, refuseValue, shellDialect } from '../../../src/shell/quote';
import { hasShell, placeholdersOf, records, runScript, tempDir, typeIntoInteractiveBash } from './shells';


/** Block templates that print `<v>` in different quote contexts, NUL-terminated; `expect` gives what comes back. */
interface Template {
  name: string;
  text: string;
  expect: (v: string) => string;
  /** Runs in dash too (no `$'…'`). */
  posix: boolean;
  /** Forks a subshell per value (slow): the property run uses it for this many values only. */
  limit?: number;
}

const TEMPLATES: Template[] = [
  { name: 'unquoted', text: "printf '%s\\0' <v>", expect: (v) => v, posix: true },
  { name: 'single quotes', text: "printf '%s\\0' 'a <v> b'", expect: (v) => `a ${v} b`, posix: true },
  { name: 'double quotes', text: 'printf \'%s\\0\' "a <v> b"', expect: (v) => `a ${v} b`, posix: true },
  { name: 'command substitution in double quotes', text: 'printf \'%s\\0\' "$(printf \'%s\' <v>)"', expect: (v) => v, posix: true, limit: 1000 },
  { name: 'here-document', text: "IFS= read -r x <<EOF\n<v>\nEOF\nprintf '%s\\0' \"$x\"", expect: (v) => v, posix: true },
  { name: 'quoted here-document', text: "IFS= read -r x <<'EOF'\n<v>\nEOF\nprintf '%s\\0' \"$x\"", expect: (v) => v, posix: true },
  { name: 'ANSI-C quotes', text: "printf '%s\\0' $'t\\t<v>'", expect: (v) => `t\t${v}`, posix: false },
  { name: 'comment', text: "printf '%s\\0' ok # <v>", expect: () => 'ok', posix: true },
];

const PREPARED = TEMPLATES.map((t) => ({ ...t, template: prepareCommand({ text: t.text, placeholders: placeholdersOf(t.text), lang: 'bash' }) }));

function render(t: (typeof PREPARED)[number], v: string): RenderedCommand | null {
  try {
    return renderCommand(t.template, { v }, { allowDash: true });
  } catch (err) {
    if (err instanceof CommandTextError && /end the here-document early/.test(err.message)) return null;
    throw err;
  }
}

/**
 * dash 0.5.12 loses the first byte of a non-ASCII character that follows a prefix of the
 * delimiter at the start of a here-document line (`E` + `é` reads back as `E` + 0xA9), with or
 * without our quoting (shown below). Our terminal never runs dash, so those values are left
 * out of dash's here-document runs only.
 */
const DASH_HEREDOC_BUG = /^(E|EO|EOF)[^\x00-\x7f]/u;

/** Runs every value through every template in bash (the steps, as sent) and dash (the text, as copied). */
function roundTrip(values: string[], dir: string): { bashMismatches: string[]; dashMismatches: string[] } {
  const bashScript: string[] = [];
  const bashExpected: string[] = [];
  const dashScript: string[] = [];
  const dashExpected: string[] = [];
  for (const [index, v] of values.entries()) {
    for (const t of PREPARED) {
      if (t.limit !== undefined && index >= t.limit) continue;
      const r = render(t, v);
      if (!r) continue;
      bashScript.push(...r.steps);
      bashExpected.push(t.expect(v));
      if (t.posix && !(t.name.includes('here-document') && DASH_HEREDOC_BUG.test(v))) {
        dashScript.push(r.text);
        dashExpected.push(t.expect(v));
      }
    }
  }
  const compare = (out: Buffer, expected: string[]) => {
    const got = records(out);
    const bad: string[] = [];
    if (got.length !== expected.length) bad.push(`${got.length} records for ${expected.length} expected`);
    for (let k = 0; k < Math.min(got.length, expected.length); k++) {
      if (!got[k].equals(Buffer.from(expected[k], 'utf8'))) bad.push(`${JSON.stringify(expected[k])} came back as ${JSON.stringify(got[k].toString('utf8'))}`);
      if (bad.length > 5) break;
    }
    return bad;
  };
  const bashMismatches = compare(runScript('bash', bashScript.join('\n') + '\n', dir), bashExpected);
  const dashMismatches = hasShell('dash') ? compare(runScript('dash', dashScript.join('\n') + '\n', dir), dashExpected) : ['dash is not installed'];
  return { bashMismatches, dashMismatches };
}

describe('shell quoting of placeholder values', () => {
  describe('refuseValue', () => {
    const refused: Array<[string, string, RegExp]> = [
      ['line feed', 'a\nb', /U\+000A \(line feed\)/],
      ['carriage return', 'a\rb', /U\+000D/],
      ['NUL', 'a\0b', /U\+0000 \(NUL\)/],
      ['Ctrl+C', '\x03', /Ctrl\+C/],
      ['Tab (completion)', 'a\tb', /Tab/],
      ['Escape (bracketed paste end)', '\x1b[201~', /Escape/],
      ['Delete', 'a\x7f', /U\+007F/],
      ['next line U+0085', 'a\u0085b', /U\+0085/],
      ['line separator U+2028', 'a\u2028b', /separator \(U\+2028\)/],
      ['paragraph separator U+2029', 'a\u2029b', /U\+2029/],
      ['bidi override', 'a\u202eb', /bidirectional/],
      ['unpaired surrogate', 'a\ud800b', /unpaired surrogate/],
      ['leading dash', '-rf', /starts with "-"/],
      ['too long', 'a'.repeat(MAX_VALUE_LENGTH + 1), /limit is/],
    ];
    for (const [name, value, reason] of refused) {
      it(`refuses ${name}`, () => assert.match(refuseValue(value) ?? '', reason));
    }
    it('accepts a leading dash when the runbook allows it, and ordinary hostile text', () => {
      assert.equal(refuseValue('-n', { allowDash: true }), null);
      assert.equal(refuseValue(`it's "$(x)" \`y\` ; | & ! 🔥 中文 ${'a'.repeat(100)}`), null);
      assert.equal(refuseValue(''), null);
      assert.equal(refuseValue('a'.repeat(MAX_VALUE_LENGTH)), null);
    });
  });

  it('quotes POSIX-style and knows which shells take it', () => {
    assert.equal(quotePosix(''), "''");
    assert.equal(quotePosix("it's"), "'it'\\''s'");
    assert.equal(shellDialect('/usr/bin/zsh'), 'posix');
    assert.equal(shellDialect('C:\\Program Files\\Git\\bin\\bash.exe'), 'posix');
    assert.equal(shellDialect('/usr/bin/fish'), undefined);
    assert.equal(shellDialect('pwsh'), undefined);
    assert.equal(quoteAnsiC("a'b\\c\nd\te"), "$'a\\x27b\\\\c\\nd\\te'");
  });

  it('yields exactly the typed value in every quote context of the runbook (bash and dash, a few fixed values)', function () {
    const { dir, remove } = tempDir('oncall-quote-');
    try {
      const { bashMismatches, dashMismatches } = roundTrip(["it's", 'a "b" c', '$HOME `x` $(y) \\ !', '', ' spaced  out ', '🔥 中文'], dir);
      assert.deepEqual(bashMismatches, []);
      assert.deepEqual(dashMismatches, []);
    } finally {
      remove();
    }
  });

  it('documents the dash here-document bug that the dash runs step around (plain heredoc, no substitution)', function () {
    if (!hasShell('dash')) this.skip();
    const { dir, remove } = tempDir('oncall-dash-');
    try {
      const out = runScript('dash', "IFS= read -r x <<EOF\nE\u00e9\nEOF\nprintf '%s' \"$x\"\n", dir);
      // If this starts failing, dash was fixed: drop DASH_HEREDOC_BUG.
      assert.deepEqual([...out], [0x45, 0xa9]);
    } finally {
      remove();
    }
  });

  const PROPERTY_RUNS = 10_000;
  it(`property: ${PROPERTY_RUNS} random accepted strings × ${TEMPLATES.length} contexts (the subshell one on 1,000) come back byte for byte from real bash and dash`, function () {
    this.timeout(180_000);
    const special = [..."'\"\\$`!;|&(){}[]<>*?~#=%^ ,.:/@-+_"];
    const char = fc.oneof(
      { weight: 6, arbitrary: fc.constantFrom(...special, 'EOF', '$(', '${', '\\\'', "'\\''") },
      { weight: 3, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 }) },
      { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
    );
    const all = fc.sample(fc.string({ unit: char, maxLength: 24 }), { numRuns: PROPERTY_RUNS * 2, seed: 20240601 });
    const accepted = all.filter((v) => refuseValue(v, { allowDash: true }) === null).slice(0, PROPERTY_RUNS);
    const refused = all.filter((v) => refuseValue(v, { allowDash: true }) !== null);
    assert.equal(accepted.length, PROPERTY_RUNS, 'enough accepted values were generated');
    // Every refused value is refused by render too: it never reaches a shell.
    for (const v of refused.slice(0, 500)) {
      assert.throws(() => renderCommand(PREPARED[0].template, { v }, { allowDash: true }), CommandTextError);
    }
    const { dir, remove } = tempDir('oncall-prop-');
    try {
      const { bashMismatches, dashMismatches } = roundTrip(accepted, dir);
      assert.deepEqual(bashMismatches, []);
      assert.deepEqual(dashMismatches, []);
    } finally {
      remove();
    }
  });

  describe('hostile values: each refused, or printed back exactly without side effects', () => {
    const HOSTILE: string[] = [
      '$(touch canary)', '`touch canary`', "'; touch canary; '", '"; touch canary; "', "'$(touch canary)'",
      '"$(touch canary)"', "\\'; touch canary #", '; touch canary', '| touch canary', '|| touch canary',
      '&& touch canary', '& touch canary &', '> canary', '>> canary', '< /etc/passwd',
      '$((1+1))$(touch canary)', '${IFS}touch${IFS}canary', '!!', '!-1', '!touch', '^touch^touch canary',
      'touch canary\n', 'a\rtouch canary', '\u2028touch canary', '\u2029', '\u0085touch canary',
      '\x1b[201~; touch canary', '\x1b[200~', '\x03', '\x04', 'a\0touch canary', '\ttouch canary', '\x7f',
      '-rf', '--help', '-', '*', '~root', '{a,b}', '$HOME', '\\', "\\'", "'", '"', 'EOF',
      'it\'s "quoted" \\ $x', '🔥 ünïcödé 中文', 'a\u202etouch canary', "$'\\x41'", '%s%n', '#', ' leading', 'trailing ',
      '', '``', '$(IFS=_;c=touch_canary;$c)', ';', "'\\''", 'x'.repeat(9_980) + '$(touch canary)', 'y'.repeat(MAX_VALUE_LENGTH + 1),
    ];

    it(`has at least 40 values (${HOSTILE.length})`, () => assert.ok(HOSTILE.length >= 40));

    it('refuses the control characters, separators, leading dashes and oversize values with reasons', () => {
      const refused = HOSTILE.filter((v) => refuseValue(v) !== null);
      // Everything with a control character, a separator, a bidi control, a leading dash or oversize.
      const expected = HOSTILE.filter((v) => /[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e]/.test(v) || v.startsWith('-') || v.length > MAX_VALUE_LENGTH);
      assert.deepEqual(refused, expected);
      assert.ok(refused.length >= 15, `${refused.length} refused`);
    });

    it('runs the others in bash and dash (non-interactive) exactly, and the canary never appears', function () {
      this.timeout(60_000);
      const { dir, remove } = tempDir('oncall-hostile-');
      try {
        const inert = HOSTILE.filter((v) => refuseValue(v) === null);
        const { bashMismatches, dashMismatches } = roundTrip(inert, dir);
        assert.deepEqual(bashMismatches, []);
        assert.deepEqual(dashMismatches, []);
        assert.equal(existsSync(join(dir, 'canary')), false, 'the canary file was created');
      } finally {
        remove();
      }
    });

    it('types them into an interactive bash on a pty (readline, history expansion) exactly, canary never appears', function () {
      this.timeout(60_000);
      if (!hasShell('script')) this.skip();
      const { dir, remove } = tempDir('oncall-pty-');
      try {
        const out = join(dir, 'out');
        // Lines longer than the pty's 4 KiB line buffer are left to the non-interactive test:
        // typed ahead while a command runs, the kernel truncates them (see the report).
        const inert = HOSTILE.filter((v) => refuseValue(v) === null && v.length < 1000);
        const lines: string[] = [];
        const expected: string[] = [];
        for (const v of inert) {
          for (const t of PREPARED) {
            const r = render(t, v);
            if (!r) continue;
            lines.push(...r.steps.map((s) => `${s} >> ${quotePosix(out)}`.replace(/\n/g, ' ')));
            expected.push(t.expect(v));
          }
        }
        // Redirect each command's output: steps are single lines, so appending `>> out` to the
        // last command of each step is enough when each template prints once per step.
        const got = records(typeIntoInteractiveBash(lines, dir, out));
        assert.deepEqual(got.map((b) => b.toString('utf8')), expected);
        assert.equal(existsSync(join(dir, 'canary')), false, 'the canary file was created');
      } finally {
        remove();
      }
    });
  });
});
