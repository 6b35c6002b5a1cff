import * as os from 'os';
import * as path from 'path';
import * as vscode from 'vscode';
import { ReadOnlyDocuments } from '../readOnlyDocuments';
import { parseLocationLine } from './rejectLinks';

export const REPORT_SCHEME = 'telemetry-lens-report';

/**
 * Read-only documents for reports (verify details, rejected lines): a virtual scheme means no
 * "save changes?" prompt on close, and `file:line` entries become links to that line.
 */
export class ReportDocuments extends ReadOnlyDocuments implements vscode.DocumentLinkProvider {
  /** The report scheme's documents with their content and link providers, each handed to `register` (the owner's lifetime). */
  static registerReports(register: (d: vscode.Disposable) => void): ReportDocuments {
    const documents = new ReportDocuments();
    register(documents);
    register(vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, documents));
    register(vscode.languages.registerDocumentLinkProvider({ scheme: REPORT_SCHEME }, documents));
    return documents;
  }

  private constructor() {
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
