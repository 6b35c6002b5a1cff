import * as vscode from 'vscode';

export const MIGRATION_STATUS_SCHEME = 'telemetry-lens-migrations';

/**
 * Read-only virtual documents for the migration status (and, under its own scheme, the health
 * report): no "save changes?" prompt on close (an untitled document would be dirty), and the
 * Markdown preview can render them.
 */
export class MigrationStatusDocuments implements vscode.TextDocumentContentProvider {
  constructor(private readonly scheme: string = MIGRATION_STATUS_SCHEME) {}

  private readonly contents = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  /** Stores (or replaces) the document's text and tells open editors/previews to refresh. */
  publish(name: string, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: this.scheme, path: `/${name}` });
    this.contents.set(uri.toString(), text);
    this.changed.fire(uri);
    return uri;
  }

  dispose(): void {
    this.changed.dispose();
    this.contents.clear();
  }
}
