// Transcripts: code blocks written as a terminal session, where the commands are the lines after
// a prompt and everything else is output. One rule, shared by the placeholder finder and the
// command text builder.

const SHELL_LANGS = new Set(['sh', 'bash', 'shell', 'zsh', 'console', 'shell-session', 'shellsession', 'ksh', 'fish', 'terminal']);

const PROMPT = /^[ \t]*\$ /;

/** Languages whose blocks are read as shell. */
export function isShellLanguage(lang: string | null): boolean {
  return lang !== null && SHELL_LANGS.has(lang);
}

/** True when the block is a transcript: its commands are the lines after a `$ ` prompt. */
export function isTranscript(text: string, lang: string | null): boolean {
  if (lang === 'console' || lang === 'shell-session' || lang === 'shellsession') return true;
  if (lang !== null && !SHELL_LANGS.has(lang) && lang !== 'text' && lang !== 'txt' && lang !== 'plaintext') return false;
  return text.split('\n').some((line) => PROMPT.test(line));
}

/**
 * The block's text with everything that is not command text blanked out (same length, same
 * offsets): output lines of a transcript and its prompts. Continuation lines (after a trailing
 * `\`) belong to their command.
 */
export function commandMask(text: string, lang: string | null): string {
  if (!isTranscript(text, lang)) return text;
  const lines = text.split('\n');
  let continued = false;
  const out = lines.map((line) => {
    const prompt = PROMPT.exec(line);
    let kept: string;
    if (prompt) kept = ' '.repeat(prompt[0].length) + line.slice(prompt[0].length);
    else if (continued) kept = line;
    else kept = ' '.repeat(line.length);
    continued = (prompt !== null || continued) && /\\$/.test(line);
    return kept;
  });
  return out.join('\n');
}
