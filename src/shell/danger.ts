// Danger rules: commands that need a confirmation before they run.
//
// The text is read as shell (syntax.ts) into simple commands with quote-removed words, so
// `\rm`, `"rm"`, `/bin/rm`, `a && rm`, `a; rm`, `$(rm …)` and backticks all reach the rules.
// Wrappers are looked through: sudo/doas, command, builtin, exec, env (assignments, -u, -C, -S),
// nohup, time, nice, ionice, timeout, stdbuf, chroot, setsid, flock, busybox, xargs, watch,
// `sh -c '…'`, `eval '…'`, `su -c '…'`, `ssh host '…'`, `find -exec …`, `kubectl exec -- …`,
// `docker exec …`. Text that is only printed (`echo "rm -rf /"`) is not a danger, unless it is
// piped into a shell. SQL is checked where it is SQL: a block that reads as SQL, the arguments,
// here-documents and here-strings of SQL clients, and text piped into one.
// Known blind spots (documented, not chased): commands assembled from variables (`$RM -rf`),
// aliases and functions defined elsewhere, scripts run from files.
import type { DangerFinding } from '../runbooks/model';
import { allInvocations, basename, KUBECTL_GLOBALS, operands, readInvocation, SHELLS, stdinReaderOf, subcommand } from './invocation';
import { parseShell, type ShellCommand, type ShellRedirect, type ShellScript, type ShellWord } from './syntax';

export interface DangerRule {
  id: string;
  reason: string;
}

const RULES = {
  'rm-recursive': 'deletes files and folders recursively (rm -r)',
  'find-delete': 'deletes every file a find matches',
  'shred': 'overwrites files so they cannot be recovered',
  'kubectl-delete': 'deletes Kubernetes resources',
  'kubectl-drain': 'evicts every pod from a node',
  'kubectl-scale-zero': 'scales a workload down to zero replicas',
  'kubectl-replace-force': 'deletes and recreates Kubernetes resources',
  'kubectl-apply-prune': 'deletes Kubernetes resources missing from the applied files',
  'helm-uninstall': 'uninstalls a Helm release',
  'sql-drop': 'drops a database object (DROP)',
  'sql-truncate': 'empties a table (TRUNCATE)',
  'sql-delete-all': 'deletes rows without a WHERE clause',
  'sql-update-all': 'updates rows without a WHERE clause',
  'redis-flush': 'deletes every key of a Redis database',
  'mongo-drop': 'drops a MongoDB database or collection, or deletes all its documents',
  'terraform-destroy': 'destroys infrastructure managed by Terraform',
  'terraform-auto-approve': 'applies infrastructure changes without showing the plan for approval',
  'terraform-state-rm': 'removes resources from the Terraform state',
  'pulumi-destroy': 'destroys infrastructure managed by Pulumi',
  'git-force-push': 'overwrites remote git history (force push)',
  'git-push-delete': 'deletes a remote git branch or tag',
  'git-reset-hard': 'discards local git changes (reset --hard)',
  'git-clean': 'deletes untracked files (git clean -f)',
  'git-branch-force-delete': 'deletes a git branch even if it is not merged',
  'power-off': 'shuts down or reboots the machine',
  'mkfs': 'formats a file system',
  'disk-partition': 'repartitions or wipes a disk',
  'dd-write': 'writes raw data to a device with dd (of=/dev/…)',
  'block-device-write': 'writes straight to a disk device',
  'mv-dev-null': 'moves files into /dev/null (they are lost)',
  'download-exec': 'runs a script downloaded from the network',
  'pipe-to-shell': 'pipes text into a shell',
  'chmod-recursive-open': 'makes files world-writable recursively',
  'recursive-root': 'changes ownership or permissions of a system folder recursively',
  'fork-bomb': 'a fork bomb: starts processes until the machine stops responding',
  'kill-all': 'kills every process (or init)',
  'firewall-flush': 'removes firewall rules or locks the firewall down',
  'crontab-remove': 'deletes the crontab',
  'docker-prune': 'deletes Docker containers, images or networks in bulk',
  'docker-volume-rm': 'deletes Docker volumes and their data',
  'cloud-delete': 'deletes cloud resources',
  'rsync-delete': 'deletes files at the destination that are not in the source',
  'kv-delete': 'deletes keys from a configuration or secret store',
  'volume-destroy': 'destroys a storage volume or pool',
  'too-nested': 'is nested too deeply to check',
} as const;

export type DangerRuleId = keyof typeof RULES;

/** The built-in rules, for documentation and the settings UI. */
export const DANGER_RULES: readonly DangerRule[] = Object.entries(RULES).map(([id, reason]) => ({ id, reason }));

const MAX_DEPTH = 6;
const MAX_MATCH = 200;

/** The user's extra patterns as regular expressions; invalid ones are reported, not thrown. */
export function compileDangerPatterns(patterns: readonly unknown[]): { regexes: Array<{ pattern: string; regex: RegExp }>; invalid: Array<{ pattern: string; error: string }> } {
  const regexes: Array<{ pattern: string; regex: RegExp }> = [];
  const invalid: Array<{ pattern: string; error: string }> = [];
  for (const pattern of patterns) {
    if (typeof pattern !== 'string' || pattern === '') {
      invalid.push({ pattern: String(pattern), error: 'not a non-empty string' });
      continue;
    }
    try {
      regexes.push({ pattern, regex: new RegExp(pattern) });
    } catch (err) {
      invalid.push({ pattern, error: err instanceof Error ? err.message : String(err) });
    }
  }
  return { regexes, invalid };
}

/**
 * Every danger rule the command matches, built-in and the user's `extraPatterns` (regular
 * expressions; invalid ones are ignored here — call compileDangerPatterns to report them).
 */
export function findDanger(command: string, extraPatterns: readonly string[] = []): DangerFinding[] {
  const findings: DangerFinding[] = [];
  const seen = new Set<string>();
  const add = (ruleId: DangerRuleId, match: string) => {
    const trimmed = match.trim().slice(0, MAX_MATCH);
    const key = `${ruleId}\u0000${trimmed}`;
    if (seen.has(key)) return;
    seen.add(key);
    findings.push({ ruleId, reason: RULES[ruleId], match: trimmed });
  };

  if (readsAsSql(command)) sqlFindings(command, command, add);
  const bomb = /([A-Za-z_:.][\w:.]*)\s*\(\s*\)\s*\{[^}]*?\1\s*\|\s*&?\s*\1\s*&/.exec(command);
  if (bomb) add('fork-bomb', bomb[0]);

  // Worklist of texts to read as shell: the command, then strings run by sh -c, eval, ssh…
  const texts: Array<{ text: string; depth: number }> = [{ text: command, depth: 0 }];
  while (texts.length) {
    const { text, depth } = texts.pop()!;
    if (depth > MAX_DEPTH) {
      add('too-nested', text);
      continue;
    }
    const parsed = parseShell(text);
    const scripts: ShellScript[] = [parsed.script];
    while (scripts.length) {
      const script = scripts.pop()!;
      const ctx: Context = { text, depth, add, reparse: (t) => texts.push({ text: t, depth: depth + 1 }) };
      for (const cmd of script.commands) {
        for (const w of cmd.words) scripts.push(...w.nested);
        for (const r of cmd.redirects) {
          if (r.target) scripts.push(...r.target.nested);
          if (r.heredoc) scripts.push(...r.heredoc.nested);
        }
      }
      checkScript(script, ctx);
    }
  }

  if (extraPatterns.length) {
    for (const { pattern, regex } of compileDangerPatterns(extraPatterns).regexes) {
      const m = regex.exec(command);
      if (m) {
        const key = `user\u0000${pattern}`;
        if (!seen.has(key)) {
          seen.add(key);
          findings.push({ ruleId: 'user-pattern', reason: `matches your pattern /${pattern}/ (oncall.run.extraDangerPatterns)`, match: m[0].slice(0, MAX_MATCH) });
        }
      }
    }
  }
  return findings;
}

interface Context {
  text: string;
  depth: number;
  add: (ruleId: DangerRuleId, match: string) => void;
  reparse: (text: string) => void;
}

/** A simple command after looking through wrappers: what actually runs. */
interface Invocation {
  program: string;
  args: ShellWord[];
  redirects: ShellRedirect[];
  match: string;
  /** Reads commands from its standard input (a shell, `ssh host` without a command). */
  readsCommands: boolean;
}

const INTERPRETERS = new Set([...SHELLS, 'python', 'python2', 'python3', 'perl', 'ruby', 'node', 'php', 'pwsh']);
const DOWNLOADERS = new Set(['curl', 'wget', 'fetch', 'http', 'https', 'aria2c', 'lwp-request', 'iwr', 'Invoke-WebRequest']);
const SQL_CLIENTS = new Set(['psql', 'mysql', 'mariadb', 'sqlite3', 'sqlcmd', 'clickhouse-client', 'clickhouse', 'cqlsh', 'bq', 'snowsql', 'cockroach', 'duckdb', 'trino', 'presto', 'spanner-cli', 'usql', 'pgcli', 'mycli', 'isql']);
const PRINTERS = new Set(['echo', 'printf', 'cat']);

function checkScript(script: ShellScript, ctx: Context): void {
  // Group into pipelines.
  let pipeline: Invocation[][] = [];
  const flush = () => {
    if (pipeline.length > 1) checkPipeline(pipeline, ctx);
    pipeline = [];
  };
  for (const cmd of script.commands) {
    const invocations = resolve(cmd, ctx);
    for (const inv of invocations) checkInvocation(inv, ctx);
    pipeline.push(invocations);
    if (cmd.next !== '|' && cmd.next !== '|&') flush();
  }
  flush();
}

function sourceOf(cmd: ShellCommand, ctx: Context): string {
  return ctx.text.slice(cmd.start, cmd.end);
}

/**
 * What a simple command runs (invocation.ts looks through the wrappers): the program and the
 * commands it carries (`find -exec`, `kubectl exec --`, `docker exec`), each checked by the
 * rules; text read again by a shell (`sh -c`, `eval`, `ssh host …`, `su -c` …) is read as shell
 * in its turn.
 */
function resolve(cmd: ShellCommand, ctx: Context): Invocation[] {
  const match = sourceOf(cmd, ctx);
  const out: Invocation[] = [];
  const root = readInvocation(cmd.words);
  for (const inv of allInvocations(root)) {
    for (const r of inv.rereads) ctx.reparse(r.words.map((w) => w.value).join(' '));
    out.push({ program: inv.program, args: inv.args, redirects: cmd.redirects, match, readsCommands: inv === root ? stdinReaderOf(root) !== undefined : inv.stdinReader !== undefined });
    if (inv.program === 'find' && inv.carried.some((c) => c.program === 'rm')) ctx.add('find-delete', match);
  }
  // A here-document or here-string given to a program that reads commands from its input.
  if (stdinReaderOf(root)) {
    for (const r of cmd.redirects) {
      if (r.heredoc) ctx.reparse(r.heredoc.body);
      else if (r.op.endsWith('<<<') && r.target) ctx.reparse(r.target.value);
    }
  }
  return out;
}

/** Single-letter flags, whether combined (`-rf`) or not, before `--`. */
function shortFlags(values: string[]): Set<string> {
  const flags = new Set<string>();
  for (const v of values) {
    if (v === '--') break;
    if (/^-[A-Za-z0-9]+$/.test(v)) for (const ch of v.slice(1)) flags.add(ch);
  }
  return flags;
}

function hasOption(values: string[], ...names: string[]): boolean {
  const end = values.indexOf('--');
  const head = end < 0 ? values : values.slice(0, end);
  return head.some((v) => names.some((n) => v === n || (n.startsWith('--') && v.startsWith(n + '='))));
}

const BLOCK_DEVICE = /^\/dev\/(sd[a-z]|hd[a-z]|vd[a-z]|xvd[a-z]|nvme\d|mmcblk\d|disk\d|rdisk\d|md\d|dm-\d|mapper\/|loop\d|sr\d)/;
const SYSTEM_ROOTS = new Set(['/', '/*', '/etc', '/usr', '/var', '/bin', '/sbin', '/lib', '/lib64', '/boot', '/home', '/root', '/opt', '/srv', '~', '$HOME', '${HOME}']);

/** What a rule checker gets: the invocation's argument values, its single-letter flags, and a way to report. */
interface Check {
  inv: Invocation;
  program: string;
  values: string[];
  flags: Set<string>;
  add: (id: DangerRuleId) => void;
}

function checkInvocation(inv: Invocation, ctx: Context): void {
  const values = inv.args.map((w) => w.value);
  const check: Check = { inv, program: inv.program, values, flags: shortFlags(values), add: (id) => ctx.add(id, inv.match) };
  for (const r of inv.redirects) {
    if (r.op.includes('>') && r.target && BLOCK_DEVICE.test(r.target.value)) check.add('block-device-write');
  }
  const checker = CHECKERS[inv.program] ?? (/^mkfs(\.|$)/.test(inv.program) ? () => check.add('mkfs') : undefined);
  checker?.(check);
  if (SQL_CLIENTS.has(inv.program)) checkSqlClient(inv, ctx);
  if (INTERPRETERS.has(inv.program) && inv.args.some(containsDownloader)) check.add('download-exec');
}

/** Files and devices: rm, find, shred, mv, tee, cp, dd, chmod, chown, chgrp. */
function checkFiles({ program, values, flags, add }: Check): void {
  switch (program) {
    case 'rm':
      if (flags.has('r') || flags.has('R') || hasOption(values, '--recursive')) add('rm-recursive');
      break;
    case 'find':
      if (values.includes('-delete')) add('find-delete');
      break;
    case 'shred':
      add('shred');
      break;
    case 'dd':
      // Writing an image to a regular file is everyday; writing to a device is not.
      if (values.some((v) => v.startsWith('of=/dev/') && !/^of=\/dev\/(null|stdout|stderr|fd\/)/.test(v))) add('dd-write');
      break;
    case 'tee': case 'cp':
      if (values.some((v) => BLOCK_DEVICE.test(v))) add('block-device-write');
      break;
    case 'mv':
      if (operands(values).slice(-1)[0] === '/dev/null') add('mv-dev-null');
      break;
    default: {
      // chmod, chown, chgrp
      const recursive = flags.has('R') || hasOption(values, '--recursive');
      if (!recursive) break;
      const ops = operands(values);
      if (program === 'chmod' && ops[0] && worldWritable(ops[0])) add('chmod-recursive-open');
      if (ops.slice(1).some((t) => SYSTEM_ROOTS.has(t.replace(/\/+$/, '') || '/'))) add('recursive-root');
    }
  }
}

/** kubectl, oc and helm. */
function checkKubernetes({ program, values, add }: Check): void {
  if (program === 'helm') {
    const sub = subcommand(values, ['--kube-context', '-n', '--namespace', '--kubeconfig', '--registry-config', '--repository-cache', '--repository-config', '--kube-apiserver', '--kube-token', '--kube-as-user', '--burst-limit']);
    if (sub && ['uninstall', 'delete', 'del', 'un'].includes(sub)) add('helm-uninstall');
    return;
  }
  const sub = subcommand(values, KUBECTL_GLOBALS);
  if (sub === 'delete') add('kubectl-delete');
  else if (sub === 'drain') add('kubectl-drain');
  else if (sub === 'scale') {
    const j = values.findIndex((v) => v === '--replicas');
    if (values.some((v) => /^--replicas=0+$/.test(v)) || (j >= 0 && /^0+$/.test(values[j + 1] ?? ''))) add('kubectl-scale-zero');
  } else if (sub === 'replace' && hasOption(values, '--force')) add('kubectl-replace-force');
  else if (sub === 'apply' && hasOption(values, '--prune')) add('kubectl-apply-prune');
}

/** Terraform, OpenTofu, Terragrunt and Pulumi. */
function checkInfrastructure({ program, values, add }: Check): void {
  if (program === 'pulumi') {
    const ops = operands(values, ['-s', '--stack', '-C', '--cwd']);
    if (ops[0] === 'destroy' || ops[0] === 'down' || (ops[0] === 'stack' && ops[1] === 'rm')) add('pulumi-destroy');
    return;
  }
  let sub = subcommand(values, []);
  const ops = operands(values);
  if (sub === 'run-all' || sub === 'run') sub = ops[1];
  if (sub === 'destroy' || (sub === 'apply' && hasOption(values, '-destroy', '--destroy'))) add('terraform-destroy');
  if (sub === 'apply' && hasOption(values, '-auto-approve', '--auto-approve')) add('terraform-auto-approve');
  if (sub === 'state' && ['rm', 'replace-provider'].includes(ops[1] ?? '')) add('terraform-state-rm');
}

const POWER_VERBS = ['poweroff', 'reboot', 'halt', 'kexec', 'suspend', 'hibernate', 'hybrid-sleep', 'rescue', 'emergency', 'soft-reboot'];

/** The machine itself: power, file systems, disks, processes, firewall, cron. */
function checkMachine({ program, values, flags, add }: Check): void {
  switch (program) {
    case 'systemctl': {
      const sub = operands(values, ['-H', '--host', '-M', '--machine', '-t', '--type', '-p', '--property', '-s', '--signal'])[0];
      if (sub && POWER_VERBS.includes(sub)) add('power-off');
      break;
    }
    case 'init': case 'telinit':
      if (['0', '6'].includes(values[0] ?? '')) add('power-off');
      break;
    case 'mke2fs': case 'mkswap': case 'mkntfs': case 'mkdosfs':
      add('mkfs');
      break;
    case 'wipefs':
      if (flags.has('a') || hasOption(values, '--all') || flags.has('o') || hasOption(values, '--offset')) add('disk-partition');
      break;
    case 'fdisk': case 'sfdisk': case 'gdisk': case 'sgdisk': case 'parted': case 'cfdisk':
      if (!flags.has('l') && !hasOption(values, '--list') && !values.includes('print') && !flags.has('p')) add('disk-partition');
      break;
    case 'kill':
      if (killsEverything(values)) add('kill-all');
      break;
    case 'killall5':
      add('kill-all');
      break;
    case 'nft':
      if (values.includes('flush') && values.includes('ruleset')) add('firewall-flush');
      break;
    case 'ufw':
      if (values.includes('reset') || values.includes('disable')) add('firewall-flush');
      break;
    case 'crontab':
      if (flags.has('r')) add('crontab-remove');
      break;
    default:
      if (/^ip6?tables/.test(program)) {
        if (flags.has('F') || flags.has('X') || hasOption(values, '--flush', '--delete-chain') || (flags.has('P') && values.includes('DROP'))) add('firewall-flush');
      } else {
        add('power-off'); // shutdown, reboot, halt, poweroff
      }
  }
}

/** `kill` aimed at every process (-1) or at init (1). */
function killsEverything(values: string[]): boolean {
  let signalled = false;
  const pids: string[] = [];
  for (let j = 0; j < values.length; j++) {
    const v = values[j];
    if (v === '--') {
      pids.push(...values.slice(j + 1));
      break;
    }
    if (!signalled && (v === '-s' || v === '-n')) {
      signalled = true;
      j++;
      continue;
    }
    if (!signalled && /^-(\d+|[A-Z]+|SIG[A-Z]+)$/.test(v)) {
      signalled = true;
      continue;
    }
    pids.push(v);
  }
  return pids.includes('-1') || pids.includes('1');
}

/** Cloud command lines and rsync. */
function checkCloud({ program, values, flags, add }: Check): void {
  switch (program) {
    case 'aws': {
      const ops = operands(values, ['--region', '--profile', '--output', '--endpoint-url', '--query', '--color', '--cli-read-timeout', '--cli-connect-timeout', '--ca-bundle', '--cli-binary-format']);
      const [service, op] = ops;
      if (op && /^(delete|terminate|purge|remove|destroy|deregister)-/.test(op)) add('cloud-delete');
      if ((service === 's3' && (op === 'rm' || op === 'rb')) || (service === 's3' && op === 'sync' && hasOption(values, '--delete'))) add('cloud-delete');
      break;
    }
    case 'gsutil': {
      const ops = operands(values, ['-o', '-h', '-u']);
      if (ops[0] === 'rm' || ops[0] === 'rb' || (ops[0] === 'rsync' && flags.has('d'))) add('cloud-delete');
      break;
    }
    case 'rsync':
      if (values.some((v) => /^--delete/.test(v) || v === '--remove-source-files')) add('rsync-delete');
      break;
    default:
      // gcloud, az, doctl, oci, ibmcloud, hcloud, linode-cli, scw
      if (operands(values).some((v) => v === 'delete' || v === 'destroy' || v === 'purge')) add('cloud-delete');
  }
}

/** Key-value stores, volumes and databases by their own tools. */
function checkStores({ inv, program, values, add }: Check): void {
  switch (program) {
    case 'etcdctl':
      if (operands(values, ['--endpoints', '--cacert', '--cert', '--key', '--user', '--password'])[0] === 'del') add('kv-delete');
      break;
    case 'consul': {
      const ops = operands(values);
      if (ops[0] === 'kv' && ops[1] === 'delete') add('kv-delete');
      break;
    }
    case 'vault': {
      const ops = operands(values, ['-address', '-namespace', '-mount']);
      const kvDelete = ops[0] === 'kv' && ['delete', 'destroy', 'metadata'].includes(ops[1] ?? '') && (ops[1] !== 'metadata' || ops[2] === 'delete');
      if (kvDelete || ops[0] === 'delete' || (ops[0] === 'secrets' && ops[1] === 'disable')) add('kv-delete');
      break;
    }
    case 'zfs': case 'zpool':
      if (operands(values)[0] === 'destroy') add('volume-destroy');
      break;
    case 'lvremove': case 'vgremove': case 'pvremove':
      add('volume-destroy');
      break;
    case 'btrfs': {
      const ops = operands(values);
      if (ops[0]?.startsWith('sub') && ops[1] === 'delete') add('volume-destroy');
      break;
    }
    case 'dropdb': case 'dropuser':
      add('sql-drop');
      break;
    case 'mysqladmin':
      if (values.includes('drop')) add('sql-drop');
      break;
    case 'mongo': case 'mongosh':
      for (const t of [...values, ...inv.redirects.map((r) => r.heredoc?.body ?? '')]) {
        if (/\bdropDatabase\s*\(|\.drop\s*\(|\.deleteMany\s*\(\s*\{\s*\}\s*\)/.test(t)) add('mongo-drop');
      }
      break;
    default:
      // redis-cli, valkey-cli, keydb-cli
      if (values.some((v) => /^flush(all|db)$/i.test(v))) add('redis-flush');
      for (const r of inv.redirects) if (r.heredoc && /\bflush(all|db)\b/i.test(r.heredoc.body)) add('redis-flush');
  }
}

/** `source <(curl …)`, `eval "$(wget …)"`. */
function checkSourced({ inv, program, add }: Check): void {
  if (program === 'eval' ? inv.args.some(containsDownloader) : inv.args[0] && containsDownloader(inv.args[0])) add('download-exec');
}

/** Which checker reads which program. */
const CHECKERS: Record<string, (check: Check) => void> = {
  ...table(checkFiles, ['rm', 'find', 'shred', 'dd', 'tee', 'cp', 'mv', 'chmod', 'chown', 'chgrp']),
  ...table(checkKubernetes, ['kubectl', 'oc', 'helm']),
  ...table(checkInfrastructure, ['terraform', 'tofu', 'terragrunt', 'pulumi']),
  ...table(checkMachine, [
    'shutdown', 'reboot', 'halt', 'poweroff', 'systemctl', 'init', 'telinit', 'mke2fs', 'mkswap', 'mkntfs', 'mkdosfs',
    'fdisk', 'sfdisk', 'gdisk', 'sgdisk', 'parted', 'cfdisk', 'wipefs', 'kill', 'killall5', 'nft', 'ufw', 'crontab',
    'iptables', 'ip6tables', 'iptables-legacy', 'iptables-nft', 'ip6tables-legacy', 'ip6tables-nft',
  ]),
  ...table(checkCloud, ['aws', 'gcloud', 'az', 'doctl', 'oci', 'ibmcloud', 'hcloud', 'linode-cli', 'scw', 'gsutil', 'rsync']),
  ...table(checkStores, ['etcdctl', 'consul', 'vault', 'zfs', 'zpool', 'lvremove', 'vgremove', 'pvremove', 'btrfs', 'dropdb', 'dropuser', 'mysqladmin', 'redis-cli', 'valkey-cli', 'keydb-cli', 'mongo', 'mongosh']),
  ...table(checkSourced, ['source', '.', 'eval']),
  ...table(checkGit, ['git']),
  ...table(checkDocker, ['docker', 'podman', 'nerdctl', 'docker-compose']),
};

function table(checker: (check: Check) => void, programs: string[]): Record<string, (check: Check) => void> {
  return Object.fromEntries(programs.map((p) => [p, checker]));
}

/** SQL in the arguments, here-documents and here-strings of a SQL client. */
function checkSqlClient(inv: Invocation, ctx: Context): void {
  for (const w of inv.args) sqlFindings(w.value, inv.match, ctx.add);
  for (const r of inv.redirects) {
    if (r.heredoc) sqlFindings(r.heredoc.body, inv.match, ctx.add);
    if (r.op.endsWith('<<<') && r.target) sqlFindings(r.target.value, inv.match, ctx.add);
  }
}

/** A chmod mode that gives write permission to others: `777`, `o+w`, `a=rwx`, `+w`. */
function worldWritable(mode: string): boolean {
  if (/^[0-7]{3,4}$/.test(mode)) return ['2', '3', '6', '7'].includes(mode[mode.length - 1]);
  return mode.split(',').some((clause) => {
    const m = /^([ugoa]*)([+=])([rwxXst]*)$/.exec(clause);
    return !!m && m[3].includes('w') && (m[1] === '' || m[1].includes('o') || m[1].includes('a'));
  });
}

/** git: force pushes, remote deletes, hard resets, clean -f, forced branch deletes. */
function checkGit({ values, add }: Check): void {
  const globals = ['-C', '-c', '--git-dir', '--work-tree', '--namespace', '--exec-path', '--super-prefix', '--config-env'];
  let j = 0;
  while (j < values.length && values[j].startsWith('-')) j += globals.includes(values[j]) ? 2 : 1;
  const sub = values[j];
  const args = values.slice(j + 1);
  const flags = shortFlags(args);
  switch (sub) {
    case 'push': {
      const ops = operands(args, ['-o', '--push-option', '--repo', '--receive-pack', '--exec']);
      if (flags.has('f') || hasOption(args, '--force', '--force-with-lease', '--force-if-includes', '--mirror') || ops.slice(1).some((r) => r.startsWith('+'))) add('git-force-push');
      if (flags.has('d') || hasOption(args, '--delete', '--prune') || ops.slice(1).some((r) => r.startsWith(':'))) add('git-push-delete');
      break;
    }
    case 'reset':
      if (hasOption(args, '--hard')) add('git-reset-hard');
      break;
    case 'clean':
      if ((flags.has('f') || hasOption(args, '--force')) && !flags.has('n') && !hasOption(args, '--dry-run')) add('git-clean');
      break;
    case 'branch':
      if (flags.has('D') || ((flags.has('d') || hasOption(args, '--delete')) && (flags.has('f') || hasOption(args, '--force')))) add('git-branch-force-delete');
      break;
  }
}

/** Docker, Podman, nerdctl and Compose: bulk prunes and volume deletes. */
function checkDocker({ program, values, flags, add }: Check): void {
  const globals = ['-H', '--host', '-c', '--context', '--config', '-l', '--log-level', '--tlscacert', '--tlscert', '--tlskey', '-f', '--file', '-p', '--project-name', '--project-directory', '--env-file', '--profile'];
  const ops = operands(values, globals);
  let [a, b] = ops;
  if (a === 'compose') [a, b] = [ops[1], ops[2]];
  if (program === 'docker-compose') [a, b] = [ops[0], ops[1]];
  if (a === 'system' && b === 'prune') add('docker-prune');
  else if (['container', 'network', 'builder', 'buildx'].includes(a ?? '') && b === 'prune') add('docker-prune');
  else if (a === 'image' && b === 'prune' && (flags.has('a') || hasOption(values, '--all'))) add('docker-prune');
  else if (a === 'volume' && (b === 'rm' || b === 'prune' || b === 'remove')) add('docker-volume-rm');
  else if ((a === 'rm' || (a === 'container' && b === 'rm')) && (flags.has('v') || hasOption(values, '--volumes'))) add('docker-volume-rm');
  else if (a === 'down' && (flags.has('v') || hasOption(values, '--volumes'))) add('docker-volume-rm');
}

/** A word with a `$(curl …)`, backticks or `<(wget …)` in it. */
function containsDownloader(word: ShellWord): boolean {
  const scripts = [...word.nested];
  while (scripts.length) {
    const s = scripts.pop()!;
    for (const cmd of s.commands) {
      const names = cmd.words.map((w) => basename(w.value));
      if (names.some((n) => DOWNLOADERS.has(n))) return true;
      for (const w of cmd.words) scripts.push(...w.nested);
    }
  }
  return false;
}

function readsStdinScript(inv: Invocation): boolean {
  const values = inv.args.map((w) => w.value);
  if (values.includes('-s') || values.includes('-')) return true;
  return operands(values, ['-o', '+o', '-O', '+O']).length === 0 && !values.some((v) => /^-[a-zA-Z]*c/.test(v) || v === '-m' || v === '-e');
}

function checkPipeline(stages: Invocation[][], ctx: Context): void {
  let downloaded = false;
  const printed: string[] = [];
  let sqlInput = false;
  for (const stage of stages) {
    for (const inv of stage) {
      const shellReadsStdin = inv.readsCommands;
      if (shellReadsStdin || (INTERPRETERS.has(inv.program) && !SHELLS.has(inv.program) && readsStdinScript(inv))) {
        if (downloaded) ctx.add('download-exec', inv.match);
        if (printed.length && shellReadsStdin) {
          ctx.add('pipe-to-shell', inv.match);
          ctx.reparse(printed.join('\n'));
        }
      }
      if (SQL_CLIENTS.has(inv.program)) sqlInput = true;
    }
    for (const inv of stage) {
      if (DOWNLOADERS.has(inv.program)) downloaded = true;
      if (PRINTERS.has(inv.program)) {
        printed.push(inv.args.filter((w) => !/^-[neE]+$/.test(w.value)).map((w) => w.value).join(' '));
        for (const r of inv.redirects) if (r.heredoc) printed.push(r.heredoc.body);
      }
    }
  }
  if (sqlInput) for (const text of printed) sqlFindings(text, stages[0][0]?.match ?? text, ctx.add);
}

const SQL_START = /^(select|insert|update|delete|drop|truncate|alter|create|with|begin|start|grant|revoke|explain|merge|replace|vacuum|analyze|commit|rollback|upsert|use)\b/i;

/** Text whose first statement starts with a SQL keyword (after SQL comments). */
function readsAsSql(text: string): boolean {
  const body = text.replace(/^(\s*(--[^\n]*\n|\/\*[\s\S]*?\*\/))*\s*/, '');
  return SQL_START.test(body);
}

function sqlFindings(sql: string, match: string, add: (id: DangerRuleId, match: string) => void): void {
  const withoutComments = sql.replace(/--[^\n]*/g, ' ').replace(/\/\*[\s\S]*?\*\//g, ' ');
  for (const statement of withoutComments.split(';')) {
    const s = statement.trim();
    if (!s) continue;
    const shown = match === sql ? s : match;
    if (/\bdrop\s+(table|database|schema|index|view|materialized\s+view|user|role|tablespace|keyspace|collection|sequence|function|procedure|trigger|type|extension|owned|column|partition)\b/i.test(s) || /\balter\s+table\b[\s\S]*\bdrop\b/i.test(s)) add('sql-drop', shown);
    if (/\btruncate\s+(table\s+)?[\w"`[.]/i.test(s)) add('sql-truncate', shown);
    if (/\bdelete\s+from\b/i.test(s) && !/\bwhere\b/i.test(s)) add('sql-delete-all', shown);
    if (/\bupdate\s+[\w"`[\].]+(\s+(as\s+)?\w+)?\s+set\b/i.test(s) && !/\bwhere\b/i.test(s)) add('sql-update-all', shown);
  }
}
