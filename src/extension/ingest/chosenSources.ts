/** The subset of vscode.Memento used here, so this file stays testable without vscode. */
export interface MementoLike {
  get<T>(key: string): T | undefined;
  update(key: string, value: unknown): Thenable<void>;
}

/**
 * What the user picked in the last "Migrate JSONL": live ingest follows exactly these files
 * (and their rotations, via the stream keys) instead of everything the setting finds.
 */
export interface ChosenSources {
  /** The engine paths (folders/files) discovery ran on. */
  roots: string[];
  /** The files picked in the QuickPick. */
  files: string[];
  /** Their stream keys (folder + name without rotation suffix), so rotated copies count too. */
  streams: string[];
  savedAt: number;
}

export const CHOSEN_SOURCES_KEY = 'telemetryLens.ingest.chosenSources';

/**
 * Stored per database (in globalState): the default database is machine-wide, so a choice
 * kept per workspace would let another window's live ingest import files excluded here.
 */
export function chosenSourcesKey(dbPath: string): string {
  return `${CHOSEN_SOURCES_KEY}:${dbPath}`;
}

const isStringArray = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');

/** The stored choice for this database, or undefined when none (or when the stored value is malformed). */
export function loadChosenSources(memento: MementoLike, dbPath: string): ChosenSources | undefined {
  const v = memento.get<Partial<ChosenSources>>(chosenSourcesKey(dbPath));
  if (!v || !isStringArray(v.roots) || !isStringArray(v.files) || !isStringArray(v.streams) || v.files.length === 0) return undefined;
  return { roots: v.roots, files: v.files, streams: v.streams, savedAt: typeof v.savedAt === 'number' ? v.savedAt : 0 };
}

export function saveChosenSources(memento: MementoLike, dbPath: string, chosen: ChosenSources | undefined): Thenable<void> {
  return memento.update(chosenSourcesKey(dbPath), chosen);
}

/** Paths to ingest now: every discovered file of a chosen stream, plus the chosen files. */
export function selectChosen(discovered: readonly { path: string; stream: string }[], chosen: ChosenSources): string[] {
  const streams = new Set(chosen.streams);
  const files = new Set(chosen.files);
  return discovered.filter((s) => streams.has(s.stream) || files.has(s.path)).map((s) => s.path);
}

/**
 * Which files live ingest follows after a "Migrate JSONL": the picked ones, plus those with
 * nothing new (already fully imported, so unpicked only because there was nothing to do).
 * A file the user unpicked while it had new lines was excluded on purpose and is not followed.
 */
export function filesToFollow(files: readonly { path: string; newLines: number }[], picked: readonly string[]): string[] {
  const chosen = new Set(picked);
  return files.filter((f) => chosen.has(f.path) || f.newLines === 0).map((f) => f.path);
}
