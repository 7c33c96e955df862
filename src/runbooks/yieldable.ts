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
