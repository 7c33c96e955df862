import * as vscode from 'vscode';
import { notBuiltYet, registerCommands } from '../commandRegistry';
import type { BaseServices, IncidentHook } from '../services';

export interface IncidentFeatures extends IncidentHook {
  api: {
    all(): unknown[];
    active(): unknown;
    timeline(id: string): unknown[];
  };
}

/** Incidents: declare, timeline webview, status bar, reminders, status updates. */
export function registerIncidentFeatures(base: BaseServices): IncidentFeatures {
  const tree = vscode.window.createTreeView('oncall.incidents', {
    treeDataProvider: { getTreeItem: (e: vscode.TreeItem) => e, getChildren: () => [] },
  });
  base.context.subscriptions.push(tree);
  registerCommands(base, [
    notBuiltYet('oncall.declareIncident', 'Declaring incidents'),
    notBuiltYet('oncall.openTimeline', 'The incident timeline'),
    notBuiltYet('oncall.addNote', 'Incident notes'),
    notBuiltYet('oncall.setStatus', 'Incident status'),
    notBuiltYet('oncall.setSeverity', 'Incident severity'),
    notBuiltYet('oncall.assignRole', 'Incident roles'),
    notBuiltYet('oncall.markMilestone', 'Incident milestones'),
    notBuiltYet('oncall.draftStatusUpdate', 'Status updates'),
    notBuiltYet('oncall.resolveIncident', 'Resolving incidents'),
    notBuiltYet('oncall.setActiveIncident', 'Choosing the active incident'),
  ]);
  return {
    activeIncidentId: () => undefined,
    recordRun: async () => undefined,
    api: { all: () => [], active: () => undefined, timeline: () => [] },
  };
}
