// The crash test: a child process appends events through the real journal code and reports
// each acknowledgement; the parent kills it with SIGKILL at a random moment, recovers the
// journal and checks that every acknowledged event is there. Over 1,000 kills: 0 lost, 0
// unreadable. The negative control (a writer that reports before it writes) must make the same
// harness count losses, which shows the harness can see them.
import * as assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as esbuild from 'esbuild';
import { Journal } from '../../../src/incidents/journal';
import { nodeJournalFs } from '../../../src/incidents/nodeFs';

const INC = 'INC-20250304-001';

interface Figures {
  kills: number;
  killsAfterAnAck: number;
  acknowledged: number;
  lost: number;
  unreadable: number;
  tornQuarantined: number;
  seconds: number;
}

interface KillResult {
  acked: string[];
}

function runOnce(bundle: string, root: string, mode: string, tag: string, maxDelayMs: number): Promise<KillResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bundle, root, INC, mode, tag], { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: process.env.PATH ?? '' } });
    let out = '';
    let stderr = '';
    let scheduled = false;
    // Most kills land while events stream (after the first acknowledgement); some land earlier,
    // while the writer is still creating its segment.
    const early = randomInt(0, 10) === 0;
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => (stderr += d));
    child.stdout.on('data', (d: string) => {
      out += d;
      const trigger = early ? out.includes('ready\n') : out.includes('\ne-');
      if (!scheduled && trigger) {
        scheduled = true;
        const delay = randomInt(0, maxDelayMs * 1000) / 1000;
        setTimeout(() => child.kill('SIGKILL'), delay);
      }
    });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal !== 'SIGKILL') {
        reject(new Error(`the writer ended by itself (code ${code}, signal ${signal}): ${stderr}`));
        return;
      }
      // Only complete lines count: an id is reported in one write after its acknowledgement.
      const lines = out.split('\n');
      lines.pop();
      resolve({ acked: lines.filter((l) => l !== 'ready') });
    });
  });
}

async function harness(bundle: string, mode: 'journal' | 'ackFirst', kills: number, lanes: number): Promise<Figures> {
  const started = Date.now();
  const figures: Figures = { kills: 0, killsAfterAnAck: 0, acknowledged: 0, lost: 0, unreadable: 0, tornQuarantined: 0, seconds: 0 };
  const perLane = Math.ceil(kills / lanes);
  const KILLS_PER_FOLDER = 25;
  const base = mkdtempSync(join(tmpdir(), `oncall-crash-${mode}-`));
  try {
    await Promise.all(
      Array.from({ length: lanes }, async (_, lane) => {
        let root = '';
        let ackedHere = new Set<string>();
        for (let i = 0; i < perLane && figures.kills < kills; i++) {
          if (i % KILLS_PER_FOLDER === 0) {
            root = join(base, `lane${lane}-${i}`);
            ackedHere = new Set();
          }
          figures.kills += 1;
          const { acked } = await runOnce(bundle, root, mode, `${lane}-${i}`, 20);
          if (acked.length > 0) figures.killsAfterAnAck += 1;
          figures.acknowledged += acked.length;
          for (const id of acked) ackedHere.add(id);
          // Recover as the next window would (the writer's process is gone).
          let ids: Set<string>;
          try {
            const loaded = await new Journal({ fs: nodeJournalFs(), root }).load(INC);
            ids = new Set(loaded.events.map((e) => e.id));
            for (const p of loaded.problems) {
              if (p.kind === 'torn' && p.quarantinedTo) figures.tornQuarantined += 1;
              else figures.unreadable += 1;
            }
          } catch {
            figures.unreadable += 1;
            continue;
          }
          // Every event acknowledged in this folder so far, from this kill and all earlier ones.
          for (const id of ackedHere) if (!ids.has(id)) {
            figures.lost += 1;
            ackedHere.delete(id);
          }
        }
      }),
    );
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
  figures.seconds = Math.round((Date.now() - started) / 100) / 10;
  return figures;
}

describe('incident journal crash test (SIGKILL at random moments)', function () {
  this.timeout(240_000);
  let bundle = '';
  let buildDir = '';

  before(async () => {
    buildDir = mkdtempSync(join(tmpdir(), 'oncall-crash-child-'));
    bundle = join(buildDir, 'crashChild.js');
    // Plain bundled JS starts several times faster than TypeScript through a loader.
    await esbuild.build({
      entryPoints: [join(__dirname, 'crashChild.ts')],
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      outfile: bundle,
      logLevel: 'error',
    });
  });

  after(() => rmSync(buildDir, { recursive: true, force: true }));

  it('keeps every acknowledged event through 1,000 kills, with no unreadable journal', async () => {
    const f = await harness(bundle, 'journal', 1000, 4);
    console.log(
      `      crash test: ${f.kills} kills (${f.killsAfterAnAck} after at least one acknowledgement), ` +
        `${f.acknowledged} acknowledged events, ${f.lost} lost, ${f.unreadable} unreadable, ` +
        `${f.tornQuarantined} torn tails moved to quarantine, ${f.seconds} s`,
    );
    assert.ok(f.kills >= 1000);
    assert.ok(f.killsAfterAnAck >= 500, 'most kills land while events are being written');
    assert.equal(f.lost, 0);
    assert.equal(f.unreadable, 0);
  });

  it('negative control: a writer that acknowledges before writing makes the harness report losses', async () => {
    const f = await harness(bundle, 'ackFirst', 40, 4);
    console.log(`      negative control: ${f.kills} kills, ${f.acknowledged} acknowledged, ${f.lost} lost (losses expected), ${f.seconds} s`);
    assert.ok(f.lost > 0, 'the harness detects acknowledged events that were never written');
  });
});
