// How a code block is named wherever a person picks one (the Runbooks view, the run pick, the
// timeline): its step number in the runbook and the heading it sits under. The step number is
// the block's 1-based position, so two blocks of one runbook never share a label.
import { commandMask } from '../shell/transcript';
import type { CodeBlock, Runbook } from './model';

/** `Step 3 · Roll back the deploy` (the runbook's title when the block is under no heading). */
export function codeBlockLabel(runbook: Runbook, block: CodeBlock): string {
  const heading = block.section >= 0 ? runbook.sections[block.section]?.title?.trim() : undefined;
  return `Step ${block.index + 1} · ${heading || runbook.title || 'top of the runbook'}`;
}

/** The block's first command line (not a comment, not transcript output), cut to `max` characters. */
export function codeBlockCommand(block: CodeBlock, max = 70): string {
  const commands = commandMask(block.text, block.lang);
  const line =
    commands.split('\n').map((l) => l.trim()).find((l) => l !== '' && !l.startsWith('#')) ??
    block.text.split('\n').find((l) => l.trim() !== '')?.trim();
  if (!line) return '(empty block)';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}
