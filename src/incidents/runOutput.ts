// What a command-run event records about its output, and how to read the excerpt back as
// numbered lines. No Node imports: the timeline webview uses this too.

/** What a command-run event says about the run's output. Lines are 1-based. */
export interface RunOutput {
  /** The first lines of the output (masked). */
  head: string[];
  /** The last lines (masked); they never repeat a head line. */
  tail: string[];
  /** Lines in the whole output as kept. */
  lines: number;
  /** UTF-8 bytes of the whole output as kept. */
  bytes: number;
  /** The whole output, relative to the incident's folder (`outputs/….txt`); absent when not written. */
  file?: string;
  /** SHA-256 (hex) of the file's bytes. */
  sha256?: string;
  /** The output was longer than the cap: its middle was left out. */
  truncated?: boolean;
  /** How many secret values and credential shapes were masked. */
  masked?: number;
}

/** The lines of recorded output (a final line end does not start another line). */
export function outputLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** The excerpt as numbered lines: `[line number, text]`, with `undefined` where lines were left out. */
export function excerptLines(output: RunOutput): Array<[number, string] | undefined> {
  const rows: Array<[number, string] | undefined> = output.head.map((l, i) => [i + 1, l] as [number, string]);
  const firstTail = output.lines - output.tail.length + 1;
  if (output.tail.length && firstTail > output.head.length + 1) rows.push(undefined);
  output.tail.forEach((l, i) => rows.push([firstTail + i, l]));
  return rows;
}

