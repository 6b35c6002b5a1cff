import type { MigrationStatusRow } from './status';

/** Header + one cell row per migration, shared by the CLI's text table and the extension's markdown. */
export function statusTable(rows: MigrationStatusRow[]): { header: string[]; cells: string[][] } {
  return {
    header: ['Version', 'Description', 'Type', 'State', 'Applied at', 'Time', 'Undo'],
    cells: rows.map((r) => [
      String(r.version),
      r.description,
      r.origin === 'builtin' ? 'built-in' : r.origin,
      r.state + (r.baseline ? ' (baseline)' : ''),
      r.appliedAt ?? '',
      r.executionMs === null ? '' : `${r.executionMs} ms`,
      r.undoable && !r.baseline ? 'yes' : 'no',
    ]),
  };
}

export function countByState(rows: MigrationStatusRow[]): Record<MigrationStatusRow['state'], number> {
  const counts = { applied: 0, pending: 0, failed: 0, changed: 0, missing: 0 };
  for (const r of rows) counts[r.state]++;
  return counts;
}
