/**
 * The password beside the URL (the extension's, from SecretStorage) reaches the real server, and
 * the extension's password flow asks once: stored after the server took it, used without asking
 * from then on (interactive or automatic), forgotten and asked again once when the server refuses
 * it; a server that needs none is not asked about again either.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { connectTeam } from '../../src/core/team/connection';
import { teamSecretKey, TeamPasswords, type SecretStore } from '../../src/core/team/password';
import { syncToTeam } from '../../src/core/team/sync';
import { startPgCluster, type PgCluster } from './pgCluster';
import { routingDatabase, tempDir } from './helpers';

/** SecretStorage's contract (get/store/delete of strings), kept in memory and logged. */
function memorySecrets(): SecretStore & { map: Map<string, string>; log: string[] } {
  const map = new Map<string, string>();
  const log: string[] = [];
  return {
    map,
    log,
    get: async (k) => map.get(k),
    store: async (k, v) => void (map.set(k, v), log.push(`store ${k}`)),
    delete: async (k) => void (map.delete(k), log.push(`delete ${k}`)),
  };
}

describe('team password: beside the URL, asked once', () => {
  let pg: PgCluster;
  let dir: string;
  let db: string;
  /** the URL as the setting holds it: no password */
  let bare: string;
  const saved = process.env.PGPASSWORD;
  before(async () => {
    delete process.env.PGPASSWORD;
    pg = await startPgCluster();
    dir = tempDir('pw');
    db = await routingDatabase(dir, 200);
    bare = `postgresql://${pg.user}@127.0.0.1:${pg.port}/${pg.database}`;
  });
  after(() => {
    if (saved !== undefined) process.env.PGPASSWORD = saved;
    pg?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('connectTeam: the password option is the one the server gets (it was dropped for the URL\'s empty one)', async () => {
    const c = await connectTeam(bare, { password: pg.password });
    assert.equal((await c.query('SELECT current_user AS u')).rows[0].u, pg.user);
    await c.end();
    // it wins over a password in the URL, both ways
    const wrongInUrl = `postgresql://${pg.user}:Wrong-In-Url@127.0.0.1:${pg.port}/${pg.database}?sslmode=disable`;
    (await connectTeam(wrongInUrl, { password: pg.password })).end();
    await assert.rejects(connectTeam(pg.url, { password: 'Wrong-Option-1' }), (e: Error) => /password authentication failed/.test(e.message) && !e.message.includes('Wrong-Option-1') && !e.message.includes(pg.password));
    // characters that mean something in a URL
    pg.psql(`ALTER ROLE ${pg.user} PASSWORD 'p@ss:/?#&=%20 é'`);
    try {
      (await connectTeam(bare, { password: 'p@ss:/?#&=%20 é' })).end();
    } finally {
      pg.psql(`ALTER ROLE ${pg.user} PASSWORD '${pg.password}'`);
    }
    // no password at all: refused
    await assert.rejects(connectTeam(bare), /password/);
  });

  test('sync through the extension\'s flow: asked once, then the stored password is used', async () => {
    const secrets = memorySecrets();
    const asked: boolean[] = [];
    let answer: string | undefined = pg.password;
    const passwords = new TeamPasswords(secrets, async (_url, retry) => (asked.push(retry), answer));
    const sync = (interactive: boolean) => passwords.withPassword(bare, interactive, (password) => syncToTeam(db, bare, { password, machine: 'pw-box' }));

    // automatic sync before any password: not asked, refused by the server, nothing stored
    await assert.rejects(sync(false), /password/);
    assert.deepEqual(asked, []);
    // the command: asked once, the server accepts, stored
    const first = await sync(true);
    assert.equal(first?.validation?.ok, true);
    assert.deepEqual(asked, [false]);
    assert.equal(secrets.map.get(teamSecretKey(bare)), pg.password);
    // from then on: never asked, interactive or not
    for (const interactive of [true, false, true]) assert.equal((await sync(interactive))?.validation?.ok, true);
    assert.deepEqual(asked, [false]);

    // the server's password changes: the stored one is refused, forgotten, asked once more (interactive)
    pg.psql(`ALTER ROLE ${pg.user} PASSWORD 'Changed-Secret-9'`);
    await assert.rejects(sync(false), /password authentication failed/);
    assert.equal(secrets.map.has(teamSecretKey(bare)), false);
    secrets.map.set(teamSecretKey(bare), pg.password); // as if stored again before the change reached us
    answer = 'Changed-Secret-9';
    assert.equal((await sync(true))?.validation?.ok, true);
    assert.deepEqual(asked, [false, true]);
    assert.equal(secrets.map.get(teamSecretKey(bare)), 'Changed-Secret-9');
    // a wrong answer: refused, not stored, not asked in a loop
    secrets.map.clear();
    answer = 'Still-Wrong-1';
    await assert.rejects(sync(true), /password authentication failed/);
    assert.equal(secrets.map.size, 0);
    assert.deepEqual(asked, [false, true, false]);
    // cancelled: nothing runs
    answer = undefined;
    assert.equal(await sync(true), undefined);
    pg.psql(`ALTER ROLE ${pg.user} PASSWORD '${pg.password}'`);
  });

  test('a server that needs no password (unix socket, trust): the empty answer is remembered too', async () => {
    const socketUrl = `postgresql://${pg.user}@/${pg.database}?host=${encodeURIComponent(path.resolve(pg.socketDir))}&port=${pg.port}`;
    const secrets = memorySecrets();
    let asked = 0;
    const passwords = new TeamPasswords(secrets, async () => (asked++, ''));
    for (let i = 0; i < 3; i++) {
      const r = await passwords.withPassword(socketUrl, true, (password) => syncToTeam(db, socketUrl, { password, machine: 'pw-socket' }));
      assert.equal(r?.validation?.ok, true);
    }
    assert.equal(asked, 1);
    assert.equal(secrets.map.get(teamSecretKey(socketUrl)), '');
  });
});
