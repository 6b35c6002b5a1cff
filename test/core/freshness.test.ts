/**
 * One freshness rule: the Migrate preview (audit) and the Metrics tree / dashboard
 * (getDataSources) call a source live / stale / frozen alike, with the same thresholds.
 */
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { openSnapshot } from '../../src/core/db/database';
import { auditSources, migrateSources } from '../../src/core/ingest';
import { getDataSources } from '../../src/core/metrics';
import { DEFAULT_FRESHNESS, freshnessFromHoursDays } from '../../src/core/time/freshness';
import { lines, tempDir, write } from '../ingest/helpers';

const DAY = 86_400;

test('audit and the data-sources view agree on live / stale / frozen, with defaults and with settings', async () => {
  const dir = tempDir('freshness');
  const now = Math.floor(Date.now() / 1000);
  // newest events 2 h, 3 days and 10 days old: live, stale, frozen under the defaults (24 h / 7 days)
  const ages = { 'routing-metrics.jsonl': 2 * 3600, 'tool-usage.jsonl': 3 * DAY, 'self-heal-summary.jsonl': 10 * DAY };
  write(path.join(dir, 'logs/routing-metrics.jsonl'), lines({ timestamp: now - ages['routing-metrics.jsonl'], query_id: 'q1', predicted_model: 'sonnet' }));
  write(path.join(dir, 'logs/tool-usage.jsonl'), lines({ ts: now - ages['tool-usage.jsonl'], tool: 'Edit' }));
  write(path.join(dir, 'logs/self-heal-summary.jsonl'), lines({ timestamp: now - ages['self-heal-summary.jsonl'], error_pattern: 'x', success: true }));
  const db = path.join(dir, 'telemetry.db');
  await migrateSources(db, [path.join(dir, 'logs')], {});

  for (const thresholds of [DEFAULT_FRESHNESS, freshnessFromHoursDays(1, 5), freshnessFromHoursDays(96, 30)]) {
    const audit = await auditSources([path.join(dir, 'logs')], { freshness: thresholds, nowMs: now * 1000 });
    const snap = await openSnapshot(db);
    try {
      const view = getDataSources(snap, { nowSeconds: now, freshness: thresholds });
      for (const s of audit.sources) {
        const row = view.sources.find((r) => r.table === s.table);
        assert.ok(row, `no data-source row for ${s.table}`);
        assert.equal(s.liveness, row.status, `${path.basename(s.path)}: audit ${s.liveness}, tree ${row.status} (${JSON.stringify(thresholds)})`);
      }
    } finally {
      snap.close();
    }
  }
  // the defaults are the settings' defaults, not the old fixed 1 day / 30 days of the preview
  const preview = await auditSources([path.join(dir, 'logs')], { nowMs: now * 1000 });
  assert.equal(preview.sources.find((s) => s.path.endsWith('self-heal-summary.jsonl'))!.liveness, 'frozen');
  assert.equal(preview.sources.find((s) => s.path.endsWith('tool-usage.jsonl'))!.liveness, 'stale');
});
