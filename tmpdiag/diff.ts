import { buildTeamReportData } from '../src/core/team/read';
import { TeamRollupImage } from '../src/core/team/rollupImage';
import { syncToTeam } from '../src/core/team/sync';
import { startPgCluster } from '../test/team/pgCluster';
import * as os from 'node:os'; import * as path from 'node:path';
const NOW = Date.UTC(2026, 10, 1) / 1000 - 5 * 3600 - 17 * 60 - 23;
function diff(a: any, b: any, p = '$', out: string[] = []) {
  if (out.length > 8) return out;
  if (typeof a === 'number' && typeof b === 'number') { if (a !== b) out.push(`${p}: ${a} vs ${b} (rel ${Math.abs(a-b)/Math.max(Math.abs(a),Math.abs(b))})`); return out; }
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') { if (JSON.stringify(a) !== JSON.stringify(b)) out.push(`${p}: ${JSON.stringify(a)?.slice(0,200)} vs ${JSON.stringify(b)?.slice(0,200)}`); return out; }
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) diff(a[k], b[k], `${p}.${k}`, out);
  return out;
}
(async () => {
  const pg = await startPgCluster();
  try {
    const db = path.join(os.tmpdir(), 'telemetry-lens-bench', 'team-sync-100000.db');
    for (const m of ['alpha', 'beta']) await syncToTeam(db, pg.url, { machine: m });
    let t = Date.now();
    const img = await TeamRollupImage.open(pg.url);
    console.log('open', Date.now() - t, img.stats); img.close();
    t = Date.now();
    const a = await buildTeamReportData(pg.url, { nowSeconds: NOW, timeZone: 'UTC', via: 'copy' });
    console.log('old', Date.now() - t); t = Date.now();
    const b = await buildTeamReportData(pg.url, { nowSeconds: NOW, timeZone: 'UTC' });
    console.log('new', Date.now() - t);
    console.log(diff(b, a).join('\n'));
  } finally { pg.stop(); }
})();
