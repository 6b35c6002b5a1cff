import * as vscode from 'vscode';

/**
 * Read-only virtual documents under one URI scheme (migration status, health report, query
 * results, rows, ingest reports): no "save changes?" prompt on close, which an untitled
 * document would have (it is dirty), and the Markdown preview can render them.
 */
export class ReadOnlyDocuments implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly contents = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  /** A provider for `scheme`, registered until `subscriptions` are disposed. */
  static register(subscriptions: vscode.Disposable[], scheme: string, maxDocuments?: number): ReadOnlyDocuments {
    const documents = new ReadOnlyDocuments(scheme, maxDocuments);
    subscriptions.push(documents, vscode.workspace.registerTextDocumentContentProvider(scheme, documents));
    return documents;
  }

  constructor(
    readonly scheme: string,
    /** Texts kept at most (oldest dropped first): results pile up, one per run. */
    private readonly maxDocuments = 50,
  ) {}

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.contents.get(uri.toString()) ?? '';
  }

  /** Stores (or replaces) the document's text and tells open editors/previews to refresh. */
  publish(name: string, text: string): vscode.Uri {
    const uri = vscode.Uri.from({ scheme: this.scheme, path: `/${name}` });
    const key = uri.toString();
    this.contents.delete(key);
    this.contents.set(key, text);
    for (const oldest of this.contents.keys()) {
      if (this.contents.size <= this.maxDocuments) break;
      this.contents.delete(oldest);
    }
    this.changed.fire(uri);
    return uri;
  }

  /** Opens a published document as read-only text (Markdown source) in a preview tab. */
  async show(name: string, text: string): Promise<void> {
    await showSource(this.publish(name, text));
  }

  /** Renders a published Markdown document in the Markdown preview (its source when there is none). */
  async preview(name: string, text: string): Promise<void> {
    const uri = this.publish(name, text);
    try {
      await vscode.commands.executeCommand('markdown.showPreview', uri);
    } catch {
      // no Markdown preview (extension disabled): the read-only source is still readable
      await showSource(uri);
    }
  }

  dispose(): void {
    this.changed.dispose();
    this.contents.clear();
  }
}

async function showSource(uri: vscode.Uri): Promise<void> {
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true });
}
