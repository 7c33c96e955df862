// Long loops on the extension host's thread pause now and then, so no single task holds it for
// more than a few milliseconds (the editor stays responsive while a large index builds).

/** Default time slice before a loop gives the event loop a turn. */
export const SLICE_MS = 8;

/**
 * Returns a function to call inside a loop: it resolves at once while the current slice lasts,
 * and after a `setImmediate` turn once the slice is used up.
 */
export function breather(sliceMs = SLICE_MS): () => Promise<void> | void {
  let sliceStart = performance.now();
  return () => {
    if (performance.now() - sliceStart < sliceMs) return;
    return new Promise<void>((resolve) =>
      setImmediate(() => {
        sliceStart = performance.now();
        resolve();
      }),
    );
  };
}

/**
 * The longest stretch of work seen per kind, on the thread that records it (the extension host
 * reads it in tests to show where its time goes). Recording costs two clock reads.
 */
export class TaskTimes {
  private readonly longest = new Map<string, number>();

  record(what: string, ms: number): void {
    if (ms > (this.longest.get(what) ?? 0)) this.longest.set(what, ms);
  }

  measure<T>(what: string, work: () => T): T {
    const start = performance.now();
    try {
      return work();
    } finally {
      this.record(what, performance.now() - start);
    }
  }

  reset(): void {
    this.longest.clear();
  }

  /** Longest time per kind of work, in ms. */
  report(): Record<string, number> {
    return Object.fromEntries(this.longest);
  }
}

/** The runbook index's work on this thread, per file: quick pass, worker replies, view updates. */
export const indexTaskTimes = new TaskTimes();
