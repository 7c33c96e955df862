// The worker side of the parse pool (bundled to dist/parseWorker.js): parses one file per
// message and posts the model back — a full one packed (store.ts) as JSON, so the extension
// host only unpacks it, and structured cloning copies one string instead of thousands of small
// objects. Once its modules are loaded it says `ready`, and only then does the pool start a
// job's time limit.
import { parentPort, workerData } from 'node:worker_threads';
import { parseRunbook, type ParseOptions } from './parse';
import type { WorkerJob, WorkerReply } from './parsePool';
import { toPacked } from './store';

const options = ((workerData as { parseOptions?: ParseOptions } | undefined)?.parseOptions ?? {}) as ParseOptions;

parentPort?.on('message', (job: WorkerJob) => {
  let reply: WorkerReply;
  try {
    const runbook = parseRunbook(job.input, options);
    reply = runbook.parseStatus === 'full' ? { id: job.id, packed: JSON.stringify(toPacked(runbook)) } : { id: job.id, runbook };
  } catch (err) {
    reply = { id: job.id, error: err instanceof Error ? err.message : String(err) };
  }
  parentPort?.postMessage(reply);
});
parentPort?.postMessage({ ready: true } satisfies WorkerReply);
