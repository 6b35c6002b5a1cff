import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { appendTelemetryLines, generateTelemetry, writeBigRoutingMetrics } from '../../src/sample';

const NOW = Date.parse('2026-01-28T12:00:00Z');
const tmp = (): string => fs.mkdtempSync(path.join(os.tmpdir(), 'tl-sample-'));

/** Classifies a file's lines independently of the generator (UTF-8 with replacement, BOM, CRLF). */
function classify(file: string): { lines: number; blank: number; parsed: Record<string, unknown>[]; badJson: number; pendingTail: string | null } {
  let text = new TextDecoder('utf-8', { fatal: false }).decode(fs.readFileSync(file));
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const parts = text.split('\n');
  const tail = parts.pop()!;
  const out = { lines: parts.length, blank: 0, parsed: [] as Record<string, unknown>[], badJson: 0, pendingTail: tail === '' ? null : tail };
  for (const raw of parts) {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') out.blank++;
    else {
      try {
        out.parsed.push(JSON.parse(line));
      } catch {
        out.badJson++;
      }
    }
  }
  return out;
}

describe('sample telemetry generator', () => {
  const dir = tmp();
  const corpus = generateTelemetry({ outDir: dir, eventsPerSource: 40, seed: 7, now: NOW });

  test('is deterministic for the same options', () => {
    const again = generateTelemetry({ outDir: tmp(), eventsPerSource: 40, seed: 7, now: NOW });
    for (const [i, f] of corpus.files.entries()) assert.ok(fs.readFileSync(f.path).equals(fs.readFileSync(again.files[i].path)), f.path);
    const other = generateTelemetry({ outDir: tmp(), eventsPerSource: 40, seed: 8, now: NOW });
    assert.ok(!fs.readFileSync(corpus.files[0].path).equals(fs.readFileSync(other.files[0].path)));
  });

  test('lays files out like ~/.claude, covering every known source and an unknown one', () => {
    assert.equal(corpus.root, path.join(dir, '.claude'));
    const names = corpus.files.map((f) => path.basename(f.path)).sort();
    for (const name of ['routing-metrics.jsonl', 'routing-metrics.jsonl.1', 'self-heal-outcomes.jsonl', 'recovery-outcomes.jsonl', 'git-activity.jsonl', 'coordination-log.jsonl', 'expertise-routing.jsonl', 'tool-usage.jsonl', 'tool-usage-2026-01-28.jsonl', 'tool-success.jsonl', 'activity-events.jsonl', 'session-outcomes.jsonl', 'skill_metrics.json', 'skill-invocations.jsonl', 'permission_events.jsonl']) {
      assert.ok(names.includes(name), name);
    }
    assert.equal(Object.keys(corpus.tables).length, 11);
  });

  test('each JSONL file holds the lines, blanks, JSON rejects and pending tail it claims', () => {
    for (const f of corpus.files.filter((x) => x.path.endsWith('.jsonl') || /\.jsonl\.\d+$/.test(x.path))) {
      const c = classify(f.path);
      assert.equal(c.lines + (c.pendingTail === null ? 0 : 1), f.lines, `${f.path} lines`);
      assert.equal(c.blank, f.blank, `${f.path} blank`);
      assert.equal(c.badJson, f.rejected.json, `${f.path} json rejects`);
      assert.equal(c.parsed.length, f.rows + f.rejected.timestamp + f.rejected.success, `${f.path} parsed`);
      assert.equal(c.pendingTail !== null, f.pending === 1, `${f.path} pending`);
      assert.equal(f.lines, f.rows + f.blank + f.rejected.json + f.rejected.timestamp + f.rejected.success + f.pending);
    }
  });

  test('has the messy cases of telemetry-formats.md', () => {
    const bytes = (name: string): Buffer => fs.readFileSync(corpus.files.find((f) => path.basename(f.path) === name)!.path);
    assert.deepEqual([...bytes('tool-success.jsonl').subarray(0, 3)], [0xef, 0xbb, 0xbf]);
    assert.ok(bytes('coordination-log.jsonl').includes('\r\n'));
    const git = bytes('git-activity.jsonl');
    assert.ok(git.includes(Buffer.from([0x72, 0xc3, 0x22])), 'message cut inside a UTF-8 character');
    assert.ok(git.includes('C:\\"'), 'message ending in a lone backslash');
    assert.ok(!bytes('activity-events.jsonl').subarray(-1).equals(Buffer.from('\n')), 'half-written last line');
    const all = corpus.files.map((f) => fs.readFileSync(f.path, 'latin1')).join('\n');
    const forms: Record<string, RegExp> = {
      seconds: /"ts":1\d{9}[,}]/,
      floatSeconds: /"ts":1\d{9}\.\d+[,}]/,
      milliseconds: /"(ts|timestamp)":1\d{12}[,}]/,
      numericString: /"ts":"1\d{9}"/,
      isoZ: /"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"/,
      isoOffset: /"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d-08:00"/,
      isoNaiveMicro: /"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}"/,
      gitCi: /"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d -0800"/,
      dateOnly: /"date":"\d{4}-\d\d-\d\d"/,
      stringBoolean: /"success":"(true|false)"/,
      camelCase: /"sessionId":"/,
      dqScoreCamel: /"dqScore":/,
      unfinishedSkill: /"completed": false,\s+"duration_seconds": null/,
    };
    for (const [name, re] of Object.entries(forms)) assert.match(all, re, name);
    const doc = JSON.parse(bytes('skill_metrics.json').toString('utf8'));
    assert.equal(doc.invocations.length, 40);
    assert.ok(Object.keys(doc.skills).length > 0);
  });

  test('freshness comes out mixed and mtimes follow the last event', () => {
    const kinds = new Set(corpus.files.map((f) => f.freshness));
    assert.deepEqual([...kinds].sort(), ['frozen', 'live', 'stale']);
    for (const f of corpus.files) assert.equal(Math.floor(fs.statSync(f.path).mtimeMs / 1000), Math.floor(f.lastEventMs / 1000));
    const live = corpus.files.find((f) => f.freshness === 'live' && !f.path.endsWith('.1'))!;
    assert.ok(NOW - live.lastEventMs <= 5 * 60_000);
  });

  test('pendingRest completes the half-written line into one more valid record', () => {
    const f = corpus.files.find((x) => x.pending === 1)!;
    const before = classify(f.path);
    fs.appendFileSync(f.path, f.pendingRest!);
    const after = classify(f.path);
    assert.equal(after.pendingTail, null);
    assert.equal(after.parsed.length, before.parsed.length + 1);
  });

  test('appendTelemetryLines adds complete, parseable lines', () => {
    const file = corpus.files.find((f) => path.basename(f.path) === 'tool-usage.jsonl')!.path;
    const before = classify(file);
    assert.equal(appendTelemetryLines(file, 'tool-usage', 5, { now: NOW }), 5);
    const after = classify(file);
    assert.equal(after.lines, before.lines + 5);
    assert.equal(after.parsed.length, before.parsed.length + 5);
    assert.equal(after.pendingTail, null);
  });
});

test('writeBigRoutingMetrics streams both router shapes', () => {
  const file = path.join(tmp(), 'routing-metrics.jsonl');
  const stats = writeBigRoutingMetrics(file, 20_000, { seed: 3, now: NOW });
  const text = fs.readFileSync(file, 'utf8');
  assert.equal(stats.bytes, Buffer.byteLength(text));
  const lines = text.split('\n');
  assert.equal(lines.pop(), '');
  assert.equal(lines.length, 20_000);
  let evaluated = 0;
  let correctTrue = 0;
  for (const l of lines) {
    const o = JSON.parse(l);
    if ('actual_model' in o) {
      evaluated++;
      if (o.predicted_model === o.actual_model) correctTrue++;
      if ('correct' in o) assert.equal(String(o.correct), String(o.predicted_model === o.actual_model));
    } else assert.ok('query_hash' in o && 'model' in o);
  }
  assert.equal(evaluated, stats.evaluated);
  assert.equal(correctTrue, stats.correctTrue);
  const avg = stats.bytes / stats.lines;
  assert.ok(avg > 200 && avg < 280, `average line ${avg} bytes (1M lines should be ~240 MB)`);
});
