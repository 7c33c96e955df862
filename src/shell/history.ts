// Keeping commands with secret values out of the shell's history.
//
// A line that starts with a space is left out of the history by:
// - bash, when HISTCONTROL contains `ignorespace` (or `ignoreboth`). The terminal is started
//   with that, but the user's ~/.bashrc runs after and often sets HISTCONTROL itself
//   (`erasedups`, say), so the setting is made again once the shell is up;
// - zsh, only with the option HIST_IGNORE_SPACE, which is off by default. zsh keeps such a line
//   in its in-memory list until the next command line is read, then drops it; it is never
//   written to the history file;
// - fish (3.x) always.
// So before the first command with a secret in one of our terminals, the terminal runs the
// guard line below (itself led by a space, holding no secret); every command with a secret is
// then sent with a leading space. The unit tests type these lines into the real shells on a pty.

export type HistoryShell = 'bash' | 'zsh' | 'fish';

/** The shell family of a shell path (`/usr/bin/zsh`, `bash.exe`); undefined for others. */
export function historyShell(shellPath: string): HistoryShell | undefined {
  const base = (shellPath.split(/[\\/]/).pop() ?? '').toLowerCase().replace(/\.exe$/, '');
  return base === 'bash' || base === 'zsh' || base === 'fish' ? base : undefined;
}

/**
 * The line that makes the shell leave space-led lines out of its history from now on, or
 * undefined when the shell needs none. It keeps the user's own HISTCONTROL values.
 */
export function historyGuard(shell: HistoryShell): string | undefined {
  switch (shell) {
    case 'bash': return ' HISTCONTROL="ignorespace${HISTCONTROL:+:$HISTCONTROL}"';
    case 'zsh': return ' setopt HIST_IGNORE_SPACE';
    case 'fish': return undefined;
  }
}

/** A command line as sent when it holds a secret value. */
export function outOfHistory(line: string): string {
  return line.startsWith(' ') ? line : ` ${line}`;
}
