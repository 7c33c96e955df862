// Responders for the sharing tests: each an installation of its own (store, sharing folder,
// writer id) in a temporary folder, all sharing one bare repository on disk as the remote.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { TransportSetting } from '../../../src/git/incidentBranch';
import { IncidentSync } from '../../../src/git/incidentSync';
import { IncidentBook } from '../../../src/incidents/book';
import { createEventIdGenerator } from '../../../src/incidents/ids';
import { Journal } from '../../../src/incidents/journal';
import { nodeJournalFs } from '../../../src/incidents/nodeFs';
import { isolatedEnv } from './gitRepo';

export interface Responder {
  name: string;
  writer: string;
  dir: string;
  journal: Journal;
  book: IncidentBook;
  sync: IncidentSync;
  /** Shares an incident through `remote` (as the share command does) and syncs. */
  share(id: string, remote: string): Promise<void>;
}

export interface Team {
  base: string;
  remote: string;
  env: NodeJS.ProcessEnv;
  responder(name: string, writer: string, options?: { maxSegmentBytes?: number; transport?: TransportSetting; log?: (m: string) => void }): Promise<Responder>;
  /** Runs git in the remote repository. */
  remoteGit(...args: string[]): string;
  cleanup(): Promise<void>;
}

export function makeTeam(): Team {
  const base = mkdtempSync(path.join(tmpdir(), 'oncall-team-'));
  mkdirSync(path.join(base, 'home'));
  const env = isolatedEnv(path.join(base, 'home'));
  const remote = path.join(base, 'remote.git');
  execFileSync('git', ['init', '--bare', '--quiet', remote], { env });
  const responders: Responder[] = [];
  return {
    base,
    remote,
    env,
    async responder(name, writer, options = {}) {
      const dir = path.join(base, name);
      const journal = new Journal({ fs: nodeJournalFs(), root: path.join(dir, 'incidents') });
      const book = new IncidentBook({ journal, clock: Date.now, newEventId: createEventIdGenerator(Date.now, (n) => randomBytes(n)), author: () => name, writer: () => writer });
      await book.load();
      const sync = new IncidentSync({ dir: path.join(dir, 'share'), book, writer, name: () => name, clock: Date.now, env, maxSegmentBytes: options.maxSegmentBytes, networkTimeoutMs: 30_000, log: options.log, ...(options.transport ? { transport: () => options.transport! } : {}) });
      const r: Responder = {
        name, writer, dir, journal, book, sync,
        async share(id, remoteUrl) {
          await book.markShared(id, { sharedAt: new Date().toISOString() });
          await sync.adopt(id, remoteUrl);
          await sync.sync({ only: [id] });
        },
      };
      responders.push(r);
      return r;
    },
    remoteGit: (...args) => execFileSync('git', args, { cwd: remote, env, encoding: 'utf8' }),
    async cleanup() {
      for (const r of responders) await r.journal.close().catch(() => undefined);
      rmSync(base, { recursive: true, force: true });
    },
  };
}

/**
 * Pushes a segment built by hand (whatever bytes a hostile or broken writer might push) to
 * `refs/oncall/incidents/<incidentId>/<writer>` of the remote.
 */
export function pushRawSegment(team: Team, incidentId: string, writer: string, events: Buffer | string, writerJson: Buffer | string): string {
  const scratch = path.join(team.base, `scratch-${randomBytes(4).toString('hex')}.git`);
  const git = (args: string[], input?: Buffer | string) => execFileSync('git', args, { cwd: scratch, env: team.env, input, encoding: 'utf8' }).trim();
  execFileSync('git', ['init', '--bare', '--quiet', scratch], { env: team.env });
  const eventsBlob = git(['hash-object', '-w', '--stdin'], events);
  const writerBlob = git(['hash-object', '-w', '--stdin'], writerJson);
  const tree = git(['mktree'], `100644 blob ${eventsBlob}\tevents.jsonl\n100644 blob ${writerBlob}\twriter.json\n`);
  const commit = git(['hash-object', '-t', 'commit', '-w', '--stdin'], `tree ${tree}\nauthor Mallory <m@x> 1 +0000\ncommitter Mallory <m@x> 1 +0000\n\nhand-made\n`);
  git(['push', '--quiet', '--force', team.remote, `${commit}:refs/oncall/incidents/${incidentId}/${writer}`]);
  return commit;
}

/** Makes the remote refuse every ref outside branches and tags (as some hosts do). */
export function refuseCustomRefs(team: Team): void {
  const hook = path.join(team.remote, 'hooks', 'pre-receive');
  writeFileSync(hook, '#!/bin/sh\nwhile read old new ref; do case "$ref" in refs/heads/*|refs/tags/*) ;; *) echo "refusing to accept $ref: only branches and tags" >&2; exit 1;; esac; done\n');
  chmodSync(hook, 0o755);
}

/**
 * Commits files to the shared branch of the remote by hand, on top of its tip (what a teammate's
 * push, or a hostile one, leaves there): plumbing in the bare remote with a temporary index.
 */
export function commitToBranch(team: Team, files: Record<string, Buffer | string>, author = 'Mallory'): string {
  const index = path.join(team.base, `index-${randomBytes(4).toString('hex')}`);
  const env = { ...team.env, GIT_INDEX_FILE: index, GIT_AUTHOR_NAME: author, GIT_AUTHOR_EMAIL: 'm@x', GIT_COMMITTER_NAME: author, GIT_COMMITTER_EMAIL: 'm@x' };
  const git = (args: string[], input?: Buffer | string) => execFileSync('git', args, { cwd: team.remote, env, input, encoding: 'utf8' }).trim();
  let tip: string | undefined;
  try {
    tip = git(['rev-parse', '--verify', '--quiet', 'refs/heads/oncall/incidents']);
  } catch {
    tip = undefined;
  }
  git(tip ? ['read-tree', tip] : ['read-tree', '--empty']);
  for (const [file, content] of Object.entries(files)) {
    const blob = git(['hash-object', '-w', '--stdin'], content);
    git(['update-index', '--add', '--cacheinfo', `100644,${blob},${file}`]);
  }
  const tree = git(['write-tree']);
  const commit = git(['commit-tree', ...(tip ? ['-p', tip] : []), '-m', 'by hand', tree]);
  git(['update-ref', 'refs/heads/oncall/incidents', commit, ...(tip ? [tip] : [])]);
  rmSync(index, { force: true });
  return commit;
}
