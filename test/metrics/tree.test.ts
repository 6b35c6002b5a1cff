import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { exportCsv, exportJson } from '../../src/extension/tree/exportFormat';
import { ageText, percentText, secondsText } from '../../src/extension/tree/format';
import { buildMetricsTree, type MetricsNode } from '../../src/extension/tree/metricsTreeModel';
import { fixtureDatabase, NOW } from './fixture';

const text = (n: MetricsNode) => `${n.label} ${n.description ?? ''}`;

describe('Metrics tree model (the labels the view shows)', async () => {
  const db = await fixtureDatabase();
  const roots = buildMetricsTree(db, { timeZone: 'UTC', nowSeconds: NOW });
  const byLabel = (label: string) => roots.find((r) => r.label === label)!;

  test('five sections in order, each with its headline', () => {
    assert.deepEqual(
      roots.map(text),
      [
        'Data sources 3 of 11 live, 6 stale, 2 frozen',
        'Skills 62.5% completed · p95 40 s · 8 runs',
        'Routing 60% accurate · 7 decisions',
        'Self-heal & Recovery self-heal 75% · recovery 75%',
        'Migrations 6 applied, 0 pending',
      ],
    );
    assert.match(roots[0].tooltip!, /^3 of 11 sources live, 6 stale, 2 frozen\./);
    assert.deepEqual(roots.map((r) => r.dashboardSection), ['sources', 'skills', 'routing', 'selfHeal', undefined]);
  });

  test('data sources: rows, freshness icon and last event', () => {
    const rows = byLabel('Data sources').children!;
    const routing = rows.find((r) => r.label === 'routing_metrics_events')!;
    assert.equal(routing.description, '7 rows · live · last 3 h ago');
    assert.deepEqual(routing.icon, { codicon: 'circle-filled', color: 'testing.iconPassed' });
    assert.equal(rows.find((r) => r.label === 'self_heal_events')!.icon!.color, 'list.warningForeground');
    assert.equal(rows.find((r) => r.label === 'activity_events')!.description, '3 rows · frozen · last 32 d ago');
    assert.match(routing.contextValue, /\brows\b/);
    assert.deepEqual(routing.rows, { table: 'routing_metrics_events' });
  });

  test('skills, models, self-heal patterns and recovery categories', () => {
    assert.deepEqual(byLabel('Skills').children!.map(text), [
      'deploy 80% completed · p95 40 s · 5 runs',
      'review 33.3% completed · p95 5 s · 3 runs',
    ]);
    assert.deepEqual(byLabel('Routing').children!.map(text), [
      'haiku 50% accurate · 3 decisions',
      'sonnet 50% accurate · 3 decisions',
      'opus 100% accurate · 1 decision',
    ]);
    const [heal, recovery] = byLabel('Self-heal & Recovery').children!;
    assert.equal(text(heal), 'Self-heal 75% success · 4 attempts');
    assert.deepEqual(heal.children!.map(text), ['npm-lock 66.7% success · 3 attempts', 'port-in-use 100% success · 1 attempt']);
    assert.equal(text(recovery), 'Recovery 75% success · 4 attempts');
    assert.deepEqual(recovery.children!.map((n) => n.rows), [
      { table: 'recovery_events', filters: { error_type: 'git' } },
      { table: 'recovery_events', filters: { error_type: 'network' } },
    ]);
    assert.deepEqual(byLabel('Migrations').children!.map((n) => n.label), ['V1__telemetry_core', 'V2__ingest_bookkeeping', 'V3__metrics_rollups', 'V4__writer_contract', 'V5__claude_code_usage', 'V6__ordered_identity']);
  });

  test('export: CSV with a column per field, JSON with the whole dataset', () => {
    const skills = byLabel('Skills');
    const csv = exportCsv(skills.exportData!).split('\r\n');
    assert.equal(csv[0], 'skillName,invocations,completed,abandoned,completionRatePercent,durationAvgSeconds,durationP50Seconds,durationP95Seconds,durationP99Seconds,lastInvokedAt');
    assert.equal(csv[1].split(',').slice(0, 5).join(','), 'deploy,5,4,1,80');
    const json = JSON.parse(exportJson(skills.exportData!));
    assert.equal(json.totals.invocations, 8);
    assert.equal(json.followUpActions[0].action, 'git commit');
  });

  test('short texts', () => {
    assert.equal(percentText(100 / 3), '33.3%');
    assert.equal(percentText(null), '—');
    assert.equal(secondsText(165.3), '2.8 min');
    assert.equal(secondsText(0.25), '250 ms');
    assert.equal(ageText(30), 'just now');
    assert.equal(ageText(3 * 86400), '3 d ago');
  });
});
