// Which code blocks get a Run action (the rest are Copy only). Shared by the tree, the CodeLens
// and the run command so they always agree.
import type { CodeBlock } from './model';

/** Labels that say "plain text" and nothing about what runs it: treated like no label. */
const PLAIN_TEXT = new Set(['text', 'txt', 'plaintext', 'plain']);

/**
 * Runnable: the block's language is one of `languages` (setting `oncall.run.languages`,
 * compared case-insensitively), or the block is unlabeled (or `text`) and its content looks
 * like shell (`looksLikeShell`).
 */
export function isRunnable(block: Pick<CodeBlock, 'lang' | 'looksLikeShell'>, languages: readonly string[]): boolean {
  const lang = block.lang?.toLowerCase() ?? null;
  if (lang !== null && languages.some((l) => l.toLowerCase() === lang)) return true;
  return (lang === null || PLAIN_TEXT.has(lang)) && block.looksLikeShell;
}
