import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { DatabaseFileWatcher } from '../../src/extension/databaseFileWatcher';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('the tree watcher fires once per burst of writes to the db, its -wal or a rename over it; not for other files', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-watch-'));
  const db = path.join(dir, 'telemetry.db');
  fs.writeFileSync(db, 'x');
  let fired = 0;
  const watcher = new DatabaseFileWatcher(db, () => fired++, 150);
  try {
    assert.equal(watcher.failed, false);
    fs.writeFileSync(path.join(dir, 'notes.txt'), 'unrelated');
    await sleep(400);
    assert.equal(fired, 0, 'unrelated file');
    fs.appendFileSync(db, 'y');
    fs.writeFileSync(`${db}-wal`, 'w');
    fs.appendFileSync(db, 'z');
    await sleep(500);
    assert.equal(fired, 1, 'one debounced call for the burst');
    fs.writeFileSync(`${db}.tmp`, 'new image');
    fs.renameSync(`${db}.tmp`, db); // atomic write-back, as withWrite does
    await sleep(500);
    assert.equal(fired, 2, 'rename over the database');
  } finally {
    watcher.dispose();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const missing = new DatabaseFileWatcher(path.join(dir, 'gone', 'x.db'), () => undefined);
  assert.equal(missing.failed, true);
  missing.dispose();
});
