// Parsing off the caller's thread: a small pool of worker_threads running parseWorker.js. Each
// worker parses one file at a time, under a heap limit (resourceLimits) and a per-file timeout
// that starts once the worker has loaded (start-up is not parse time); a worker that times out
// is terminated, one that dies (out of memory, a crash) is replaced, and the file it was parsing
// becomes a `failed` model with a problem that says why. The rest of the index is unaffected.
// Workers send full models back packed (store.ts), so this thread only unpacks them.
import { Worker } from 'node:worker_threads';
import { DEFAULT_LIMITS, ParseTimeout, timeLimitMessage, withinTime } from './guard';
import type { Runbook } from './model';
import { failedRunbook, parseRunbook, type ParseInput, type ParseOptions } from './parse';
import { unpack, type PackedRunbook } from './store';
import { indexTaskTimes } from './yieldable';

/** Anything that turns a file into a model; the index does not care where it runs. */
export interface RunbookParser {
  parse(input: ParseInput): Promise<Runbook>;
  dispose(): void;
}

/**
 * Parses on the calling thread (tests, the CLI with `--workers 0`), under the same limits as a
 * worker: the shape checks and pieces of parseRunbook bound memory, and `withinTime` stops a
 * parse that runs past the time limit.
 */
export class InlineParser implements RunbookParser {
  constructor(
    private readonly options: ParseOptions = {},
    private readonly timeoutMs = DEFAULT_LIMITS.timeoutMs,
  ) {}
  async parse(input: ParseInput): Promise<Runbook> {
    try {
      return withinTime(this.timeoutMs, () => parseRunbook(input, this.options));
    } catch (err) {
      if (err instanceof ParseTimeout) return failedRunbook(input, err.message);
      return failedRunbook(input, `The file could not be parsed: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  dispose(): void {}
}

export interface ParsePoolOptions {
  /** Path of the bundled worker script (dist/parseWorker.js). */
  workerPath: string;
  /** Number of workers (default 1: on small machines V8 already uses the other core for GC). */
  size?: number;
  /** A file taking longer than this fails with a problem (default 10 s). */
  timeoutMs?: number;
  /** Old-generation heap limit of each worker in MB (default 256). */
  maxHeapMb?: number;
  /** Extra node options for the worker (tests run the TypeScript source through tsx). */
  execArgv?: string[];
  parseOptions?: ParseOptions;
}

export interface WorkerJob {
  id: number;
  input: ParseInput;
}

/** A full model comes back packed, as JSON; a quick or failed one as it is. */
export type WorkerReply = { id: number; packed: string } | { id: number; runbook: Runbook } | { id: number; error: string } | { ready: true };

/** How long a new worker may take to load before its job fails. */
const STARTUP_LIMIT_MS = 60_000;

interface Pending {
  job: WorkerJob;
  resolve(runbook: Runbook): void;
}

interface Slot {
  worker: Worker;
  /** The worker has loaded its modules: a job's time limit can start. */
  ready: boolean;
  current?: Pending;
  timer?: ReturnType<typeof setTimeout>;
}

export class ParsePool implements RunbookParser {
  private readonly queue: Pending[] = [];
  private readonly slots: Slot[] = [];
  private nextId = 1;
  private disposed = false;
  /** Workers that died before finishing any job in a row: a broken worker script. */
  private startupFailures = 0;
  private brokenReason: string | undefined;
  private readonly size: number;
  private readonly timeoutMs: number;
  private readonly maxHeapMb: number;
  /** Restarts so far (for the log and tests). */
  restarts = 0;

  constructor(private readonly options: ParsePoolOptions) {
    this.size = Math.max(1, options.size ?? 1);
    this.timeoutMs = options.timeoutMs ?? DEFAULT_LIMITS.timeoutMs;
    this.maxHeapMb = options.maxHeapMb ?? DEFAULT_LIMITS.maxHeapMb;
  }

  parse(input: ParseInput): Promise<Runbook> {
    if (this.disposed) return Promise.resolve(failedRunbook(input, 'The parser was shut down.'));
    if (this.brokenReason) return Promise.resolve(failedRunbook(input, this.brokenReason));
    return new Promise((resolve) => {
      this.queue.push({ job: { id: this.nextId++, input }, resolve });
      this.pump();
    });
  }

  /** Jobs waiting or running. */
  get pending(): number {
    return this.queue.length + this.slots.filter((s) => s.current).length;
  }

  dispose(): void {
    this.disposed = true;
    for (const slot of this.slots) {
      if (slot.timer) clearTimeout(slot.timer);
      void slot.worker.terminate();
      slot.current?.resolve(failedRunbook(slot.current.job.input, 'The parser was shut down.'));
    }
    this.slots.length = 0;
    for (const p of this.queue.splice(0)) p.resolve(failedRunbook(p.job.input, 'The parser was shut down.'));
  }

  private pump(): void {
    while (this.queue.length > 0 && !this.disposed && !this.brokenReason) {
      let slot = this.slots.find((s) => !s.current);
      if (!slot && this.slots.length < this.size) {
        try {
          slot = this.spawn();
        } catch (err) {
          // e.g. a relative or missing worker path: nothing can be parsed, so say why for each file.
          this.brokenReason = `The parser could not start (${err instanceof Error ? err.message : String(err)}).`;
          for (const p of this.queue.splice(0)) p.resolve(failedRunbook(p.job.input, this.brokenReason));
          return;
        }
      }
      if (!slot) return;
      const pending = this.queue.shift() as Pending;
      slot.current = pending;
      this.startTimer(slot);
      slot.worker.postMessage(pending.job);
    }
  }

  private spawn(): Slot {
    const worker = new Worker(this.options.workerPath, {
      workerData: { parseOptions: this.options.parseOptions ?? {} },
      resourceLimits: { maxOldGenerationSizeMb: this.maxHeapMb, stackSizeMb: 4 },
      execArgv: this.options.execArgv,
    });
    const slot: Slot = { worker, ready: false };
    worker.on('message', (reply: WorkerReply) => this.replied(slot, reply));
    worker.on('error', (err) => this.died(slot, err.message, (err as NodeJS.ErrnoException).code));
    worker.on('exit', (code) => this.died(slot, `exited with code ${code}`));
    this.slots.push(slot);
    return slot;
  }

  /** The job's time limit once the worker is ready; until then, a limit on start-up. */
  private startTimer(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = slot.ready
      ? setTimeout(() => this.timedOut(slot), this.timeoutMs)
      : setTimeout(() => {
          void slot.worker.terminate();
          this.died(slot, `it did not start within ${STARTUP_LIMIT_MS / 1000} s`);
        }, STARTUP_LIMIT_MS);
  }

  private replied(slot: Slot, reply: WorkerReply): void {
    if ('ready' in reply) {
      slot.ready = true;
      if (slot.current) this.startTimer(slot);
      return;
    }
    const current = slot.current;
    if (!current || current.job.id !== reply.id) return;
    this.startupFailures = 0;
    this.finish(slot);
    current.resolve(indexTaskTimes.measure('worker reply: unpack the model', () => modelOf(reply, current.job.input)));
    this.pump();
  }

  private finish(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = undefined;
    slot.current = undefined;
  }

  private timedOut(slot: Slot): void {
    const current = slot.current;
    this.remove(slot);
    void slot.worker.terminate();
    if (current) current.resolve(failedRunbook(current.job.input, timeLimitMessage(this.timeoutMs)));
    this.restarts++;
    this.pump();
  }

  private died(slot: Slot, message: string, code?: string): void {
    if (!this.slots.includes(slot)) return; // already handled (timeout, dispose, or error then exit)
    const current = slot.current;
    this.remove(slot);
    if (this.disposed) return;
    if (current) {
      const reason =
        code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? `Parsing needed more than ${this.maxHeapMb} MB of memory and was stopped.`
          : `The parser stopped while reading this file (${message}).`;
      current.resolve(failedRunbook(current.job.input, reason));
    }
    this.restarts++;
    if (!slot.ready || !current) this.startupFailures++;
    if (this.startupFailures >= 3) {
      this.brokenReason = `The parser could not start (${message}).`;
      for (const p of this.queue.splice(0)) p.resolve(failedRunbook(p.job.input, this.brokenReason));
      return;
    }
    this.pump();
  }

  private remove(slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    const i = this.slots.indexOf(slot);
    if (i !== -1) this.slots.splice(i, 1);
  }
}

function modelOf(reply: Exclude<WorkerReply, { ready: true }>, input: ParseInput): Runbook {
  if ('packed' in reply) return unpack(JSON.parse(reply.packed) as PackedRunbook);
  if ('runbook' in reply) return reply.runbook;
  return failedRunbook(input, `The file could not be parsed: ${reply.error}`);
}
