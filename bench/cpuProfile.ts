// Reads a V8 CPU profile (.cpuprofile) of the extension host and says who kept its thread busy:
// this extension, a built-in extension, VS Code's extension host itself, or the garbage
// collector. A "busy run" is a stretch of samples with no idle sample between them: a task.
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface BusyRun {
  ms: number;
  /** Sampled time per owner, in ms. */
  by: Map<string, number>;
}

export interface ProfileSummary {
  /** Busy runs, longest first. */
  runs: BusyRun[];
  /** The most time this extension had in any one busy run, in ms. */
  oursLongestMs: number;
}

export function summarizeProfile(file: string, ourPath: string): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const ownerCache = new Map<number, string>();
  const owner = (node: ProfileNode): string => {
    const known = ownerCache.get(node.id);
    if (known) return known;
    let found = node.callFrame.functionName === '(garbage collector)' ? 'garbage collector' : 'node and other';
    for (let id: number | undefined = node.id; id !== undefined; id = parent.get(id)) {
      const url = (byId.get(id) as ProfileNode).callFrame.url;
      if (url.includes(ourPath)) {
        found = 'this extension';
        break;
      }
      const builtIn = /\/extensions\/([^/]+)\//.exec(url);
      if (builtIn) {
        found = `built-in ${builtIn[1]}`;
        break;
      }
      if (url.includes('extensionHostProcess')) found = 'VS Code extension host';
    }
    ownerCache.set(node.id, found);
    return found;
  };
  const runs: BusyRun[] = [];
  let current: { start: number; end: number; by: Map<string, number> } | undefined;
  let t = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    t += profile.timeDeltas[i] ?? 0;
    const node = byId.get(profile.samples[i] as number) as ProfileNode;
    if (node.callFrame.functionName === '(idle)') {
      if (current) runs.push({ ms: (current.end - current.start) / 1000, by: current.by });
      current = undefined;
      continue;
    }
    current ??= { start: t, end: t, by: new Map() };
    current.end = t + (profile.timeDeltas[i + 1] ?? 0);
    const who = owner(node);
    current.by.set(who, (current.by.get(who) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000);
  }
  if (current) runs.push({ ms: (current.end - current.start) / 1000, by: current.by });
  runs.sort((a, b) => b.ms - a.ms);
  return { runs, oursLongestMs: Math.max(0, ...runs.map((r) => r.by.get('this extension') ?? 0)) };
}

/** "built-in markdown-language-features 1276 ms, garbage collector 86 ms, …" */
export function describeRun(run: BusyRun): string {
  return [...run.by]
    .sort((a, b) => b[1] - a[1])
    .filter(([, ms]) => ms >= 1)
    .map(([who, ms]) => `${who} ${ms.toFixed(0)} ms`)
    .join(', ');
}
