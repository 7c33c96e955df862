// Secrets stay out of the shell's history: the guard line and the leading space of
// src/shell/history.ts, typed into the real bash, zsh and fish (Debian's packages) on a pty, as
// a terminal would, with start-up files that work against us (bash's HISTCONTROL replaced,
// history appended after every command; zsh writing every line at once and sharing it).
// Each shell is also run without the measure, to show the same start-up files do keep the line.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { historyGuard, historyShell, outOfHistory, type HistoryShell } from '../../../src/shell/history';
import { hasShell, LIMITS, tempDir } from './shells';

const SECRET = 's3cr3t-token-4711';

interface Session {
  /** The history file after the session. */
  file: string;
  /** The in-memory history at the end of the session, as the shell lists it. */
  memory: string;
}

/** Types `lines` into an interactive `shell` on a pty (through `script`), with hostile start-up files. */
function typeInto(shell: HistoryShell, lines: string[]): Session {
  const { dir, remove } = tempDir(`oncall-history-${shell}-`);
  try {
    const memory = join(dir, 'memory');
    const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dir, LC_ALL: 'C.UTF-8', TERM: 'dumb' };
    let command: string;
    let file: string;
    let list: string;
    switch (shell) {
      case 'bash':
        file = join(dir, '.bash_history');
        writeFileSync(join(dir, 'rc'), [`HISTFILE=${file}`, 'HISTSIZE=1000', 'HISTFILESIZE=1000', 'HISTCONTROL=erasedups', 'shopt -s histappend', "PROMPT_COMMAND='history -a'", "PS1='$ '"].join('\n') + '\n');
        command = `bash --rcfile ${join(dir, 'rc')} -i`;
        list = `history > ${memory}`;
        break;
      case 'zsh':
        file = join(dir, '.zsh_history');
        writeFileSync(join(dir, '.zshrc'), [`HISTFILE=${file}`, 'SAVEHIST=1000', 'HISTSIZE=1000', 'setopt INC_APPEND_HISTORY SHARE_HISTORY EXTENDED_HISTORY', "PS1='$ '"].join('\n') + '\n');
        env.ZDOTDIR = dir;
        command = 'zsh -i';
        list = `fc -ln 1 > ${memory}`;
        break;
      case 'fish':
        mkdirSync(join(dir, 'data'));
        mkdirSync(join(dir, 'config'));
        env.XDG_DATA_HOME = join(dir, 'data');
        env.XDG_CONFIG_HOME = join(dir, 'config');
        file = join(dir, 'data', 'fish', 'fish_history');
        command = 'fish -i';
        list = `history > ${memory}`;
        break;
    }
    const input = [...lines, list, 'exit'].join('\n') + '\n';
    const result = spawnSync('script', ['-qfec', `${LIMITS}; exec ${command}`, '/dev/null'], { cwd: dir, input, env, timeout: 60_000, killSignal: 'SIGKILL' });
    if (result.error) throw result.error;
    return { file: existsSync(file) ? readFileSync(file, 'utf8') : '', memory: existsSync(memory) ? readFileSync(memory, 'utf8') : '' };
  } finally {
    remove();
  }
}

/** What a run with a secret sends: the guard (once per terminal), then the command led by a space. */
function secretRun(shell: HistoryShell): string[] {
  const guard = historyGuard(shell);
  return ['echo before', ...(guard ? [guard] : []), outOfHistory(`printf '%s\\n' ${SECRET} > /dev/null`), 'echo after'];
}

describe('secrets stay out of the shell history', function () {
  this.timeout(120_000);

  it('knows the shells by path', () => {
    assert.equal(historyShell('/usr/bin/zsh'), 'zsh');
    assert.equal(historyShell('C:\\Program Files\\Git\\bin\\bash.exe'), 'bash');
    assert.equal(historyShell('/usr/local/bin/fish'), 'fish');
    assert.equal(historyShell('/bin/dash'), undefined);
    assert.equal(outOfHistory('echo x'), ' echo x');
    assert.equal(outOfHistory(' echo x'), ' echo x');
  });

  for (const shell of ['bash', 'zsh', 'fish'] as const) {
    describe(shell, () => {
      before(function () {
        if (!hasShell(shell) || !hasShell('script')) assert.fail(`${shell} (and script) must be installed: test/harness/setup-real-vscode.sh installs them`);
      });

      it('keeps the secret out of the history file and the in-memory list, while other commands are kept', () => {
        const session = typeInto(shell, secretRun(shell));
        assert.match(session.file, /echo before/, 'the history works at all');
        assert.match(session.file, /echo after/);
        assert.doesNotMatch(session.file, new RegExp(SECRET), `${shell} wrote the secret to its history file`);
        assert.match(session.memory, /echo after/, 'the in-memory list was read');
        assert.doesNotMatch(session.memory, new RegExp(SECRET), `${shell} kept the secret in its in-memory history`);
      });

      it('would keep it without the measure (the start-up files are hostile, the check can fail)', () => {
        const session = typeInto(shell, ['echo before', `printf '%s\\n' ${SECRET} > /dev/null`, 'echo after']);
        assert.match(session.file, new RegExp(SECRET));
        if (shell !== 'fish') {
          // The leading space alone is not enough for bash with this HISTCONTROL, nor for zsh.
          const spaceOnly = typeInto(shell, ['echo before', outOfHistory(`printf '%s\\n' ${SECRET} > /dev/null`), 'echo after']);
          assert.match(spaceOnly.file, new RegExp(SECRET));
        }
      });
    });
  }
});
