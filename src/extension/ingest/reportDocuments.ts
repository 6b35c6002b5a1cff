import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { toDisposable } from '../../core/lifecycle';
import { ReadOnlyDocuments } from '../readOnlyDocuments';
import type { ExtensionServices } from '../services';
import { parseLocationLine } from './rejectLinks';

export const REPORT_SCHEME = 'telemetry-lens-report';

/**
 * Read-only documents for reports (verify details, rejected lines): a virtual scheme means no
 * "save changes?" prompt on close, and `file:line` entries become links to that line.
 */
class ReportDocuments extends ReadOnlyDocuments implements vscode.DocumentLinkProvider {
  constructor() {
    super(REPORT_SCHEME, Number.POSITIVE_INFINITY);
  }

  provideDocumentLinks(doc: vscode.TextDocument): vscode.DocumentLink[] {
    const links: vscode.DocumentLink[] = [];
    for (let i = 0; i < doc.lineCount; i++) {
      const loc = parseLocationLine(doc.lineAt(i).text, os.homedir());
      if (!loc) continue;
      const target = vscode.Uri.file(loc.path).with({ fragment: `L${loc.line}` });
      const link = new vscode.DocumentLink(new vscode.Range(i, loc.start, i, loc.end), target);
      link.tooltip = `Open ${path.basename(loc.path)} at line ${loc.line}`;
      links.push(link);
    }
    return links;
  }
}

const registered = new WeakMap<ExtensionServices, ReportDocuments>();

/** Opens a read-only report document; registers the provider on first use. */
export function showReportDocument(services: ExtensionServices, name: string, content: string): Promise<void> {
  let docs = registered.get(services);
  if (!docs) {
    const created = new ReportDocuments();
    docs = created;
    registered.set(services, created);
    services.context.subscriptions.push(
      created,
      vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, created),
      vscode.languages.registerDocumentLinkProvider({ scheme: REPORT_SCHEME }, created),
      toDisposable(() => registered.delete(services)),
    );
  }
  return docs.show(name, content);
}
