import type { RoutingData } from '../../src/protocol';
import { h } from '../dom';
import { fmtCount } from '../format';
import { rowsOf, type TabContext } from './tabContext';

/**
 * Predicted × actual model as a table (a matrix reads better as a grid than as a chart).
 * Cell shading is the share of the row's decisions, mixed from a theme colour.
 */
export function confusionMatrixCard(confusion: RoutingData['confusion'], ctx: TabContext): HTMLElement {
  const titleId = 'table-title-routing-confusion';
  const card = h('section', { class: 'card table-card', 'data-table-id': 'routing-confusion', 'aria-labelledby': titleId }, h('h3', { class: 'card-title', id: titleId }, 'Confusion matrix', h('span', { class: 'unit' }, ' · decisions, predicted (rows) × actual (columns)')));
  const { models, counts } = confusion;
  if (models.length === 0) {
    card.classList.add('empty');
    card.append(h('p', { class: 'empty-note' }, 'No evaluated decisions (lines with both predicted_model and actual_model) in this range.'));
    return card;
  }
  const head = h('tr', {}, h('th', { scope: 'col' }, 'predicted ↓ / actual →'), ...models.map((m) => h('th', { scope: 'col', class: 'num' }, m)));
  const body = models.map((predicted, i) => {
    const rowTotal = counts[i].reduce((a, b) => a + b, 0);
    return h(
      'tr',
      {},
      h('th', { scope: 'row' }, predicted),
      ...models.map((actual, j) => {
        const n = counts[i][j];
        const share = rowTotal > 0 ? n / rowTotal : 0;
        const td = h('td', { class: `num heat${i === j ? ' diagonal' : ''}`, 'data-predicted': predicted, 'data-actual': actual, title: `${fmtCount(n)} routed to ${predicted}, needed ${actual}` }, fmtCount(n));
        const colourVar = i === j ? '--vscode-charts-green' : '--vscode-charts-red';
        td.style.setProperty('background-color', `color-mix(in srgb, var(${colourVar}) ${Math.round(share * 70)}%, transparent)`);
        if (n > 0) {
          td.tabIndex = 0;
          td.classList.add('clickable');
          const open = () => ctx.drill({ label: `Routed to ${predicted}, actual ${actual}`, request: rowsOf(ctx, { kind: 'routing', predictedModel: predicted, actualModel: actual }) });
          td.addEventListener('click', open);
          td.addEventListener('keydown', (e) => {
            if (e.key === 'Enter' || e.key === ' ') {
              e.preventDefault();
              open();
            }
          });
        }
        return td;
      }),
    );
  });
  card.append(
    h('div', { class: 'grid-scroll' }, h('table', { class: 'grid matrix' }, h('thead', {}, head), h('tbody', {}, ...body))),
    h('p', { class: 'hint' }, 'Diagonal = routed to the right model. Click a cell to list those decisions.'),
  );
  return card;
}
