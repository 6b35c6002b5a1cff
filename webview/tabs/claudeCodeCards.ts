import type { ClaudeCodeRoutingData, ReconciledCalls } from '../../src/protocol';
import { fmtCount, fmtPercent } from '../format';
import { tableCard } from '../widgets';
import { label } from './tabContext';

/**
 * Claude Code's calls beside the hooks' in the existing tabs: one row per tool (or skill),
 * each call counted once, with how many only the transcripts, only the hook, or both logged.
 */
export function reconciledCallsCard(o: { id: string; title: string; nameLabel: string; hookLabel: string; data: ReconciledCalls; rangeText: string }): HTMLElement {
  const t = o.data.totals;
  return tableCard({
    id: o.id,
    title: o.title,
    rows: o.data.rows,
    empty: `No calls in Claude Code's transcripts or the ${o.hookLabel} ${o.rangeText}.`,
    columns: [
      { label: o.nameLabel, value: (r) => r.name },
      { label: 'Calls (each once)', value: (r) => fmtCount(r.calls), numeric: true },
      { label: 'Errors', value: (r) => `${fmtCount(r.errors)} (${fmtPercent(r.errorRatePercent)})`, numeric: true },
      { label: 'Transcript only', value: (r) => fmtCount(r.transcript), numeric: true },
      { label: `${o.hookLabel} only`, value: (r) => fmtCount(r.hook), numeric: true },
      { label: 'Both (shown once)', value: (r) => fmtCount(r.both), numeric: true },
    ],
    note: `${fmtCount(t.calls)} calls: ${fmtCount(t.transcript)} from the transcripts only, ${fmtCount(t.hook)} from the ${o.hookLabel} only, ${fmtCount(t.both)} logged by both and counted once (same session and tool, within ±2 s).`,
  });
}

/** The router's prediction beside the model the routed response really used. */
export function routingUsedCard(d: ClaudeCodeRoutingData): HTMLElement {
  return tableCard({
    id: 'routing-claude-code-used',
    title: 'Predicted vs used by Claude Code',
    rows: d.pairs,
    empty: 'No routing decisions.',
    columns: [
      { label: 'Predicted', value: (r) => r.predicted },
      { label: 'Used (transcript)', value: (r) => label(r.used, '(no response)') },
      { label: 'Decisions', value: (r) => fmtCount(r.count), numeric: true },
      { label: 'Agrees', value: (r) => (r.agrees === null ? '—' : r.agrees ? 'yes' : 'no') },
    ],
    note: `${fmtCount(d.matched)} of ${fmtCount(d.decisions)} decisions matched to the first main-chain response within ${d.windowSeconds} s; the used model agrees with the prediction in ${fmtPercent(d.agreementPercent)}.`,
  });
}
