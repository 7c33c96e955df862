import { strict as assert } from 'node:assert';
import { describeLastRun, OutputTail, runSteps, stripAnsi, type StepEnd, type StepRunner, type Timers } from '../../../src/shell/runSteps';

/** Timers on a manual clock; a timer of 0 ms fires on the next turn. */
class FakeTimers implements Timers {
  time = 1_000;
  private pending: Array<{ at: number; fn: () => void; id: number }> = [];
  private nextId = 1;
  now = () => this.time;
  setTimeout = (fn: () => void, ms: number) => {
    const id = this.nextId++;
    if (ms <= 0) void Promise.resolve().then(fn);
    else this.pending.push({ at: this.time + ms, fn, id });
    return id;
  };
  clearTimeout = (id: unknown) => {
    this.pending = this.pending.filter((t) => t.id !== id);
  };
  advance(ms: number): void {
    this.time += ms;
    const due = this.pending.filter((t) => t.at <= this.time);
    this.pending = this.pending.filter((t) => t.at > this.time);
    for (const t of due) t.fn();
  }
  get waiting(): number {
    return this.pending.length;
  }
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** A terminal whose commands end with the codes given per command line (missing: never ends). */
function fakeRunner(codes: Record<string, StepEnd | undefined>, timers: FakeTimers, output: Record<string, string[]> = {}) {
  const sent: string[] = [];
  const runner: StepRunner = {
    execute(line) {
      sent.push(line);
      const end = codes[line];
      return {
        ended: end ? new Promise<StepEnd>((resolve) => void Promise.resolve().then(() => { timers.time += 100; resolve(end); })) : new Promise<StepEnd>(() => undefined),
        output: (async function* () {
          for (const chunk of output[line] ?? []) yield chunk;
        })(),
      };
    },
  };
  return { runner, sent };
}

describe('running steps', () => {
  it('runs every step in order and reports 0 with the total duration', async () => {
    const timers = new FakeTimers();
    const { runner, sent } = fakeRunner({ a: { exitCode: 0 }, b: { exitCode: 0 } }, timers, { a: ['one\r\n'], b: ['\x1b[31mtwo\x1b[0m\r\n'] });
    const result = await runSteps(runner, ['a', 'b'], { watchdogMs: 60_000, timers, drainMs: 0 });
    assert.deepEqual(sent, ['a', 'b']);
    assert.deepEqual(result, { exitCode: 0, durationMs: 200, outputTail: 'one\ntwo\n', stepsRun: 2 });
  });

  it('stops at the first failure and reports its exit code', async () => {
    const timers = new FakeTimers();
    const { runner, sent } = fakeRunner({ a: { exitCode: 0 }, b: { exitCode: 3 }, c: { exitCode: 0 } }, timers);
    const result = await runSteps(runner, ['a', 'b', 'c'], { watchdogMs: 60_000, timers, drainMs: 0 });
    assert.deepEqual(sent, ['a', 'b']);
    assert.equal(result.exitCode, 3);
    assert.equal(result.stoppedAt, 1);
    assert.equal(result.stepsRun, 2);
  });

  it('stops with an unknown exit code when the terminal closes, and says why', async () => {
    const timers = new FakeTimers();
    const { runner, sent } = fakeRunner({ a: { exitCode: null, unknownReason: 'the terminal was closed' }, b: { exitCode: 0 } }, timers);
    const result = await runSteps(runner, ['a', 'b'], { watchdogMs: 60_000, timers, drainMs: 0 });
    assert.deepEqual(sent, ['a']);
    assert.equal(result.exitCode, null);
    assert.equal(result.unknownReason, 'the terminal was closed');
  });

  it('gives an unknown exit code a reason even when the terminal gave none', async () => {
    const timers = new FakeTimers();
    const { runner } = fakeRunner({ a: { exitCode: null } }, timers);
    const result = await runSteps(runner, ['a'], { watchdogMs: 60_000, timers, drainMs: 0 });
    assert.equal(result.unknownReason, 'the terminal did not report an exit code');
  });

  it('ends a wait that never gets its end event with the watchdog: unknown, never 0', async () => {
    const timers = new FakeTimers();
    const { runner, sent } = fakeRunner({ a: { exitCode: 0 } }, timers);
    const pending = runSteps(runner, ['a', 'hangs', 'c'], { watchdogMs: 30 * 60_000, timers, drainMs: 0 });
    for (let k = 0; k < 5; k++) await turn();
    assert.deepEqual(sent, ['a', 'hangs']);
    timers.advance(30 * 60_000 - 1);
    await turn();
    assert.equal(timers.waiting, 1, 'still waiting one millisecond before the watchdog');
    timers.advance(1);
    const result = await pending;
    assert.equal(result.exitCode, null);
    assert.equal(result.unknownReason, 'the terminal reported no end within 30 min (watchdog)');
    assert.deepEqual(sent, ['a', 'hangs']);
    assert.equal(timers.waiting, 0, 'no timer left behind');
  });

  it('keeps a bounded tail of the output, masks secrets in it', () => {
    const tail = new OutputTail(10);
    for (let k = 0; k < 100; k++) tail.push(`line ${k} `);
    assert.equal(tail.text(), 'e 98 line 99 '.slice(-10));
    const secret = new OutputTail(100);
    secret.push('token=hunter2 ok');
    assert.equal(secret.text(['hunter2']), 'token=******** ok');
  });

  it('strips escape sequences (colours, OSC titles, cursor moves) from output', () => {
    assert.equal(stripAnsi('\x1b]0;title\x07\x1b[1;32mok\x1b[0m\x1b[2K\x1bM done\x07'), 'ok done');
  });

  it('describes the last run for the CodeLens', () => {
    const now = 10_000_000;
    assert.equal(describeLastRun({ exitCode: 0, endedAt: now - 5_000 }, now), 'last run just now, exit 0');
    assert.equal(describeLastRun({ exitCode: 1, endedAt: now - 3 * 60_000 }, now), 'last run 3 min ago, exit 1');
    assert.equal(describeLastRun({ exitCode: null, endedAt: now - 2 * 3_600_000 }, now), 'last run 2 h ago, exit unknown');
    assert.equal(describeLastRun({ exitCode: 130, endedAt: now - 3 * 86_400_000 }, now), 'last run 3 d ago, exit 130');
  });
});
