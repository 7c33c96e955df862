import * as assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Journal, encodeRecord } from '../../../src/incidents/journal';
import { nodeJournalFs } from '../../../src/incidents/nodeFs';
import { declared, note } from './fixtures';

describe('incident journal on the real file system', () => {
  let root: string;
  beforeEach(() => (root = mkdtempSync(join(tmpdir(), 'oncall-journal-'))));
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('appends, reads back, recovers a torn tail into quarantine, and keeps drafts', async () => {
    const j = new Journal({ fs: nodeJournalFs(), root });
    const INC = 'INC-20250304-001';
    assert.equal(await j.claimIncident(INC), true);
    const events = [declared(), note('a'), note('b')];
    await j.append(INC, events);
    await j.writeDraft(INC, 'half', 3);
    await j.close();
    const dir = join(root, INC);
    const [segment] = readdirSync(dir).filter((n) => n.endsWith('.jsonl'));
    assert.match(segment, new RegExp(`^s-[0-9a-f]{12}-${process.pid}-[0-9a-f]{8}\\.jsonl$`));
    assert.deepEqual(readFileSync(join(dir, segment)), Buffer.concat(events.map(encodeRecord)));
    // A crash mid-write leaves a partial line; the writer is closed, so recovery may fix it.
    appendFileSync(join(dir, segment), encodeRecord(note('c')).subarray(0, 50));
    const again = new Journal({ fs: nodeJournalFs(), root });
    const loaded = await again.load(INC);
    assert.equal(loaded.events.length, 3);
    assert.equal(loaded.problems[0].kind, 'torn');
    assert.equal(readdirSync(join(dir, 'quarantine')).length, 1);
    assert.deepEqual(readFileSync(join(dir, segment)), Buffer.concat(events.map(encodeRecord)));
    assert.deepEqual(await again.readDraft(INC), { text: 'half', revision: 3 });
    assert.deepEqual(await again.incidentIds(), [INC]);
  });

  it('does not touch a segment whose writer process is still running', async () => {
    const INC = 'INC-20250304-002';
    const dir = join(root, INC);
    const j = new Journal({ fs: nodeJournalFs(), root });
    await j.append(INC, [declared({ incidentId: INC })]);
    const [segment] = readdirSync(dir);
    appendFileSync(join(dir, segment), '{"sha256":"torn');
    // This process's writer still has it open.
    const loaded = await new Journal({ fs: nodeJournalFs(), root }).load(INC);
    assert.equal(loaded.events.length, 1);
    assert.deepEqual(loaded.problems, []);
    assert.deepEqual(readdirSync(dir), [segment]);
    await j.close();
    // Another process id that is alive (our parent) counts as a live writer too.
    const foreign = `s-000000000001-${process.ppid}-00000001.jsonl`;
    writeFileSync(join(dir, foreign), '{"sha256":"torn');
    const second = await new Journal({ fs: nodeJournalFs(), root }).load(INC);
    assert.ok(!second.problems.some((p) => p.segment === foreign));
  });
});
