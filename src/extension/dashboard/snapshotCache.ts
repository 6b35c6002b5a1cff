import * as fs from 'node:fs';
import type { Database } from 'sql.js';
import { openSnapshot } from '../../core/db/database';

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
    this.opening = openSnapshot(path).then(
      (db) => {
        this.close();
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
