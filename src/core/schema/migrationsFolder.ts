import * as os from 'os';
import * as path from 'path';

export const DEFAULT_MIGRATIONS_FOLDER = '.telemetry/migrations';

/**
 * Where user migrations live, from the `telemetryLens.migrationsFolder` setting: `~` and
 * `${workspaceFolder}` expanded, relative paths against the workspace folder. Without a
 * workspace a relative setting means "no user migrations" (undefined), never the process cwd.
 */
export function resolveMigrationsFolder(setting: string | undefined, workspaceFolder: string | undefined): string | undefined {
  const raw = (setting ?? DEFAULT_MIGRATIONS_FOLDER).trim();
  if (raw === '') return undefined;
  if (raw.includes('${workspaceFolder}') && !workspaceFolder) return undefined;
  let p = raw.replace(/\$\{workspaceFolder\}/g, workspaceFolder ?? '').replace(/\$\{userHome\}/g, os.homedir());
  if (p === '~' || p.startsWith('~/') || p.startsWith('~\\')) p = path.join(os.homedir(), p.slice(1));
  if (path.isAbsolute(p)) return path.normalize(p);
  return workspaceFolder ? path.join(workspaceFolder, p) : undefined;
}
