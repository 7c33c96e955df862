// How times are written (oncall.time.display, the editor's language, the extension host's time
// zone), as one TimeFormatter shared by the timeline panels, the status bar and the drafts.
import * as vscode from 'vscode';
import { parseTimeDisplay, TimeFormatter, type TimeStyle } from '../../incidents/timeFormat';

export function readTimeStyle(): TimeStyle {
  return {
    locale: vscode.env.language || 'en',
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
    display: parseTimeDisplay(vscode.workspace.getConfiguration('oncall.time').get('display')),
  };
}

export class TimeStyleSource implements vscode.Disposable {
  private current = new TimeFormatter(readTimeStyle());
  private readonly changed = new vscode.EventEmitter<TimeFormatter>();
  readonly onDidChange = this.changed.event;
  private readonly watcher = vscode.workspace.onDidChangeConfiguration((e) => {
    if (!e.affectsConfiguration('oncall.time')) return;
    this.current = new TimeFormatter(readTimeStyle());
    this.changed.fire(this.current);
  });

  get formatter(): TimeFormatter {
    return this.current;
  }

  dispose(): void {
    this.watcher.dispose();
    this.changed.dispose();
  }
}
