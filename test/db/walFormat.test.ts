import assert from 'node:assert/strict';
import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { openSnapshot } from '../../src/core/db/database';
import { parseWal, walChecksum, WAL_FRAME_HEADER_BYTES, WAL_HEADER_BYTES } from '../../src/core/db/walFormat';
import { copyDbWithWal, PY_DIGEST, python, pythonBackground, tempDir } from './helpers';

// Several committed transactions, then (second file) a checkpoint + WAL restart so the WAL holds a
// new generation at its start and frames of the older salt after it.
const WRITE_WAL = `
import sqlite3, sys
con = sqlite3.connect(sys.argv[1], isolation_level=None)
con.execute("PRAGMA journal_mode=WAL")
con.execute("PRAGMA wal_autocheckpoint=0")
con.execute("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)")
for tx in range(6):
    con.execute("BEGIN")
    for i in range(150):
        con.execute("INSERT INTO t (v) VALUES (?)", ("%d-%d-" % (tx, i) + "y" * 120,))
    con.execute("COMMIT")
if sys.argv[2] == "restart":
    con.execute("PRAGMA wal_checkpoint(RESTART)")
    con.execute("BEGIN")
    con.execute("DELETE FROM t WHERE id % 3 = 0")
    con.execute("INSERT INTO t (v) VALUES ('after restart')")
    con.execute("COMMIT")
print("ready", flush=True)
sys.stdin.read()
`;

interface Digest {
  integrity: string;
  tables: Record<string, number[]>;
}

async function ourDigest(dbPath: string): Promise<Digest> {
  const db = await openSnapshot(dbPath);
  try {
    const integrity = String(db.exec('PRAGMA integrity_check')[0].values[0][0]);
    const tables: Record<string, number[]> = {};
    const names = db.exec("SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%' ORDER BY name")[0]?.values ?? [];
    for (const [name] of names) {
      const q = `"${String(name).replace(/"/g, '""')}"`;
      tables[String(name)] = db.exec(`SELECT COUNT(*), TOTAL(rowid), IFNULL(MAX(rowid), 0) FROM ${q}`)[0].values[0].map(Number);
    }
    return { integrity, tables };
  } finally {
    db.close();
  }
}

function pythonDigest(dbPath: string): Digest {
  return JSON.parse(python(PY_DIGEST, dbPath)) as Digest;
}

/** Re-encodes a WAL with the given checksum byte order, recomputing the chain over its valid frames. */
function reencode(wal: Uint8Array, bigEndian: boolean): Uint8Array {
  const out = Buffer.from(wal);
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  const pageSize = view.getUint32(8);
  const valid = (parseWal(wal) as Extract<ReturnType<typeof parseWal>, { kind: 'ok' }>).state.validFrames;
  view.setUint32(0, bigEndian ? 0x377f0683 : 0x377f0682);
  let [s0, s1] = walChecksum(out, 0, 24, bigEndian, 0, 0);
  view.setUint32(24, s0);
  view.setUint32(28, s1);
  const frame = WAL_FRAME_HEADER_BYTES + pageSize;
  for (let k = 0; k < valid; k++) {
    const off = WAL_HEADER_BYTES + k * frame;
    [s0, s1] = walChecksum(out, off, off + 8, bigEndian, s0, s1);
    [s0, s1] = walChecksum(out, off + WAL_FRAME_HEADER_BYTES, off + frame, bigEndian, s0, s1);
    view.setUint32(off + 16, s0);
    view.setUint32(off + 20, s1);
  }
  return out;
}

function frameInfo(wal: Uint8Array) {
  const pageSize = new DataView(wal.buffer, wal.byteOffset).getUint32(8);
  const frame = WAL_FRAME_HEADER_BYTES + pageSize;
  const commits: number[] = [];
  const view = new DataView(wal.buffer, wal.byteOffset, wal.byteLength);
  const r = parseWal(wal);
  assert.equal(r.kind, 'ok');
  const valid = r.kind === 'ok' ? r.state.validFrames : 0;
  for (let k = 0; k < valid; k++) if (view.getUint32(WAL_HEADER_BYTES + k * frame + 4) !== 0) commits.push(k);
  return { frame, commits, valid };
}

describe('WAL frames are applied exactly as SQLite applies them (compared with python sqlite3)', () => {
  const held: ReturnType<typeof pythonBackground>[] = [];
  const captured: Record<'plain' | 'restart', { db: string; wal: Uint8Array }> = {} as never;

  before(async () => {
    for (const mode of ['plain', 'restart'] as const) {
      const db = path.join(tempDir(), `${mode}.db`);
      const py = pythonBackground(WRITE_WAL, db, mode);
      held.push(py);
      await py.ready;
      captured[mode] = { db, wal: fs.readFileSync(`${db}-wal`) };
    }
  });
  after(async () => {
    for (const py of held) {
      py.child.stdin.end();
      await py.exited;
    }
  });

  async function assertSameAsPython(label: string, source: { db: string }, wal: Uint8Array | null): Promise<Digest> {
    const ours = await ourDigest(copyDbWithWal(source.db, wal, `${label}-ours`));
    const theirs = pythonDigest(copyDbWithWal(source.db, wal, `${label}-py`));
    assert.deepEqual(ours, theirs, label);
    assert.equal(ours.integrity, 'ok', label);
    return ours;
  }

  test('untouched WAL in the native byte order (little-endian magic 0x377f0682 here)', async () => {
    const { db, wal } = captured.plain;
    assert.equal(Buffer.from(wal).readUInt32BE(0), 0x377f0682);
    const d = await assertSameAsPython('native', captured.plain, wal);
    assert.equal(d.tables.t[0], 900);
    void db;
  });

  test('big-endian checksums (magic 0x377f0683) and back to little-endian', async () => {
    const be = reencode(captured.plain.wal, true);
    assert.equal(Buffer.from(be).readUInt32BE(0), 0x377f0683);
    const d = await assertSameAsPython('big-endian', captured.plain, be);
    assert.equal(d.tables.t[0], 900);
    const le = reencode(be, false);
    assert.ok(Buffer.from(le).equals(Buffer.from(captured.plain.wal)), 'round trip reproduces SQLite’s own bytes');
  });

  test('garbage after the last frame: whole garbage frames and a partial one', async () => {
    const { frame } = frameInfo(captured.plain.wal);
    const garbage = crypto.randomBytes(frame * 3 + 100);
    const d = await assertSameAsPython('garbage', captured.plain, Buffer.concat([captured.plain.wal, garbage]));
    assert.equal(d.tables.t[0], 900);
    // A garbage frame whose header carries the right salts still fails the checksum chain.
    const fake = Buffer.from(captured.plain.wal.subarray(WAL_HEADER_BYTES, WAL_HEADER_BYTES + frame));
    fake.writeUInt32BE(1, 0);
    fake.writeUInt32BE(9999, 4);
    await assertSameAsPython('salted-garbage', captured.plain, Buffer.concat([captured.plain.wal, fake]));
  });

  test('torn last transaction: cut mid-frame, and cut just before its commit frame', async () => {
    const { frame, commits } = frameInfo(captured.plain.wal);
    const last = commits[commits.length - 1];
    const midFrame = captured.plain.wal.subarray(0, WAL_HEADER_BYTES + last * frame + 500);
    const d1 = await assertSameAsPython('mid-frame', captured.plain, midFrame);
    const beforeCommit = captured.plain.wal.subarray(0, WAL_HEADER_BYTES + last * frame);
    const d2 = await assertSameAsPython('no-commit', captured.plain, beforeCommit);
    assert.equal(d1.tables.t[0], 750);
    assert.deepEqual(d1, d2);
  });

  test('a flipped byte inside an early frame ends the valid WAL there', async () => {
    const { frame, commits } = frameInfo(captured.plain.wal);
    const bad = Buffer.from(captured.plain.wal);
    bad[WAL_HEADER_BYTES + (commits[1] + 1) * frame + WAL_FRAME_HEADER_BYTES + 200] ^= 0xff;
    const d = await assertSameAsPython('flipped', captured.plain, bad);
    assert.equal(d.tables.t[0], 150); // commits[0] is CREATE TABLE, commits[1] the first 150 rows
  });

  test('a broken header checksum makes SQLite ignore the WAL entirely', async () => {
    const bad = Buffer.from(captured.plain.wal);
    bad[16] ^= 0x01; // salt-1 changes, header checksum no longer matches
    await assertSameAsPython('bad-header', captured.plain, bad);
  });

  test('after a checkpoint and WAL restart, frames of the older salt are not applied', async () => {
    const { wal } = captured.restart;
    const parsed = parseWal(wal);
    assert.equal(parsed.kind, 'ok');
    const { frame } = frameInfo(wal);
    const totalFrames = Math.floor((wal.length - WAL_HEADER_BYTES) / frame);
    assert.ok(parsed.kind === 'ok' && parsed.state.validFrames < totalFrames, 'the restart left older-salt frames behind');
    const d = await assertSameAsPython('restart', captured.restart, wal);
    assert.equal(d.tables.t[0], 900 - 300 + 1);
  });
});
