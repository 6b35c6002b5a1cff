import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildPreviewItems, isFileItem, previewTitle, SEPARATOR_KIND } from '../../src/extension/ingest/previewItems';
import { formatBytes } from '../../src/extension/ingest/format';
import {
  ingestSummaryMessage,
  rejectExcerpt,
  rejectsDocument,
  statusBarIngestSummary,
  writeConflictMessage,
  verifyReportMarkdown,
  verifySummaryMessage,
} from '../../src/extension/ingest/messages';
import type { AuditedFile, IngestedFile } from '../../src/extension/ingest/viewModel';

const home = '/home/ada';
const audit: AuditedFile[] = [
  { path: '/home/ada/.claude/data/tool-usage.jsonl', kind: 'tool-usage', table: 'tool_events', sizeBytes: 2_400_000, lines: 12_000, newLines: 1_234, rejected: 2, pending: 1, freshness: 'live' },
  { path: '/home/ada/.claude/data/routing-metrics.jsonl', kind: 'routing-metrics', table: 'routing_metrics_events', sizeBytes: 512, lines: 3, newLines: 0 },
  { path: '/ws/app/.claude/permission_events.jsonl', kind: 'inferred', table: 'permission_events', sizeBytes: 10_240, lines: 1, newLines: 1, freshness: 'frozen' },
];

describe('Migrate JSONL preview items', () => {
  test('one separator per folder, files by name, exact texts', () => {
    const items = buildPreviewItems(audit, home);
    assert.deepEqual(
      items.map((i) => (isFileItem(i) ? [i.label, i.description, i.detail, i.picked] : [i.kind, i.label])),
      [
        [SEPARATOR_KIND, '~/.claude/data'],
        ['routing-metrics.jsonl', 'nothing new → routing_metrics_events · 512 B', 'routing-metrics · 3 lines in file', false],
        ['tool-usage.jsonl', '1,234 new lines → tool_events · 2.3 MB', 'tool-usage · 12,000 lines in file · 2 lines rejected · 1 line still being written · live', true],
        [SEPARATOR_KIND, '/ws/app/.claude'],
        ['permission_events.jsonl', '1 new line → permission_events · 10.0 KB', 'inferred · 1 line in file · frozen', true],
      ],
    );
    const picked = items.filter(isFileItem).filter((i) => i.picked).map((i) => i.file.path);
    assert.deepEqual(picked, ['/home/ada/.claude/data/tool-usage.jsonl', '/ws/app/.claude/permission_events.jsonl']);
  });

  test('title counts new lines and files', () => {
    assert.equal(previewTitle(audit), 'Telemetry: Migrate JSONL — 1,235 new lines in 2 files (3 files found)');
    assert.equal(previewTitle([]), 'Telemetry: Migrate JSONL — no telemetry files found');
    assert.equal(previewTitle([audit[1]]), 'Telemetry: Migrate JSONL — everything is already imported (1 file found)');
  });

  test('sizes', () => {
    assert.equal(formatBytes(0), '0 B');
    assert.equal(formatBytes(1023), '1023 B');
    assert.equal(formatBytes(1024), '1.0 KB');
    assert.equal(formatBytes(240 * 1024 * 1024), '240.0 MB');
  });
});

function ingested(p: Partial<IngestedFile>): IngestedFile {
  return { path: '/x.jsonl', kind: 'k', table: 't', lines: 0, inserted: 0, present: 0, rejected: 0, blank: 0, pending: 0, ...p };
}

describe('summary, verify and rejects texts', () => {
  test('status bar line', () => {
    const view = { files: [ingested({ inserted: 1234, rejected: 2 }), ingested({ pending: 1 })], migrationsApplied: [], durationMs: 1, cancelled: false };
    assert.equal(statusBarIngestSummary(view, 'live'), '+1,234 rows from 2 files · 2 rejected · 1 pending · live');
    assert.equal(statusBarIngestSummary({ ...view, files: [ingested({ inserted: 1 })] }, 'manual'), '+1 row from 1 file · Migrate JSONL');
  });

  test('summary notification sums every file', () => {
    const view = {
      files: [ingested({ inserted: 1000, present: 5, rejected: 2 }), ingested({ inserted: 234, present: 51 })],
      migrationsApplied: [],
      durationMs: 10,
      cancelled: false,
    };
    assert.equal(ingestSummaryMessage(view), 'Telemetry: imported 1,234 rows from 2 files — 56 already present, 2 rejected.');
    view.files[0].pending = 1;
    assert.match(ingestSummaryMessage(view), /1 line still being written \(imported once complete\)\.$/);
    assert.equal(ingestSummaryMessage({ ...view, cancelled: true }), 'Telemetry: migration cancelled — nothing was written.');
    assert.equal(
      ingestSummaryMessage({ files: [ingested({ inserted: 1 })], migrationsApplied: [], durationMs: 1, cancelled: false }),
      'Telemetry: imported 1 row from 1 file — 0 already present, 0 rejected.',
    );
  });

  test('verify texts', () => {
    assert.equal(verifySummaryMessage({ ok: true, sourcesChecked: 7, findings: [] }), 'Telemetry: all 7 sources match the database.');
    const bad = {
      ok: false,
      sourcesChecked: 7,
      findings: [
        { kind: 'source' as const, path: '/home/ada/.claude/a.jsonl', table: 'tool_events', message: '1 of 10 rows not in the database' },
        { kind: 'skill-total' as const, message: 'skill "x": total_invocations is 5 in skill_metrics.json, 6 in the database' },
      ],
    };
    assert.equal(
      verifySummaryMessage(bad),
      'Telemetry: verify found 2 mismatches in 7 sources: 1 source with rows missing from the database; 1 skill total in skill_metrics.json differing from the imported invocations.',
    );
    assert.equal(
      verifyReportMarkdown(bad, home),
      [
        '# Telemetry Lens — Verify Sources',
        '',
        'verify found 2 mismatches in 7 sources: 1 source with rows missing from the database; 1 skill total in skill_metrics.json differing from the imported invocations.',
        '',
        '## `~/.claude/a.jsonl`',
        '',
        '- `tool_events`: 1 of 10 rows not in the database',
        '',
        '## Other',
        '',
        '- skill "x": total_invocations is 5 in skill_metrics.json, 6 in the database',
        '',
      ].join('\n'),
    );
  });

  test('write conflict message names the holder once', () => {
    assert.equal(
      writeConflictMessage('could not write /d/t.db after 5 tries: another program has the database open in WAL mode (/d/t.db-wal exists); held open by python3 (pid 7)'),
      'Telemetry: could not write /d/t.db after 5 tries: another program has the database open in WAL mode (/d/t.db-wal exists); held open by python3 (pid 7)',
    );
    assert.equal(writeConflictMessage('/d/t.db is locked by telemetry-lens cli (pid 9)'), 'Telemetry: could not write the database — /d/t.db is locked by telemetry-lens cli (pid 9)');
  });

  test('reject excerpts stay readable: capped, control characters replaced', () => {
    assert.equal(rejectExcerpt('{"a":1\u0000\u0001}'), '{"a":1\uFFFD\uFFFD}');
    const long = rejectExcerpt('x'.repeat(5_000_000));
    assert.equal(long, `${'x'.repeat(200)}… (5,000,000 chars)`);
  });

  test('rejects document groups by file', () => {
    const doc = rejectsDocument(
      [
        { path: '/home/ada/.claude/git-activity.jsonl', line: 3, reason: 'json', raw: '{"message":"cut\\' },
        { path: '/home/ada/.claude/git-activity.jsonl', line: 9, reason: 'timestamp', raw: '{"ts":"soon"}' },
        { path: '/tmp/junk.jsonl', line: 1, reason: 'not-object', raw: '[1,2]' },
      ],
      home,
    );
    assert.equal(
      doc,
      [
        'Telemetry Lens — rejected lines (3)',
        'Each entry: file:line  reason  raw text (excerpt). Fix the line in its file and run "Telemetry: Migrate JSONL" again.',
        '',
        '~/.claude/git-activity.jsonl  (git-activity.jsonl)',
        '  ~/.claude/git-activity.jsonl:3  json  {"message":"cut\\',
        '  ~/.claude/git-activity.jsonl:9  timestamp  {"ts":"soon"}',
        '',
        '/tmp/junk.jsonl  (junk.jsonl)',
        '  /tmp/junk.jsonl:1  not-object  [1,2]',
        '',
      ].join('\n'),
    );
    assert.match(rejectsDocument([], home), /No rejected lines/);
  });
});
