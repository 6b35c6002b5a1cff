import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { runCli } from '../../src/cli/main';
import { toCsv } from '../../src/core/query/queryFormat';
import { exportCsv } from '../../src/extension/tree/exportFormat';
import { pythonDb } from './helpers';

async function cli(...argv: string[]) {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (t) => (out += t + '\n'), err: (t) => (err += t + '\n') });
  return { code, out, err };
}

/** Text a spreadsheet would evaluate, and what the CSV must hold instead. */
const HOSTILE: [string, string][] = [
  ['=HYPERLINK("http://x","y")', `"'=HYPERLINK(""http://x"",""y"")"`],
  ['+1+cmd|\' /C calc\'!A0', `'+1+cmd|' /C calc'!A0`],
  ['-2+3', `'-2+3`],
  ['@SUM(A1)', `'@SUM(A1)`],
  ['\t=1', `'\t=1`],
  ['\r=1', `"'\r=1"`],
  ['-5', `'-5`],
  ['plain', 'plain'],
];

describe('CSV exports neutralise spreadsheet formulas; numbers stay numbers', () => {
  test('the CSV writer (CLI query csv and Run Query "Save as CSV")', () => {
    const csv = toCsv({ columns: ['v', 'n'], rows: HOSTILE.map(([v], i) => [v, i === 0 ? -5 : i === 1 ? -2.5 : i === 2 ? -9007199254740993n : null]) });
    const lines = csv.split('\r\n');
    assert.equal(lines[0], 'v,n');
    assert.equal(lines[1], `${HOSTILE[0][1]},-5`);
    assert.equal(lines[2], `${HOSTILE[1][1]},-2.5`);
    assert.equal(lines[3], `${HOSTILE[2][1]},-9007199254740993`);
    assert.ok(csv.includes(`${HOSTILE[5][1]},\r\n`));
    for (const [, want] of HOSTILE) assert.ok(csv.includes(want), want);
  });

  test('query --format csv on text python stored', async () => {
    const db = pythonDb(0, `con.execute("CREATE TABLE c (v TEXT, n INTEGER)")
con.executemany("INSERT INTO c VALUES (?,?)", [("=1+1", -5), ("@x", 7), ("ok", -1)])`);
    const r = await cli('query', '--db', db, 'SELECT v, n FROM c ORDER BY rowid', '--format', 'csv');
    assert.equal(r.code, 0, r.err);
    assert.deepEqual(r.out.trimEnd().split('\r\n'), ['v,n', `'=1+1,-5`, `'@x,7`, 'ok,-1']);
  });

  test('the tree\'s Export as CSV', () => {
    const csv = exportCsv({ rows: [{ skill: '=cmd()', calls: -3, note: '-x' }], json: null } as never);
    assert.deepEqual(csv.split('\r\n'), ['skill,calls,note', `'=cmd(),-3,'-x`, '']);
  });
});
