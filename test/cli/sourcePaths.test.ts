import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { cli } from './helpers';

// The CLI resolves its paths with the same core source resolution as the extension's
// telemetryLens.sources setting: a quoted glob is expanded and follows the excludes.
test('audit/migrate take a quoted glob like the sources setting, with the same exclude rule', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-cli-glob-'));
  try {
    for (const machine of ['a', 'b']) {
      fs.mkdirSync(path.join(dir, machine, '.claude', 'projects', 'p'), { recursive: true });
      fs.writeFileSync(path.join(dir, machine, '.claude', 'tool-usage.jsonl'), `{"timestamp":"2026-11-01T10:00:00Z","tool":"Bash","session_id":"${machine}"}\n`);
      // an unknown *.jsonl under an excluded folder: the glob matches it, the exclude rule drops it
      fs.writeFileSync(path.join(dir, machine, '.claude', 'projects', 'p', 'notes.jsonl'), '{"timestamp":"2026-11-01T10:00:00Z","x":1}\n');
    }
    const db = path.join(dir, 't.db');
    const r = await cli(['migrate', '--db', db, '--json', '--no-claude-code', path.join(dir, '*', '.claude', '**', '*.jsonl')]);
    assert.equal(r.code, 0, r.err);
    const result = JSON.parse(r.out);
    const files = result.sources.map((s: { path: string }) => path.relative(dir, s.path)).sort();
    assert.deepEqual(files, [path.join('a', '.claude', 'tool-usage.jsonl'), path.join('b', '.claude', 'tool-usage.jsonl')]);

    const none = await cli(['audit', path.join(dir, '*', 'nothing-*.jsonl')]);
    assert.equal(none.code, 2);
    assert.match(none.err, /no file matches/);
    assert.equal(none.err.trim().split('\n').length, 1, none.err);

    const missing = await cli(['audit', path.join(dir, 'typo')]);
    assert.equal(missing.code, 2);
    assert.match(missing.err, /typo: no such file or folder — check the path/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
