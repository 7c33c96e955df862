// Transcripts: code blocks written as a terminal session, where the commands are the lines after
// a prompt and everything else is output. One rule, shared by the placeholder finder and the
// command text builder.
//
// - A prompt is `$ ` (any user) or, in a session (a `console` / `shell-session` block, or a
//   block that already has `$ ` prompts), `# ` followed by a command (root): `# systemctl
//   restart nginx` is a root prompt there, `# check the pods first` is not. In a plain `bash`
//   block without `$ ` prompts, `# ` always starts a comment.
// - A block is a transcript when it has prompt lines. A `console` / `shell-session` block with
//   no prompt line at all is written as plain commands: every line is a command (the
//   block-kind rules in runbooks/runnable.ts decide whether it is commands or output).

const SHELL_LANGS = new Set(['sh', 'bash', 'shell', 'zsh', 'console', 'shell-session', 'shellsession', 'ksh', 'fish', 'terminal']);
/** Languages that say "a terminal session": prompts expected, `# ` can be a root prompt. */
const SESSION_LANGS = new Set(['console', 'shell-session', 'shellsession', 'terminal']);

const USER_PROMPT = /^[ \t]*\$ /;
const ROOT_PROMPT = /^[ \t]*# (?=\S)/;

const KNOWN_COMMANDS = new Set(
  (
    'kubectl helm docker podman systemctl journalctl curl wget aws gcloud az psql mysql redis-cli mongosh git ssh scp ' +
    'rsync cd ls cat less tail head grep egrep rg awk sed sort uniq wc cut tr jq yq xargs find echo printf export ' +
    'sudo kill pkill ps top htop df du free uptime dig nslookup host ping traceroute nc netstat ss ip ifconfig ' +
    'openssl terraform ansible ansible-playbook vault consul nomad make npm npx node python python3 pip go ' +
    'kafka-topics kafka-consumer-groups kafka-console-consumer kcat kafkacat stern k9s watch timeout sleep date ' +
    'mkdir rm cp mv touch chmod chown tar gzip gunzip zcat unzip env source set unset test true false while for ' +
    'if then do done fi case esac read nginx apachectl service crontab pg_dump pg_restore pg_isready ' +
    'redis-server etcdctl crictl ctr minikube kind eksctl istioctl linkerd argocd flux velero gsutil bq ' +
    'tee diff base64 sha256sum md5sum history which type alias ulimit lsof strace tcpdump iptables ufw ' +
    'oc virtctl kubeadm kubelet mount umount lsblk blkid fdisk parted mkfs fsck xfs_repair e2fsck resize2fs ' +
    'useradd usermod passwd id whoami hostname hostnamectl timedatectl reboot shutdown poweroff dmesg sysctl modprobe ' +
    'apt apt-get yum dnf rpm dpkg snap brew pip3 curl.exe mc rclone s3cmd promtool amtool mimirtool logcli cortextool ' +
    'thanos lsattr chattr ln stat file realpath readlink nohup screen tmux kubectx kubens jsonnet jb tk'
  ).split(' '),
);

/** Languages whose blocks are read as shell. */
export function isShellLanguage(lang: string | null): boolean {
  return lang !== null && SHELL_LANGS.has(lang);
}

/** A `console` / `shell-session` block: written as a terminal session. */
export function isSessionLanguage(lang: string | null): boolean {
  return lang !== null && SESSION_LANGS.has(lang);
}

/** Does this line start with a command: a known command word, an assignment, or a path to a program? */
export function isCommandLine(line: string): boolean {
  const text = line.trim();
  if (/^[A-Za-z_][\w.-]*:(?:\s|$)/.test(text)) return false; // `kind: Pod` is a YAML key, not the `kind` command
  if (/^[A-Za-z_][A-Za-z0-9_]*=\S*/.test(text)) return true;
  const word = /^(?:sudo\s+(?:-\S+\s+)*)?([A-Za-z0-9_./-]+)/.exec(text)?.[1];
  if (!word) return false;
  if (KNOWN_COMMANDS.has(word)) return true;
  // `./script.sh`, `/usr/local/bin/tool --flag`: a path with arguments.
  return /^\.{0,2}\/[\w./-]+$/.test(word) && !/:$/.test(word);
}

/** Whether `# ` can be a root prompt in this block (a session language, or `$ ` prompts already). */
function rootPromptsAllowed(lines: readonly string[], lang: string | null): boolean {
  return isSessionLanguage(lang) || lines.some((l) => USER_PROMPT.test(l));
}

/** The prompt at the start of a line (`$ `, or a root `# ` before a command when allowed), or null. */
export function matchPrompt(line: string, rootPrompts: boolean): string | null {
  const user = USER_PROMPT.exec(line);
  if (user) return user[0];
  if (!rootPrompts) return null;
  const root = ROOT_PROMPT.exec(line);
  return root && isCommandLine(line.slice(root[0].length)) ? root[0] : null;
}

/** How a block reads as a session: is it a transcript, and can `# ` be a root prompt in it. */
export function sessionOf(text: string, lang: string | null): { transcript: boolean; rootPrompts: boolean } {
  if (lang !== null && !SHELL_LANGS.has(lang) && lang !== 'text' && lang !== 'txt' && lang !== 'plaintext') {
    return { transcript: false, rootPrompts: false };
  }
  const lines = text.split('\n');
  const rootPrompts = rootPromptsAllowed(lines, lang);
  return { transcript: lines.some((line) => matchPrompt(line, rootPrompts) !== null), rootPrompts };
}

/** True when the block is a transcript: its commands are the lines after a prompt. */
export function isTranscript(text: string, lang: string | null): boolean {
  return sessionOf(text, lang).transcript;
}

/**
 * The block's text with everything that is not command text blanked out (same length, same
 * offsets): output lines of a transcript and its prompts. Continuation lines (after a trailing
 * `\`) belong to their command.
 */
export function commandMask(text: string, lang: string | null): string {
  const { transcript, rootPrompts } = sessionOf(text, lang);
  if (!transcript) return text;
  const lines = text.split('\n');
  let continued = false;
  const out = lines.map((line) => {
    const prompt = matchPrompt(line, rootPrompts);
    let kept: string;
    if (prompt !== null) kept = ' '.repeat(prompt.length) + line.slice(prompt.length);
    else if (continued) kept = line;
    else kept = ' '.repeat(line.length);
    continued = (prompt !== null || continued) && /\\$/.test(line);
    return kept;
  });
  return out.join('\n');
}
