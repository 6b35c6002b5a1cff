import * as fs from 'fs';
import * as path from 'path';
import type { SqlJsStatic } from 'sql.js';

let engine: Promise<SqlJsStatic> | undefined;

/**
 * Where sql-wasm.wasm lives: beside the bundle (dist/) when bundled, else in node_modules
 * (tests run the TypeScript sources directly).
 */
export function locateSqlWasm(): string {
  const candidates = [path.join(__dirname, 'sql-wasm.wasm'), path.join(__dirname, '..', 'dist', 'sql-wasm.wasm')];
  for (const c of candidates) {
    if (fs.existsSync(c)) return c;
  }
  return require.resolve('sql.js/dist/sql-wasm.wasm');
}

/** Loads the WASM SQLite engine once, on first use: activation never pays for it. */
export function loadSqlJs(): Promise<SqlJsStatic> {
  if (!engine) {
    engine = (async () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const initSqlJs = require('sql.js/dist/sql-wasm.js') as (cfg: object) => Promise<SqlJsStatic>;
      const wasmBinary = fs.readFileSync(locateSqlWasm());
      return initSqlJs({ wasmBinary });
    })();
    engine.catch(() => {
      engine = undefined;
    });
  }
  return engine;
}

/** True once the engine has been requested (used by tests that check activation stays lazy). */
export function isSqlJsLoaded(): boolean {
  return engine !== undefined;
}
