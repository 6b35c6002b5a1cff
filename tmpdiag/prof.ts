import { TeamRollupImage } from '../src/core/team/rollupImage';
import { syncToTeam } from '../src/core/team/sync';
import { startPgCluster } from '../test/team/pgCluster';
import { connectTeam } from '../src/core/team/connection';
import { postgresRollupSelect } from '../src/core/team/dialect';
import { specsForTable } from '../src/core/rollups/specs';
import * as os from 'node:os'; import * as path from 'node:path';
(async () => {
  const pg = await startPgCluster();
  try {
    const db = path.join(os.tmpdir(), 'telemetry-lens-bench', 'team-sync-100000.db');
    for (const m of ['alpha', 'beta']) await syncToTeam(db, pg.url, { machine: m });
    pg.psql('VACUUM ANALYZE');
    const c = await connectTeam(pg.url);
    for (const spec of specsForTable({ name: 'routing_metrics_events', tsColumn: 'timestamp' })) {
      const sql = postgresRollupSelect(spec, 'bigint')!;
      const t = Date.now();
      const r = await c.query({ text: sql, values: [['alpha', 'beta']], rowMode: 'array' });
      console.log(spec.table, spec.partition ?? '', r.rows.length, Date.now() - t, 'ms');
    }
    await c.end();
    for (let i = 0; i < 2; i++) { const t = Date.now(); const img = await TeamRollupImage.open(pg.url); console.log('open', Date.now() - t); img.close(); }
  } finally { pg.stop(); }
})();
