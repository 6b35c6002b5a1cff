import type { SqlDatabase as Database } from '../db/database';

/**
 * Runs `work` inside a SAVEPOINT: commits on success, rolls back to exactly the prior state on
 * any error and rethrows. A savepoint (not BEGIN) so it also nests inside a caller's transaction.
 */
export function inSavepoint<T>(db: Database, name: string, work: () => T): T {
  db.run(`SAVEPOINT "${name}"`);
  try {
    const result = work();
    db.run(`RELEASE "${name}"`);
    return result;
  } catch (e) {
    db.run(`ROLLBACK TO "${name}"`);
    db.run(`RELEASE "${name}"`);
    throw e;
  }
}
