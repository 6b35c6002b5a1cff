/**
 * The dashboard's scope bar "This machine / Team" in Chromium, against a real PostgreSQL team
 * database: the page sends only a scope id and a machine name; a host made of the real pieces
 * (checkScopeRequest, scopeState, materialiseTeam over the throwaway cluster, answerDataRequest)
 * answers; the numbers follow the scope (this machine, all machines, one machine), the header
 * names the team database without its password, and a forged request is refused.
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';
import { openSnapshot, type SqlDatabase } from '../../src/core/db/database';
import { computeTabPayload, resolveRange } from '../../src/core/dashboard/tabPayload';
import { materialiseTeam } from '../../src/core/team/read';
import { checkScopeRequest, LOCAL_SCOPE, scopeState, type ScopeSelection } from '../../src/core/team/scope';
import type { WebviewToHost } from '../../src/protocol';
import { generateTelemetry } from '../../src/sample';
import { cli, tempDir } from '../team/helpers';
import { startPgCluster, type PgCluster } from '../team/pgCluster';
import { ensureBundle, launchBrowser, openDashboard, type FakeHost } from './harness';

const NOW_MS = Date.UTC(2026, 10, 20, 12);
const NOW = Math.floor(NOW_MS / 1000);
const isScope = (m: WebviewToHost): m is Extract<WebviewToHost, { type: 'setScope' }> => m.type === 'setScope';

describe('dashboard scope: This machine / Team (real PostgreSQL)', () => {
  let pg: PgCluster;
  let dir: string;
  let browser: Browser;
  let local: SqlDatabase;
  const team = new Map<string, SqlDatabase>();
  let host: FakeHost;
  let scope: ScopeSelection = LOCAL_SCOPE;
  const machines = ['alpha', 'beta'];

  function totalEvents(db: SqlDatabase): number {
    const p = computeTabPayload(db, 'overview', resolveRange({ preset: 'all' }, NOW), { timeZone: 'UTC', nowSeconds: NOW });
    assert.equal(p.tab, 'overview');
    return (p as Extract<typeof p, { tab: 'overview' }>).overview.totalEvents;
  }

  async function teamCopy(machine: string | null): Promise<SqlDatabase> {
    const key = machine ?? '';
    if (!team.has(key)) team.set(key, await materialiseTeam(pg.url, { machine: machine ?? undefined }));
    return team.get(key)!;
  }

  async function shownEvents(key: string): Promise<number> {
    await host.page.waitForSelector(`#app[data-loaded-scope="${key}"][data-loaded-tab="overview"]:not([aria-busy])`, { timeout: 15_000 });
    return Number((await host.page.textContent('[data-kpi="events"] .kpi-value'))!.replace(/[^0-9]/g, ''));
  }

  before(async () => {
    ensureBundle();
    pg = await startPgCluster();
    dir = tempDir('scope');
    for (const [i, m] of machines.entries()) {
      const src = path.join(dir, m);
      generateTelemetry({ outDir: src, eventsPerSource: 20 + 15 * i, seed: 40 + i, now: NOW_MS });
      const db = path.join(dir, `${m}.db`);
      assert.equal((await cli('migrate', '--db', db, src)).code, 0);
      assert.equal((await cli('sync', '--db', db, '--to', pg.url, '--machine', m)).code, 0);
    }
    local = await openSnapshot(path.join(dir, 'alpha.db'));
    browser = await launchBrowser();
    const opts = {
      db: local,
      nowSeconds: NOW,
      init: { view: { range: { preset: 'all' as const } } },
      // the host's side of setScope, as the panel does it: check, read the team copy, answer the state
      onMessage: async (m: WebviewToHost, send: (x: never) => Promise<void>) => {
        if (m.type !== 'setScope') return false;
        try {
          scope = checkScopeRequest(m, true, machines);
          opts.db = scope.scope === 'team' ? await teamCopy(scope.machine) : local;
          await send({ type: 'scope', state: scopeState(scope, { localLabel: '~/alpha.db', teamUrl: pg.url, machines }) } as never);
        } catch (e) {
          await send({ type: 'scope', state: scopeState(scope, { localLabel: '~/alpha.db', teamUrl: pg.url, machines, error: (e as Error).message }) } as never);
        }
        return true;
      },
    };
    host = await openDashboard(browser, opts);
  });
  after(async () => {
    await browser?.close();
    local?.close();
    for (const d of team.values()) d.close();
    pg?.stop();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  test('hidden without a team database; This machine, Team (all), one machine, back: the numbers follow', async () => {
    assert.equal(await shownEvents('local'), totalEvents(local));
    assert.equal(await host.page.isVisible('#scope-bar'), false);
    await host.send({ type: 'scope', state: scopeState(LOCAL_SCOPE, { localLabel: '~/alpha.db', teamUrl: pg.url, machines }) });
    await host.page.waitForSelector('#scope-bar:not([hidden])');
    assert.equal(await host.page.isVisible('#scope-machine'), false);

    const since = host.received.length;
    await host.page.click('#scope-team');
    const asked = await host.waitFor(isScope, since);
    // only a scope id and a machine name leave the page
    assert.deepEqual(Object.keys(asked).sort(), ['machine', 'scope', 'type']);
    assert.deepEqual({ scope: asked.scope, machine: asked.machine }, { scope: 'team', machine: null });
    const all = await shownEvents('team:');
    assert.equal(all, totalEvents(await teamCopy(null)));
    const alphaDb = await openSnapshot(path.join(dir, 'alpha.db'));
    const betaDb = await openSnapshot(path.join(dir, 'beta.db'));
    try {
      assert.equal(all, totalEvents(alphaDb) + totalEvents(betaDb));
      const label = (await host.page.textContent('#db-label'))!;
      assert.match(label, new RegExp(`^team postgresql://tl_sync:\\*\\*\\*@127\\.0\\.0\\.1:${pg.port}/team — all machines$`));
      assert.ok(!label.includes(pg.password));
      assert.deepEqual(await host.page.$$eval('#scope-machine option', (os) => os.map((o) => o.getAttribute('value'))), ['', 'alpha', 'beta']);
      assert.equal(await host.page.getAttribute('#scope-team', 'aria-pressed'), 'true');

      // the machine filter: beta only
      const before2 = host.received.length;
      await host.page.selectOption('#scope-machine', 'beta');
      assert.deepEqual(await host.waitFor(isScope, before2), { type: 'setScope', scope: 'team', machine: 'beta' });
      assert.equal(await shownEvents('team:beta'), totalEvents(betaDb));
      assert.match((await host.page.textContent('#db-label'))!, /— machine beta$/);

      // every tab of the team scope draws from the team copy (activity has rows)
      await host.page.click('vscode-tab-header[data-tab="activity"]');
      await host.page.waitForSelector('#app[data-loaded-scope="team:beta"][data-loaded-tab="activity"]:not([aria-busy])');

      // back to this machine
      await host.page.click('vscode-tab-header[data-tab="overview"]');
      await host.page.click('#scope-local');
      assert.equal(await shownEvents('local'), totalEvents(alphaDb));
      assert.equal(await host.page.textContent('#db-label'), '~/alpha.db');
      assert.equal(await host.page.isVisible('#scope-machine'), false);
    } finally {
      alphaDb.close();
      betaDb.close();
    }
    assert.deepEqual(host.pageErrors, []);
  });

  test('the host refuses what the page may not ask for', () => {
    assert.throws(() => checkScopeRequest({ scope: 'team', machine: "x' OR 1=1 --" }, true, machines), /no machine named/);
    assert.throws(() => checkScopeRequest({ scope: 'DROP TABLE', machine: null }, true, machines), /unknown dashboard scope/);
    assert.throws(() => checkScopeRequest({ scope: 'team', machine: null }, false, machines), /no team database is configured/);
    assert.deepEqual(checkScopeRequest({ scope: 'local', machine: 'alpha' }, true, machines), LOCAL_SCOPE);
  });
});
