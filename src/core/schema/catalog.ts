import * as fs from 'fs';
import * as path from 'path';
import type { SqlDatabase as Database } from '../db/database';
import { builtinMigrations } from './builtin';
import { migrationChecksum } from './checksum';
import { MigrationFolderError } from './errors';
import type { BuiltinMigration } from './types';

/** User migrations start here: lower versions are reserved for built-ins (present and future). */
export const FIRST_USER_VERSION = 100;

export interface UndoScript {
  name: string;
  location: string;
  script: string;
}

/** One migration the runner knows about, built-in or from the user's folder. */
export interface ResolvedMigration {
  version: number;
  description: string;
  /** `V<version>__<description>` */
  name: string;
  origin: 'builtin' | 'user';
  /** file path, or `builtin:<name>` */
  location: string;
  script: string;
  checksum: string;
  step?: (db: Database) => void;
  undo?: UndoScript;
}

export interface MigrationCatalog {
  migrations: ResolvedMigration[];
  /** files in the folder that were not used, and why (shown by status) */
  warnings: string[];
  /** lenient loads only: folder problems that make migrating impossible (strict loads throw them) */
  errors: string[];
  folder?: string;
}

const FILE_NAME = /^([VU])(\d+)__([^.].*)\.sql$/;

export function resolveBuiltin(m: BuiltinMigration): ResolvedMigration {
  const name = `V${m.version}__${m.description}`;
  return {
    version: m.version,
    description: m.description,
    name,
    origin: 'builtin',
    location: `builtin:${name}`,
    script: m.up,
    checksum: migrationChecksum(m.up, m.step ? (m.stepVersion ?? 1) : undefined),
    step: m.step,
    undo: m.down !== undefined ? { name: `U${m.version}__${m.description}`, location: `builtin:U${m.version}__${m.description}`, script: m.down } : undefined,
  };
}

/**
 * Built-ins plus `V<n>__<desc>.sql` / `U<n>__<desc>.sql` from `userDir` (a missing folder means
 * none), sorted by version. Duplicate versions and user versions in the reserved range are
 * refused: guessing which one the user meant would be worse than asking.
 */
export function loadCatalog(userDir?: string, opts: { builtins?: BuiltinMigration[]; lenient?: boolean } = {}): MigrationCatalog {
  const builtins = opts.builtins ?? builtinMigrations;
  const errors: string[] = [];
  // status must still show something when the folder is broken: lenient loads skip the file and say why
  const refuse = (message: string): void => {
    if (!opts.lenient) throw new MigrationFolderError(message);
    errors.push(message);
  };
  const byVersion = new Map<number, ResolvedMigration>();
  for (const b of builtins) byVersion.set(b.version, resolveBuiltin(b));
  const warnings: string[] = [];
  if (userDir && fs.existsSync(userDir)) {
    const undos = new Map<number, UndoScript>();
    for (const file of fs.readdirSync(userDir).sort()) {
      if (!file.toLowerCase().endsWith('.sql')) continue;
      const full = path.join(userDir, file);
      const m = FILE_NAME.exec(file);
      if (!m) {
        warnings.push(`ignored ${file}: expected V<n>__<description>.sql or U<n>__<description>.sql`);
        continue;
      }
      const [, kind, num, description] = m;
      const version = Number(num);
      if (version < FIRST_USER_VERSION) {
        refuse(
          `${full}: versions below ${FIRST_USER_VERSION} are reserved for Telemetry Lens's built-in migrations; ` +
            `rename it ${kind}${FIRST_USER_VERSION + version}__${description}.sql (or any version ≥ ${FIRST_USER_VERSION})`,
        );
        continue;
      }
      const script = fs.readFileSync(full, 'utf8');
      if (kind === 'U') {
        if (undos.has(version)) {
          refuse(`${full}: a second undo script for version ${version}`);
          continue;
        }
        undos.set(version, { name: file.slice(0, -4), location: full, script });
        continue;
      }
      const existing = byVersion.get(version);
      if (existing) {
        refuse(`${full}: version ${version} is also used by ${existing.location}`);
        continue;
      }
      byVersion.set(version, {
        version,
        description,
        name: `V${version}__${description}`,
        origin: 'user',
        location: full,
        script,
        checksum: migrationChecksum(script),
      });
    }
    for (const [version, undo] of undos) {
      const target = byVersion.get(version);
      if (target && target.origin === 'user') target.undo = undo;
      else warnings.push(`ignored ${undo.name}.sql: there is no V${version}__*.sql for it to undo`);
    }
  }
  const migrations = [...byVersion.values()].sort((a, b) => a.version - b.version);
  return { migrations, warnings, errors, folder: userDir };
}
