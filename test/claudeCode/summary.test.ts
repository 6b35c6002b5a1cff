/**
 * Tree views of Claude Code usage: "Usage: today $…, this month $…" equal to the truth priced,
 * the active 5-hour block, and the cleanupPeriodDays warning for transcripts not yet imported.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { BUNDLED_PRICES, cleanupRisk, usageSummary } from '../../src/core/claudeCode';
import { openSnapshot } from '../../src/core/db/database';
import { migrateSources } from '../../src/core/ingest';
import { buildMetricsTree } from '../../src/extension/tree/metricsTreeModel';
import { generateClaudeHistory, SAMPLE_MODELS } from '../../src/sample/claudeTranscripts';
import { tempDir } from '../ingest/helpers';

test('usage summary and tree line: today and this month priced exactly, active block with an estimate', async () => {
  const dir = tempDir('cc-summary');
  const config = path.join(dir, '.claude');
  const truth = generateClaudeHistory({ dir: config });
  const db = path.join(dir, 't.db');
  await migrateSources(db, [config], { claudeCode: { prices: BUNDLED_PRICES } });
  // "now": 2026-03-13 00:30 UTC, in the block of the -home-dev-site session (23:00Z start)
  const nowMs = Date.UTC(2026, 2, 13, 0, 30);
  const snap = await openSnapshot(db);
  try {
    const s = usageSummary(snap, { tz: 'UTC', prices: BUNDLED_PRICES, nowMs })!;
    const today = truth.responses.filter((r) => new Date(r.tsMs).toISOString().startsWith('2026-03-13'));
    assert.equal(s.today.tokens, today.reduce((n, r) => n + r.input + r.output + r.cacheRead + r.cacheWrite5m + r.cacheWrite1h, 0));
    const opus = today.find((r) => r.model === SAMPLE_MODELS[1])!;
    const expectedToday = (opus.input * 5 + opus.output * 25 + opus.cacheRead * 0.5 + opus.cacheWrite5m * 6.25 + opus.cacheWrite1h * 10) / 1e6;
    assert.ok(Math.abs((s.today.cost ?? 0) - expectedToday) < 1e-12);
    assert.deepEqual(s.month.unpricedModels, ['claude-nova-9-20261001']);
    assert.ok(s.activeBlock, 'the block started 23:00Z is active at 00:30Z');
    assert.equal(s.activeBlock!.projection?.estimate, true);

    const tree = buildMetricsTree(snap, { timeZone: 'UTC', nowSeconds: nowMs / 1000 });
    const usage = tree.find((n) => n.id === 'section:usage')!;
    assert.equal(usage.label, 'Usage');
    assert.equal(usage.dashboardSection, 'usage', '"Open in Dashboard" opens the Usage tab');
    assert.equal(usage.description, `today $${expectedToday.toFixed(2)}, this month $${(s.month.cost ?? 0).toFixed(2)} + no price`);
  } finally {
    snap.close();
  }
});

test('cleanupPeriodDays: transcripts about to be deleted and not imported are named; imported ones are not', async () => {
  const dir = tempDir('cc-cleanup');
  const config = path.join(dir, '.claude');
  const truth = generateClaudeHistory({ dir: config });
  fs.writeFileSync(path.join(config, 'settings.json'), JSON.stringify({ cleanupPeriodDays: 7 }));
  const nowMs = Date.UTC(2026, 3, 1);
  const old = new Date(nowMs - 6 * 86400_000);
  for (const f of truth.files) fs.utimesSync(f, old, old);
  const fresh = new Date(nowMs - 86400_000);
  fs.utimesSync(truth.files[3], fresh, fresh);
  // nothing imported: the three old transcripts are at risk (deleted within 3 days), the fresh one is not
  let risk = cleanupRisk(null, [config], { nowMs });
  assert.equal(risk.cleanupPeriodDays, 7);
  assert.deepEqual(risk.atRisk.sort(), truth.files.slice(0, 3).sort());
  // imported: no risk left
  const db = path.join(dir, 't.db');
  await migrateSources(db, [config], { claudeCode: { prices: BUNDLED_PRICES } });
  const snap = await openSnapshot(db);
  try {
    risk = cleanupRisk(snap, [config], { nowMs });
    assert.deepEqual(risk.atRisk, []);
  } finally {
    snap.close();
  }
  // a line appended to an old transcript after the import puts it at risk again
  fs.appendFileSync(truth.files[0], '{"type":"user"}\n');
  fs.utimesSync(truth.files[0], old, old);
  const snap2 = await openSnapshot(db);
  try {
    assert.deepEqual(cleanupRisk(snap2, [config], { nowMs }).atRisk, [truth.files[0]]);
  } finally {
    snap2.close();
  }
});
