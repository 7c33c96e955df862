import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CommandTextError,
  commandLines,
  isSecretName,
  joinSteps,
  maskSecrets,
  prepareCommand,
  renderCommand,
  renderForCopy,
} from '../../../src/shell/commandText';
import type { Placeholder } from '../../../src/runbooks/model';
import { runScript, tempDir } from './shells';

function placeholdersOf(text: string): Placeholder[] {
  const out: Placeholder[] = [];
  const re = /<([a-z][a-z0-9_]*)>|\$\{([A-Z][A-Z0-9_]*)\}/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text))) out.push({ name: m[1] ?? m[2], style: m[1] ? 'angle' : 'dollar', raw: m[0], offset: m.index, quoted: null });
  return out;
}

function prepare(text: string, lang: string | null = 'bash') {
  return prepareCommand({ text, placeholders: placeholdersOf(text), lang });
}

function reasonsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof CommandTextError) return err.reasons;
    throw err;
  }
  assert.fail('expected a CommandTextError');
}

/**
 * Runs steps the way the terminal adapter does: one at a time in the same shell, stopping at
 * the first non-zero exit code. Prints `EXIT <step> <code>` for the failing step, or `EXIT -1 0`.
 */
function runSteps(steps: string[], dir: string): { out: string; failedStep: number; exitCode: number } {
  const script = steps.map((s, k) => `${s}\n__rc=$?; if [ $__rc -ne 0 ]; then echo "EXIT ${k} $__rc"; exit 0; fi`).join('\n') + '\necho "EXIT -1 0"\n';
  const out = runScript('bash', script, dir).toString('utf8');
  const m = /EXIT (-?\d+) (\d+)\n$/.exec(out);
  assert.ok(m, out);
  return { out: out.slice(0, m.index), failedStep: Number(m[1]), exitCode: Number(m[2]) };
}

describe('command text', () => {
  describe('prompts and output', () => {
    it('strips `$ ` prompts and drops output lines of a transcript', () => {
      const text = '$ kubectl get pods -n <ns>\nNAME     READY\napi-1    1/1\n$ echo done';
      const { script, transcript } = commandLines(text, 'bash');
      assert.equal(transcript, true);
      assert.equal(script, 'kubectl get pods -n <ns>\necho done');
    });
    it('keeps `\\` continuation lines of a prompt line (with or without a `> ` prompt), and drops the rest', () => {
      const text = '  $ kubectl logs api \\\n>   --since=5m \\\n  --tail=5\nlog line\n$ echo done';
      assert.equal(commandLines(text, 'console').script, 'kubectl logs api \\\n  --since=5m \\\n  --tail=5\necho done');
    });
    it('reads a console block without prompt lines as commands, as written (runbooks/runnable.ts decides whether it is output)', () => {
      const { script, transcript } = commandLines('kubectl get pods\nkubectl get svc', 'console');
      assert.equal(transcript, false);
      assert.equal(script, 'kubectl get pods\nkubectl get svc');
    });
    it('recognises root `# ` prompts in a console block, and `# ` comments elsewhere', () => {
      assert.equal(commandLines('# systemctl restart nginx\n# check it came back\nactive (running)', 'console').script, 'systemctl restart nginx');
      assert.equal(commandLines('$ sudo -i\n# whoami\nroot', 'bash').script, 'sudo -i\nwhoami');
      assert.equal(commandLines('# systemctl restart nginx\necho done', 'bash').transcript, false, 'no prompts in a bash block: `#` is a comment');
    });
    it('refuses a here-document inside a transcript (its body lines read as output, as for placeholders)', () => {
      assert.match(reasonsOf(() => prepare("$ cat <<EOF\n> hello\n> EOF", "console"))[0], /here-document `EOF` has no body/);
    });
    it('reads no transcript in a non-shell block, keeps every line and drops trailing blank lines', () => {
      assert.equal(commandLines('$ not a prompt in sql', 'sql').transcript, false);
      const { script, transcript } = commandLines('echo a\n\necho b\n\n  \n', 'bash');
      assert.deepEqual([script, transcript], ['echo a\n\necho b', false]);
    });
    it('does not ask for placeholders that only appear in output lines', () => {
      const t = prepare('$ kubectl get pods -n <ns>\npod <pod> is ready');
      assert.deepEqual(t.placeholders.map((p) => p.name), ['ns']);
    });
    it('handles CRLF line ends', () => {
      const t = prepare('$ echo a\r\noutput\r\n$ echo b\r\n');
      assert.deepEqual(renderCommand(t, {}).steps, ['echo a', 'echo b']);
    });
  });

  describe('substitution', () => {
    it('quotes values by context, asks each name once, in order of first use', () => {
      const t = prepare(`kubectl -n <ns> logs <pod> | grep "<ns>" && echo '<pod>'`);
      assert.deepEqual(t.placeholders.map((p) => p.name), ['ns', 'pod']);
      const r = renderCommand(t, { ns: "a'b", pod: 'p"q' });
      assert.equal(r.text, `kubectl -n 'a'\\''b' logs 'p"q' | grep ""'a'\\''b'"" && echo 'p"q'`);
    });
    it('replaces `${NAME}` placeholders too, as a value not as an expansion', () => {
      const r = renderCommand(prepare('echo ${POD} "${POD}"'), { POD: '$HOME' });
      assert.equal(r.text, `echo '$HOME' ""'$HOME'""`);
    });
    it('refuses placeholders where no quoting keeps the value exact, naming each', () => {
      const reasons = reasonsOf(() => prepare('echo `echo <a>` ${X:-<b>} $((<c> + 1)) $<d> \\<e>\ncat <<<f>\nx\n<f>'));
      assert.equal(reasons.length, 6, reasons.join('\n'));
      assert.match(reasons[0], /<a> sits inside backticks/);
      assert.match(reasons[1], /<b> sits inside `\$\{…\}`/);
      assert.match(reasons[2], /<c> sits inside an arithmetic/);
      assert.match(reasons[3], /<d> follows a `\$`/);
      assert.match(reasons[4], /<e> follows a backslash/);
      assert.match(reasons[5], /<f> is the delimiter of a here-document/);
    });
    it('refuses an incomplete block: the shell would wait for more input', () => {
      assert.match(reasonsOf(() => prepare("echo 'open"))[0], /single quote is not closed/);
      assert.match(reasonsOf(() => prepare('if true; then\n echo a'))[0], /`if … fi` is not closed/);
      assert.match(reasonsOf(() => prepare('cat <<EOF\nbody'))[0], /here-document `EOF` is not terminated/);
      assert.match(reasonsOf(() => prepare('kubectl get pods |'))[0], /ends with `\|`/);
      assert.match(reasonsOf(() => prepare('echo a \\'))[0], /line continuation/);
    });
    it('refuses a placeholder that is not where the index says (file changed)', () => {
      const block = { text: 'echo <x>', placeholders: [{ name: 'x', style: 'angle' as const, raw: '<x>', offset: 2, quoted: null }] };
      assert.match(reasonsOf(() => prepareCommand(block))[0], /not where the runbook index says/);
    });
    it('names every missing and refused value', () => {
      const t = prepare('echo <a> <b> <c>');
      const reasons = reasonsOf(() => renderCommand(t, { a: 'x\ny', c: '-v' }));
      assert.equal(reasons.length, 3);
      assert.match(reasons[0], /^the value for <a> contains the control character U\+000A/);
      assert.equal(reasons[1], 'no value for <b>');
      assert.match(reasons[2], /^the value for <c> starts with "-"/);
      assert.equal(renderCommand(t, { a: '1', b: '2', c: '-v' }, { allowDash: true }).text, "echo '1' '2' '-v'");
    });
    it('refuses a value that would end a here-document early', () => {
      const t = prepare('cat <<EOF\n<v>\nEOF');
      assert.match(reasonsOf(() => renderCommand(t, { v: 'EOF' }))[0], /end the here-document early/);
      assert.equal(renderCommand(t, { v: 'EOF2' }).text, 'cat <<EOF\nEOF2\nEOF');
      const tabs = prepare('cat <<-END\n\t<v>\nEND');
      assert.match(reasonsOf(() => renderCommand(tabs, { v: 'END' }))[0], /end the here-document early/);
    });
    it('masks secret values in the masked texts only', () => {
      const t = prepare('curl -H "Authorization: Bearer <api_token>" https://x/<path>');
      const r = renderCommand(t, { api_token: 's3cr3t', path: 'v1' });
      assert.match(r.text, /s3cr3t/);
      assert.doesNotMatch(r.maskedText + r.maskedSteps.join('') + r.maskedLine, /s3cr3t/);
      assert.match(r.maskedText, /Bearer "'\*{8}'"/);
      assert.match(r.maskedText, /'v1'/);
    });
    it('copies with the given values filled in and the others as written', () => {
      const t = prepare('$ kubectl -n <ns> delete pod <pod>\npod deleted');
      assert.equal(renderForCopy(t, { ns: 'prod' }), "kubectl -n 'prod' delete pod <pod>");
    });
  });

  describe('multi-line blocks run one top-level command at a time', () => {
    it('cuts at top-level commands; joins continuations and trailing operators into one line', () => {
      const t = prepare('# list pods\nkubectl get pods \\\n    -n <ns>   # in the namespace\n\nkubectl get svc &&\n  echo ok |\n  cat\necho "a \\\nb"');
      const r = renderCommand(t, { ns: 'prod' });
      assert.deepEqual(r.steps, ["kubectl get pods -n 'prod'", 'kubectl get svc && echo ok | cat', 'echo "a b"']);
      assert.equal(r.line, "kubectl get pods -n 'prod' && kubectl get svc && echo ok | cat && echo \"a b\"");
    });
    it('sends a command that still spans lines (here-document, if/for/case, function, quoted newline) as one eval line', () => {
      const t = prepare("cat <<EOF\nhello <name>\nEOF\nif true; then\n  echo yes\nfi\nf() {\n  echo in f\n}\necho 'two\nlines'");
      const r = renderCommand(t, { name: "o'neil" });
      assert.equal(r.steps.length, 4);
      for (const s of r.steps) assert.ok(!s.includes('\n'), s);
      assert.match(r.steps[0], /^eval \$'cat <<EOF\\nhello o\\x27neil\\nEOF\\n'$/);
      const { dir, remove } = tempDir('oncall-steps-');
      try {
        const run = runSteps([...r.steps, 'f'], dir);
        assert.equal(run.out, "hello o'neil\nyes\ntwo\nlines\nin f\n");
        assert.equal(run.exitCode, 0);
      } finally {
        remove();
      }
    });
    it('reports the first failure and runs nothing after it (the exit code is that command\'s)', () => {
      const { dir, remove } = tempDir('oncall-steps-');
      try {
        const r = renderCommand(prepare("echo one > first\nsh -c 'exit 3'\necho three > third"), {});
        const run = runSteps(r.steps, dir);
        assert.deepEqual([run.failedStep, run.exitCode], [1, 3]);
        assert.ok(existsSync(join(dir, 'first')));
        assert.ok(!existsSync(join(dir, 'third')), 'the command after the failure ran');
      } finally {
        remove();
      }
    });
    it('keeps cd and export across commands and blocks (same shell), and `a; b` on one line is one command', () => {
      const { dir, remove } = tempDir('oncall-steps-');
      try {
        const first = renderCommand(prepare('mkdir -p sub && cd sub\nexport ONCALL_X=42\nfalse; true'), {});
        const second = renderCommand(prepare('pwd > where; echo "$ONCALL_X" >> where'), {});
        const run = runSteps([...first.steps, ...second.steps], dir);
        assert.equal(run.exitCode, 0);
        assert.equal(readFileSync(join(dir, 'sub', 'where'), 'utf8'), `${join(dir, 'sub')}\n42\n`);
      } finally {
        remove();
      }
    });
    it('a failure inside an if, a pipeline or an || list follows shell rules (only the command status counts)', () => {
      const { dir, remove } = tempDir('oncall-steps-');
      try {
        const r = renderCommand(prepare('if false; then echo no; fi\nfalse || echo recovered\nfalse | true\ntrue && false\necho after'), {});
        const run = runSteps(r.steps, dir);
        assert.equal(run.out, 'recovered\n');
        assert.deepEqual([run.failedStep, run.exitCode], [3, 1]);
      } finally {
        remove();
      }
    });
    it('joins steps ending with `&` or `;` safely for the typed line', () => {
      assert.equal(joinSteps(['sleep 1 &', 'echo a;', 'echo b']), '{ sleep 1 & } && { echo a; } && echo b');
      assert.equal(joinSteps(['echo a;']), 'echo a;');
    });
    it('skips blank and comment-only lines entirely', () => {
      assert.deepEqual(renderCommand(prepare('# just a note\n\n   # another\n'), {}).steps, []);
    });
  });

  describe('secrets', () => {
    const secret = ['password', 'DB_PASSWORD', 'apiToken', 'api-key', 'AWS_SECRET_ACCESS_KEY', 'sshkey', 'client_secret', 'auth', 'session_cookie', 'pgpass', 'credentials', 'private_key', 'PassPhrase'];
    const plain = ['namespace', 'pod', 'NODE', 'cluster', 'region', 'keyspace', 'service', 'passage_id'];
    for (const name of secret) it(`treats ${name} as secret`, () => assert.ok(isSecretName(name)));
    it(`does not treat ${plain.join(', ')} as secret`, () => assert.deepEqual(plain.filter(isSecretName), []));
    it('masks every occurrence of secret values, longest first', () => {
      assert.equal(maskSecrets('token=abc123 again abc123 and abc', ['abc', 'abc123']), 'token=******** again ******** and ********');
      assert.equal(maskSecrets('nothing', ['']), 'nothing');
    });
  });
});
