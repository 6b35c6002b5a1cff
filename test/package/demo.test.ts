import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateTelemetry } from '../../src/sample';

const root = path.resolve(__dirname, '..', '..');

test('npm run demo: builds, imports the sample exactly, verifies it and writes the static dashboard', () => {
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-demo-'));
  try {
    const run = spawnSync(process.execPath, [path.join(root, 'scripts/demo.mjs'), '--events', '40', '--out', out], { cwd: root, encoding: 'utf8', timeout: 180_000 });
    assert.equal(run.status, 0, `demo failed:\n${run.stdout}\n${run.stderr}`);
    // what the generator says it wrote (counts do not depend on the time of the run)
    const expectDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tl-demo-expect-'));
    const corpus = generateTelemetry({ outDir: expectDir, eventsPerSource: 40 });
    fs.rmSync(expectDir, { recursive: true, force: true });
    const rows = Object.values(corpus.tables).reduce((a, b) => a + b, 0);
    const rejects = corpus.files.reduce((a, f) => a + f.rejected.json + f.rejected.timestamp + f.rejected.success, 0);
    assert.match(run.stdout, new RegExp(`${corpus.files.length} files → ${Object.keys(corpus.tables).length} tables: ${rows.toLocaleString('en-US')} rows inserted, ${rejects} lines rejected`));
    assert.match(run.stdout, new RegExp(`${corpus.files.length} of ${corpus.files.length} sources: every line is in the database ✔`));
    assert.ok(fs.statSync(path.join(out, 'telemetry.db')).size > 0);
    const html = fs.readFileSync(path.join(out, 'dashboard.html'), 'utf8');
    assert.match(html, /<html/i);
    assert.match(run.stdout, new RegExp(`dashboard: file://${out.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/dashboard\\.html`));
    assert.match(run.stdout, /npm run package/);
  } finally {
    fs.rmSync(out, { recursive: true, force: true });
  }
});
