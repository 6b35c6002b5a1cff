// `npm run demo`: build, generate sample telemetry into ./demo/.claude (every source shape of
// telemetry-formats.md, messy lines included), migrate it into demo/telemetry.db with the CLI,
// print the summary, write the static dashboard demo/dashboard.html, and say how to open it all
// in VS Code. Re-running starts afresh (removes only what an earlier demo wrote). Options: --events N (per source, default
// 1000), --out DIR (instead of ./demo).
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const arg = (name, fallback) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : fallback);
const demo = path.resolve(arg('--out', path.join(root, 'demo')));
const db = path.join(demo, 'telemetry.db');
const report = path.join(demo, 'dashboard.html');
const events = arg('--events', '1000');
const rel = (p) => path.relative(process.cwd(), p) || '.';

function step(title, args, { capture = false, allowCheckFailure = false } = {}) {
  process.stdout.write(`\n▸ ${title}\n`);
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', stdio: ['ignore', capture ? 'pipe' : 'inherit', 'inherit'] });
  if (r.status === 1 && allowCheckFailure) return r.stdout; // the caller reports the differences
  if (r.status !== 0) {
    if (capture && r.stdout) process.stdout.write(r.stdout);
    console.error(`\ndemo: "${title}" failed (exit ${r.status}): node ${args.map((a) => path.relative(root, a) || a).join(' ')}`);
    process.exit(r.status || 1);
  }
  return r.stdout;
}

const pad = (s, n) => String(s).padEnd(n);
const num = (n) => String(n.toLocaleString('en-US')).padStart(9);

step('Building the extension and the CLI', ['scripts/build.mjs']);
// start fresh, but only remove what an earlier demo wrote (--out may name a folder with other files)
for (const name of ['.claude', 'dashboard.html', 'telemetry.db', 'telemetry.db-wal', 'telemetry.db-shm', 'telemetry.db-journal', 'telemetry.db.lock']) {
  fs.rmSync(path.join(demo, name), { recursive: true, force: true });
}
step(`Generating sample telemetry (${events} events per source) into ${rel(demo)}/.claude`, ['--import', 'tsx', 'scripts/generate-sample.ts', '--out', demo, '--events', events]);

const started = Date.now();
const out = step(`Migrating it into ${rel(db)}`, ['dist/cli.js', 'migrate', '--db', db, path.join(demo, '.claude'), '--json'], { capture: true });
const result = JSON.parse(out);
console.log(`  ${pad('source', 42)} ${pad('table', 26)} ${'lines'.padStart(9)} ${'inserted'.padStart(9)} ${'present'.padStart(9)} ${'rejected'.padStart(9)} ${'blank'.padStart(9)} ${'pending'.padStart(9)}`);
for (const s of result.sources) console.log(`  ${pad(path.relative(demo, s.path), 42)} ${pad(s.table, 26)} ${num(s.lines)} ${num(s.inserted)} ${num(s.present)} ${num(s.rejected)} ${num(s.blank)} ${num(s.pending)}`);
const total = (k) => result.sources.reduce((a, s) => a + (s[k] ?? 0), 0);
console.log(`  ${result.sources.length} files → ${Object.keys(result.tables).length} tables: ${total('inserted').toLocaleString('en-US')} rows inserted, ${total('rejected')} lines rejected (kept in ingest_rejects), in ${result.durationMs ?? Date.now() - started} ms`);
console.log(`  schema: ${(result.migrations?.applied ?? []).join(', ') || 'up to date'}`);

const verify = JSON.parse(step('Checking every source against the database', ['dist/cli.js', 'verify', '--db', db, path.join(demo, '.claude'), '--json'], { capture: true, allowCheckFailure: true }));
const badSources = verify.sources.filter((s) => !s.ok);
console.log(`  ${verify.sources.length - badSources.length} of ${verify.sources.length} sources: every line is in the database${badSources.length || verify.skillTotals.length ? '' : ' ✔'}`);
for (const s of badSources) console.log(`  ✖ ${path.relative(demo, s.path)}: ${s.missing} lines missing from ${s.table}`);
for (const t of verify.skillTotals) console.log(`  ✖ skill_metrics.json: ${t.skill} ${t.field}: the document says ${t.document}, its imported invocations give ${t.database}`);

step(`Writing the static dashboard ${rel(report)}`, ['dist/cli.js', 'report', '--db', db, '--out', report]);

console.log(`
Done.
  database:  ${db}
  dashboard: ${pathToFileURL(report).href}   (opens offline in any browser)
  query it:  node dist/cli.js query --db ${rel(db)} "SELECT predicted_model, AVG(accuracy) FROM routing_metrics_events GROUP BY 1"

Open it in VS Code:
  npm run package
  code --install-extension dist-vsix/telemetry-lens-*.vsix
  then set "telemetryLens.databasePath": "${db}" and "telemetryLens.sources": ["${path.join(demo, '.claude')}"]
  and use the Telemetry view in the activity bar, or "Telemetry: Open Dashboard" / "Telemetry: Migrate JSONL" from the command palette.`);
