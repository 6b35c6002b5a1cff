/**
 * Child process of ingest-verify.bench.ts. Usage:
 *   verify-run migrate DB SRC            one backfill (prepares the database)
 *   verify-run audit|verify DB SRC WORKERS   WORKERS = 0: parse on the main thread only;
 *                                            audit with DB '-': no database (every row new)
 *   verify-run migrate-jsonl DB SRC old|new  Migrate JSONL end to end, preview + import of every
 *                                            file: old = main's way (full audit, the schema steps
 *                                            from a second snapshot, migrate discovering again);
 *                                            new = previewSources, then migrateSources of its plan
 * Prints one JSON line: { ms, rows, ok } (migrate-jsonl: rows = rows inserted, ok = the preview's count, and previewMs).
 */
import { auditSources, migrateSources, previewSources, verifySources } from '../src/core/ingest';
import { pendingSchemaSteps } from '../src/core/ingest/schemaStep';

(async () => {
  const [mode, db, src, workers] = process.argv.slice(2);
  if (mode === 'migrate-jsonl') {
    const t0 = performance.now();
    let newLines: number;
    let inserted: number;
    let previewMs: number;
    if (workers === 'old') {
      const audit = await auditSources([src], { dbPath: db, tz: 'UTC', fullCompare: true });
      await pendingSchemaSteps(db, undefined);
      previewMs = performance.now() - t0;
      newLines = audit.sources.reduce((n, s) => n + s.newLines, 0);
      const r = await migrateSources(db, [src], { tz: 'UTC', only: audit.sources.map((s) => s.path), claudeCode: false });
      inserted = r.sources.reduce((n, s) => n + s.inserted, 0);
    } else {
      const { report, plan } = await previewSources([src], { dbPath: db, tz: 'UTC' });
      previewMs = performance.now() - t0;
      newLines = report.sources.reduce((n, s) => n + s.newLines, 0);
      const r = await migrateSources(db, [], { tz: 'UTC', plan, only: report.sources.map((s) => s.path), claudeCode: false });
      inserted = r.sources.reduce((n, s) => n + s.inserted, 0);
    }
    process.stdout.write(JSON.stringify({ ms: Math.round(performance.now() - t0), previewMs: Math.round(previewMs), rows: inserted, ok: inserted === newLines }) + '\n');
    return;
  }
  const parse = Number(workers) === 0 ? { workerMinBytes: Number.POSITIVE_INFINITY } : { workerMinBytes: 16 << 20, parseWorkers: Number(workers) };
  const t0 = performance.now();
  let rows = 0;
  let ok = true;
  if (mode === 'migrate') {
    const r = await migrateSources(db, [src], { tz: 'UTC' });
    rows = r.sources.reduce((n, s) => n + s.inserted + s.present, 0);
  } else if (mode === 'audit') {
    // DB '-': no database, every row is new (the first Migrate JSONL preview)
    const r = await auditSources([src], { dbPath: db === '-' ? undefined : db, tz: 'UTC', ...parse });
    rows = r.sources.reduce((n, s) => n + s.rows, 0);
    ok = r.sources.every((s) => s.newLines === (db === '-' ? s.rows : 0));
  } else {
    const r = await verifySources(db, [src], { tz: 'UTC', ...parse });
    rows = r.sources.reduce((n, s) => n + s.matched, 0);
    ok = r.ok;
  }
  process.stdout.write(JSON.stringify({ ms: Math.round(performance.now() - t0), rows, ok }) + '\n');
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
