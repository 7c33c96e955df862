// The incident store as this window sees it: the journal folder, the book over it, and the one
// load at startup (damaged lines and unreadable folders reported, never silently dropped).
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { IncidentBook } from '../../incidents/book';
import { createEventIdGenerator } from '../../incidents/ids';
import { Journal } from '../../incidents/journal';
import { nodeJournalFs } from '../../incidents/nodeFs';
import type { BaseServices } from '../services';
import { createAuthorSource, type AuthorSource } from './author';
import { showLaterProblem, showLoadProblems } from './journalProblems';

export interface IncidentStore {
  readonly root: string;
  readonly journal: Journal;
  readonly book: IncidentBook;
  readonly author: AuthorSource;
  /** Resolves once the journals are loaded (never rejects: failures are logged and shown). */
  readonly loaded: Promise<void>;
  readonly clock: () => number;
}

/** Where journals live: the extension's workspace storage (default) or `.oncall/incidents` in the first folder. */
function journalRoot(context: vscode.ExtensionContext): string {
  const location = vscode.workspace.getConfiguration('oncall.incidents').get<string>('journalLocation', 'workspaceStorage');
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (location === 'workspaceFolder' && folder?.scheme === 'file') return path.join(folder.fsPath, '.oncall', 'incidents');
  const base = context.storageUri ?? context.globalStorageUri;
  return path.join(base.fsPath, 'incidents');
}

export function openIncidentStore({ context, log }: BaseServices): IncidentStore {
  const clock = () => Date.now();
  const author = createAuthorSource();
  const root = journalRoot(context);
  const journal = new Journal({
    fs: nodeJournalFs(),
    root,
    log: (m) => log.warn(m),
    reportProblem: showLaterProblem,
    setTimer: (fn, ms) => {
      const t = setTimeout(fn, ms);
      return { cancel: () => clearTimeout(t) };
    },
  });
  const book = new IncidentBook({
    journal,
    clock,
    newEventId: createEventIdGenerator(clock, (n) => randomBytes(n)),
    author: () => author.current(),
    log: (m) => log.warn(m),
  });
  const loaded = (async () => {
    await author.refresh().catch(() => undefined);
    const problems = await book.load();
    log.info(`incident journal at ${root}: ${book.incidents().length} incident(s)`);
    showLoadProblems(problems);
  })().catch((err) => log.error('could not load the incident journals', err instanceof Error ? err : new Error(String(err))));
  context.subscriptions.push({ dispose: () => void journal.close() });
  return { root, journal, book, author, loaded, clock };
}
