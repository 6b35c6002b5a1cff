import type { SqlDatabase as Database, SqlValue } from '../db/database';
import { histogramKeyFromThresholds, histogramKeyThresholds, type HistogramKeyOf } from './histogramKeyTwin';
import { specsForTable, type EventTable, type RollupSpec } from './specs';
import { twinOf, type Cell, type RollupTwin } from './twins';
import { queryRows, quoteIdent } from '../db/queryHelpers';

/**
 * Rollup contributions of the rows one ingest run inserts into one table, summed in JS as the
 * rows go in (the insert decision is made there already), so refreshRollups() merges a few
 * thousand bucket rows instead of GROUP BY scans over the table (9 s of a 1M-row backfill).
 * Exact or nothing: any value whose SQL meaning JS might not reproduce (a type the column's
 * affinity would convert, a missing timestamp, a key needing printf rounding) marks the
 * deltas invalid, and refreshRollups() falls back to its SQL refresh for that table.
 */
export interface BucketEntry {
  bucket: number;
  dims: Cell[];
  measures: (number | null)[];
}

type Combine = 'sum' | 'min' | 'max';

/** Everything a TableRollupDeltas is built from, as plain data (a parse worker builds its own). */
export interface RollupSetup {
  table: EventTable;
  columns: string[];
  info: { name: string; type: string; dflt_value: unknown }[];
  /** histogramKeyThresholds() of the database */
  thresholds: number[];
}

/** A TableRollupDeltas's sums as plain data (sent from a parse worker, see absorb()). */
export interface DeltasSnapshot {
  valid: boolean;
  rows: number;
  minTs: number;
  maxTs: number;
  specs: { id: string; entries: BucketEntry[] }[];
}

/** Bits of the combined dimension key (a safe integer) shared out over the dimensions. */
const KEY_BITS = 46;

/**
 * One spec's sums: buckets (by bucket index) → dimension tuple → measures. Dimension values
 * are interned to small ids per position (a JS Map keeps 5 and '5' apart, as SQL GROUP BY
 * does in an untyped column) and packed into one number: no string keys, no per-row garbage.
 */
export class SpecAccumulator {
  readonly combine: Combine[];
  /** dimension columns the rollup table stores as TEXT (a number there would be converted) */
  readonly textDims: boolean[];
  private readonly ids: Map<Cell, number>[];
  private readonly values: Cell[][];
  private readonly radix: number;
  private readonly sumsOnly: boolean;
  private readonly buckets = new Map<number, Map<number, (number | null)[]>>();
  /** reused per row: the row's inputs, its dimensions and measures */
  readonly row: Cell[];
  readonly d: Cell[];
  readonly m: (number | null)[];

  constructor(
    readonly spec: RollupSpec,
    readonly twin: RollupTwin,
    /** index into the mapper's columns, or -1 for a column the row leaves NULL */
    readonly reads: number[],
  ) {
    const n = spec.dimensionCount;
    this.combine = spec.columns.slice(n).map(([c]) => spec.combine?.[c] ?? 'sum');
    this.textDims = spec.columns.slice(0, n).map(([, t]) => t.toUpperCase().startsWith('TEXT'));
    this.ids = Array.from({ length: n }, () => new Map());
    this.values = Array.from({ length: n }, () => []);
    this.radix = 2 ** Math.floor(KEY_BITS / n);
    this.sumsOnly = this.combine.every((c) => c === 'sum');
    this.row = new Array<Cell>(reads.length).fill(null);
    this.d = new Array<Cell>(n).fill(null);
    this.m = new Array<number | null>(this.combine.length).fill(null);
  }

  get size(): number {
    let n = 0;
    for (const b of this.buckets.values()) n += b.size;
    return n;
  }

  /** Packed key of a dimension tuple; -1 when a value was never seen (lookups), -2 when out of ids. */
  private key(dims: Cell[], intern: boolean): number {
    let k = 0;
    for (let i = 0; i < dims.length; i++) {
      let id = this.ids[i].get(dims[i]);
      if (id === undefined) {
        if (!intern) return -1;
        id = this.values[i].length;
        if (id >= this.radix) return -2;
        this.ids[i].set(dims[i], id);
        this.values[i].push(dims[i]);
      }
      k = k * this.radix + id;
    }
    return k;
  }

  /** Adds `measures` to a bucket; false when the dimensions cannot be keyed (caller gives up). */
  add(bucket: number, dims: Cell[], measures: (number | null)[]): boolean {
    for (let i = 0; i < dims.length; i++) if (typeof dims[i] === 'number' && this.textDims[i]) return false;
    const k = this.key(dims, true);
    if (k < 0) return false;
    const index = bucket / this.spec.grainSeconds;
    let b = this.buckets.get(index);
    if (!b) this.buckets.set(index, (b = new Map()));
    const e = b.get(k);
    if (!e) {
      b.set(k, measures.map((v, i) => (this.combine[i] === 'sum' ? (v ?? 0) : v)));
      return true;
    }
    if (this.sumsOnly) for (let i = 0; i < measures.length; i++) e[i] = (e[i] as number) + (measures[i] ?? 0);
    else for (let i = 0; i < measures.length; i++) e[i] = combineMeasure(this.combine[i], e[i], measures[i]);
    return true;
  }

  /** The measures summed for one bucket and dimension tuple, if any (live: combine into them). */
  find(bucket: number, dims: Cell[]): (number | null)[] | undefined {
    const k = this.key(dims, false);
    return k < 0 ? undefined : this.buckets.get(bucket / this.spec.grainSeconds)?.get(k);
  }

  *entries(): IterableIterator<BucketEntry> {
    const n = this.ids.length;
    for (const [index, b] of this.buckets) {
      for (const [packed, measures] of b) {
        const dims = new Array<Cell>(n);
        let k = packed;
        for (let i = n - 1; i >= 0; i--) {
          dims[i] = this.values[i][k % this.radix];
          k = Math.floor(k / this.radix);
        }
        yield { bucket: index * this.spec.grainSeconds, dims, measures };
      }
    }
  }

  /** Bucket span [first, last] (bucket starts), or null when empty. */
  span(): [number, number] | null {
    if (this.buckets.size === 0) return null;
    let lo = Infinity;
    let hi = -Infinity;
    for (const index of this.buckets.keys()) {
      if (index < lo) lo = index;
      if (index > hi) hi = index;
    }
    return [lo * this.spec.grainSeconds, hi * this.spec.grainSeconds];
  }
}

/** A spec's rows in its rollup table (eventCountSpec() builds a new object per call). */
const specId = (spec: RollupSpec): string => `${spec.table}|${spec.partition ?? ''}`;

/** SQLite's affinity rule (section 3.1 of the datatype docs), reduced to text vs not. */
function isTextAffinity(declared: string): boolean {
  const t = declared.toUpperCase();
  return !t.includes('INT') && (t.includes('CHAR') || t.includes('CLOB') || t.includes('TEXT'));
}

export function combineMeasure(how: Combine, a: number | null, b: number | null): number | null {
  if (how === 'sum') return (a ?? 0) + (b ?? 0);
  if (a === null) return b;
  if (b === null) return a;
  return how === 'min' ? Math.min(a, b) : Math.max(a, b);
}

export class TableRollupDeltas {
  valid = true;
  /** rows fed */
  rows = 0;
  minTs = Infinity;
  maxTs = -Infinity;
  readonly specs: SpecAccumulator[] = [];
  /** specs of the table without a twin (refreshed by SQL over [minTs, maxTs]) */
  readonly sqlSpecs: RollupSpec[] = [];
  private readonly tsAt: number;
  /** every column any twin reads, and whether its affinity is TEXT */
  private readonly guardAt: number[] = [];
  private readonly guardText: boolean[] = [];
  private readonly key: (v: number) => number;

  constructor(
    readonly table: EventTable,
    columns: string[],
    info: { name: string; type: string; dflt_value: unknown }[],
    keyOf: HistogramKeyOf,
  ) {
    this.tsAt = table.tsColumn ? columns.indexOf(table.tsColumn) : -1;
    if (this.tsAt < 0) this.valid = false;
    this.key = (v) => {
      const k = keyOf(v);
      if (k === null) {
        this.valid = false;
        return 0;
      }
      return k;
    };
    const byName = new Map(info.map((c) => [c.name, c]));
    const guarded = new Set<number>();
    for (const spec of specsForTable(table)) {
      const twin = twinOf(spec);
      // a column the mapper does not write holds its default: only NULL defaults are known here
      const reads = twin?.reads.map((c) => (columns.includes(c) ? columns.indexOf(c) : byName.has(c) && byName.get(c)!.dflt_value === null ? -1 : -2));
      if (!twin || !reads || reads.includes(-2)) {
        this.sqlSpecs.push(spec);
        continue;
      }
      for (const i of reads) {
        if (i < 0 || guarded.has(i)) continue;
        guarded.add(i);
        this.guardAt.push(i);
        this.guardText.push(isTextAffinity(byName.get(columns[i])?.type ?? ''));
      }
      this.specs.push(new SpecAccumulator(spec, twin, reads));
    }
  }

  /** Feeds one inserted row: `vals[at ..]` holds the mapper's columns in order. */
  add(vals: SqlValue[], at: number): void {
    if (!this.valid) return;
    const ts = vals[at + this.tsAt];
    if (typeof ts !== 'number' || !Number.isFinite(ts)) return void (this.valid = false);
    for (let g = 0; g < this.guardAt.length; g++) {
      const v = vals[at + this.guardAt[g]];
      if (v !== null && typeof v !== (this.guardText[g] ? 'string' : 'number')) return void (this.valid = false);
    }
    this.rows++;
    if (ts < this.minTs) this.minTs = ts;
    if (ts > this.maxTs) this.maxTs = ts;
    // (CAST(ts AS INTEGER) / g) * g: both truncate toward zero, as % does
    const whole = Math.trunc(ts);
    for (const s of this.specs) {
      const row = s.row;
      for (let j = 0; j < row.length; j++) row[j] = s.reads[j] < 0 ? null : (vals[at + s.reads[j]] as Cell);
      if (!s.twin.add(row, s.d, s.m, this.key)) continue;
      if (!s.add(whole - (whole % s.spec.grainSeconds), s.d, s.m)) return void (this.valid = false);
    }
  }

  /** Adds another accumulation of the same table (a stream that committed). */
  merge(other: TableRollupDeltas): void {
    this.absorb(other.snapshot());
  }

  invalidate(): void {
    this.valid = false;
  }

  snapshot(): DeltasSnapshot {
    return { valid: this.valid, rows: this.rows, minTs: this.minTs, maxTs: this.maxTs, specs: this.valid ? this.specs.map((s) => ({ id: specId(s.spec), entries: [...s.entries()] })) : [] };
  }

  /**
   * Adds the sums of rows fed elsewhere (another stream's accumulation, a parse worker). Streams
   * with other column sets may split specs differently between twins and SQL: then invalid.
   */
  absorb(other: DeltasSnapshot): void {
    if (!other.valid) this.valid = false;
    if (!this.valid) return;
    if (other.specs.length !== this.specs.length || other.specs.some((o, i) => o.id !== specId(this.specs[i].spec))) return void (this.valid = false);
    this.rows += other.rows;
    this.minTs = Math.min(this.minTs, other.minTs);
    this.maxTs = Math.max(this.maxTs, other.maxTs);
    other.specs.forEach((o, si) => {
      for (const e of o.entries) if (!this.specs[si].add(e.bucket, e.dims, e.measures)) this.valid = false;
    });
  }
}

/** Highest row id of a table (0 when empty). */
export function maxRowId(db: Database, table: string): number {
  return Number(queryRows<{ m: number | null }>(db, `SELECT max(id) AS m FROM ${quoteIdent(table)}`)[0]?.m ?? 0);
}

/**
 * The deltas of one ingest run, per table. Each stream gets its own accumulation (a stream
 * that is rolled back and re-read starts over) and commits it when its savepoint is released.
 * `baseId` = the table's highest id before the run inserted anything: the rows above it are
 * exactly the rows fed here, which refreshRollups() checks before trusting the sums.
 */
export class RunRollupDeltas {
  private readonly tables = new Map<string, { baseId: number; deltas: TableRollupDeltas | null }>();
  private keyOf: HistogramKeyOf | null = null;
  private thresholds: number[] | null = null;

  constructor(private readonly db: Database) {}

  /** A fresh accumulation for one stream into `table` (columns = the mapper's, in order). */
  begin(table: EventTable, columns: string[], setup: RollupSetup = this.setup(table, columns)): TableRollupDeltas {
    this.keyOf ??= histogramKeyFromThresholds(setup.thresholds);
    return new TableRollupDeltas(table, columns, setup.info, this.keyOf);
  }

  /** What begin() builds from, as plain data: another thread builds the same accumulation. */
  setup(table: EventTable, columns: string[]): RollupSetup {
    if (!this.tables.has(table.name)) this.tables.set(table.name, { baseId: maxRowId(this.db, table.name), deltas: null });
    this.thresholds ??= histogramKeyThresholds(this.db);
    const info = queryRows<{ name: string; type: string; dflt_value: unknown }>(this.db, `SELECT name, type, dflt_value FROM pragma_table_info(?)`, [table.name]);
    return { table: { name: table.name, tsColumn: table.tsColumn }, columns: [...columns], info, thresholds: this.thresholds };
  }

  commit(d: TableRollupDeltas): void {
    const t = this.tables.get(d.table.name)!;
    if (t.deltas) t.deltas.merge(d);
    else t.deltas = d;
  }

  /** A table's committed deltas and the id they start above, if any stream committed. */
  forTable(table: string): { baseId: number; deltas: TableRollupDeltas } | null {
    const t = this.tables.get(table);
    return t && t.deltas ? { baseId: t.baseId, deltas: t.deltas } : null;
  }
}
