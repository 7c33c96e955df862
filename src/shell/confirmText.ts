// The text of the danger confirmation, built here so it can be tested without an editor:
// what makes the command dangerous, what it will act on (target.ts), the command itself
// wrapped only where the shell allows a line break, and the word to type to run it.
import type { DangerFinding } from '../runbooks/model';
import { parseShell } from './syntax';
import type { RunTarget } from './target';

export interface DangerSummary {
  command: string;
  findings: readonly DangerFinding[];
  markedDangerous: boolean;
  commandCount: number;
  targets: readonly RunTarget[];
}

/** Characters per line of the command in the confirmation: what the dialog shows without wrapping it itself. */
export const CONFIRM_WIDTH = 56;

/** The word the engineer types to run: the first target's name, or `run` when no target is known. */
export function confirmationWord(targets: readonly RunTarget[]): string {
  const named = targets.find((t) => t.name && t.name !== 'unknown' && /^[\x21-\x7e]{1,80}$/.test(t.name));
  return named ? named.name : 'run';
}

/** Why the block is dangerous, once per rule. */
export function dangerReasons(findings: readonly DangerFinding[], markedDangerous: boolean): string[] {
  return [
    ...(markedDangerous ? ['The runbook marks this block as dangerous.'] : []),
    ...[...new Map(findings.map((f) => [f.ruleId, f])).values()].map((f) => `${capitalise(f.reason)} (${f.ruleId})`),
  ];
}

/** The notice put before the placeholder prompts of a dangerous block. */
export function dangerNotice(findings: readonly DangerFinding[], markedDangerous: boolean): string | undefined {
  const reasons = dangerReasons(findings, markedDangerous);
  if (!reasons.length) return undefined;
  return `Dangerous block — ${reasons.join('; ').replace(/\.$/, '')}. You will confirm before it runs.`;
}

/** The body of the confirmation: targets, reasons, the wrapped command, what comes next. */
export function dangerDetail(summary: DangerSummary, width = CONFIRM_WIDTH): string {
  const word = confirmationWord(summary.targets);
  const targets = summary.targets.length ? summary.targets.map((t) => `Target: ${t.description}`) : ['Target: this machine (no cluster, account or remote host found in the command)'];
  const steps = summary.commandCount > 1 ? [`Runs as ${summary.commandCount} commands, one at a time, stopping at the first that fails.`] : [];
  return [
    ...targets,
    ...dangerReasons(summary.findings, summary.markedDangerous).map((r) => `• ${r}`),
    '',
    wrapCommand(summary.command, width),
    '',
    ...steps,
    `Next you type “${word}” to run it. Enter or Escape here runs nothing.`,
  ].join('\n');
}

/**
 * The command with its long lines broken only where the shell itself separates words (never
 * inside a word, a quoted string, a comment or a here-document), each break written as a
 * ` \` continuation so the text shown is still the same command.
 */
export function wrapCommand(command: string, width = CONFIRM_WIDTH): string {
  if (command.length > 20_000) return command;
  const offsets = [...command.matchAll(/[ \t]/g)].map((m) => m.index!);
  const parsed = parseShell(command, offsets);
  const breakable = new Set(offsets.filter((at) => parsed.contexts.get(at)?.within.every((k) => k === 'unquoted') && parsed.contexts.get(at)?.kind === 'unquoted'));
  const out: string[] = [];
  let lineStart = 0;
  for (const line of command.split('\n')) {
    out.push(...wrapLine(line, lineStart, breakable, width));
    lineStart += line.length + 1;
  }
  return out.join('\n');
}

function wrapLine(line: string, offset: number, breakable: Set<number>, width: number): string[] {
  const out: string[] = [];
  let start = 0;
  let indent = '';
  while (indent.length + line.length - start > width) {
    // The last breakable blank that keeps the line (with its ` \`) within the width, else the first one after.
    let cut = -1;
    for (let k = start + 1; k < line.length; k++) {
      if (!breakable.has(offset + k) || line[k - 1] === ' ' || line[k - 1] === '\t') continue;
      if (indent.length + k - start + 2 <= width || cut < 0) cut = k;
      if (indent.length + k - start + 2 > width) break;
    }
    if (cut < 0) break;
    out.push(`${indent}${line.slice(start, cut)} \\`);
    start = cut;
    while (start < line.length && (line[start] === ' ' || line[start] === '\t')) start++;
    indent = '    ';
  }
  out.push(`${indent}${line.slice(start)}`);
  return out;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
