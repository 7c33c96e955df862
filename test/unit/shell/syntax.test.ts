import { strict as assert } from 'node:assert';
import { prepareCommand, renderCommand } from '../../../src/shell/commandText';
import { findPlaceholders } from '../../../src/runbooks/placeholders';
import { parseShell } from '../../../src/shell/syntax';

const commandsOf = (text: string) => parseShell(text).commands.map((r) => text.slice(r.start, r.end).trim()).filter(Boolean);

describe('shell reader', () => {
  it('cuts top-level commands at newlines, not inside quotes, continuations, here-documents or compound commands', () => {
    const text = [
      'echo a',
      'kubectl get pods \\',
      '  -n x',
      "echo 'multi",
      "line'",
      'cat <<EOF',
      'body $(date)',
      'EOF',
      'for i in 1 2; do',
      '  echo $i',
      'done',
      'case "$x" in',
      '  a|b) echo ab ;;',
      '  *) echo other ;;',
      'esac',
      'f() {',
      '  echo in f',
      '}',
      '(cd /tmp',
      ' ls)',
      'a &&',
      '  b',
      'echo $(case y in y) echo nested ;; esac)',
    ].join('\n');
    assert.deepEqual(commandsOf(text), [
      'echo a',
      'kubectl get pods \\\n  -n x',
      "echo 'multi\nline'",
      'cat <<EOF\nbody $(date)\nEOF',
      'for i in 1 2; do\n  echo $i\ndone',
      'case "$x" in\n  a|b) echo ab ;;\n  *) echo other ;;\nesac',
      'f() {\n  echo in f\n}',
      '(cd /tmp\n ls)',
      'a &&\n  b',
      'echo $(case y in y) echo nested ;; esac)',
    ]);
    assert.equal(parseShell(text).incomplete, null);
  });

  it('reads two here-documents on one command, and <<- with tabs', () => {
    assert.deepEqual(commandsOf('paste <<A <<B\n1\nA\n2\nB\necho next\ncat <<-END\n\tx\n\tEND\necho last'), [
      'paste <<A <<B\n1\nA\n2\nB',
      'echo next',
      'cat <<-END\n\tx\n\tEND',
      'echo last',
    ]);
  });

  it('says why input is incomplete', () => {
    const cases: Array<[string, RegExp]> = [
      ['echo "open', /double quote is not closed/],
      ["echo $'open", /`\$'` quote is not closed/],
      ['echo $(date', /`\$\(` or `\(` is not closed/],
      ['echo `date', /backtick is not closed/],
      ['echo ${x', /`\$\{` is not closed/],
      ['while true; do', /`do … done` is not closed/],
      ['{ echo', /`\{ … \}` is not closed/],
      ['case x in', /`case … esac` is not closed/],
      ['a ||', /ends with `\|\|`/],
      ['cat <<EOF', /has no body/],
      ['echo >', /redirection that has no target/],
    ];
    for (const [text, reason] of cases) assert.match(parseShell(text).incomplete ?? 'complete', reason, text);
  });

  it('gives quote removal values and nested scripts to the danger rules', () => {
    const { script } = parseShell(`\\rm -rf "/a b" 'c'd && x=$(sudo rm -r e) | cat <(curl u) # comment`);
    const [first, second, third] = script.commands;
    assert.deepEqual(first.words.map((w) => w.value), ['rm', '-rf', '/a b', 'cd']);
    assert.equal(first.next, '&&');
    assert.deepEqual(second.words[0].nested[0].commands[0].words.map((w) => w.value), ['sudo', 'rm', '-r', 'e']);
    assert.equal(second.next, '|');
    assert.deepEqual(third.words[1].nested[0].commands[0].words.map((w) => w.value), ['curl', 'u']);
  });

  it('agrees with the placeholder finder on real blocks (offsets, transcripts, comments)', () => {
    const blocks: Array<[string | null, string, Record<string, string>, string[]]> = [
      ['bash', 'kubectl -n <namespace> logs ${POD} # not <here>', { namespace: 'prod', POD: 'api-1' }, ["kubectl -n 'prod' logs 'api-1'"]],
      ['console', '$ kubectl get pods -n <namespace>\nNAME   READY\n<none> 0/1\n$ echo {{ done }}', { namespace: 'a b', done: 'ok' }, ["kubectl get pods -n 'a b'", "echo 'ok'"]],
      ['sh', "psql -c \"select '<table>'\" \\\n  -h <host>", { table: "o'k", host: 'db' }, [`psql -c "select '"'o'\\''k'"'" -h 'db'`]],
    ];
    for (const [lang, text, values, steps] of blocks) {
      const placeholders = findPlaceholders(text, lang);
      const rendered = renderCommand(prepareCommand({ text, placeholders, lang }), values);
      assert.deepEqual(rendered.steps, steps, text);
    }
  });
});
