// Read-only documents showing a run's whole output (masked), for "Show Output" on a failed run:
// `oncall-output:/<title>?<id>`. The last few outputs are kept in memory only.
import * as vscode from 'vscode';

export const OUTPUT_SCHEME = 'oncall-output';
const KEEP = 20;

export class OutputDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly registration: vscode.Disposable;
  private counter = 0;

  constructor() {
    this.registration = vscode.workspace.registerTextDocumentContentProvider(OUTPUT_SCHEME, this);
  }

  /** Keeps the text and returns the URI that shows it. */
  add(title: string, text: string): vscode.Uri {
    this.counter += 1;
    const id = String(this.counter);
    this.texts.set(id, text);
    while (this.texts.size > KEEP) this.texts.delete(this.texts.keys().next().value as string);
    const name = title.replace(/[^A-Za-z0-9 ._-]+/g, '-').slice(0, 80) || 'output';
    return vscode.Uri.from({ scheme: OUTPUT_SCHEME, path: `/${name}.log`, query: id });
  }

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.query) ?? '(This output is no longer kept in memory; the file beside the incident journal still has it.)';
  }

  dispose(): void {
    this.registration.dispose();
    this.texts.clear();
  }
}
