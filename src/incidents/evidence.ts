// A run's output as evidence: captured whole (up to a cap) while the run goes, cleaned of
// terminal escapes, masked (secret values and credential shapes) before anything is written,
// summarised for the timeline as its first and last lines, and stored whole in a file beside the
// journal with its checksum. A line range of it can be pinned as evidence for the post-mortem.
import { createHash } from 'node:crypto';
import { stripAnsi, type StepExecution, type StepRunner } from '../shell/runSteps';
import { IncidentInputError, type IncidentBook } from './book';
import type { TimelineEvent } from './model';
import { maskOutput } from './redact';
import { excerptLines, outputLines, type RunOutput } from './runOutput';

export { excerptLines, outputLines, type RunOutput };

export const DEFAULT_OUTPUT_CAP_BYTES = 1024 * 1024;
export const EXCERPT_HEAD_LINES = 5;
export const EXCERPT_TAIL_LINES = 15;
const EXCERPT_LINE_CHARS = 300;
/** Pinned evidence is bounded too: it goes into the journal and the post-mortem. */
export const MAX_PINNED_LINES = 200;
const MAX_PINNED_CHARS = 20_000;

/**
 * Collects a stream of output chunks, keeping at most `capChars` characters: the beginning and
 * the end when the whole is longer (the middle is dropped and counted).
 */
export class OutputCapture {
  private head = '';
  private tail = '';
  private dropped = 0;
  private readonly half: number;

  private readonly readings: Promise<void>[] = [];

  constructor(capChars = DEFAULT_OUTPUT_CAP_BYTES) {
    this.half = Math.max(1, Math.floor(capChars / 2));
  }

  /** A stream being read into this capture (see `teeOutput`). */
  track(reading: Promise<void>): void {
    this.readings.push(reading);
  }

  /** Resolves when every tracked stream has ended, or after `timeoutMs`. */
  async settled(timeoutMs: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([Promise.all(this.readings), new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)))]);
    clearTimeout(timer);
  }

  push(chunk: string): void {
    if (this.head.length < this.half) {
      const room = this.half - this.head.length;
      this.head += chunk.slice(0, room);
      chunk = chunk.slice(room);
    }
    if (!chunk) return;
    this.tail += chunk;
    // Trim in batches so a stream of small chunks does not copy the tail each time.
    if (this.tail.length > this.half * 2) {
      this.dropped += this.tail.length - this.half;
      this.tail = this.tail.slice(-this.half);
    }
  }

  /** The output as recorded: plain text, masked; the cut (when there is one) falls on line ends. */
  finish(secrets: readonly string[] = []): CapturedOutput {
    let tail = this.tail;
    if (tail.length > this.half) {
      this.dropped += tail.length - this.half;
      tail = tail.slice(-this.half);
    }
    if (this.dropped === 0) {
      const whole = maskOutput(clean(this.head + tail), secrets);
      return { text: whole.text, truncated: false, masked: whole.count };
    }
    // Whole lines only on both sides of the cut: half a line could be half a secret.
    let head = clean(this.head);
    let rest = clean(tail);
    head = head.slice(0, head.lastIndexOf('\n') + 1);
    rest = rest.slice(rest.indexOf('\n') + 1);
    const maskedHead = maskOutput(head, secrets);
    const maskedRest = maskOutput(rest, secrets);
    const marker = `[… ${this.dropped} characters of output not kept (over the size cap) …]\n`;
    return { text: maskedHead.text + marker + maskedRest.text, truncated: true, masked: maskedHead.count + maskedRest.count };
  }
}

export interface CapturedOutput {
  text: string;
  truncated: boolean;
  masked: number;
}

function clean(text: string): string {
  return stripAnsi(text).replace(/\r+\n/g, '\n').replace(/\r/g, '\n');
}

/**
 * A runner that reads each execution's output itself, as it comes, handing every chunk to
 * `capture` and passing it on to whoever reads the execution. Reading does not depend on that
 * reader: output that trails the end of a command (after the reader stopped waiting) is still
 * captured; `capture.settled()` waits for it (bounded).
 */
export function teeOutput(runner: StepRunner, capture: { push(chunk: string): void; track(reading: Promise<void>): void }): StepRunner {
  return {
    execute(commandLine: string): StepExecution {
      const execution = runner.execute(commandLine);
      const source = execution.output;
      if (!source) return execution;
      const relay = new Relay();
      capture.track(
        (async () => {
          try {
            for await (const chunk of source) {
              capture.push(chunk);
              relay.push(chunk);
            }
          } catch {
            // A stream that fails loses output, never the run.
          } finally {
            relay.close();
          }
        })(),
      );
      return { ended: execution.ended, output: relay };
    },
  };
}

/** Chunks handed on as an async iterable, in order, until closed. */
class Relay implements AsyncIterable<string> {
  private readonly chunks: string[] = [];
  private closed = false;
  private wake: (() => void) | undefined;

  push(chunk: string): void {
    this.chunks.push(chunk);
    this.notify();
  }

  close(): void {
    this.closed = true;
    this.notify();
  }

  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  async *[Symbol.asyncIterator](): AsyncIterator<string> {
    for (;;) {
      while (this.chunks.length) yield this.chunks.shift()!;
      if (this.closed) return;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
  }
}

/** The event's summary of an output: first and last lines, sizes. */
export function summarizeOutput(captured: CapturedOutput): RunOutput {
  const lines = outputLines(captured.text);
  const cut = (l: string) => (l.length > EXCERPT_LINE_CHARS ? `${l.slice(0, EXCERPT_LINE_CHARS)}…` : l);
  const head = lines.slice(0, EXCERPT_HEAD_LINES).map(cut);
  const tail = lines.slice(Math.max(EXCERPT_HEAD_LINES, lines.length - EXCERPT_TAIL_LINES)).map(cut);
  return {
    head,
    tail,
    lines: lines.length,
    bytes: Buffer.byteLength(captured.text, 'utf8'),
    ...(captured.truncated ? { truncated: true } : {}),
    ...(captured.masked ? { masked: captured.masked } : {}),
  };
}

export function sha256Text(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** `outputs/<time>-<event id part>.txt`: a file name that sorts by time and never collides. */
export function outputFileName(startedAt: string, unique: string): string {
  const stamp = startedAt.replace(/[^0-9]/g, '').slice(0, 17) || '0';
  const safe = unique.replace(/[^A-Za-z0-9]/g, '').slice(-12) || 'run';
  return `outputs/${stamp}-${safe}.txt`;
}

/** Whether `file` (as stored in an event) is a plain relative path inside `outputs/`. */
export function isOutputFileRef(file: string): boolean {
  return /^outputs\/[A-Za-z0-9._-]+\.txt$/.test(file);
}

export class EvidenceRangeError extends Error {}

/**
 * The text of lines `from`–`to` (1-based, inclusive) for pinning: from the whole output when it
 * is at hand (its checksum must match), else from the excerpt when the range lies inside it.
 */
export function pinnedLines(output: RunOutput, whole: string | undefined, from = 1, to = output.lines): { text: string; from: number; to: number } {
  if (!Number.isInteger(from) || !Number.isInteger(to) || from < 1 || to < from || to > Math.max(output.lines, 1)) {
    throw new EvidenceRangeError(`Lines ${from}–${to} are not in this output (it has ${output.lines} line${output.lines === 1 ? '' : 's'}).`);
  }
  if (to - from + 1 > MAX_PINNED_LINES) {
    throw new EvidenceRangeError(`Pin at most ${MAX_PINNED_LINES} lines at a time (asked for ${to - from + 1}).`);
  }
  let lines: string[];
  if (whole !== undefined && (!output.sha256 || sha256Text(whole) === output.sha256)) {
    lines = outputLines(whole).slice(from - 1, to);
  } else {
    const known = new Map(excerptLines(output).filter((r): r is [number, string] => r !== undefined));
    lines = [];
    for (let n = from; n <= to; n++) {
      const line = known.get(n);
      if (line === undefined) throw new EvidenceRangeError(`Line ${n} is not in the excerpt, and the whole output is not available here.`);
      lines.push(line);
    }
  }
  let text = lines.join('\n');
  if (text.length > MAX_PINNED_CHARS) text = `${text.slice(0, MAX_PINNED_CHARS)}…`;
  return { text, from, to };
}

/** `12-20` / `12` / `` → a range; undefined for the whole output. Throws on anything else. */
export function parseLineRange(text: string): { from: number; to: number } | undefined {
  const t = text.trim();
  if (!t) return undefined;
  const m = /^(\d+)\s*(?:[-–:]\s*(\d+))?$/.exec(t);
  if (!m) throw new EvidenceRangeError('Write a line number or a range such as 12-20.');
  const from = Number(m[1]);
  return { from, to: m[2] === undefined ? from : Number(m[2]) };
}

/** Reads an output file (as named in an event) beside the incident's journal; undefined when it is not there. */
export type OutputReader = (incidentId: string, file: string) => Promise<string | undefined>;

/**
 * Pins a run's output as evidence: the whole of it (the post-mortem shows its excerpt), or lines
 * `fromLine`–`toLine`, whose text is copied into the event (bounded; already masked when the
 * run was recorded). `pinned: false` takes a pin back.
 */
export async function pinEvidence(
  book: IncidentBook,
  incidentId: string | undefined,
  eventId: unknown,
  range: { fromLine?: unknown; toLine?: unknown; pinned?: boolean },
  readOutput: OutputReader,
): Promise<TimelineEvent> {
  const incident = book.require(incidentId);
  const run = book.events(incident.id).find((e) => e.id === eventId);
  if (!run || run.type !== 'commandRun') throw new IncidentInputError(`No command run ${JSON.stringify(eventId)} in ${incident.id}.`);
  if (!run.output || run.output.lines === 0) throw new IncidentInputError('That run recorded no output to pin.');
  const pinned = range.pinned !== false;
  const from = range.fromLine;
  const to = range.toLine ?? range.fromLine;
  if (from === undefined) {
    return (await book.record(incident.id, [{ type: 'evidencePinned', target: run.id, pinned }]))[0];
  }
  if (typeof from !== 'number' || typeof to !== 'number') throw new IncidentInputError('Line numbers must be numbers.');
  const whole = run.output.file && isOutputFileRef(run.output.file) ? await readOutput(incident.id, run.output.file).catch(() => undefined) : undefined;
  let lines: { text: string; from: number; to: number };
  try {
    lines = pinnedLines(run.output, whole, from, to);
  } catch (err) {
    if (err instanceof EvidenceRangeError) throw new IncidentInputError(err.message);
    throw err;
  }
  const body = { type: 'evidencePinned' as const, target: run.id, pinned, fromLine: lines.from, toLine: lines.to, ...(pinned ? { text: lines.text } : {}) };
  return (await book.record(incident.id, [body]))[0];
}
