// Quoting placeholder values for the shell of our terminal, and refusing the values no
// quoting makes safe. A terminal is a pty: its line discipline and the shell's line editor act
// on control characters (Ctrl+C, Tab completion, ESC sequences, line ends) before the shell
// ever parses the quotes, so those are refused rather than quoted.

/** Shells whose quoting we produce: POSIX single quotes. */
export const POSIX_SHELLS: readonly string[] = ['sh', 'bash', 'zsh', 'dash', 'ksh', 'mksh', 'ash'];

export type ShellDialect = 'posix';

/** The quoting dialect of a shell, by its path or name (`/usr/bin/zsh`, `bash.exe`); undefined if we have none. */
export function shellDialect(shellPathOrName: string): ShellDialect | undefined {
  const base = shellPathOrName.split(/[\\/]/).pop()!.toLowerCase().replace(/\.exe$/, '');
  return POSIX_SHELLS.includes(base) ? 'posix' : undefined;
}

/** Longest value accepted; a longer one is refused with the reason (a file is the better carrier). */
export const MAX_VALUE_LENGTH = 10_000;

export interface ValueRules {
  /** The runbook allows values that start with `-` (`allow-dash`). */
  allowDash?: boolean;
}

/** Why a value cannot be used, or null when it can. The reason names the offending character. */
export function refuseValue(value: string, rules: ValueRules = {}): string | null {
  if (value.length > MAX_VALUE_LENGTH) {
    return `is ${value.length} characters long; the limit is ${MAX_VALUE_LENGTH} (put longer input in a file and pass its path)`;
  }
  for (let k = 0; k < value.length; k++) {
    const code = value.charCodeAt(k);
    if (code >= 0xd800 && code <= 0xdbff) {
      const low = value.charCodeAt(k + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        k++;
        continue;
      }
      return `contains an unpaired surrogate (U+${hex(code)}), which is not valid text`;
    }
    if (code >= 0xdc00 && code <= 0xdfff) return `contains an unpaired surrogate (U+${hex(code)}), which is not valid text`;
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) {
      return `contains the control character U+${hex(code)}${CONTROL_NAMES[code] ? ` (${CONTROL_NAMES[code]})` : ''}, which a terminal acts on even inside quotes`;
    }
    if (code === 0x2028 || code === 0x2029) {
      return `contains a line or paragraph separator (U+${hex(code)})`;
    }
    if ((code >= 0x202a && code <= 0x202e) || (code >= 0x2066 && code <= 0x2069)) {
      return `contains a bidirectional control (U+${hex(code)}), which would make the command display differently from what runs`;
    }
  }
  if (value.startsWith('-') && !rules.allowDash) {
    return 'starts with "-", which the command could read as an option (a runbook allows this with `allow-dash` on the code fence)';
  }
  return null;
}

const CONTROL_NAMES: Record<number, string> = {
  0x00: 'NUL', 0x03: 'Ctrl+C', 0x04: 'Ctrl+D', 0x09: 'Tab', 0x0a: 'line feed', 0x0d: 'carriage return',
  0x1a: 'Ctrl+Z', 0x1b: 'Escape', 0x7f: 'Delete', 0x85: 'next line',
};

function hex(code: number): string {
  return code.toString(16).toUpperCase().padStart(4, '0');
}

/** `value` as one POSIX shell word that the shell reads back exactly: `'it'\''s'`. */
export function quotePosix(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

/**
 * Text as a bash/zsh ANSI-C string (`$'...'`), one physical line whatever it contains. A quote
 * is written `\x27`, not `\'`: an interactive bash looks for `!` history expansion before it
 * parses, and that scan treats `'…'` as plain single quotes, so the string must contain no
 * quote character at all to stay protected.
 */
export function quoteAnsiC(text: string): string {
  let out = "$'";
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === "'") out += '\\x27';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (code < 0x20 || code === 0x7f) out += `\\x${code.toString(16).padStart(2, '0')}`;
    else if (code >= 0x80 && code <= 0x9f) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return out + "'";
}
