// What a simple command runs, read from its words the way the programs read their arguments:
// - wrappers are looked through (`sudo`, `env X=1`, `nohup`, `timeout 30`, `nice`, `xargs` …)
//   to the program that really runs;
// - commands a program runs in turn with their arguments as given (`find -exec …`,
//   `kubectl exec … -- …`, `docker exec c …`) are read as commands of their own (`carried`);
// - text that a shell reads AGAIN as commands is named with the shell that reads it
//   (`rereads`): the script of `sh -c`, the arguments of `eval`, `watch` and `ssh host …`, the
//   command of `su -c`, `flock -c`, `knife ssh`, `gcloud compute ssh --command` …;
// - a program that reads commands from its standard input (`sh`, `bash -s`, `ssh host` with no
//   command) says so (`stdinReader`), so a here-document or a pipe into it is shell text too.
// One table for the danger rules (which look inside every level) and for the placeholder
// quoting (which quotes a value for every level it passes through, or refuses it).
import type { ShellWord } from './syntax';

/**
 * How a shell reads text: `bash` (bash, zsh, ksh: `$'…'` is a quote), `sh` (POSIX sh and dash,
 * and a remote login shell, which is assumed to be POSIX), `other` (not modelled: fish,
 * `env -S`, `sudo -s` …).
 */
export type ShellSyntax = 'bash' | 'sh' | 'other';

export interface Rereader {
  /** The command that reads the text again, for messages: "`sh -c`", "`ssh db1`". */
  name: string;
  /** What it does with the text, completing "the text …": "is read again as commands by `sh -c`". */
  does: string;
  syntax: ShellSyntax;
}

export interface Reread {
  reader: Rereader;
  /** The words whose text is read again, joined with single spaces. */
  words: ShellWord[];
}

export interface Invocation {
  /** The program's name (the base name of its word). */
  program: string;
  /** The command's words; the program is words[programIndex]. */
  words: readonly ShellWord[];
  programIndex: number;
  /** The words after the program. */
  args: ShellWord[];
  /** Text that a shell reads again as commands. */
  rereads: Reread[];
  /** Commands run by this one with their arguments as given (no shell in between). */
  carried: Invocation[];
  /** Reads commands from its standard input. */
  stdinReader?: Rereader;
  /** Passes its standard input to its carried command (`kubectl exec -i`, `docker exec -i`). */
  forwardsStdin?: boolean;
  /** Words in which the program replaces `token` before running them (`find -exec … {}`, `xargs -I {}`). */
  replaces?: Array<{ token: string; words: ShellWord[]; by: string }>;
}

const RESERVED = new Set(['if', 'then', 'else', 'elif', 'fi', 'do', 'done', 'while', 'until', '!', '{', '}', 'time', 'esac', 'function']);
export const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=/;

const BASH_LIKE = new Set(['bash', 'zsh', 'ksh', 'mksh', 'ksh93']);
const SH_LIKE = new Set(['sh', 'dash', 'ash', 'yash', 'posh']);
export const SHELLS = new Set([...BASH_LIKE, ...SH_LIKE, 'fish']);

/** Options that take a value, per program (short ones as `-x`, long ones as `--name`). */
const VALUE_OPTIONS: Record<string, string[]> = {
  sudo: ['-u', '-g', '-h', '-p', '-C', '-D', '-r', '-t', '-U', '-T', '-R', '--user', '--group', '--host', '--prompt', '--close-from', '--chdir', '--role', '--type', '--other-user', '--command-timeout', '--chroot'],
  doas: ['-u', '-C'],
  exec: ['-a'],
  nice: ['-n', '--adjustment'],
  ionice: ['-c', '-n', '-p', '-P', '-u', '--class', '--classdata'],
  timeout: ['-s', '-k', '--signal', '--kill-after'],
  stdbuf: ['-i', '-o', '-e', '--input', '--output', '--error'],
  chroot: ['--userspec', '--groups'],
  flock: ['-w', '-E', '--timeout', '--conflict-exit-code'],
  xargs: ['-a', '-d', '-E', '-I', '-L', '-n', '-P', '-s', '--arg-file', '--delimiter', '--eof', '--replace', '--max-lines', '--max-args', '--max-procs', '--max-chars', '--process-slot-var'],
  watch: ['-n', '--interval', '-q', '--equexit', '--chgexit'],
  env: ['-u', '-C', '-P', '--unset', '--chdir'],
  ssh: ['-b', '-c', '-D', '-E', '-e', '-F', '-I', '-i', '-J', '-L', '-l', '-m', '-O', '-o', '-p', '-Q', '-R', '-S', '-W', '-w', '-B', '-P'],
  su: ['-g', '-G', '-s', '-w', '--group', '--supp-group', '--shell', '--whitelist-environment'],
  runuser: ['-u', '-g', '-G', '-s', '-w', '--user', '--group', '--supp-group', '--shell', '--whitelist-environment'],
  time: ['-f', '-o', '--format', '--output'],
  strace: ['-o', '-e', '-p', '-s', '-u', '-E', '-a', '-b', '-I', '-O', '-P', '-S', '-X'],
  ltrace: ['-o', '-e', '-p', '-s', '-u', '-a', '-A', '-D', '-F', '-l', '-n', '-x'],
  nsenter: ['-t', '-S', '-G', '-W', '--target', '--setuid', '--setgid', '--wdns'],
  sshpass: ['-p', '-f', '-d', '-P'],
  knife: ['-a', '-A', '-C', '-c', '-G', '-i', '-p', '-P', '-s', '-u', '-x', '-E', '-k', '-F', '--attribute', '--concurrency', '--config', '--environment', '--format', '--identity-file', '--key', '--server-url', '--ssh-gateway', '--ssh-identity-file', '--ssh-password', '--ssh-port', '--ssh-user', '--user', '--prefix-attribute'],
  shell: ['-o', '+o', '-O', '+O', '--rcfile', '--init-file'],
  docker: ['-e', '--env', '--env-file', '-u', '--user', '-w', '--workdir', '--detach-keys'],
  compose: ['-e', '--env', '-u', '--user', '-w', '--workdir', '--index'],
};

/** Global options of kubectl and oc that take a value. */
export const KUBECTL_GLOBALS = ['--context', '-n', '--namespace', '--kubeconfig', '--cluster', '--user', '-s', '--server', '--token', '--as', '--as-group', '--as-uid', '--request-timeout', '-v', '--v', '--cache-dir', '--certificate-authority', '--client-certificate', '--client-key', '--tls-server-name', '--profile', '--profile-output', '--log-file', '--password', '--username', '-c', '--container', '-f', '--filename', '--pod-running-timeout'];
const DOCKER_GLOBALS = ['-H', '--host', '-c', '--context', '--config', '-l', '--log-level', '--tlscacert', '--tlscert', '--tlskey'];

export function basename(word: string): string {
  return word.split('/').pop() ?? word;
}

/**
 * Skips options the way getopt reads them (`-tp 22`, `-p22`, `-abc`, `--user root`,
 * `--user=root`, `--` ends them); returns the index of the first operand.
 */
export function skipOptions(words: readonly ShellWord[], from: number, valueOptions: readonly string[]): number {
  let k = from;
  while (k < words.length) {
    const v = words[k].value;
    if (v === '--') return k + 1;
    if (!/^[-+]./.test(v) || (v.startsWith('+') && !valueOptions.includes(v))) return k;
    k += optionLength(v, valueOptions);
  }
  return k;
}

/** The letters of a short option word (`-Es` → E, s), up to the first that takes a value. */
function shortFlags(v: string, valueOptions: readonly string[]): string[] {
  if (!/^-[A-Za-z0-9]/.test(v) || v.startsWith('--')) return [];
  const out: string[] = [];
  for (const ch of v.slice(1)) {
    out.push(ch);
    if (valueOptions.includes(`-${ch}`)) break;
  }
  return out;
}

/** How many words an option takes: 2 when its value is the next word. */
function optionLength(v: string, valueOptions: readonly string[]): number {
  if (v.startsWith('--')) return !v.includes('=') && valueOptions.includes(v) ? 2 : 1;
  if (valueOptions.includes(v)) return 2;
  // Combined short options: the first that takes a value takes the rest of the word, or the next word.
  for (let j = 1; j < v.length; j++) {
    if (valueOptions.includes(`-${v[j]}`)) return j === v.length - 1 ? 2 : 1;
  }
  return 1;
}

/** The first operand after options that take values (a `--` ends them). */
export function subcommand(values: readonly string[], valueOptions: readonly string[], from = 0): string | undefined {
  for (let j = from; j < values.length; j++) {
    const v = values[j];
    if (v === '--') return values[j + 1];
    if (v.startsWith('-')) {
      if (!v.includes('=') && valueOptions.includes(v)) j++;
      continue;
    }
    return v;
  }
  return undefined;
}

/** The operands (non-options) of a command's arguments; everything after `--` is one. */
export function operands(values: readonly string[], valueOptions: readonly string[] = []): string[] {
  return operandIndexes(values, valueOptions).map((j) => values[j]);
}

export function operandIndexes(values: readonly string[], valueOptions: readonly string[] = []): number[] {
  const out: number[] = [];
  for (let j = 0; j < values.length; j++) {
    const v = values[j];
    if (v === '--') {
      for (let r = j + 1; r < values.length; r++) out.push(r);
      break;
    }
    if (v.startsWith('-') && v !== '-') {
      if (!v.includes('=') && valueOptions.includes(v)) j++;
      continue;
    }
    out.push(j);
  }
  return out;
}

export function shellSyntaxOf(program: string): ShellSyntax {
  if (BASH_LIKE.has(program)) return 'bash';
  if (SH_LIKE.has(program)) return 'sh';
  return 'other';
}

/** A shell's script (`-c`) or standard input, from its arguments. */
function readShellArguments(program: string, words: readonly ShellWord[], at: number): { script?: ShellWord; stdin: boolean } {
  const valueOptions = VALUE_OPTIONS.shell;
  let command = false;
  let fromStdin = false;
  let k = at;
  while (k < words.length) {
    const v = words[k].value;
    if (v === '--' || v === '-') {
      k++;
      break;
    }
    if (!/^[-+]./.test(v)) break;
    if (!v.startsWith('--') && /^-[A-Za-z]+$/.test(v)) {
      if (v.includes('c')) command = true;
      if (v.includes('s')) fromStdin = true;
    }
    if (program === 'fish' && (v === '--command' || v.startsWith('--command='))) {
      if (v.startsWith('--command=')) return { script: { ...words[k], value: v.slice('--command='.length) }, stdin: false };
      command = true;
    }
    k += optionLength(v, valueOptions);
  }
  if (command) return { script: words[k], stdin: false };
  return { stdin: fromStdin || k >= words.length };
}

const reread = (name: string, does: string, syntax: ShellSyntax, words: ShellWord[]): Reread => ({ reader: { name, does, syntax }, words });

/**
 * What the simple command with these words runs. `shell` is the syntax of the shell that reads
 * the words (for `eval`, which reads its arguments with that same shell). Undefined when the
 * command runs nothing (only assignments, a keyword form such as `for`/`case`, `command -v`).
 */
export function readInvocation(words: readonly ShellWord[], shell: ShellSyntax = 'bash'): Invocation | undefined {
  let k = 0;
  for (let guard = 0; guard < 64 && k < words.length; guard++) {
    while (k < words.length && !words[k].quoted && RESERVED.has(words[k].value)) k++;
    while (k < words.length && ASSIGNMENT.test(words[k].value)) k++;
    if (k >= words.length) return undefined;
    if (!words[k].quoted && ['for', 'case', 'select'].includes(words[k].value)) return undefined;
    const step = lookThrough(basename(words[k].value), words, k, shell);
    if (step === 'none') return undefined;
    if (typeof step === 'number') {
      if (step <= k) return undefined;
      k = step;
      continue;
    }
    return step;
  }
  return undefined;
}

/**
 * One wrapper: the index of the word where the wrapped command starts, 'none' when nothing
 * runs, or the invocation when the program at `k` is the one that runs.
 */
function lookThrough(program: string, words: readonly ShellWord[], k: number, shell: ShellSyntax): number | 'none' | Invocation {
  const rest = words.slice(k + 1);
  const base = (extra: Partial<Invocation> = {}): Invocation => ({ program, words, programIndex: k, args: rest, rereads: [], carried: [], ...extra });
  const carried = (from: number, extra: Partial<Invocation> = {}): Invocation => {
    const inner = from < words.length ? readInvocation(words.slice(from), shell) : undefined;
    return base({ args: words.slice(k + 1, from), carried: inner ? [offsetInvocation(inner, words, from)] : [], ...extra });
  };
  switch (program) {
    case 'sudo': return lookThroughSudo(words, k, base);
    case 'doas': {
      const at = skipOptions(words, k + 1, VALUE_OPTIONS.doas);
      return at >= words.length ? 'none' : at;
    }
    case 'command':
      if (rest.some((w) => w.value === '-v' || w.value === '-V')) return 'none';
      return skipOptions(words, k + 1, []);
    case 'builtin': case 'exec': case 'nohup': case 'time': case 'nice': case 'ionice': case 'stdbuf':
    case 'setsid': case 'busybox': case 'unbuffer': case 'strace': case 'ltrace': case 'nsenter': case 'sshpass':
      return skipOptions(words, k + 1, VALUE_OPTIONS[program] ?? []);
    case 'timeout': return skipOptions(words, k + 1, VALUE_OPTIONS.timeout) + 1; // then the duration
    case 'chroot': return skipOptions(words, k + 1, VALUE_OPTIONS.chroot) + 1; // then the new root
    case 'xargs': {
      const at = skipOptions(words, k + 1, VALUE_OPTIONS.xargs);
      if (at >= words.length) return 'none'; // xargs alone runs echo
      const token = xargsReplaceToken(words.slice(k + 1, at).map((w) => w.value));
      return carried(at, token ? { replaces: [{ token, words: words.slice(at), by: `\`xargs\` replaces \`${token}\` in its command with each input item` }] } : {});
    }
    case 'env': return lookThroughEnv(words, k, base);
    case 'flock': {
      const c = rest.findIndex((w) => w.value === '-c' || w.value === '--command');
      if (c >= 0 && rest[c + 1]) return base({ rereads: [reread('`flock -c`', 'is run by `flock` with `sh -c`', 'sh', [rest[c + 1]])] });
      return skipOptions(words, k + 1, VALUE_OPTIONS.flock) + 1; // then the lock file
    }
    case 'watch': {
      const at = skipOptions(words, k + 1, VALUE_OPTIONS.watch);
      if (rest.some((w) => w.value === '-x' || w.value === '--exec')) return at;
      return base({ rereads: at < words.length ? [reread('`watch`', 'is joined with spaces and run by `watch` with `sh -c`', 'sh', words.slice(at))] : [] });
    }
    case 'eval':
      return base({ rereads: rest.length ? [reread('`eval`', 'is joined with spaces and read again as commands by `eval`', shell, rest)] : [] });
    case 'su': case 'runuser': return lookThroughSu(program, words, k, base);
    case 'ssh': return readSsh(words, k, base);
    case 'knife': return readKnife(words, k, base);
    case 'gcloud': return readGcloudSsh(words, k, base);
    case 'kubectl': case 'oc': {
      const values = rest.map((w) => w.value);
      const sub = subcommand(values, KUBECTL_GLOBALS);
      const dash = values.indexOf('--');
      if (!['exec', 'debug', 'attach', 'run'].includes(sub ?? '') || dash < 0) return base();
      const interactive = values.slice(0, dash).some((v) => /^-[a-zA-Z]*i[a-zA-Z]*$/.test(v) || v === '--stdin');
      return carried(k + 2 + dash, { forwardsStdin: interactive });
    }
    case 'docker': case 'podman': case 'nerdctl': return readContainerExec(words, k, base, carried);
    case 'find': return readFind(words, k, base, shell);
    default:
      break;
  }
  if (SHELLS.has(program)) return readShell(program, words, k, base);
  return base();
}

/** Moves an invocation read from `words.slice(from)` onto the whole word list. */
function offsetInvocation(inv: Invocation, words: readonly ShellWord[], from: number): Invocation {
  return { ...inv, words, programIndex: inv.programIndex + from };
}

type Base = (extra?: Partial<Invocation>) => Invocation;

function lookThroughSudo(words: readonly ShellWord[], k: number, base: Base): number | 'none' | Invocation {
  const at = skipOptions(words, k + 1, VALUE_OPTIONS.sudo);
  const options = words.slice(k + 1, at).map((w) => w.value);
  const viaShell = options.some((v) => v === '--shell' || v === '--login' || shortFlags(v, VALUE_OPTIONS.sudo).some((f) => f === 's' || f === 'i'));
  if (viaShell) {
    const reader = { name: '`sudo -s`', does: 'is passed by `sudo -s`/`-i` to a shell with `$` left unescaped', syntax: 'other' as const };
    // sudo -s/-i joins the command and runs it with the target user's shell, escaping every
    // character but letters, digits, `_`, `-` and `$`: the `$` still expands there. Without
    // a command, that shell reads its standard input.
    return at < words.length ? base({ rereads: [{ reader, words: words.slice(at) }] }) : base({ stdinReader: { ...reader, does: 'is read as commands by the shell that `sudo -s`/`-i` starts' } });
  }
  return at >= words.length ? 'none' : at;
}

function lookThroughEnv(words: readonly ShellWord[], k: number, base: Base): number | Invocation {
  let j = k + 1;
  while (j < words.length) {
    const v = words[j].value;
    if (v === '-S' || v === '--split-string' || v.startsWith('--split-string=') || (v.startsWith('-S') && v.length > 2)) {
      const split = v === '-S' || v === '--split-string' ? words.slice(j + 1) : [{ ...words[j], value: v.replace(/^--split-string=|^-S/, '') }, ...words.slice(j + 1)];
      return base({ rereads: [reread('`env -S`', 'is split into a command by `env -S` with its own quoting rules', 'other', split)] });
    }
    if (v === '--') return j + 1;
    if (v.startsWith('-') && v !== '-') {
      j += VALUE_OPTIONS.env.includes(v) ? 2 : 1;
      continue;
    }
    if (ASSIGNMENT.test(v)) {
      j++;
      continue;
    }
    break;
  }
  return j;
}

function lookThroughSu(program: string, words: readonly ShellWord[], k: number, base: Base): number | 'none' | Invocation {
  const rest = words.slice(k + 1);
  const c = rest.findIndex((w) => w.value === '-c' || w.value === '--command' || w.value.startsWith('--command='));
  const shellOption = rest.findIndex((w) => w.value === '-s' || w.value === '--shell');
  const shellName = shellOption >= 0 ? basename(rest[shellOption + 1]?.value ?? '') : '';
  const syntax: ShellSyntax = shellName ? shellSyntaxOf(shellName) : 'sh';
  if (c >= 0) {
    const v = rest[c].value;
    const script = v.startsWith('--command=') ? { ...rest[c], value: v.slice('--command='.length) } : rest[c + 1];
    return base({ rereads: script ? [reread(`\`${program} -c\``, `is read again as commands by the login shell that \`${program} -c\` starts`, syntax, [script])] : [] });
  }
  if (program === 'runuser') {
    const at = skipOptions(words, k + 1, VALUE_OPTIONS.runuser);
    if (at < words.length && rest.some((w) => w.value === '-u' || w.value === '--user')) return at;
  }
  return base({ stdinReader: { name: `\`${program}\``, does: `is read as commands by the shell that \`${program}\` starts`, syntax } });
}

/** `ssh [options] host [options] [command …]`: the command is joined with spaces and run by the remote login shell. */
function readSsh(words: readonly ShellWord[], k: number, base: Base): Invocation {
  let at = skipOptions(words, k + 1, VALUE_OPTIONS.ssh);
  const host = words[at];
  if (!host) return base();
  // OpenSSH reads options after the host too.
  at = skipOptions(words, at + 1, VALUE_OPTIONS.ssh);
  const name = `\`ssh ${host.value}\``;
  const reader = { name, does: `is sent by ${name} to the remote login shell, which reads it again as commands`, syntax: 'sh' as const };
  if (at < words.length) return base({ rereads: [{ reader, words: words.slice(at) }] });
  return base({ stdinReader: { ...reader, does: `is read as commands by the remote login shell of ${name}` } });
}

/** `knife ssh QUERY COMMAND …`: the command runs in each node's login shell. */
function readKnife(words: readonly ShellWord[], k: number, base: Base): Invocation {
  const values = words.slice(k + 1).map((w) => w.value);
  const ops = operandIndexes(values, VALUE_OPTIONS.knife);
  if (values[ops[0]] !== 'ssh' || ops.length < 3) return base();
  const commandWords = ops.slice(2).map((j) => words[k + 1 + j]);
  return base({ rereads: [reread('`knife ssh`', "is run by `knife ssh` in each node's login shell", 'sh', commandWords)] });
}

/** `gcloud compute ssh VM --command CMD`. */
function readGcloudSsh(words: readonly ShellWord[], k: number, base: Base): Invocation {
  const values = words.slice(k + 1).map((w) => w.value);
  if (values[0] !== 'compute' || values[1] !== 'ssh') return base();
  for (let j = 2; j < values.length; j++) {
    const word = words[k + 1 + j];
    if (values[j] === '--command' && words[k + 2 + j]) return base({ rereads: [reread('`gcloud compute ssh --command`', 'is run by `gcloud compute ssh` in the remote login shell', 'sh', [words[k + 2 + j]])] });
    if (values[j].startsWith('--command=')) {
      return base({ rereads: [reread('`gcloud compute ssh --command`', 'is run by `gcloud compute ssh` in the remote login shell', 'sh', [{ ...word, value: values[j].slice('--command='.length) }])] });
    }
  }
  return base();
}

/** `docker exec [options] CONTAINER COMMAND …` (also podman, nerdctl, `docker container exec`, `docker compose exec`). */
function readContainerExec(words: readonly ShellWord[], k: number, base: Base, carried: (from: number, extra?: Partial<Invocation>) => Invocation): Invocation {
  const values = words.slice(k + 1).map((w) => w.value);
  let j = 0;
  while (j < values.length && values[j].startsWith('-')) j += DOCKER_GLOBALS.includes(values[j]) && !values[j].includes('=') ? 2 : 1;
  let options = VALUE_OPTIONS.docker;
  if (values[j] === 'container') j++;
  else if (values[j] === 'compose') {
    j++;
    options = VALUE_OPTIONS.compose;
  }
  if (values[j] !== 'exec') return base();
  const at = skipOptions(words, k + 2 + j, options);
  if (at + 1 >= words.length) return base();
  const flags = words.slice(k + 2 + j, at).map((w) => w.value);
  const interactive = flags.some((v) => /^-[a-zA-Z]*i[a-zA-Z]*$/.test(v) || v === '--interactive');
  return carried(at + 1, { forwardsStdin: interactive });
}

/** The string `xargs -I R`, `-iR`, `--replace[=R]` replaces in its command, if any. */
function xargsReplaceToken(options: readonly string[]): string | undefined {
  let token: string | undefined;
  for (let j = 0; j < options.length; j++) {
    const v = options[j];
    if (v === '-I') token = options[++j];
    else if (v.startsWith('-I') && !v.startsWith('--')) token = v.slice(2);
    else if (v === '-i' || v === '--replace') token = '{}';
    else if (v.startsWith('-i') && !v.startsWith('--')) token = v.slice(2);
    else if (v.startsWith('--replace=')) token = v.slice('--replace='.length);
  }
  return token || undefined;
}

/** `find … -exec CMD … ;` (also -execdir, -ok, -okdir): each runs CMD with its arguments, `{}` replaced by the file name. */
function readFind(words: readonly ShellWord[], k: number, base: Base, shell: ShellSyntax): Invocation {
  const inner: Invocation[] = [];
  const replaces: NonNullable<Invocation['replaces']> = [];
  for (let j = k + 1; j < words.length; j++) {
    if (!['-exec', '-execdir', '-ok', '-okdir'].includes(words[j].value)) continue;
    let end = j + 1;
    while (end < words.length && words[end].value !== ';' && words[end].value !== '+') end++;
    const inv = readInvocation(words.slice(j + 1, end), shell);
    if (inv) inner.push(offsetInvocation(inv, words, j + 1));
    replaces.push({ token: '{}', words: words.slice(j + 1, end), by: `\`find ${words[j].value}\` replaces \`{}\` in its command with each file name` });
    j = end;
  }
  return base({ carried: inner, replaces });
}

function readShell(program: string, words: readonly ShellWord[], k: number, base: Base): Invocation {
  const syntax = shellSyntaxOf(program);
  const { script, stdin } = readShellArguments(program, words, k + 1);
  const name = `\`${program} -c\``;
  const does = syntax === 'other' ? `is read again by ${name}, in ${program} syntax, which is not quoted for here` : `is read again as commands by ${name}`;
  if (script) return base({ rereads: [{ reader: { name, does, syntax }, words: [script] }] });
  if (stdin) return base({ stdinReader: { name: `\`${program}\``, does: `is read as commands by \`${program}\` from its standard input`, syntax } });
  return base();
}

/** Every invocation in the tree: the command and the commands it carries, depth first. */
export function allInvocations(inv: Invocation | undefined): Invocation[] {
  if (!inv) return [];
  const out: Invocation[] = [];
  const stack = [inv];
  while (stack.length) {
    const next = stack.pop()!;
    out.push(next);
    stack.push(...[...next.carried].reverse());
  }
  return out;
}

/** The command that reads the invocation's standard input as commands, if any (through `kubectl exec -i`, `docker exec -i`). */
export function stdinReaderOf(inv: Invocation | undefined): Rereader | undefined {
  for (let at = inv; at; at = at.forwardsStdin ? at.carried[0] : undefined) {
    if (at.stdinReader) return at.stdinReader;
  }
  return undefined;
}
