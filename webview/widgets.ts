import { h } from './dom';

/** A headline number with what it is and, optionally, what it is out of. */
export function kpi(id: string, label: string, value: string, sub?: string): HTMLElement {
  return h(
    'div',
    { class: 'kpi', 'data-kpi': id, role: 'group', 'aria-label': `${label}: ${value}${sub ? `, ${sub}` : ''}` },
    h('div', { class: 'kpi-value' }, value),
    h('div', { class: 'kpi-label' }, label),
    sub ? h('div', { class: 'kpi-sub' }, sub) : null,
  );
}

export function kpiRow(...tiles: HTMLElement[]): HTMLElement {
  return h('div', { class: 'kpi-row' }, ...tiles);
}

export interface Column<R> {
  label: string;
  value: (row: R) => string;
  numeric?: boolean;
  /** an extra class for the cell (e.g. a status colour) */
  cellClass?: (row: R) => string;
}

export interface TableCardOptions<R> {
  id: string;
  title: string;
  columns: Column<R>[];
  rows: R[];
  empty: string;
  /** makes rows clickable (and focusable, Enter/Space activate) */
  onRow?: (row: R) => void;
  rowHint?: string;
  note?: string;
}

/** A titled table card; clickable rows are keyboard-accessible. */
export function tableCard<R>(o: TableCardOptions<R>): HTMLElement {
  const titleId = `table-title-${o.id}`;
  const card = h('section', { class: 'card table-card', 'data-table-id': o.id, 'aria-labelledby': titleId }, h('h3', { class: 'card-title', id: titleId }, o.title));
  if (o.rows.length === 0) {
    card.classList.add('empty');
    card.append(h('p', { class: 'empty-note' }, o.empty));
    return card;
  }
  card.append(dataGrid(o.columns, o.rows, o.onRow));
  if (o.onRow && o.rowHint) card.append(h('p', { class: 'hint' }, o.rowHint));
  if (o.note) card.append(h('p', { class: 'hint' }, o.note));
  return card;
}

export function dataGrid<R>(columns: Column<R>[], rows: R[], onRow?: (row: R) => void): HTMLElement {
  const head = h('tr', {}, ...columns.map((c) => h('th', { scope: 'col', class: c.numeric ? 'num' : undefined }, c.label)));
  const body = rows.map((r) => {
    const tr = h('tr', {}, ...columns.map((c) => h('td', { class: [c.numeric ? 'num' : '', c.cellClass?.(r) ?? ''].join(' ').trim() || undefined }, c.value(r))));
    if (onRow) {
      tr.tabIndex = 0;
      tr.classList.add('clickable');
      tr.addEventListener('click', () => onRow(r));
      tr.addEventListener('keydown', (e) => {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          onRow(r);
        }
      });
    }
    return tr;
  });
  return h('div', { class: 'grid-scroll' }, h('table', { class: 'grid' }, h('thead', {}, head), h('tbody', {}, ...body)));
}

/** An empty state that says why and what to do next. */
export function emptyState(id: string, title: string, next: string): HTMLElement {
  return h('div', { class: 'empty-state', 'data-empty': id, role: 'status' }, h('p', { class: 'empty-title' }, title), h('p', { class: 'empty-next' }, next));
}

export function grid(...cards: Array<HTMLElement | null>): HTMLElement {
  return h('div', { class: 'card-grid' }, ...cards.filter((c): c is HTMLElement => c !== null));
}
