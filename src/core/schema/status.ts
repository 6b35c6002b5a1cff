import type { SqlDatabase as Database } from '../db/database';
import type { MigrationCatalog } from './catalog';
import { readHistory } from './history';

export type MigrationState = 'applied' | 'pending' | 'failed' | 'changed' | 'missing';

/** One line of `migrations status` (Flyway `info`). */
export interface MigrationStatusRow {
  version: number;
  description: string;
  name: string;
  origin: 'builtin' | 'user' | 'unknown';
  state: MigrationState;
  appliedAt: string | null;
  executionMs: number | null;
  /** checksum recorded when applied, else the current one */
  checksum: string;
  /** differs from `checksum` only when state is `changed` */
  currentChecksum: string | null;
  /** applied while adopting pre-existing tables (cannot be rolled back) */
  baseline: boolean;
  /** an undo (U) script exists */
  undoable: boolean;
}

/** Catalog and history merged by version. */
export function statusRows(db: Database, catalog: MigrationCatalog): MigrationStatusRow[] {
  const history = new Map(readHistory(db).map((h) => [h.version, h]));
  const rows: MigrationStatusRow[] = [];
  for (const m of catalog.migrations) {
    const h = history.get(m.version);
    history.delete(m.version);
    let state: MigrationState = 'pending';
    if (h) state = !h.success ? 'failed' : h.checksum !== m.checksum || h.description !== m.description ? 'changed' : 'applied';
    rows.push({
      version: m.version,
      description: m.description,
      name: m.name,
      origin: m.origin,
      state,
      appliedAt: h?.appliedAt ?? null,
      executionMs: h?.executionMs ?? null,
      checksum: h?.checksum ?? m.checksum,
      currentChecksum: m.checksum,
      baseline: h?.baseline ?? false,
      undoable: m.undo !== undefined,
    });
  }
  for (const h of history.values()) {
    rows.push({
      version: h.version,
      description: h.description,
      name: h.name,
      origin: h.origin === 'builtin' || h.origin === 'user' ? h.origin : 'unknown',
      state: h.success ? 'missing' : 'failed',
      appliedAt: h.appliedAt,
      executionMs: h.executionMs,
      checksum: h.checksum,
      currentChecksum: null,
      baseline: h.baseline,
      undoable: false,
    });
  }
  return rows.sort((a, b) => a.version - b.version);
}

/** Why the applied history no longer matches the migrations on hand (empty = valid). */
export function validationProblems(rows: MigrationStatusRow[]): string[] {
  const problems: string[] = [];
  for (const r of rows) {
    if (r.state === 'changed') {
      problems.push(
        `${r.name} was edited after it was applied (recorded checksum ${r.checksum.slice(0, 12)}, now ${r.currentChecksum?.slice(0, 12)}); ` +
          `revert the edit, or run "migrations repair" if it was deliberate`,
      );
    } else if (r.state === 'missing' && r.origin === 'builtin') {
      problems.push(`${r.name} was applied by a newer Telemetry Lens than this one; update Telemetry Lens to use this database`);
    } else if (r.state === 'missing') {
      problems.push(`${r.name} was applied but its file is gone; restore it, or run "migrations repair" to forget it`);
    } else if (r.state === 'failed') {
      problems.push(`${r.name} is recorded as failed; fix it and run "migrations repair"`);
    }
  }
  return problems;
}
