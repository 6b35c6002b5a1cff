import * as fs from 'node:fs';
import type { SqlDatabase as Database } from '../db/database';
import { openSnapshot } from '../db/database';
import { prepareForMetrics } from '../metrics';
import { hasTelemetryTables } from './dashboardRequests';

function signature(dbPath: string): string {
  const part = (p: string) => {
    try {
      const s = fs.statSync(p);
      return `${s.ino}:${s.size}:${s.mtimeMs}`;
    } catch {
      return '-';
    }
  };
  return `${part(dbPath)}|${part(`${dbPath}-wal`)}`;
}

/**
 * One open snapshot shared by the dashboard's requests, reopened when the database or its
 * WAL changed on disk (any writer, not only ours) or when told to, so switching tabs does
 * not re-read a large file while live data still shows up.
 */
export class SnapshotCache {
  private db: Database | undefined;
  private dbSignature = '';
  private opening: Promise<Database> | undefined;

  constructor(private readonly dbPath: () => string) {}

  async get(): Promise<Database> {
    const path = this.dbPath();
    const sig = `${path}|${signature(path)}`;
    if (this.db && sig === this.dbSignature) return this.db;
    if (this.opening) return this.opening;
    // the stale one goes first, so a large wasm image is never held twice (its users read it
    // synchronously after get() resolved: none is still reading it now)
    this.close();
    this.opening = openSnapshot(path).then(
      (db) => {
        this.db = db;
        this.dbSignature = sig;
        this.opening = undefined;
        return db;
      },
      (e) => {
        this.opening = undefined;
        throw e;
      },
    );
    return this.opening;
  }

  /**
   * Opens the current snapshot and makes it ready for metrics (aggregates registered, rollups
   * caught up) ahead of the page's next request — e.g. while the page waits out its refresh
   * debounce after `databaseChanged` — so that request finds it warm. Errors are left for that
   * request to report.
   */
  async warm(): Promise<void> {
    try {
      const db = await this.get();
      if (hasTelemetryTables(db)) prepareForMetrics(db);
    } catch {
      // the request that follows opens it again and reports why it cannot
    }
  }

  invalidate(): void {
    this.dbSignature = '';
  }

  close(): void {
    this.db?.close();
    this.db = undefined;
  }

  dispose(): void {
    this.close();
  }
}
