// The process the crash test kills. It appends events through the real journal code and
// reports each acknowledged event id on stdout (one line, written synchronously, after the
// acknowledgement). Bundled by crash.test.ts into plain JS so it starts fast.
//
//   node crashChild.js <root> <incidentId> <mode> <tag>
//   mode `journal`:   the real writer: report only after the append resolved (write + fdatasync)
//   mode `ackFirst`:  the negative control: report first, then hand the event to a writer
//                     that saves it a moment later (what a careless implementation does)
import { writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { Journal } from '../../../src/incidents/journal';
import { nodeJournalFs } from '../../../src/incidents/nodeFs';
import type { TimelineEvent } from '../../../src/incidents/model';

const [root, incidentId, mode, tag] = process.argv.slice(2);
const journal = new Journal({ fs: nodeJournalFs(), root });
let n = 0;

function nextEvent(): TimelineEvent {
  n += 1;
  return {
    id: `e-${tag}-${String(n).padStart(6, '0')}`,
    incidentId,
    time: new Date().toISOString(),
    author: 'crash-test',
    type: 'note',
    // Varying sizes so kills land in different places of a write.
    text: `note ${n} ${randomBytes(1 + (n % 7) * 40).toString('base64')}`,
  };
}

function report(id: string): void {
  writeSync(1, `${id}\n`);
}

async function realWriter(): Promise<void> {
  for (;;) {
    // Bursts of 1–4 appends at once exercise the grouping of several events into one flush.
    const burst = Array.from({ length: 1 + (n % 4) }, () => nextEvent());
    await Promise.all(burst.map((e) => journal.append(incidentId, [e]).then(() => report(e.id))));
  }
}

async function ackFirstWriter(): Promise<void> {
  const pending: TimelineEvent[] = [];
  setInterval(() => {
    const batch = pending.splice(0);
    if (batch.length > 0) void journal.append(incidentId, batch);
  }, 3);
  for (;;) {
    const e = nextEvent();
    report(e.id);
    pending.push(e);
    await new Promise((r) => setImmediate(r));
  }
}

writeSync(1, 'ready\n');
void (mode === 'ackFirst' ? ackFirstWriter() : realWriter());
