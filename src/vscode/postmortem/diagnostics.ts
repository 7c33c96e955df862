// Post-mortem problems as diagnostics: for an open post-mortem, everything (empty sections,
// action items without owners, edited or broken generated blocks, a missed due date); for the
// others in the folder, only what needs attention without opening them (late, broken). Also
// keeps the `oncall.isPostmortem` context key for the editor title's commit button.
import * as vscode from 'vscode';
import { postmortemProblems, type PostmortemProblem } from '../../postmortem/completeness';
import type { BaseServices } from '../services';
import { isPostmortemUri, postmortemLocation, readPostmortemFiles } from './location';
import { DIAGNOSTIC_SOURCE, ReviewFixProvider } from './reviewFixes';

const SEVERITY: Record<PostmortemProblem['code'], vscode.DiagnosticSeverity> = {
  overdue: vscode.DiagnosticSeverity.Warning,
  unknownStatus: vscode.DiagnosticSeverity.Warning,
  brokenRegion: vscode.DiagnosticSeverity.Warning,
  missingSection: vscode.DiagnosticSeverity.Information,
  emptySection: vscode.DiagnosticSeverity.Information,
  actionItemsIncomplete: vscode.DiagnosticSeverity.Information,
  impactWithoutNumber: vscode.DiagnosticSeverity.Warning,
  humanErrorOnly: vscode.DiagnosticSeverity.Warning,
  editedRegion: vscode.DiagnosticSeverity.Hint,
};
const CLOSED_FILE_CODES = new Set<PostmortemProblem['code']>(['overdue', 'brokenRegion', 'unknownStatus']);
const RESCAN_MS = 30 * 60_000;

export function registerPostmortemDiagnostics(base: BaseServices, now: () => Date = () => new Date()): { refreshAll(): Promise<void> } {
  const collection = vscode.languages.createDiagnosticCollection('oncall-postmortems');
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const subs = base.context.subscriptions;
  subs.push(collection);

  const toDiagnostics = (problems: PostmortemProblem[], doc?: vscode.TextDocument) =>
    problems.map((p) => {
      const line = doc ? Math.min(p.line, doc.lineCount - 1) : p.line;
      const range = doc ? doc.lineAt(line).range : new vscode.Range(line, 0, line, 200);
      const d = new vscode.Diagnostic(range, p.message, SEVERITY[p.code]);
      d.source = DIAGNOSTIC_SOURCE;
      d.code = p.code;
      return d;
    });

  const refreshDocument = (doc: vscode.TextDocument) => {
    if (!isPostmortemUri(doc.uri)) return;
    collection.set(doc.uri, toDiagnostics(postmortemProblems(doc.getText(), now()), doc));
  };
  const refreshAll = async () => {
    const location = postmortemLocation();
    if (!location) return;
    const open = new Set(vscode.workspace.textDocuments.map((d) => d.uri.toString()));
    collection.clear();
    for (const file of await readPostmortemFiles(location)) {
      if (open.has(file.uri.toString())) continue;
      const problems = postmortemProblems(file.text, now()).filter((p) => CLOSED_FILE_CODES.has(p.code));
      if (problems.length) collection.set(file.uri, toDiagnostics(problems));
    }
    for (const doc of vscode.workspace.textDocuments) refreshDocument(doc);
  };
  const updateContextKey = () => {
    const uri = vscode.window.activeTextEditor?.document.uri;
    void vscode.commands.executeCommand('setContext', 'oncall.isPostmortem', !!uri && isPostmortemUri(uri));
  };

  subs.push(
    vscode.languages.registerCodeActionsProvider({ language: 'markdown', scheme: 'file' }, new ReviewFixProvider(), { providedCodeActionKinds: ReviewFixProvider.kinds }),
    vscode.workspace.onDidOpenTextDocument(refreshDocument),
    vscode.workspace.onDidChangeTextDocument((e) => {
      const key = e.document.uri.toString();
      clearTimeout(timers.get(key));
      timers.set(key, setTimeout(() => refreshDocument(e.document), 300));
    }),
    vscode.workspace.onDidCloseTextDocument((doc) => {
      if (!isPostmortemUri(doc.uri)) return;
      const problems = postmortemProblems(doc.getText(), now()).filter((p) => CLOSED_FILE_CODES.has(p.code));
      collection.set(doc.uri, toDiagnostics(problems));
    }),
    vscode.workspace.onDidDeleteFiles((e) => e.files.forEach((uri) => collection.delete(uri))),
    vscode.window.onDidChangeActiveTextEditor(updateContextKey),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('oncall.postmortems.folder')) {
        updateContextKey();
        void refreshAll();
      }
    }),
  );
  // Due dates pass while the window stays open.
  const rescan = setInterval(() => void refreshAll(), RESCAN_MS);
  subs.push({ dispose: () => clearInterval(rescan) }, { dispose: () => timers.forEach((t) => clearTimeout(t)) });
  updateContextKey();
  void refreshAll().catch((err) => base.log.warn(`post-mortem diagnostics: ${String(err)}`));
  return { refreshAll };
}
