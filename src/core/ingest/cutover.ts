/**
 * Cutover and rollback of a JSONL source (seed 002 phase 4, docs/writer-contract.md).
 * Cut over: allowed once dual-read agrees (every event in both copies, no field disagreement,
 * nothing ambiguous); the source is then database-native — no longer imported or watched,
 * its lines still verifiable. Roll back: the source is imported again; lines written meanwhile
 * claim the rows their program wrote (natural key), so nothing is counted twice.
 */
import * as fs from 'fs';
import * as path from 'path';
import { CheckFailedError } from '../db/errors';
import { openSnapshot, withWrite } from '../db/database';
import { catchUpDirectWrites } from './directRows';
import { byStream, discoverSources } from './discover';
import { dualReadStream, type DualReadSource } from './dualRead';
import { checkZone, machineZone } from '../formats/timestamps';
import { readWriterModes, recordCutover, recordRollback, WRITER_MODE_TABLE } from './writerMode';
import { tableExists } from './sql';

export interface CutoverResult {
  stream: string;
  table: string;
  mode: 'database-native' | 'jsonl-only' | 'dual-write';
  dualRead: DualReadSource | null;
}

async function dualReadOf(dbPath: string, sourcePath: string, tz: string): Promise<DualReadSource> {
  if (!fs.existsSync(dbPath)) throw new CheckFailedError(`no database at ${path.resolve(dbPath)} (run migrate first)`);
  const found = await discoverSources([sourcePath]);
  const streams = [...byStream(found.sources)];
  if (streams.length !== 1) throw new CheckFailedError(`${sourcePath}: not a telemetry source Telemetry Lens reads`);
  const [key, files] = streams[0];
  const db = await openSnapshot(dbPath);
  try {
    catchUpDirectWrites(db);
    const dr = await dualReadStream(db, key, files, tz);
    if (!dr) throw new CheckFailedError(`${sourcePath}: only known sources can be cut over (its table has no natural key)`);
    return dr;
  } finally {
    db.close();
  }
}

/** Retires a JSONL source whose dual-read agrees; throws CheckFailedError (exit 1) naming why not. */
export async function cutOverSource(dbPath: string, sourcePath: string, opts: { tz?: string } = {}): Promise<CutoverResult> {
  const tz = checkZone(opts.tz || machineZone());
  const dr = await dualReadOf(dbPath, sourcePath, tz);
  if (dr.mode === 'database-native') return { stream: dr.stream, table: dr.table, mode: dr.mode, dualRead: dr };
  if (dr.mode !== 'dual-write') throw new CheckFailedError(`${sourcePath}: no program writes its events into ${dr.table} yet (JSONL only); nothing to cut over to`);
  if (!dr.ok || dr.onlyJsonl + dr.onlyDatabase > 0) {
    throw new CheckFailedError(
      `${sourcePath}: dual-read does not agree yet (${dr.both} in both, ${dr.onlyJsonl} only in the JSONL, ${dr.onlyDatabase} only in the database, ${dr.disagreements.length} field disagreements, ${dr.ambiguous.length} ambiguous); nothing was changed`,
    );
  }
  await withWrite(dbPath, (db) => {
    if (!tableExists(db, WRITER_MODE_TABLE)) throw new CheckFailedError('the database predates the writer contract (V4): run migrate first');
    recordCutover(db, dr.stream, dr.table, dr.agreementPercent, Math.floor(Date.now() / 1000));
  });
  return { stream: dr.stream, table: dr.table, mode: 'database-native', dualRead: { ...dr, mode: 'database-native' } };
}

/** Brings a retired source back to being imported; throws CheckFailedError when it was not cut over. */
export async function rollBackCutover(dbPath: string, sourcePath: string): Promise<CutoverResult> {
  if (!fs.existsSync(dbPath)) throw new CheckFailedError(`no database at ${path.resolve(dbPath)}`);
  const found = await discoverSources([sourcePath]);
  const streams = [...byStream(found.sources)];
  if (streams.length !== 1) throw new CheckFailedError(`${sourcePath}: not a telemetry source Telemetry Lens reads`);
  const [key, files] = streams[0];
  const done = await withWrite(dbPath, (db) => tableExists(db, WRITER_MODE_TABLE) && recordRollback(db, key));
  if (!done) throw new CheckFailedError(`${sourcePath}: was not cut over; nothing was changed`);
  return { stream: key, table: files[0].table, mode: 'dual-write', dualRead: null };
}

export interface CutoverCandidate {
  /** the stream's file path (folder + base name) */
  stream: string;
  table: string;
  retired: boolean;
}

/** JSONL streams the database knows (imported at least once) and whether each is cut over. */
export async function listCutoverCandidates(dbPath: string): Promise<CutoverCandidate[]> {
  if (!fs.existsSync(dbPath)) return [];
  const db = await openSnapshot(dbPath);
  try {
    if (!tableExists(db, 'ingest_streams')) return [];
    const retired = readWriterModes(db);
    const r = db.exec(`SELECT stream_key, table_name FROM ingest_streams WHERE kind <> 'skill-metrics' ORDER BY stream_key`);
    return (r.length ? r[0].values : []).map((v) => ({ stream: String(v[0]), table: String(v[1]), retired: retired.has(String(v[0])) }));
  } finally {
    db.close();
  }
}
