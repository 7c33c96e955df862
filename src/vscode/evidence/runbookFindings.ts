// Runbooks learn from incidents, in the editor: a step that failed during an incident, or a note
// written against it, shows on the runbook at that block in the Problems panel, with quick fixes
// to open the incident and to mark the runbook reviewed (which retires the finding).
import * as vscode from 'vscode';
import { findingProblems, findingsFromEvents, samePath, type RunbookFinding } from '../../incidents/runbookFindings';
import type { IncidentFeatures } from '../incidents/register';
import type { BaseServices, RunbookService } from '../services';
import { journalPath } from '../run/evidence';

export const FINDINGS_SOURCE = 'On-Call incidents';

export function registerRunbookFindings(base: BaseServices, runbooks: RunbookService, incidents: IncidentFeatures): { refresh(): void } {
  const collection = vscode.languages.createDiagnosticCollection('oncall-incident-findings');
  /** uri → line → incident ids, for the quick fix. */
  const incidentsAt = new Map<string, Map<number, string[]>>();
  let timer: ReturnType<typeof setTimeout> | undefined;

  const compute = () => {
    const findings: RunbookFinding[] = incidents.book.incidents().flatMap((i) => findingsFromEvents(incidents.book.events(i.id)));
    collection.clear();
    incidentsAt.clear();
    if (findings.length === 0) return;
    for (const runbook of runbooks.all()) {
      if (runbook.isReadme) continue;
      const paths = [journalPath(runbook), runbook.relPath];
      // Code blocks are unpacked on access: only for runbooks an incident names.
      if (!findings.some((f) => paths.some((p) => samePath(f.runbookPath, p)))) continue;
      const problems = findingProblems(findings, { paths, lastReviewed: runbook.metadata.lastReviewed, blockLines: runbook.codeBlocks.map((b) => b.startLine) });
      if (problems.length === 0) continue;
      const uri = vscode.Uri.file(runbook.path);
      const lines = new Map<number, string[]>();
      collection.set(
        uri,
        problems.map((p) => {
          lines.set(p.line, [...(lines.get(p.line) ?? []), p.incidentId]);
          const d = new vscode.Diagnostic(new vscode.Range(p.line, 0, p.line, Number.MAX_SAFE_INTEGER), p.message, p.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Information);
          d.source = FINDINGS_SOURCE;
          d.code = p.ruleId;
          return d;
        }),
      );
      incidentsAt.set(uri.toString(), lines);
    }
  };
  const refresh = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      try {
        compute();
      } catch (err) {
        base.log.warn(`runbook findings from incidents: ${err instanceof Error ? err.message : String(err)}`);
      }
    }, 200);
  };

  const fixes: vscode.CodeActionProvider = {
    provideCodeActions(doc, _range, context) {
      const ours = context.diagnostics.filter((d) => d.source === FINDINGS_SOURCE);
      const actions: vscode.CodeAction[] = [];
      const seen = new Set<string>();
      for (const d of ours) {
        for (const incidentId of incidentsAt.get(doc.uri.toString())?.get(d.range.start.line) ?? []) {
          if (seen.has(incidentId)) continue;
          seen.add(incidentId);
          const open = new vscode.CodeAction(`Open incident ${incidentId}`, vscode.CodeActionKind.QuickFix);
          open.command = { command: 'oncall.openTimeline', title: open.title, arguments: [{ incidentId }] };
          open.diagnostics = [d];
          open.isPreferred = true;
          actions.push(open);
        }
      }
      if (ours.length) {
        const reviewed = new vscode.CodeAction('Mark the runbook reviewed today (the step was checked)', vscode.CodeActionKind.QuickFix);
        reviewed.command = { command: 'oncall.markReviewed', title: reviewed.title, arguments: [{ uri: doc.uri.toString() }] };
        reviewed.diagnostics = ours;
        actions.push(reviewed);
      }
      return actions;
    },
  };

  const unsubscribe = incidents.book.onDidChange(refresh);
  base.context.subscriptions.push(
    collection,
    { dispose: unsubscribe },
    { dispose: () => clearTimeout(timer) },
    runbooks.onDidChange(refresh),
    vscode.languages.registerCodeActionsProvider({ language: 'markdown', scheme: 'file' }, fixes, { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix] }),
  );
  void incidents.loaded.then(refresh);
  return { refresh };
}
