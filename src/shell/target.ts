// What a command will act on, read locally without running it: the Kubernetes context and
// namespace, the AWS profile and region, the gcloud project, the ssh host, the database host.
// Shown in the danger confirmation and recorded with the run.
//
// Sources, in the order the tools themselves use them:
// - kubectl/oc/helm: `--context` (helm `--kube-context`), `-n`/`--namespace`, `--kubeconfig`;
//   else the first file of KUBECONFIG (a `:`-separated list) that names a current context, else
//   ~/.kube/config; the namespace of that context, else `default`. A `kubectl config
//   use-context X` earlier in the same block counts.
// - aws: `--profile`, `--region`; else AWS_PROFILE (AWS_DEFAULT_PROFILE), AWS_REGION
//   (AWS_DEFAULT_REGION), else the profile's `region` in ~/.aws/config (AWS_CONFIG_FILE).
// - gcloud: `--project`; else CLOUDSDK_CORE_PROJECT; else the active configuration's
//   `[core] project` (CLOUDSDK_ACTIVE_CONFIG_NAME or the file active_config, under
//   CLOUDSDK_CONFIG or ~/.config/gcloud).
// - ssh: the host; commands it runs remotely have their targets on that host, not read here.
// - psql/mysql/mariadb/redis-cli/mongosh: `-h`/`--host`, a connection URL, PGHOST/MYSQL_HOST.
// What is not seen: settings typed earlier into the same terminal (`export KUBECONFIG=…`), and
// the other user's files after `sudo -u`/`su`.
import { parse } from 'yaml';
import { allInvocations, basename, readInvocation, type Invocation, type Reread } from './invocation';
import { parseShell, type ShellScript } from './syntax';

export interface TargetEnvironment {
  /** The environment the terminal's shell would have. */
  env: Readonly<Record<string, string | undefined>>;
  home: string;
  /** A file's text, or undefined when it is missing or unreadable. */
  readFile(path: string): string | undefined;
}

export type TargetKind = 'kube' | 'aws' | 'gcloud' | 'ssh' | 'database';

export interface RunTarget {
  kind: TargetKind;
  /** The name to confirm with: the context, profile, project or host. */
  name: string;
  /** One line: "Kubernetes context prod-eu, namespace payments (from ~/.kube/config)". */
  description: string;
}

/** Levels followed into commands run by other shells. */
const MAX_DEPTH = 4;

/** The targets of a command, in the order its commands name them; each once. */
export function readTargets(command: string, environment: TargetEnvironment): RunTarget[] {
  const found: RunTarget[] = [];
  const state: ReadState = { environment, kubeContext: undefined };
  readText(command, state, found, undefined, 0);
  const seen = new Set<string>();
  return found.filter((t) => {
    const key = `${t.kind}\u0000${t.description}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** One line for a record or a log: the descriptions joined. */
export function describeTargets(targets: readonly RunTarget[]): string {
  return targets.map((t) => t.description).join('; ');
}

interface ReadState {
  environment: TargetEnvironment;
  /** Set by `kubectl config use-context` earlier in the block. */
  kubeContext: string | undefined;
}

function readText(text: string, state: ReadState, found: RunTarget[], remote: string | undefined, depth: number): void {
  if (depth > MAX_DEPTH) return;
  for (const script of scriptsInOrder(parseShell(text).script)) {
    for (const cmd of script.commands) {
      for (const inv of allInvocations(readInvocation(cmd.words))) {
        readInvocationTargets(inv, state, found, remote);
        for (const r of inv.rereads) readText(rereadText(r), state, found, remoteOf(inv, r) ?? remote, depth + 1);
      }
    }
  }
}

function scriptsInOrder(root: ShellScript): ShellScript[] {
  const out: ShellScript[] = [];
  const visit = (script: ShellScript) => {
    out.push(script);
    for (const cmd of script.commands) for (const w of cmd.words) w.nested.forEach(visit);
  };
  visit(root);
  return out;
}

const rereadText = (r: Reread) => r.words.map((w) => w.value).join(' ');

/** The host where a re-read text runs, when it runs elsewhere. */
function remoteOf(inv: Invocation, r: Reread): string | undefined {
  if (inv.program === 'ssh') return /^`ssh (.*)`$/.exec(r.reader.name)?.[1];
  if (inv.program === 'knife' || inv.program === 'gcloud') return r.reader.name.replace(/`/g, '');
  return undefined;
}

function readInvocationTargets(inv: Invocation, state: ReadState, found: RunTarget[], remote: string | undefined): void {
  const values = inv.args.map((w) => w.value);
  const program = inv.program;
  if (program === 'ssh') {
    const host = sshHost(inv);
    if (host) found.push({ kind: 'ssh', name: host, description: `ssh host ${host}${remote ? ` (through ${remote})` : ''}` });
    return;
  }
  if (remote) {
    const what = TOOL_KIND[program];
    if (what) found.push({ kind: what.kind, name: remote, description: `${what.label} on ${remote} (its settings are there, not read here)` });
    return;
  }
  if (program === 'kubectl' || program === 'oc' || program === 'helm') {
    const useContext = values[0] === 'config' && values[1] === 'use-context' ? values[2] : undefined;
    if (useContext) {
      state.kubeContext = useContext;
      return;
    }
    found.push(kubeTarget(program, values, state));
  } else if (program === 'aws') {
    found.push(awsTarget(values, state.environment));
  } else if (program === 'gcloud') {
    found.push(gcloudTarget(values, state.environment));
  } else if (DATABASE_CLIENTS.has(program)) {
    found.push(databaseTarget(program, values, state.environment));
  }
}

const TOOL_KIND: Record<string, { kind: TargetKind; label: string }> = {
  kubectl: { kind: 'kube', label: 'Kubernetes context' },
  oc: { kind: 'kube', label: 'Kubernetes context' },
  helm: { kind: 'kube', label: 'Kubernetes context' },
  aws: { kind: 'aws', label: 'AWS profile' },
  gcloud: { kind: 'gcloud', label: 'gcloud project' },
  psql: { kind: 'database', label: 'database' },
  mysql: { kind: 'database', label: 'database' },
};

/** The value of an option given as `-n x`, `-nx`, `--namespace x` or `--namespace=x`; the last one wins. */
export function optionValue(values: readonly string[], names: readonly string[]): string | undefined {
  let found: string | undefined;
  for (let j = 0; j < values.length; j++) {
    const v = values[j];
    if (v === '--') break;
    for (const name of names) {
      if (v === name && j + 1 < values.length) found = values[j + 1];
      else if (name.startsWith('--') && v.startsWith(`${name}=`)) found = v.slice(name.length + 1);
      else if (!name.startsWith('--') && name.length === 2 && v.startsWith(name) && v.length > 2 && !v.startsWith('--')) found = v.slice(2);
    }
  }
  return found;
}

function sshHost(inv: Invocation): string | undefined {
  const reread = inv.rereads[0];
  const name = reread?.reader.name ?? inv.stdinReader?.name;
  return name ? /^`ssh (.*)`$/.exec(name)?.[1] : undefined;
}

// ---- Kubernetes ------------------------------------------------------------------------------

interface KubeConfig {
  currentContext?: string;
  contexts: Map<string, { namespace?: string; cluster?: string }>;
  files: string[];
}

function kubeTarget(program: string, values: string[], state: ReadState): RunTarget {
  const { environment } = state;
  const contextFlag = optionValue(values, program === 'helm' ? ['--kube-context'] : ['--context']);
  const namespaceFlag = optionValue(values, ['-n', '--namespace']);
  const kubeconfigFlag = optionValue(values, ['--kubeconfig']);
  const config = readKubeConfig(kubeconfigFlag, environment);
  const context = contextFlag ?? state.kubeContext ?? config.currentContext;
  const from = contextFlag ? 'from --context' : state.kubeContext ? 'from use-context in this block' : config.files.length ? `from ${config.files.map((f) => tildify(f, environment.home)).join(':')}` : '';
  if (!context) {
    const looked = kubeconfigFlag ?? environment.env.KUBECONFIG ?? '~/.kube/config';
    return { kind: 'kube', name: 'unknown', description: `Kubernetes: no current context (looked in ${tildify(looked, environment.home)})` };
  }
  const namespace = namespaceFlag ?? config.contexts.get(context)?.namespace ?? 'default';
  const cluster = config.contexts.get(context)?.cluster;
  return {
    kind: 'kube',
    name: context,
    description: `Kubernetes context ${context}${cluster && cluster !== context ? ` (cluster ${cluster})` : ''}, namespace ${namespace}${from ? ` (${from})` : ''}`,
  };
}

/** The kubeconfig files kubectl would merge, read: the first current-context and the first definition of each context win. */
export function readKubeConfig(flag: string | undefined, environment: TargetEnvironment): KubeConfig {
  const paths = flag ? [flag] : environment.env.KUBECONFIG ? environment.env.KUBECONFIG.split(':').filter(Boolean) : [`${environment.home}/.kube/config`];
  const config: KubeConfig = { contexts: new Map(), files: [] };
  for (const path of paths) {
    const text = environment.readFile(expandHome(path, environment.home));
    if (text === undefined) continue;
    let doc: unknown;
    try {
      doc = parse(text, { maxAliasCount: 100 });
    } catch {
      continue;
    }
    if (!doc || typeof doc !== 'object') continue;
    config.files.push(path);
    const record = doc as Record<string, unknown>;
    if (config.currentContext === undefined && typeof record['current-context'] === 'string' && record['current-context']) config.currentContext = record['current-context'];
    if (!Array.isArray(record.contexts)) continue;
    for (const entry of record.contexts as unknown[]) {
      if (!entry || typeof entry !== 'object') continue;
      const { name, context } = entry as { name?: unknown; context?: unknown };
      if (typeof name !== 'string' || config.contexts.has(name)) continue;
      const c = (context && typeof context === 'object' ? context : {}) as { namespace?: unknown; cluster?: unknown };
      config.contexts.set(name, { ...(typeof c.namespace === 'string' ? { namespace: c.namespace } : {}), ...(typeof c.cluster === 'string' ? { cluster: c.cluster } : {}) });
    }
  }
  return config;
}

// ---- AWS and gcloud --------------------------------------------------------------------------

function awsTarget(values: string[], environment: TargetEnvironment): RunTarget {
  const { env, home } = environment;
  const profile = optionValue(values, ['--profile']) ?? env.AWS_PROFILE ?? env.AWS_DEFAULT_PROFILE ?? 'default';
  const configFile = env.AWS_CONFIG_FILE ?? `${home}/.aws/config`;
  const sections = readIni(environment.readFile(expandHome(configFile, home)));
  const fromFile = sections.get(profile === 'default' ? 'default' : `profile ${profile}`)?.get('region');
  const region = optionValue(values, ['--region']) ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? fromFile;
  return { kind: 'aws', name: profile, description: `AWS profile ${profile}, region ${region ?? 'not set'}` };
}

function gcloudTarget(values: string[], environment: TargetEnvironment): RunTarget {
  const { env, home } = environment;
  let project = optionValue(values, ['--project']) ?? env.CLOUDSDK_CORE_PROJECT;
  let from = '';
  if (!project) {
    const dir = env.CLOUDSDK_CONFIG ?? `${home}/.config/gcloud`;
    const active = env.CLOUDSDK_ACTIVE_CONFIG_NAME ?? environment.readFile(`${expandHome(dir, home)}/active_config`)?.trim() ?? 'default';
    project = readIni(environment.readFile(`${expandHome(dir, home)}/configurations/config_${active}`)).get('core')?.get('project');
    from = ` (configuration ${active})`;
  }
  return { kind: 'gcloud', name: project ?? 'unknown', description: project ? `gcloud project ${project}${from}` : 'gcloud: no project set' };
}

/** Sections of an INI file (`[name]`, `key = value`). */
function readIni(text: string | undefined): Map<string, Map<string, string>> {
  const sections = new Map<string, Map<string, string>>();
  let current: Map<string, string> | undefined;
  for (const line of (text ?? '').split(/\r?\n/)) {
    const section = /^\s*\[([^\]]+)\]\s*$/.exec(line);
    if (section) {
      current = new Map();
      sections.set(section[1].trim(), current);
      continue;
    }
    const pair = /^\s*([A-Za-z0-9_.-]+)\s*[=:]\s*(.*?)\s*$/.exec(line);
    if (pair && current && !current.has(pair[1])) current.set(pair[1], pair[2]);
  }
  return sections;
}

// ---- databases -------------------------------------------------------------------------------

const DATABASE_CLIENTS = new Set(['psql', 'pg_dump', 'pgcli', 'mysql', 'mariadb', 'mysqldump', 'mycli', 'redis-cli', 'valkey-cli', 'mongo', 'mongosh', 'cqlsh', 'clickhouse-client']);
const URL = /^(postgres(?:ql)?|mysql|mariadb|redis|rediss|mongodb(?:\+srv)?):\/\/(?:[^@/]*@)?(\[[^\]]+\]|[^:/?]+)/;

function databaseTarget(program: string, values: string[], environment: TargetEnvironment): RunTarget {
  const { env } = environment;
  const url = values.map((v) => URL.exec(v.replace(/^--?[a-z-]+=/, ''))).find(Boolean);
  const conninfo = values.map((v) => /(?:^|\s)host=([^\s]+)/.exec(v)).find(Boolean);
  const flag = optionValue(values, program.startsWith('mongo') ? ['--host'] : ['-h', '--host']);
  const fromEnv = program.startsWith('p') ? env.PGHOST : program.startsWith('my') || program === 'mariadb' ? env.MYSQL_HOST : undefined;
  const host = flag ?? url?.[2] ?? conninfo?.[1] ?? fromEnv;
  const name = host ?? 'localhost';
  return { kind: 'database', name, description: `database host ${name}${host ? '' : ' (the local default)'} (${basename(program)})` };
}

// ---- paths -----------------------------------------------------------------------------------

function expandHome(path: string, home: string): string {
  return path === '~' ? home : path.startsWith('~/') ? `${home}${path.slice(1)}` : path;
}

function tildify(path: string, home: string): string {
  return home && path.startsWith(`${home}/`) ? `~${path.slice(home.length)}` : path;
}
