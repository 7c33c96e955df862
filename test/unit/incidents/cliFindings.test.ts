// The CLI's lint reports what incidents taught about a runbook, from the journals it can read:
// one kept in the repository (.oncall/incidents) and one exported next to a post-mortem.
import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { encodeRecord, Journal } from '../../../src/incidents/journal';
import { nodeJournalFs } from '../../../src/incidents/nodeFs';
import { builder } from '../postmortem/journals';

const CLI = resolve(__dirname, '../../../src/cli/main.ts');

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CLI, ...args], { encoding: 'utf8', timeout: 120_000 });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

describe('CLI lint: runbooks learn from incidents', function () {
  this.timeout(180_000);
  let repo: string;
  before(async () => {
    repo = mkdtempSync(join(tmpdir(), 'oncall-cli-learn-'));
    mkdirSync(join(repo, '.git'));
    mkdirSync(join(repo, 'runbooks', 'payments'), { recursive: true });
    writeFileSync(
      join(repo, 'runbooks', 'payments', 'checkout.md'),
      '---\ntitle: Checkout errors\nowner: payments\nlast_reviewed: 2026-11-01\n---\n\n# Checkout errors\n\n## Diagnosis\n\n```sh\nkubectl get pods\n```\n\n## Mitigation\n\n```sh\nkubectl rollout undo deploy/checkout\n```\n',
    );
    // An exported journal next to a committed post-mortem: the rollback failed.
    const exported = builder('INC-20261204-001', Date.parse('2026-12-04T09:00:00.000Z'));
    exported.add('A', { type: 'declared', title: 'Checkout errors', severity: 'SEV2', summary: '', services: [] });
    exported.add('A', { type: 'commandRun', runbookPath: 'runbooks/payments/checkout.md', runbookTitle: 'Checkout errors', blockIndex: 1, command: 'kubectl rollout undo deploy/checkout', exitCode: 3, durationMs: 900 });
    mkdirSync(join(repo, 'postmortems'));
    writeFileSync(join(repo, 'postmortems', 'INC-20261204-001.timeline.jsonl'), Buffer.concat(exported.events.map((e) => encodeRecord(e))));
    // A journal kept in the repository: a note against the first block.
    const kept = builder('INC-20261205-002', Date.parse('2026-12-05T10:00:00.000Z'));
    kept.add('B', { type: 'declared', title: 'Slow checkout', severity: 'SEV3', summary: '', services: [] });
    kept.add('B', { type: 'note', text: "this step didn't work: wrong namespace", runbookPath: 'runbooks/payments/checkout.md', blockIndex: 0 });
    const journal = new Journal({ fs: nodeJournalFs(), root: join(repo, '.oncall', 'incidents') });
    await journal.claimIncident('INC-20261205-002');
    await journal.append('INC-20261205-002', kept.events);
    await journal.close();
  });
  after(() => rmSync(repo, { recursive: true, force: true }));

  it('reports a failed step and a note on the runbook, at their blocks, from a subfolder too', () => {
    const out = cli('lint', join(repo, 'runbooks'), '--json', '--no-cache', '--today', '2026-12-06');
    assert.equal(out.code, 0, out.stderr);
    const problems = JSON.parse(out.stdout).problems.filter((p: { ruleId: string }) => /in-incident$/.test(p.ruleId));
    assert.deepEqual(problems.map((p: { path: string; ruleId: string; line: number; severity: string }) => [p.path, p.ruleId, p.line, p.severity]), [
      ['payments/checkout.md', 'noted-in-incident', 11, 'info'],
      ['payments/checkout.md', 'failed-in-incident', 17, 'warning'],
    ]);
    assert.match(problems[1].message, /^Step 2 failed in INC-20261204-001 on 2026-12-04, exit 3\./);
  });

  it('can leave journals out, or make a failed step an error', () => {
    const quiet = cli('lint', repo, '--json', '--no-cache', '--no-journals', '--today', '2026-12-06');
    assert.ok(!JSON.parse(quiet.stdout).problems.some((p: { ruleId: string }) => /in-incident$/.test(p.ruleId)));
    const strict = cli('lint', repo, '--no-cache', '--rule', 'failed-in-incident=error', '--today', '2026-12-06');
    assert.equal(strict.code, 1);
    assert.match(strict.stdout, /runbooks\/payments\/checkout\.md:17: error \[failed-in-incident\] Step 2 failed in INC-20261204-001/);
  });
});
