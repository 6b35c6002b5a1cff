import type { DrillDownResult, DrillDownRow } from '../src/protocol';
import { clear, h } from './dom';
import { fmtCount, fmtDateTime } from './format';
import type { RowsReply } from './hostClient';

const TIME_COLUMNS = /^(timestamp|invoked_at|.*_at)$/;

function cell(column: string, v: string | number | null): string {
  if (v === null) return '—';
  if (typeof v === 'number' && TIME_COLUMNS.test(column)) return fmtDateTime(v);
  const s = String(v);
  return s.length > 160 ? s.slice(0, 157) + '…' : s;
}

/** A cell; long values are cut in the table and kept whole in the tooltip. */
function valueCell(column: string, v: string | number | null): HTMLElement {
  const text = cell(column, v);
  return h('td', { title: text.endsWith('…') ? String(v) : undefined }, text);
}

function sourceText(row: DrillDownRow): string {
  const { path, line } = row.source;
  return path ? `${path.split(/[\\/]/).pop()}:${line ?? '?'}` : '—';
}

export interface DrillDownPanelOptions {
  canOpenSource: boolean;
  openSource(path: string, line: number): void;
  loadMore(offset: number): void;
}

/**
 * The rows behind a clicked bar/point/row: newest first, a page at a time; a row with
 * provenance opens its JSONL line in the editor (live panel only).
 */
export class DrillDownPanel {
  readonly element = h('section', { id: 'drilldown', class: 'card drilldown', 'aria-labelledby': 'drilldown-title', hidden: true });
  private rows: DrillDownRow[] = [];
  private label = '';

  constructor(private readonly options: DrillDownPanelOptions) {}

  showLoading(label: string): void {
    this.label = label;
    this.rows = [];
    clear(this.element);
    this.element.hidden = false;
    this.element.setAttribute('aria-busy', 'true');
    this.element.append(this.heading(), h('p', { class: 'hint' }, 'Loading rows…'));
    this.element.scrollIntoView({ block: 'start' });
  }

  showError(label: string, message: string): void {
    clear(this.element);
    this.element.hidden = false;
    this.element.removeAttribute('aria-busy');
    this.label = label;
    this.element.append(this.heading(), h('p', { class: 'error-note', role: 'alert' }, message));
  }

  show(reply: RowsReply, append: boolean): void {
    const r: DrillDownResult = reply.result;
    this.label = reply.label;
    this.rows = append ? [...this.rows, ...r.rows] : r.rows;
    clear(this.element);
    this.element.hidden = false;
    this.element.removeAttribute('aria-busy');
    this.element.dataset.table = r.table;
    const shown = this.rows.length;
    const count =
      r.total === 0
        ? 'No rows match.'
        : `${fmtCount(shown)} of ${fmtCount(r.total)} rows, newest first${reply.sampled ? ' — this report includes only a sample of recent rows; open the dashboard in VS Code for all of them' : ''}.` +
          (this.options.canOpenSource ? ' Click a row to open its JSONL source at that line.' : '');
    this.element.append(this.heading(), h('p', { class: 'drill-count' }, count));
    if (shown > 0) this.element.append(this.table(r.columns));
    if (shown < r.total && !reply.sampled) {
      const more = h('vscode-button', { id: 'drilldown-more', secondary: true }, 'Load more');
      more.addEventListener('click', () => this.options.loadMore(shown));
      this.element.append(more);
    }
    this.element.scrollIntoView({ block: 'start' });
  }

  hide(): void {
    this.element.hidden = true;
    clear(this.element);
  }

  private heading(): HTMLElement {
    const close = h('vscode-button', { class: 'drill-close', secondary: true, 'aria-label': 'Close rows' }, 'Close');
    close.addEventListener('click', () => this.hide());
    return h('div', { class: 'drill-head' }, h('h2', { id: 'drilldown-title' }, `Rows · ${this.label}`), close);
  }

  private table(columns: string[]): HTMLElement {
    const head = h('tr', {}, ...columns.map((c) => h('th', { scope: 'col' }, c)), h('th', { scope: 'col' }, 'Source'));
    const body = this.rows.map((row) => {
      const tr = h('tr', { 'data-row-id': row.source.id }, ...columns.map((c) => valueCell(c, row.values[c] ?? null)), h('td', { class: 'source', title: row.source.path ?? '' }, sourceText(row)));
      const { path, line } = row.source;
      if (this.options.canOpenSource && path && line) {
        tr.tabIndex = 0;
        tr.classList.add('clickable');
        tr.title = `Open ${path} at line ${line}`;
        const open = () => this.options.openSource(path, line);
        tr.addEventListener('click', open);
        tr.addEventListener('keydown', (e) => {
          if (e.key === 'Enter') open();
        });
      }
      return tr;
    });
    return h('div', { class: 'grid-scroll' }, h('table', { class: 'grid rows' }, h('thead', {}, head), h('tbody', {}, ...body)));
  }
}
