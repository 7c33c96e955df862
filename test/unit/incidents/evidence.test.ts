import { strict as assert } from 'node:assert';
import {
  excerptLines, OutputCapture, outputFileName, outputLines, parseLineRange, pinnedLines, sha256Text, summarizeOutput, teeOutput,
  isOutputFileRef, type RunOutput,
} from '../../../src/incidents/evidence';
import { MASK, maskOutput, maskTokens } from '../../../src/incidents/redact';
import type { StepRunner } from '../../../src/shell/runSteps';

// Fake credentials, assembled so no scanner mistakes this file for a leak.
const AWS_KEY_ID = ['AKIA', 'IOSFODNN7', 'EXAMPLE'].join('');
const AWS_SECRET = ['wJalrXUtnFEMI', '/K7MDENG/bPxRfiCY', 'EXAMPLEKEY'].join('');
const GITHUB = `ghp_${'a1B2c3D4e5'.repeat(4)}`;
const GITHUB_FINE = `github_pat_${'11ABCDEFG0'.repeat(3)}_${'x'.repeat(40)}`;
const GITLAB = `glpat-${'Zx9'.repeat(8)}`;
const SLACK = ['xoxb', '1234567890', 'abcdefghijkl'].join('-');
const JWT = ['eyJhbGciOiJIUzI1NiJ9', 'eyJzdWIiOiJvbmNhbGwifQ', 'c2lnbmF0dXJlLW9mLXRoZS10b2tlbg'].join('.');
const PRIVATE_KEY = ['-----BEGIN RSA PRIVATE KEY-----', 'MIIEowIBAAKCAQEA7', 'qwertyuiopasdfghjkl', '-----END RSA PRIVATE KEY-----'].join('\n');

describe('masking credentials in output', () => {
  const cases: Array<[string, string, string]> = [
    ['an AWS access key id', `key id ${AWS_KEY_ID} used`, AWS_KEY_ID],
    ['an AWS secret key after its name', `aws_secret_access_key = ${AWS_SECRET}`, AWS_SECRET],
    ['a GitHub token', `token: ${GITHUB}`, GITHUB],
    ['a fine-grained GitHub token', `export GH=${GITHUB_FINE}`, GITHUB_FINE],
    ['a GitLab token', `PRIVATE-TOKEN ${GITLAB}`, GITLAB],
    ['a Slack token', `slack ${SLACK}`, SLACK],
    ['a JWT', `cookie session=${JWT}; path=/`, JWT],
    ['a bearer header', `> Authorization: Bearer abc.def-ghi_jkl12345`, 'abc.def-ghi_jkl12345'],
    ['a basic header', `authorization: Basic dXNlcjpwYXNzd29yZA==`, 'dXNlcjpwYXNzd29yZA=='],
    ['a password in a URL', `connecting to postgres://app:s3cr3t-pw@db.internal:5432/app`, 's3cr3t-pw'],
    ['a password assignment', `DB_PASSWORD="hunter2hunter2"`, 'hunter2hunter2'],
    ['a private key block', `key:\n${PRIVATE_KEY}\nafter`, 'qwertyuiopasdfghjkl'],
  ];
  for (const [what, text, secret] of cases) {
    it(`masks ${what}`, () => {
      const { text: masked, count } = maskTokens(text);
      assert.ok(!masked.includes(secret), `${secret} still in ${masked}`);
      assert.ok(masked.includes(MASK), masked);
      assert.ok(count >= 1);
    });
  }

  it('keeps the text around a credential, and the header scheme', () => {
    assert.equal(maskTokens('curl -H "Authorization: Bearer abcdefgh12345678" https://api').text, `curl -H "Authorization: Bearer ${MASK}" https://api`);
    assert.equal(maskTokens('after\n-----BEGIN EC PRIVATE KEY-----\nAAAA\n-----END EC PRIVATE KEY-----\nok').text, `after\n-----BEGIN EC PRIVATE KEY----- ${MASK} -----END EC PRIVATE KEY-----\nok`);
  });

  it('masks a private key block cut at either end', () => {
    assert.ok(!maskTokens('-----BEGIN PRIVATE KEY-----\nAAAASECRET').text.includes('AAAASECRET'));
    const cutStart = maskTokens('AAAASECRET\nBBBB\n-----END PRIVATE KEY-----\nrest');
    assert.ok(!cutStart.text.includes('AAAASECRET'), cutStart.text);
    assert.match(cutStart.text, /rest$/);
  });

  it('leaves ordinary output alone', () => {
    const ordinary = 'tracking-api-7f9c 0/1 CrashLoopBackOff 12 (3m ago)\ntokens_used: 1234\nHTTP/1.1 503 Service Unavailable\n21 of 120 responses were 5xx';
    assert.deepEqual(maskTokens(ordinary), { text: ordinary, count: 0 });
  });

  it('masks the values typed for secret placeholders, longest first, then token shapes', () => {
    const { text, count } = maskOutput(`pw=abc123 and abc123456 and ${GITHUB}`, ['abc123', 'abc123456']);
    assert.equal(text, `pw=${MASK} and ${MASK} and ${MASK}`);
    assert.equal(count, 3);
  });
});

describe('capturing output as evidence', () => {
  it('keeps everything under the cap: escapes removed, line ends normalised, secrets masked', () => {
    const capture = new OutputCapture(1000);
    capture.push('\x1b[31mERROR\x1b[0m token=');
    capture.push('topsecretvalue\r\n');
    capture.push(`auth ${GITHUB}\r\n`);
    const out = capture.finish(['topsecretvalue']);
    assert.equal(out.text, `ERROR token=${MASK}\nauth ${MASK}\n`);
    assert.equal(out.truncated, false);
    assert.equal(out.masked, 2);
  });

  it('masks a secret split across two chunks', () => {
    const capture = new OutputCapture(1000);
    capture.push('value: hunter');
    capture.push('2hunter2 end\n');
    assert.equal(capture.finish(['hunter2hunter2']).text, `value: ${MASK} end\n`);
  });

  it('keeps the beginning and the end of an output over the cap, cut on whole lines, and says so', () => {
    const capture = new OutputCapture(200);
    for (let i = 1; i <= 100; i++) capture.push(`line ${i}\n`);
    const out = capture.finish();
    const lines = outputLines(out.text);
    assert.equal(out.truncated, true);
    assert.equal(lines[0], 'line 1');
    assert.equal(lines[lines.length - 1], 'line 100');
    assert.match(out.text, /\[… \d+ characters of output not kept \(over the size cap\) …\]/);
    assert.ok(out.text.length < 400, `bounded: ${out.text.length}`);
    for (const l of lines) assert.match(l, /^line \d+$|^\[…/, `no half line: ${l}`);
  });

  it('summarises as the first and last lines, never repeating one', () => {
    const text = Array.from({ length: 40 }, (_, i) => `l${i + 1}`).join('\n') + '\n';
    const summary = summarizeOutput({ text, truncated: false, masked: 0 });
    assert.deepEqual(summary.head, ['l1', 'l2', 'l3', 'l4', 'l5']);
    assert.equal(summary.tail.length, 15);
    assert.equal(summary.tail[14], 'l40');
    assert.equal(summary.lines, 40);
    assert.deepEqual(excerptLines(summary)[5], undefined, 'a gap between head and tail');
    assert.deepEqual(excerptLines(summary)[6], [26, 'l26']);
    const short = summarizeOutput({ text: 'a\nb\n', truncated: false, masked: 0 });
    assert.deepEqual([short.head, short.tail, short.lines], [['a', 'b'], [], 2]);
    assert.equal(excerptLines(short).length, 2);
  });

  it('keeps capturing output that trails the end, after the reader stopped reading', async () => {
    let release!: () => void;
    const later = new Promise<void>((r) => (release = r));
    const runner: StepRunner = {
      execute: () => ({
        ended: Promise.resolve({ exitCode: 1 }),
        output: (async function* () {
          yield 'first\n';
          await later;
          yield 'trailing\n';
        })(),
      }),
    };
    const capture = new OutputCapture();
    const execution = teeOutput(runner, capture).execute('x');
    const iterator = execution.output![Symbol.asyncIterator]();
    assert.deepEqual(await iterator.next(), { value: 'first\n', done: false });
    // The reader gives up here; the output goes on.
    release();
    await capture.settled(1000);
    assert.equal(capture.finish().text, 'first\ntrailing\n');
  });

  it('passes every chunk through to the reader and to the capture', async () => {
    const runner: StepRunner = {
      execute: () => ({
        ended: Promise.resolve({ exitCode: 3 }),
        output: (async function* () {
          yield 'a';
          yield 'b\n';
        })(),
      }),
    };
    const capture = new OutputCapture();
    const execution = teeOutput(runner, capture).execute('x');
    const seen: string[] = [];
    for await (const c of execution.output!) seen.push(c);
    assert.deepEqual(seen, ['a', 'b\n']);
    assert.equal(capture.finish().text, 'ab\n');
    assert.deepEqual(await execution.ended, { exitCode: 3 });
  });
});

describe('pinning a line range as evidence', () => {
  const whole = Array.from({ length: 30 }, (_, i) => `row ${i + 1}`).join('\n') + '\n';
  const output: RunOutput = { ...summarizeOutput({ text: whole, truncated: false, masked: 0 }), sha256: sha256Text(whole), file: 'outputs/x.txt' };

  it('takes the lines from the whole output', () => {
    assert.deepEqual(pinnedLines(output, whole, 8, 10), { text: 'row 8\nrow 9\nrow 10', from: 8, to: 10 });
  });

  it('falls back to the excerpt, and refuses lines it does not have', () => {
    assert.equal(pinnedLines(output, undefined, 2, 3).text, 'row 2\nrow 3');
    assert.equal(pinnedLines(output, undefined, 29, 30).text, 'row 29\nrow 30');
    assert.throws(() => pinnedLines(output, undefined, 8, 9), /not in the excerpt/);
    assert.throws(() => pinnedLines(output, 'tampered\n', 8, 9), /not in the excerpt/, 'a file whose checksum differs is not used');
  });

  it('refuses ranges outside the output or too long', () => {
    assert.throws(() => pinnedLines(output, whole, 0, 2), /not in this output/);
    assert.throws(() => pinnedLines(output, whole, 5, 31), /not in this output/);
    const big = { ...output, lines: 1000 };
    assert.throws(() => pinnedLines(big, undefined, 1, 300), /at most 200/);
  });

  it('reads ranges people type', () => {
    assert.deepEqual(parseLineRange('12-20'), { from: 12, to: 20 });
    assert.deepEqual(parseLineRange(' 7 '), { from: 7, to: 7 });
    assert.equal(parseLineRange(''), undefined);
    assert.throws(() => parseLineRange('7;rm'), /line number/);
  });

  it('names output files inside outputs/ only', () => {
    const name = outputFileName('2026-12-04T09:12:40.123Z', 'e01a2-../../x');
    assert.ok(isOutputFileRef(name), name);
    assert.ok(!isOutputFileRef('../journal.jsonl'));
    assert.ok(!isOutputFileRef('/etc/passwd'));
    assert.ok(!isOutputFileRef('outputs/../../x.txt'));
  });
});
