// Helpers for driving team incidents in real editors (the two-editor UI check and the team
// benchmark): a bare repository with clones, segments pushed by hand, palette and timeline
// webview helpers, and killing an extension host in the middle of a sync.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { descendantsOf, extensionHostPid, makeWorkspace, processTable, tempDir } from './codeServer.mjs';

export const git = (cwd, ...args) => execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] }).trim();

/** A bare repository on disk and two clones of it, one per responder. */
export function teamRepos() {
  const base = tempDir('team');
  const bare = join(base, 'team.git');
  execFileSync('git', ['init', '--bare', '--quiet', '-b', 'main', bare]);
  const wsA = makeWorkspace();
  git(wsA, 'config', 'user.name', 'Ana');
  git(wsA, 'remote', 'add', 'origin', bare);
  git(wsA, 'push', '--quiet', 'origin', 'main');
  const wsB = join(tempDir('ws-b'), 'runbooks');
  execFileSync('git', ['clone', '--quiet', bare, wsB]);
  git(wsB, 'config', 'user.name', 'Bo');
  git(wsB, 'config', 'user.email', 'bo@example.com');
  return { base, bare, wsA, wsB };
}

/** One journal record, as the extension writes it (checksum over the canonical event). */
export function record(event) {
  const canonical = (v) => (Array.isArray(v) ? `[${v.map(canonical).join(',')}]` : v && typeof v === 'object' ? `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}` : JSON.stringify(v));
  const payload = canonical(event);
  return `{"sha256":"${createHash('sha256').update(payload).digest('hex')}","event":${payload}}\n`;
}

/** Pushes a writer segment built by hand to the bare repository. */
export function pushByHand(bare, incidentId, writer, eventsBytes, claim) {
  const scratch = join(tempDir('scratch'), 'x.git');
  execFileSync('git', ['init', '--bare', '--quiet', scratch]);
  const obj = (args, input) => execFileSync('git', args, { cwd: scratch, input, encoding: 'utf8', maxBuffer: 1 << 28 }).trim();
  const ev = obj(['hash-object', '-w', '--stdin'], eventsBytes);
  const wr = obj(['hash-object', '-w', '--stdin'], JSON.stringify(claim));
  const tree = obj(['mktree'], `100644 blob ${ev}\tevents.jsonl\n100644 blob ${wr}\twriter.json\n`);
  const commit = obj(['hash-object', '-t', 'commit', '-w', '--stdin'], `tree ${tree}\nauthor M <m@x> 1 +0000\ncommitter M <m@x> 1 +0000\n\nby hand\n`);
  execFileSync('git', ['push', '--quiet', '--force', bare, `${commit}:refs/oncall/incidents/${incidentId}/${writer}`], { cwd: scratch });
  rmSync(scratch, { recursive: true, force: true });
}

export async function pickQuickInput(page, text) {
  const input = page.locator('.quick-input-widget input');
  await input.waitFor({ state: 'visible', timeout: 20_000 });
  await input.fill(text);
  await page.waitForTimeout(400);
  await page.keyboard.press('Enter');
  await page.waitForTimeout(400);
}

export async function palette(page, title) {
  const input = page.locator('.quick-input-widget input');
  await page.keyboard.press('F1');
  if (!(await input.isVisible().catch(() => false))) {
    await page.waitForTimeout(1000);
    if (!(await input.isVisible().catch(() => false))) {
      // The keyboard focus is somewhere that keeps F1: give it back to the workbench.
      await page.locator('.activitybar').first().click({ position: { x: 20, y: 600 } }).catch(() => undefined);
      await page.keyboard.press('F1');
    }
  }
  await pickQuickInput(page, `>${title}`);
}

/** The timeline webview frame of a page (optionally not the one marked before a restart). */
export async function timelineFrame(page, { fresh = false, timeoutMs = 60_000 } = {}) {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    for (const f of page.frames()) {
      try {
        if ((await f.$('#note-input')) && (!fresh || !(await f.evaluate(() => window.__beforeRestart === true)))) return f;
      } catch {
        // a frame that went away meanwhile
      }
    }
    await page.waitForTimeout(250);
  }
  throw new Error('the timeline webview did not appear');
}

export async function addNote(frame, text) {
  const box = frame.locator('#note-input');
  await box.fill(text);
  await box.press('Enter');
  await frame.waitForFunction((t) => [...document.querySelectorAll('#events li.type-note .body')].some((b) => b.textContent === t), text, { timeout: 30_000 });
  await frame.waitForFunction(() => !document.querySelector('.pending-note'), undefined, { timeout: 30_000 });
}

export async function waitForNote(frame, text, timeout = 90_000) {
  await frame.waitForFunction((t) => [...document.querySelectorAll('#events li.type-note .body')].some((b) => b.textContent === t), text, { timeout });
}

/** Author shown on the row of the note with this text. */
export async function authorOf(frame, text) {
  return frame.$$eval('#events li.type-note', (rows, t) => rows.find((r) => r.querySelector('.body')?.textContent === t)?.querySelector('.author')?.textContent, text);
}

export async function shareLine(frame) {
  return frame.$eval('.share-state', (e) => (e.hidden ? '' : e.textContent));
}

/** Kills the extension host the moment it runs a git fetch or push (the sync is under way). */
export async function killHostDuringSync(server, timeoutMs = 60_000) {
  const host = extensionHostPid(server);
  assert.ok(host, 'found the extension host');
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    const git = descendantsOf(processTable(), host).find((r) => /(^|\/)git(\s|$)/.test(r.args.split(' ')[0]) && /\b(fetch|push)\b/.test(r.args));
    if (git) {
      process.kill(host, 'SIGKILL');
      return { host, during: git.args };
    }
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('saw no sync running in the extension host');
}

export function writerIdOf(server) {
  return JSON.parse(readFileSync(join(server.userDataDir, 'User', 'globalStorage', 'oncall-runbooks.oncall-runbooks', 'writer.json'), 'utf8')).writer;
}

