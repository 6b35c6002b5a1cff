/**
 * The team's metrics without copying the team's rows: the rollup tables are computed in
 * PostgreSQL (the rollup specs rendered in its dialect, src/core/team/dialect.ts) for the chosen
 * machines, and copied into an in-memory image with the local schema; only the rows the metrics
 * read directly are copied, per request:
 *
 * - the partial buckets at a range's edges (rows of at most a day at either end);
 * - each machine's 20 newest failures in the range (self-heal "recent failures");
 * - a spec tab's tables (src/core/dashboard/tabs/: they read event rows, not rollups): every row
 *   in the request's range (the whole table for all time);
 * - a drill-down's or listing's page (each machine's newest offset+limit matching rows; its total
 *   is counted in PostgreSQL);
 * - per table one row written without a row hash (the writer-mode test) and the row with the
 *   highest id (so the image's rollup watermark stands at its top and nothing is rolled up twice);
 * - whole tables where a rendering is missing (no time column, a time column that is not a number,
 *   a spec expression without a PostgreSQL spelling, or an error running it): those are copied and
 *   rolled up locally, exactly as materialiseTeam does;
 * - every row, in time zones with a :30/:45 offset (their day edges cut hours: the metrics read the
 *   event rows there).
 *
 * Every copied row is a real team row under the id materialiseTeam gives it (teamImage.ts), and
 * every direct read of the metrics only ever sees a range whose rows are all present, or a top-N
 * whose members are: so every dashboard number equals the full copy's (test/team/rollupImage.test.ts).
 */
import type { Client } from 'pg';
import type { SqlDatabase } from '../db/database';
import { loadSqlJs } from '../db/sqljs';
import { queryOne, queryRows, quoteIdent as sqliteQuote } from '../db/queryHelpers';
import { drillWindow, getDrillDownRows, listTableRows, resolveDrillTarget } from '../metrics';
import type { DrillDownRequest, DrillDownResult, MetricsOptions, TableRowsRequest, TimeRange } from '../metrics/types';
import { catchUpRollups, listEventTables, rebuildRollupBlocks, WATERMARK_TABLE } from '../rollups/refresh';
import { ALL_DIMENSIONS, DAY, specsForTable, type RollupSpec } from '../rollups/specs';
import { offsetSegments, resolveTimeZone } from '../time/dayBuckets';
import { withTeam, type TeamConnectOptions } from './connection';
import { followUpGroupsSql, followUpLocalSql, MACHINE_COLUMN, postgresRollupSelect, quoteIdent } from './dialect';
import { ImageBuilder, isLedger, RAW_TYPES, resolveMachines, type ImageTable } from './teamImage';

/**
 * The overall (':all') value histograms whose per-dimension twin is in `specs` (same source, value
 * and filter): those are summed locally from the twin's rows instead of scanning the table again.
 */
function overallHistograms(specs: RollupSpec[]): Map<RollupSpec, RollupSpec> {
  const out = new Map<RollupSpec, RollupSpec>();
  for (const s of specs) {
    if (s.table !== 'rollup_value_hist_day' || s.expressions[1] !== 'NULL' || !s.expressions[0].endsWith(`${ALL_DIMENSIONS}'`)) continue;
    const twin = specs.find(
      (o) => o !== s && o.table === s.table && o.source === s.source && o.expressions[0] === s.expressions[0].replace(`${ALL_DIMENSIONS}'`, "'") && o.expressions[2] === s.expressions[2] && o.expressions[3] === s.expressions[3] && o.filter === s.filter,
    );
    if (twin) out.set(s, twin);
  }
  return out;
}

interface EventTableState {
  table: ImageTable;
  tsColumn: string | null;
  /** every row of it is in the image */
  complete: boolean;
  /** [from, to) spans whose rows are in the image */
  spans: [number, number][];
}

/** What a team image copied, for the bench and the tests. */
export interface RollupImageStats {
  rollupRows: number;
  copiedRows: number;
  /** tables copied whole (no rendering, or no time column) */
  wholeTables: string[];
}

export interface RollupImageOptions extends TeamConnectOptions {
  /** one machine, or all */
  machine?: string;
}

export class TeamRollupImage {
  private readonly events = new Map<string, EventTableState>();
  private readonly failuresDone = new Set<string>();
  private allRows = false;
  /** copies run one at a time (each in its own SQLite transaction) */
  private queue: Promise<unknown> = Promise.resolve();
  readonly stats: RollupImageStats = { rollupRows: 0, copiedRows: 0, wholeTables: [] };

  private constructor(
    private readonly url: string,
    private readonly opts: RollupImageOptions,
    readonly db: SqlDatabase,
    private readonly image: ImageBuilder,
  ) {}

  /** Builds the image: schema, ledgers, rollups from PostgreSQL (one REPEATABLE READ snapshot). */
  static async open(url: string, opts: RollupImageOptions = {}): Promise<TeamRollupImage> {
    const SQL = await loadSqlJs();
    const db = new SQL.Database();
    try {
      return await withTeam(url, opts, async (c) => {
        await c.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        const image = new ImageBuilder(db, await resolveMachines(c, opts.machine));
        await image.prepare(c);
        const self = new TeamRollupImage(url, opts, db, image);
        db.run('BEGIN');
        await self.load(c);
        db.run('COMMIT');
        // tables copied whole are rolled up here, like materialiseTeam does
        catchUpRollups(db);
        await c.query('COMMIT');
        return self;
      });
    } catch (e) {
      db.close();
      throw e;
    }
  }

  get machines(): readonly string[] {
    return this.image.machines;
  }

  close(): void {
    this.db.close();
  }

  private async load(c: Client): Promise<void> {
    const machines = this.image.machines;
    const byName = new Map(this.image.tables.map((t) => [t.name, t]));
    for (const t of this.image.tables) if (isLedger(t.name)) for (const m of machines) this.stats.copiedRows += await this.image.copy(c, t, m);
    for (const et of listEventTables(this.db)) {
      const table = byName.get(et.name);
      if (!table) continue; // a local-only table the team does not have: empty in the image
      const state: EventTableState = { table, tsColumn: et.tsColumn, complete: false, spans: [] };
      this.events.set(et.name, state);
      const rolled = et.tsColumn ? await this.rollupsFromServer(c, table, specsForTable(et)) : null;
      if (!rolled) {
        for (const m of machines) this.stats.copiedRows += await this.image.copy(c, table, m);
        state.complete = true;
        this.stats.wholeTables.push(et.name);
        continue;
      }
      for (const spec of specsForTable(et)) rebuildRollupBlocks(this.db, spec);
      // the writer-mode test (any row without a row hash) and the newest id (the watermark)
      for (const m of machines) {
        this.stats.copiedRows += await this.image.copy(c, table, m, { where: 't.row_hash IS NULL', orderLimit: 'LIMIT 1', ignoreKnown: true });
      }
      const tops = (await c.query({ text: `SELECT ${MACHINE_COLUMN} AS m, max(id) AS top FROM ${quoteIdent(table.name)} WHERE ${MACHINE_COLUMN} = ANY($1::text[]) GROUP BY 1`, values: [machines], types: RAW_TYPES })).rows;
      let mark = 0;
      let markMachine: string | undefined;
      let markId = 0;
      for (const r of tops) {
        const id = this.image.rowId(String(r.m), Number(r.top));
        if (id > mark) [mark, markMachine, markId] = [id, String(r.m), Number(r.top)];
      }
      if (markMachine !== undefined) this.stats.copiedRows += await this.image.copy(c, table, markMachine, { where: 't.id = $2', params: [markId], orderLimit: '', ignoreKnown: true });
      this.db.run(`INSERT INTO ${WATERMARK_TABLE} (table_name, max_id) VALUES (?, ?) ON CONFLICT (table_name) DO UPDATE SET max_id = excluded.max_id`, [et.name, mark]);
    }
  }

  /** Every spec of one table computed in PostgreSQL into the image, or false (nothing written) when one has no rendering or fails. */
  private async rollupsFromServer(c: Client, table: ImageTable, specs: RollupSpec[]): Promise<boolean> {
    const results: { spec: RollupSpec; rows: unknown[][]; followUp: boolean }[] = [];
    const derived = overallHistograms(specs);
    await c.query('SAVEPOINT rollups');
    try {
      for (const spec of specs) {
        if (derived.has(spec)) continue;
        const tsType = table.types.get(spec.tsColumn);
        if (!tsType) return false;
        const followUp = !!spec.from;
        const sql = followUp ? followUpGroupsSql(spec, tsType) : postgresRollupSelect(spec, tsType);
        if (!sql) return false;
        const r = await c.query({ text: sql, values: [this.image.machines], rowMode: 'array', types: RAW_TYPES });
        results.push({ spec, rows: r.rows as unknown[][], followUp });
      }
    } catch {
      // e.g. a column of an unexpected type: this table is copied and rolled up locally instead
      await c.query('ROLLBACK TO SAVEPOINT rollups');
      return false;
    }
    await c.query('RELEASE SAVEPOINT rollups');
    for (const { spec, rows, followUp } of results) {
      const cols = ['bucket_ts', ...spec.columns.map(([n]) => n)];
      if (followUp) {
        this.db.run('CREATE TEMP TABLE IF NOT EXISTS tl_follow_up_groups (bucket_ts INTEGER, skill_name TEXT, follow_up_actions TEXT, n INTEGER)');
        this.db.run('DELETE FROM tl_follow_up_groups');
        this.insertRows('temp.tl_follow_up_groups', ['bucket_ts', 'skill_name', 'follow_up_actions', 'n'], rows);
        this.db.run(`INSERT INTO ${spec.table} (${cols.join(', ')}) ${followUpLocalSql('temp.tl_follow_up_groups')}`);
        this.db.run('DROP TABLE temp.tl_follow_up_groups');
      } else {
        this.insertRows(spec.table, cols, rows);
      }
      this.stats.rollupRows += rows.length;
    }
    for (const [overall, byDim] of derived) {
      // the overall histogram is the per-dimension one summed over the dimensions (same rows, same keys)
      this.db.run(
        `INSERT INTO ${overall.table} (bucket_ts, metric, dim, value, n) SELECT bucket_ts, ${overall.expressions[0]}, NULL, value, sum(n) FROM ${byDim.table} WHERE metric = ${byDim.expressions[0]} GROUP BY bucket_ts, value`,
      );
    }
    return true;
  }

  private insertRows(table: string, cols: string[], rows: unknown[][]): void {
    const insert = this.db.prepare(`INSERT INTO ${table} (${cols.map(sqliteQuote).join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`);
    try {
      for (const row of rows) insert.run(row as never);
    } finally {
      insert.free();
    }
  }

  /**
   * The rows one metrics request reads directly, copied if not yet here: the range's edge days,
   * each machine's newest failures in the range; every row in a zone with a :30/:45 offset; and
   * every row in the range of `rowTables` (a spec tab reads its tables' rows, not rollups).
   */
  prepareFor(range: TimeRange, options: MetricsOptions = {}, rowTables: readonly string[] = []): Promise<void> {
    return this.exclusive(() => this.copyFor(range, options, rowTables));
  }

  private exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private async copyFor(range: TimeRange, options: MetricsOptions, rowTables: readonly string[]): Promise<void> {
    if (this.allRows) return;
    const from = range.from === undefined || range.from === null ? undefined : Math.floor(range.from);
    const to = range.to === undefined || range.to === null ? undefined : Math.ceil(range.to);
    const span = queryOne<{ lo: number | null; hi: number | null }>(this.db, 'SELECT min(bucket_ts) AS lo, max(bucket_ts) AS hi FROM rollup_event_hour');
    const now = Math.floor(options.nowSeconds ?? Date.now() / 1000);
    const lo = Math.min(from ?? span?.lo ?? now, span?.lo ?? now, now);
    const hi = Math.max(to ?? now, (span?.hi ?? now) + 3600, now);
    const zone = resolveTimeZone(options.timeZone);
    const wholeHours = offsetSegments(zone, lo - 2 * DAY, hi + 2 * DAY).every((s) => s.offsetSeconds % 3600 === 0);
    await withTeam(this.url, this.opts, async (c) => {
      this.db.run('BEGIN');
      try {
        if (!wholeHours) await this.copyAll(c);
        else {
          const windows: [number, number][] = [];
          if (from !== undefined) windows.push([from, Math.ceil(from / DAY) * DAY]);
          if (to !== undefined) windows.push([Math.floor(to / DAY) * DAY, to]);
          for (const state of this.events.values()) {
            if (state.complete || !state.tsColumn) continue;
            for (const [a, b] of windows) if (a < b) await this.copySpan(c, state, a, b);
          }
          await this.copyFailures(c, from, to);
          for (const name of rowTables) {
            const state = this.events.get(name);
            if (!state || state.complete) continue;
            if (!state.tsColumn || (from === undefined && to === undefined)) await this.copyTable(c, state);
            else await this.copySpan(c, state, from ?? Number.MIN_SAFE_INTEGER, to ?? Number.MAX_SAFE_INTEGER);
          }
        }
        this.db.run('COMMIT');
      } catch (e) {
        this.db.run('ROLLBACK');
        throw e;
      }
    });
  }

  private async copyAll(c: Client): Promise<void> {
    for (const state of this.events.values()) {
      if (state.complete) continue;
      for (const m of this.image.machines) this.stats.copiedRows += await this.image.copy(c, state.table, m, { ignoreKnown: true });
      state.complete = true;
    }
    this.allRows = true;
  }

  private async copyTable(c: Client, state: EventTableState): Promise<void> {
    for (const m of this.image.machines) this.stats.copiedRows += await this.image.copy(c, state.table, m, { ignoreKnown: true });
    state.complete = true;
  }

  private async copySpan(c: Client, state: EventTableState, a: number, b: number): Promise<void> {
    if (state.spans.some(([x, y]) => x <= a && b <= y)) return;
    const ts = `t.${quoteIdent(state.tsColumn!)}`;
    for (const m of this.image.machines) {
      this.stats.copiedRows += await this.image.copy(c, state.table, m, { where: `${ts} >= $2 AND ${ts} < $3`, params: [a, b], ignoreKnown: true });
    }
    state.spans.push([a, b]);
  }

  /** self-heal's "recent failures": each machine's 20 newest of the range hold the 20 newest of all. */
  private async copyFailures(c: Client, from: number | undefined, to: number | undefined): Promise<void> {
    const key = `${from ?? ''}|${to ?? ''}`;
    if (this.failuresDone.has(key)) return;
    for (const name of ['self_heal_events', 'recovery_events']) {
      const state = this.events.get(name);
      if (!state || state.complete || !state.table.cols.includes('success') || !state.table.cols.includes('timestamp')) continue;
      const where = ['t.success = 0'];
      const params: number[] = [];
      if (from !== undefined) (params.push(from), where.push(`t."timestamp" >= $${params.length + 1}`));
      if (to !== undefined) (params.push(to), where.push(`t."timestamp" < $${params.length + 1}`));
      for (const m of this.image.machines) {
        this.stats.copiedRows += await this.image.copy(c, state.table, m, { where: where.join(' AND '), params, orderLimit: 'ORDER BY t."timestamp" DESC, t.id DESC LIMIT 20', ignoreKnown: true });
      }
    }
    this.failuresDone.add(key);
  }

  /**
   * A dashboard drill-down over the image: its target resolved as the local one is
   * (resolveDrillTarget), then listed by listRows. Claude Code's keys list from the image as
   * they would from the full copy (neither has those tables).
   */
  drillDown(request: DrillDownRequest): Promise<DrillDownResult> {
    const resolved = resolveDrillTarget(request.target);
    if (resolved.source !== 'events') return Promise.resolve(getDrillDownRows(this.db, request));
    return this.listRows({ ...request, table: resolved.table, filters: resolved.filters });
  }

  /**
   * One table's rows over the image: the page from each machine's newest offset+limit matching
   * rows (copied if needed), the total counted in PostgreSQL. The request is checked by
   * listTableRows against the image first (unknown tables and columns are refused before
   * anything is sent).
   */
  listRows(request: TableRowsRequest): Promise<DrillDownResult> {
    return this.exclusive(() => this.list(request));
  }

  private async list(request: TableRowsRequest): Promise<DrillDownResult> {
    const local = listTableRows(this.db, request);
    const state = this.events.get(request.table);
    if (!state || state.complete) return local;
    const where: string[] = [];
    const params: unknown[] = [];
    const bind = (v: unknown) => (params.push(v), `$${params.length + 1}`);
    const { from, to, limit, offset } = drillWindow(request);
    if (state.tsColumn) {
      const ts = `t.${quoteIdent(state.tsColumn)}`;
      if (from !== undefined) where.push(`${ts} >= ${bind(Math.floor(from))}`);
      if (to !== undefined) where.push(`${ts} < ${bind(Math.ceil(to))}`);
    }
    const rangeWhere = [...where];
    const rangeParams = [...params];
    for (const [column, value] of Object.entries(request.filters ?? {})) {
      const type = state.table.types.get(column);
      const col = `t.${quoteIdent(column)}`;
      if (value === null) where.push(`${col} IS NULL`);
      else if (type === 'text') where.push(`${col} = ${bind(String(value))}`);
      else if ((type === 'bigint' || type === 'double precision') && typeof value === 'number' && Number.isFinite(value)) where.push(`${col} = ${bind(value)}::float8`);
      else {
        // a filter PostgreSQL would compare differently (JSON, bytes, text against a number):
        // every row of the range is copied and the listing runs on them alone
        await this.copyWhere(state, rangeWhere, rangeParams);
        return listTableRows(this.db, request);
      }
    }
    const order = state.tsColumn ? `ORDER BY t.${quoteIdent(state.tsColumn)} DESC, t.id DESC` : 'ORDER BY t.id DESC';
    const total = await withTeam(this.url, this.opts, async (c) => {
      const whereSql = where.length ? ` AND ${where.join(' AND ')}` : '';
      const n = await c.query({
        text: `SELECT count(*) AS n FROM ${quoteIdent(state.table.name)} AS t WHERE t.${MACHINE_COLUMN} = ANY($1::text[])${whereSql}`,
        values: [this.image.machines, ...params],
        types: RAW_TYPES,
      });
      this.db.run('BEGIN');
      try {
        for (const m of this.image.machines) {
          this.stats.copiedRows += await this.image.copy(c, state.table, m, { where: where.join(' AND ') || undefined, params, orderLimit: `${order} LIMIT ${offset + limit}`, ignoreKnown: true });
        }
        this.db.run('COMMIT');
      } catch (e) {
        this.db.run('ROLLBACK');
        throw e;
      }
      return Number(n.rows[0].n);
    });
    return { ...listTableRows(this.db, request), total };
  }

  private async copyWhere(state: EventTableState, where: string[], params: unknown[]): Promise<void> {
    await withTeam(this.url, this.opts, async (c) => {
      this.db.run('BEGIN');
      try {
        for (const m of this.image.machines) this.stats.copiedRows += await this.image.copy(c, state.table, m, { where: where.join(' AND ') || undefined, params, ignoreKnown: true });
        this.db.run('COMMIT');
      } catch (e) {
        this.db.run('ROLLBACK');
        throw e;
      }
    });
  }

  /** Rows of the image's event tables (for the bench and the tests: how little was copied). */
  eventRows(): number {
    let n = 0;
    for (const name of this.events.keys()) n += Number(queryRows<{ n: number }>(this.db, `SELECT count(*) AS n FROM ${sqliteQuote(name)}`)[0].n);
    return n;
  }
}
