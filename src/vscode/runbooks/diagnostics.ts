// Lint and parse problems in the Problems panel, on the runbook files, with the quick fix
// "Mark reviewed today" on staleness problems.
import * as vscode from 'vscode';
import { markReviewedEdit } from '../../runbooks/markReviewed';
import type { RepositorySuggestion } from '../../runbooks/lint';
import type { Problem } from '../../runbooks/model';
import { localToday, type RunbookIndexService } from './service';

export const DIAGNOSTIC_SOURCE = 'On-Call Runbooks';
const REVIEW_RULES = new Set(['stale', 'missing-review-date']);

function toDiagnostic(p: Problem): vscode.Diagnostic {
  // Problems carry lines only; the editor clamps the end column to the line's length.
  const range = new vscode.Range(p.line, 0, p.endLine ?? p.line, Number.MAX_SAFE_INTEGER);
  const severity =
    p.severity === 'error' ? vscode.DiagnosticSeverity.Error : p.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information;
  const d = new vscode.Diagnostic(range, p.message, severity);
  d.source = DIAGNOSTIC_SOURCE;
  d.code = p.ruleId;
  return d;
}

function toSuggestionDiagnostic(s: RepositorySuggestion): vscode.Diagnostic {
  const d = new vscode.Diagnostic(new vscode.Range(0, 0, 0, 0), s.message, vscode.DiagnosticSeverity.Information);
  d.source = DIAGNOSTIC_SOURCE;
  d.code = s.ruleId;
  return d;
}

export function registerDiagnostics(context: vscode.ExtensionContext, service: RunbookIndexService): void {
  const collection = vscode.languages.createDiagnosticCollection('oncall-runbooks');
  // A convention most runbooks of a folder do not follow is one suggestion on the folder,
  // not a warning on every file (see lintRepository).
  const suggestions = vscode.languages.createDiagnosticCollection('oncall-runbook-suggestions');
  const showSuggestions = () => {
    suggestions.clear();
    for (const { folder, suggestions: list } of service.lintSuggestions()) {
      if (!folder || list.length === 0) continue;
      suggestions.set(vscode.Uri.parse(folder), list.map(toSuggestionDiagnostic));
    }
  };
  context.subscriptions.push(
    collection,
    suggestions,
    service.onDidChangeLint((paths) => {
      const entries: Array<[vscode.Uri, vscode.Diagnostic[] | undefined]> = [];
      for (const path of paths) {
        const uri = vscode.Uri.file(path);
        const problems = service.problemsOf(path);
        entries.push([uri, problems.length > 0 ? problems.map(toDiagnostic) : undefined]);
      }
      collection.set(entries);
      showSuggestions();
    }),
    vscode.languages.registerCodeActionsProvider({ language: 'markdown', scheme: 'file' }, new MarkReviewedFix(), {
      providedCodeActionKinds: [vscode.CodeActionKind.QuickFix],
    }),
  );
}

/** Edits a document so its front matter says it was reviewed today; undefined if it cannot. */
export function markReviewedWorkspaceEdit(document: vscode.TextDocument, today = localToday()): vscode.WorkspaceEdit | undefined {
  const edit = markReviewedEdit(document.getText(), today);
  if (!edit) return undefined;
  const range = new vscode.Range(document.positionAt(edit.offset), document.positionAt(edit.offset + edit.length));
  const workspaceEdit = new vscode.WorkspaceEdit();
  workspaceEdit.replace(document.uri, range, edit.newText);
  return workspaceEdit;
}

class MarkReviewedFix implements vscode.CodeActionProvider {
  provideCodeActions(document: vscode.TextDocument, _range: vscode.Range, context: vscode.CodeActionContext): vscode.CodeAction[] {
    const diagnostics = context.diagnostics.filter((d) => d.source === DIAGNOSTIC_SOURCE && REVIEW_RULES.has(String(d.code)));
    if (diagnostics.length === 0) return [];
    const edit = markReviewedWorkspaceEdit(document);
    if (!edit) return [];
    const action = new vscode.CodeAction('Mark reviewed today', vscode.CodeActionKind.QuickFix);
    action.edit = edit;
    action.diagnostics = diagnostics;
    action.isPreferred = true;
    return [action];
  }
}
