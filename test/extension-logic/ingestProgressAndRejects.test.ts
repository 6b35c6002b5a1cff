import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSqlJs } from '../../src/core/db/sqljs';
import { ensureSchema } from '../../src/core/schema';
import { chosenSourcesKey, filesToFollow, loadChosenSources, saveChosenSources, selectChosen, type MementoLike } from '../../src/extension/ingest/chosenSources';
import { rejectPickLabel, rejectsDocument } from '../../src/extension/ingest/messages';
import { ProgressTracker, progressMessage } from '../../src/extension/ingest/progressText';
import { parseLocationLine } from '../../src/extension/ingest/rejectLinks';
import { readRejects } from '../../src/extension/ingest/rejectsQuery';

describe('progress notification updates', () => {
  test('messages per phase', () => {
    const base = { bytesDone: 0, bytesTotal: 0, rowsInserted: 0 };
    assert.equal(progressMessage({ ...base, phase: 'discover' }), 'Finding telemetry files…');
    assert.equal(
      progressMessage({ phase: 'read', path: '/h/.claude/routing-metrics.jsonl', bytesDone: 12 * 1024 * 1024, bytesTotal: 240 * 1024 * 1024, rowsInserted: 51234 }),
      'Reading routing-metrics.jsonl — 12.0 MB of 240.0 MB, 51,234 new rows',
    );
    assert.equal(progressMessage({ ...base, phase: 'write', rowsInserted: 7 }), 'Writing 7 new rows to the database…');
  });

  test('increments add up to exactly 100, never go backwards, and are throttled within a phase', () => {
    const t = new ProgressTracker(100);
    const steps = [];
    let now = 0;
    steps.push(t.next({ phase: 'discover', bytesDone: 0, bytesTotal: 0, rowsInserted: 0 }, now));
    for (let done = 0; done <= 1000; done += 50) {
      now += 30;
      steps.push(t.next({ phase: 'read', bytesDone: done, bytesTotal: 1000, rowsInserted: done }, now));
    }
    // a stale, smaller value must not move the bar back
    now += 500;
    steps.push(t.next({ phase: 'read', bytesDone: 10, bytesTotal: 1000, rowsInserted: 0 }, now));
    steps.push(t.next({ phase: 'write', bytesDone: 1000, bytesTotal: 1000, rowsInserted: 1000 }, (now += 1)));
    steps.push(t.next({ phase: 'done', bytesDone: 1000, bytesTotal: 1000, rowsInserted: 1000 }, (now += 1)));
    const shown = steps.filter((s) => s !== undefined);
    assert.ok(shown.length < steps.length, 'some updates were throttled');
    assert.ok(shown.every((s) => s.increment >= 0));
    assert.equal(Math.round(shown.reduce((sum, s) => sum + s.increment, 0) * 1e6) / 1e6, 100);
  });
});

class MemoryMemento implements MementoLike {
  private values = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return this.values.get(key) as T | undefined;
  }
  update(key: string, value: unknown): Thenable<void> {
    this.values.set(key, value);
    return Promise.resolve();
  }
}

describe('chosen sources (globalState, per database)', () => {
  test('round trip per database; malformed or empty choices are ignored', async () => {
    const m = new MemoryMemento();
    assert.equal(loadChosenSources(m, '/db/a.db'), undefined);
    const chosen = { roots: ['/h/.claude'], files: ['/h/.claude/tool-usage.jsonl'], streams: ['/h/.claude/tool-usage.jsonl'], savedAt: 5 };
    await saveChosenSources(m, '/db/a.db', chosen);
    assert.deepEqual(loadChosenSources(m, '/db/a.db'), chosen);
    assert.equal(loadChosenSources(m, '/db/other.db'), undefined, 'another database has its own choice');
    await m.update(chosenSourcesKey('/db/a.db'), { roots: 'x', files: [] });
    assert.equal(loadChosenSources(m, '/db/a.db'), undefined);
    await m.update(chosenSourcesKey('/db/a.db'), { roots: [], files: [], streams: [] });
    assert.equal(loadChosenSources(m, '/db/a.db'), undefined);
  });

  test('live ingest follows picked files and fully imported ones, not files deliberately left out', () => {
    const files = [
      { path: '/d/a.jsonl', newLines: 5 }, // picked
      { path: '/d/b.jsonl', newLines: 0 }, // nothing new: imported before
      { path: '/d/c.jsonl', newLines: 7 }, // unpicked with new lines: excluded on purpose
    ];
    assert.deepEqual(filesToFollow(files, ['/d/a.jsonl']), ['/d/a.jsonl', '/d/b.jsonl']);
  });

  test('a chosen file brings its rotated copies (same stream) but not other files', () => {
    const chosen = { roots: [], files: ['/d/tool-usage.jsonl'], streams: ['/d/tool-usage'], savedAt: 0 };
    const discovered = [
      { path: '/d/tool-usage.jsonl', stream: '/d/tool-usage' },
      { path: '/d/tool-usage.jsonl.1', stream: '/d/tool-usage' },
      { path: '/d/tool-usage-2026-01-28.jsonl', stream: '/d/tool-usage' },
      { path: '/d/routing-metrics.jsonl', stream: '/d/routing-metrics' },
    ];
    assert.deepEqual(selectChosen(discovered, chosen), ['/d/tool-usage.jsonl', '/d/tool-usage.jsonl.1', '/d/tool-usage-2026-01-28.jsonl']);
  });
});

describe('rejected lines', () => {
  test('links: file:line at the start of an entry line, ~ expanded, spaces in paths', () => {
    assert.deepEqual(parseLocationLine('  ~/.claude/git-activity.jsonl:17  json  {"a":', '/home/ada'), {
      path: '/home/ada/.claude/git-activity.jsonl',
      line: 17,
      start: 2,
      end: 2 + '~/.claude/git-activity.jsonl:17'.length,
    });
    assert.equal(parseLocationLine('  /My Logs/x.jsonl:3  json  {', '/h')?.path, '/My Logs/x.jsonl');
    assert.equal(parseLocationLine('~/.claude/git-activity.jsonl  (git-activity.jsonl)', '/h'), undefined);
    assert.equal(parseLocationLine('  ~/.claude/skill_metrics.json [element 3]  required  {}', '/h'), undefined);
  });

  test('every location line of the rejects document is a link target', () => {
    const rows = [
      { path: '/home/ada/.claude/git-activity.jsonl', line: 3, reason: 'json', raw: '{"message":"cut\\' },
      { path: '/tmp/a b/junk.jsonl', line: 12, reason: 'not-object', raw: '[1]' },
    ];
    const doc = rejectsDocument(rows, '/home/ada').split('\n');
    const links = doc.map((l) => parseLocationLine(l, '/home/ada')).filter((x) => x !== undefined);
    assert.deepEqual(links.map((l) => [l.path, l.line]), [
      ['/home/ada/.claude/git-activity.jsonl', 3],
      ['/tmp/a b/junk.jsonl', 12],
    ]);
  });

  test('readRejects reads ingest_rejects from a real schema (sql.js), capped, with reasons and details', async () => {
    const SQL = await loadSqlJs();
    const db = new SQL.Database();
    try {
      assert.deepEqual(readRejects(db), { rows: [], total: 0 }, 'an unmigrated database has no rejects');
      ensureSchema(db);
      db.run(`INSERT INTO ingest_streams (id, stream_key, kind, table_name, created_at) VALUES (1, '/d/git-activity', 'git-activity', 'git_events', 0), (2, '/d/skill_metrics', 'skill-metrics', 'skill_invocation', 0)`);
      db.run(`INSERT INTO ingest_sources (id, path, stream_id, kind, table_name, format, first_seen_at, last_run_at) VALUES (1, '/d/git-activity.jsonl', 1, 'git-activity', 'git_events', 'jsonl', 0, 0), (2, '/d/skill_metrics.json', 2, 'skill-metrics', 'skill_invocation', 'json-document', 0, 0)`);
      const insert = db.prepare(
        `INSERT INTO ingest_rejects (source_id, stream_id, line, reason, detail, raw, raw_bytes, raw_hash, raw_seq, first_seen_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, 1, 100, 200)`,
      );
      insert.run([1, 1, 9, 'timestamp', 'ts "soon" is not a time', '{"ts":"soon"}', 13, 1]);
      insert.run([1, 1, 3, 'json', null, 'x'.repeat(4096), 4096, 2]);
      insert.run([2, 2, 2, 'required', 'skill_name missing', '{}', 2, 3]);
      insert.free();
      const page = readRejects(db);
      assert.equal(page.total, 3);
      assert.deepEqual(
        page.rows.map((r) => [r.path, r.line, r.reason, r.raw.length, r.inDocument, r.at]),
        [
          ['/d/git-activity.jsonl', 3, 'json', 1000, false, 200],
          ['/d/git-activity.jsonl', 9, 'timestamp (ts "soon" is not a time)', 13, false, 200],
          ['/d/skill_metrics.json', 2, 'required (skill_name missing)', 2, true, 200],
        ],
      );
      assert.deepEqual(page.rows.map(rejectPickLabel), ['git-activity.jsonl:3', 'git-activity.jsonl:9', 'skill_metrics.json [element 2]']);
      assert.equal(readRejects(db, 1).rows.length, 1);
      assert.equal(readRejects(db, 1).total, 3);
    } finally {
      db.close();
    }
  });
});
