import * as fs from 'fs';
import * as path from 'path';
import type { Database, SqlJsStatic } from 'sql.js';
import { OWN_IMAGE, patchSqlJsSource, type MemoryFile } from './sqljsPatch';

let engine: Promise<SqlJsStatic> | undefined;
let patched = false;

/** A file shipped beside the bundle (dist/), or sql.js's own copy when running the sources (tests). */
function locate(name: 'sql-wasm.wasm' | 'sql-wasm.js'): string | null {
  const beside = path.join(__dirname, name);
  if (fs.existsSync(beside)) return beside;
  try {
    return require.resolve(`sql.js/dist/${name}`);
  } catch {
    return null;
  }
}

/**
 * Where sql-wasm.wasm lives: beside the bundle (dist/) when bundled, else in node_modules
 * (tests run the TypeScript sources directly).
 */
export function locateSqlWasm(): string {
  const found = locate('sql-wasm.wasm');
  if (!found) throw new Error('sql-wasm.wasm not found beside the bundle nor in node_modules/sql.js');
  return found;
}

type InitSqlJs = (cfg: object) => Promise<SqlJsStatic>;

/** sql.js with the in-memory file accessor (sqljsPatch.ts), or plain sql.js when the build is not the pinned one. */
function sqlJsFactory(): InitSqlJs {
  const file = locate('sql-wasm.js');
  const source = file ? patchSqlJsSource(fs.readFileSync(file, 'utf8')) : null;
  if (file && source) {
    const mod: { exports: unknown } = { exports: {} };
    // the file is sql.js's CommonJS module: run it as Node would, with its own module object
    new Function('module', 'exports', 'require', '__filename', '__dirname', source)(mod, mod.exports, require, file, path.dirname(file));
    const init = mod.exports as InitSqlJs;
    if (typeof init === 'function') {
      patched = true;
      return init;
    }
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require('sql.js/dist/sql-wasm.js') as InitSqlJs;
}

/** Loads the WASM SQLite engine once, on first use: activation never pays for it. */
export function loadSqlJs(): Promise<SqlJsStatic> {
  if (!engine) {
    engine = (async () => {
      const initSqlJs = sqlJsFactory();
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

/** True when the loaded engine carries the in-memory file accessor (the pinned sql.js build). */
export function isSqlJsPatched(): boolean {
  return patched;
}

/** The database's file inside sql.js, or null on an unpatched build. */
export function memoryFile(db: Database): MemoryFile | null {
  const f = (db as unknown as { __tlFile?: () => MemoryFile }).__tlFile;
  return typeof f === 'function' ? f.call(db) : null;
}

/**
 * Opens `image` in sql.js. On the patched build sql.js keeps this very array as its file
 * instead of copying it; with `withRoom` it also grows into the rest of the array's buffer
 * after the image (that room must belong to the image alone, as readSnapshotImage's does).
 * The caller must not use `image` afterwards.
 */
export function openImage(SQL: SqlJsStatic, image: Uint8Array, withRoom = false): Database {
  if (patched && image.length > 0) (image as unknown as Record<string, number>)[OWN_IMAGE] = withRoom ? image.buffer.byteLength - image.byteOffset : image.length;
  return new SQL.Database(image);
}
