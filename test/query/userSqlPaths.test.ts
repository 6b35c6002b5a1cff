import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, test } from 'node:test';
import { MAX_ROWS_SHOWN, queryLimitsFromSettings, queryResultMarkdown, resultSummary } from '../../src/core/query/resultText';
import { repoRoot } from './helpers';

function* sources(dir: string): Generator<string> {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* sources(p);
    else if (e.name.endsWith('.ts')) yield p;
  }
}

describe('every path that runs user SQL goes through the limited runner', () => {
  test('CLI query and Run Query use runUserQuery (child process, time limit, cap, cancel), never a snapshot of their own', () => {
    for (const file of ['src/cli/commands/query.ts', 'src/extension/commands/runQuery.ts']) {
      const text = fs.readFileSync(path.join(repoRoot, file), 'utf8');
      assert.match(text, /runUserQuery\(/, file);
      assert.match(text, /signal: cancel\.signal/, `${file} passes a cancel signal`);
      assert.doesNotMatch(text, /openSnapshot|withWrite|\.exec\(|\.prepare\(/, `${file} runs no SQL itself`);
    }
    const runQuery = fs.readFileSync(path.join(repoRoot, 'src/extension/commands/runQuery.ts'), 'utf8');
    assert.match(runQuery, /cancellable: true/);
    assert.match(runQuery, /'query\.timeoutSeconds'/);
    assert.match(runQuery, /'query\.maxRows'/);
  });

  test('only the query child executes user SQL (executeUserSql is used nowhere else)', () => {
    const users = [...sources(path.join(repoRoot, 'src'))]
      .filter((f) => /executeUserSql\(|from '.*query\/execute'/.test(fs.readFileSync(f, 'utf8')))
      .map((f) => path.relative(repoRoot, f))
      .sort();
    assert.deepEqual(users, ['src/core/query/execute.ts', 'src/core/query/query.worker.ts']);
  });

  test('the settings exist with their defaults (30 s, 10,000 rows) and the child script ships in the .vsix', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
    const props = pkg.contributes.configuration.properties;
    assert.equal(props['telemetryLens.query.timeoutSeconds'].default, 30);
    assert.equal(props['telemetryLens.query.maxRows'].default, 10_000);
    assert.match(fs.readFileSync(path.join(repoRoot, '.vscodeignore'), 'utf8'), /^!dist\/\*\.worker\.js$/m);
    assert.match(fs.readFileSync(path.join(repoRoot, 'scripts/build.mjs'), 'utf8'), /\.worker\.ts/);
    assert.ok(fs.existsSync(path.join(repoRoot, 'src/core/query/query.worker.ts')));
  });

  test('settings become limits; nonsense falls back to the defaults', () => {
    assert.deepEqual(queryLimitsFromSettings(5, 100), { timeoutMs: 5000, maxRows: 100 });
    assert.deepEqual(queryLimitsFromSettings(0, 1), { timeoutMs: 0, maxRows: 1 });
    assert.deepEqual(queryLimitsFromSettings('x', -3), { timeoutMs: 30_000, maxRows: 10_000 });
  });

  test('the result document says how many rows the cap held back and what the editor does not show', () => {
    const values = Array.from({ length: MAX_ROWS_SHOWN + 5 }, (_, i) => [i]);
    const md = queryResultMarkdown('SELECT n -- c', ['n'], values, { rows: 12_345, exact: true });
    assert.match(md, /^<!-- SELECT n - - c -->/);
    assert.match(md, /Showing 2,000 of 2,005 fetched rows/);
    assert.match(md, /12,345 more rows not fetched: the row cap is telemetryLens\.query\.maxRows/);
    assert.equal(md.split('\n').filter((l) => l.startsWith('| ')).length, 1 + MAX_ROWS_SHOWN);
    assert.equal(resultSummary(3, { rows: 7, exact: false }), '3 rows fetched; at least 7 more rows not fetched (telemetryLens.query.maxRows)');
    assert.equal(resultSummary(1, null), '1 row');
  });
});
