// The worker side of the parse pool (bundled to dist/parseWorker.js): parses one file per
// message and posts the plain model back. Structured cloning copies every string, so the model
// the index keeps holds no reference to the source text or the syntax tree.
import { parentPort, workerData } from 'node:worker_threads';
import { parseRunbook, type ParseOptions } from './parse';
import type { WorkerJob, WorkerReply } from './parsePool';

const options = ((workerData as { parseOptions?: ParseOptions } | undefined)?.parseOptions ?? {}) as ParseOptions;

parentPort?.on('message', (job: WorkerJob) => {
  let reply: WorkerReply;
  try {
    reply = { id: job.id, runbook: parseRunbook(job.input, options) };
  } catch (err) {
    reply = { id: job.id, error: err instanceof Error ? err.message : String(err) };
  }
  parentPort?.postMessage(reply);
});
