import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { CommandTextError, prepareCommand, renderCommand, type Slot } from '../../../src/shell/commandText';
import { findDanger } from '../../../src/shell/danger';
import { placeholdersOf } from './shells';

const prepare = (text: string) => prepareCommand({ text, placeholders: placeholdersOf(text), lang: 'bash' });
const slots = (text: string) => prepare(text).display.filter((p): p is Slot => typeof p !== 'string');
const readers = (text: string) => slots(text)[0].levels.map((l) => l.reader.name);
function refusal(text: string, values: Record<string, string>): string {
  try {
    renderCommand(prepare(text), values);
  } catch (err) {
    if (err instanceof CommandTextError) return err.message;
    throw err;
  }
  return 'accepted';
}

describe('placeholders in text that a shell reads again', () => {
  it('follows the value through each shell that reads it, outermost first', () => {
    assert.deepEqual(readers(`sh -c 'echo <v>'`), ['`sh -c`']);
    assert.deepEqual(readers(`bash -lc "echo <v>"`), ['`bash -c`']);
    assert.deepEqual(readers(`eval "echo <v>"`), ['`eval`']);
    assert.deepEqual(readers(`ssh -i key.pem -p 2222 ops@db1 -l root 'echo <v>'`), ['`ssh ops@db1`']);
    assert.deepEqual(readers(`ssh db1 "sh -c 'echo <v>'"`), ['`ssh db1`', '`sh -c`']);
    assert.deepEqual(readers(`su - postgres -c 'psql -c "select <v>"'`), ['`su -c`']);
    assert.deepEqual(readers(`sudo -u app sh -c 'echo <v>'`), ['`sh -c`']);
    assert.deepEqual(readers(`kubectl -n x exec -it api-0 -c app -- sh -c 'echo <v>'`), ['`sh -c`']);
    assert.deepEqual(readers(`docker exec -i -u root web sh -c 'echo <v>'`), ['`sh -c`']);
    assert.deepEqual(readers(`xargs -0 sh -c 'echo <v> "$@"' _`), ['`sh -c`']);
    assert.deepEqual(readers(`find . -exec sh -c 'echo <v>' \\;`), ['`sh -c`']);
    assert.deepEqual(readers(`watch -n 5 'echo <v>'`), ['`watch`']);
    assert.deepEqual(readers(`timeout 30 sh -c 'echo <v>'`), ['`sh -c`']);
    assert.deepEqual(readers(`env A=1 sh -c 'echo <v>'`), ['`sh -c`']);
    assert.deepEqual(readers(`nsenter -t 1 -m sh -c 'echo <v>'`), ['`sh -c`']);
    assert.deepEqual(readers(`flock /tmp/l -c 'echo <v>'`), ['`flock -c`']);
    assert.deepEqual(readers(`knife ssh 'role:web' 'echo <v>'`), ['`knife ssh`']);
    assert.deepEqual(readers(`ssh db1 <<EOF\necho <v>\nEOF`), ['`ssh db1`']);
    assert.deepEqual(readers(`kubectl exec -i api-0 -- sh <<'EOF'\necho <v>\nEOF`), ['`sh`']);
    assert.deepEqual(readers(`echo "$(sh -c 'echo <v>')"`), ['`sh -c`']);
  });

  it('does not add a level where the value is an argument, not text read again', () => {
    for (const text of [
      'kubectl exec api-0 -- echo <v>',
      'docker exec web cat <v>',
      'ssh <v> uptime',
      "sh -c 'echo \"$1\"' _ <v>",
      'sudo -u app cat <v>',
      'xargs -I{} cp {} <v>',
      'cat <<EOF\n<v>\nEOF',
    ]) {
      assert.deepEqual(slots(text)[0].levels, [], text);
      assert.equal(slots(text)[0].charset, undefined, text);
    }
  });

  it('quotes for every level: the innermost shell prints the value back exactly (two levels, real shells)', () => {
    const t = prepare(`sh -c "bash -c 'printf %s <v>'"`);
    for (const value of [`a'b "c" $(touch x) \`y\` \\ ;|& !! ~ *`, "'\\''", '"\'"\'"']) {
      const out = execFileSync('bash', ['-c', renderCommand(t, { v: value }).text], { cwd: tmpdir(), encoding: 'utf8' });
      assert.equal(out, value);
    }
  });

  it('refuses, naming the reader, where the text around the value is expanded before it is read again', () => {
    const message = refusal(`sh -c "echo $HOME <v>"`, { v: 'a b' });
    assert.match(message, /the value for <v> contains a space: <v> is in text that is read again as commands by `sh -c`, after the shell before it has expanded `\$HOME <v>`/);
    assert.match(message, /only non-empty values of letters, digits and \. _ : \/ @ % \+ = , - \(not starting with "-"\)/);
    assert.equal(refusal(`sh -c "echo $HOME <v>"`, { v: 'payments-eu_1.2:3/4@5%6+7=8,9' }), 'accepted');
    assert.match(refusal(`sh -c "echo $HOME <v>"`, { v: '' }), /is empty/);
    assert.match(refusal(`sh -c "echo $HOME <v>"`, { v: '-x' }), /starts with "-"/);
  });

  it('limits values to the conservative set where a reader is not modelled, and says which', () => {
    assert.match(refusal(`echo "echo <v>" | sh`, { v: 'a;b' }), /printed through a pipe into `sh`, which reads it as commands/);
    assert.match(refusal(`env -S 'echo <v>'`, { v: 'a b' }), /split into a command by `env -S`/);
    assert.match(refusal(`fish -c 'echo <v>'`, { v: 'a b' }), /in fish syntax/);
    assert.match(refusal(`sudo -i echo <v>`, { v: '$HOME' }), /`sudo -s`\/`-i`/);
    assert.match(refusal(`sh -c 'echo <v> $(date'`, { v: 'a b' }), /not complete shell/);
    assert.match(refusal(`sh -c "echo \\$'x' <v>"`, { v: 'a b' }), /POSIX `sh` reads `\$'…'`/);
    assert.match(refusal(`sh <<EOF\necho $HOME <v>\nEOF`, { v: 'a b' }), /here-document's `\$…` expansions/);
    assert.equal(refusal(`bash -c "echo \\$'x' <v>"`, { v: 'a b' }), 'accepted', 'bash reads $\'…\' as we do');
  });

  it('refuses a value that find -exec or xargs -I would rewrite', () => {
    assert.match(refusal(`find . -exec sh -c 'echo <v>' \\;`, { v: 'a{}b' }), /contains "\{": `find -exec` replaces `\{\}` in its command with each file name/);
    assert.match(refusal(`xargs -I % sh -c 'echo <v> %'`, { v: '50%' }), /`xargs` replaces `%`/);
    assert.equal(refusal(`find . -exec sh -c 'echo <v>' \\;`, { v: 'a b' }), 'accepted');
  });

  it('refuses a value that would end a here-document of the inner text early', () => {
    assert.match(refusal(`sh -c 'cat <<END\n<v>\nEND'`, { v: 'END' }), /would end the here-document in the text that `sh -c` reads early/);
    assert.equal(refusal(`sh -c 'cat <<END\n<v>\nEND'`, { v: 'ENDED' }), 'accepted');
  });

  it('refuses a placeholder where the inner shell cannot take a quoted value, naming that shell', () => {
    assert.throws(() => prepare(`sh -c 'echo \`echo <v>\`'`), /<v> sits inside backticks .* in the text that `sh -c` reads again/);
    assert.throws(() => prepare(`ssh db1 'echo \${X:-<v>}'`), /<v> sits inside `\$\{…\}` in the text that `ssh db1` reads again/);
  });

  it('names placeholders, not their internal marks, in every message', () => {
    const message = refusal(`sh -c "echo $HOME <v> <w>"`, { v: 'a b', w: 'c' });
    assert.doesNotMatch(message, /\b[QXJKVW][a-z]+Z*\b/);
  });

  it('checks the danger rules again on the final command, inside every level', () => {
    const t = prepare(`kubectl exec -it db-0 -- sh -c 'rm <flags> /var/lib/data'`);
    assert.deepEqual(findDanger(`kubectl exec -it db-0 -- sh -c 'rm <flags> /var/lib/data'`), []);
    const filled = renderCommand(t, { flags: '-rf' }, { allowDash: true }).text;
    assert.ok(findDanger(filled).some((f) => f.ruleId === 'rm-recursive'), filled);
  });
});
