import * as vscode from 'vscode';
import { toMarkdownTable } from '../../core/query/queryFormat';
import { ReadOnlyDocuments } from '../readOnlyDocuments';
import type { MetricsNode } from '../tree/metricsTreeModel';
import { CommandIds } from './ids';
import type { CommandHandlerFactory } from './types';

const ROWS_SHOWN = 500;
const ROWS_SCHEME = 'telemetry-lens-rows';

/**
 * Metrics tree context menu: Show Rows — the newest rows behind a node, with their source file
 * and line, in a read-only document (no "save?" prompt on close).
 */
export const showRows: CommandHandlerFactory = {
  id: CommandIds.showRows,
  create: (services) => {
    const documents = ReadOnlyDocuments.register(services.context.subscriptions, ROWS_SCHEME);
    let shown = 0;
    return async (node?: MetricsNode) => {
      if (!node?.rows) {
        void vscode.window.showInformationMessage('Right-click a data source, skill, model or error kind in the Metrics view to see its rows.');
        return;
      }
      const target = node.rows;
      try {
        // a drill-down page, read in the data worker (off this thread) like the dashboard's
        const lease = services.dashboardData.acquire();
        let result;
        try {
          result = await services.dashboardData.tableRows({ table: target.table, range: {}, filters: target.filters, limit: ROWS_SHOWN });
        } finally {
          lease.dispose();
        }
        const columns = ['source', ...result.columns];
        const rows = result.rows.map((r) => [r.source.path ? `${r.source.path}:${r.source.line ?? ''}` : null, ...result.columns.map((c) => r.values[c])]);
        const filters = Object.entries(target.filters ?? {}).map(([k, v]) => `${k} = ${v === null ? 'NULL' : JSON.stringify(v)}`);
        const title = `${target.table}${filters.length ? ` where ${filters.join(' and ')}` : ''}`;
        const shownNote = result.total > result.rows.length ? `newest ${result.rows.length} of ${result.total.toLocaleString('en-US')} rows` : `${result.total} row(s)`;
        const content = `# ${title}\n\n_${shownNote}; source = file:line the row was imported from_\n\n${toMarkdownTable({ columns, rows } as Parameters<typeof toMarkdownTable>[0])}`;
        await documents.show(`Rows ${++shown} - ${target.table}.md`, content);
      } catch (e) {
        const message = e instanceof Error ? e.message : String(e);
        services.log.warn(`Show Rows: ${message}`);
        void vscode.window.showErrorMessage(`Could not read rows of ${target.table}: ${message}`);
      }
    };
  },
};
