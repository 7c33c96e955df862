// The incident journal exported next to its post-mortem, so the repository keeps the raw
// evidence. The lines are taken as the journal holds them (secrets were masked when recorded).
import { safeFileId } from './format';

/** `<incident id>.timeline.jsonl` */
export function journalExportFileName(incidentId: string): string {
  return `${safeFileId(incidentId)}.timeline.jsonl`;
}

/** The export's content: one JSON record per line, each line ending in a newline. */
export function journalExportText(lines: readonly string[]): string {
  const kept = lines.map((l) => l.replace(/\r?\n$/, '')).filter((l) => l.trim() !== '');
  for (const line of kept) {
    if (line.includes('\n')) throw new Error('A journal line must not contain a line break.');
  }
  return kept.length === 0 ? '' : `${kept.join('\n')}\n`;
}
