/**
 * The messy lines real writers produce, placed among ordinary records by generateTelemetry:
 * each says what the importer must make of it (a row, a blank, or a reject with its reason).
 */
import { Prng } from './prng';
import * as r from './records';

export type RejectReason = 'json' | 'timestamp' | 'success';

/** A raw line that is not a plain serialised record, with what the importer must do with it. */
export interface SpecialLine {
  at: number; // insert before the ordinary record with this index
  bytes: Buffer;
  effect: 'row' | 'blank' | RejectReason;
}

export const json = (o: unknown): Buffer => Buffer.from(JSON.stringify(o), 'utf8');

/** Git hooks cut messages at 100 bytes: inside a multi-byte character, or after a backslash. */
export function gitSpecials(rng: Prng, times: number[]): SpecialLine[] {
  const base = { ts: Math.floor(times[1] / 1000), type: 'commit', repo: 'dotfiles', branch: 'main', author: 'Zoë Ångström', files: 1, insertions: 3, deletions: 0 };
  // "é" is 0xC3 0xA9; keep only 0xC3 to make the invalid byte sequence the formats doc describes
  const head = Buffer.from(JSON.stringify({ ...base, hash: rng.hex(8), message: 'PLACEHOLDER' }), 'utf8');
  const [pre, post] = head.toString('latin1').split('PLACEHOLDER');
  const cutMessage = Buffer.concat([Buffer.from('docs: r', 'utf8'), Buffer.from([0xc3])]);
  const brokenUtf8 = Buffer.concat([Buffer.from(pre, 'latin1'), cutMessage, Buffer.from(post, 'latin1')]);
  const loneBackslash = Buffer.from(`{"ts":${Math.floor(times[2] / 1000)},"type":"commit","repo":"webapp","hash":"${rng.hex(8)}","message":"fix: escape C:\\","files":1}`, 'utf8');
  return [
    { at: 1, bytes: brokenUtf8, effect: 'row' },
    { at: 2, bytes: loneBackslash, effect: 'json' },
  ];
}

export function toolUsageSpecials(rng: Prng, times: number[]): SpecialLine[] {
  const dup = json(r.toolUsage(new Prng(times[3]), times[3], 3));
  return [
    { at: 3, bytes: dup, effect: 'row' }, // a genuine identical event: both copies are kept
    { at: 3, bytes: dup, effect: 'row' },
    { at: 4, bytes: Buffer.alloc(0), effect: 'blank' },
    { at: 5, bytes: json({ ts: 'yesterday', tool: 'Bash', session: rng.hex(8), success: true }), effect: 'timestamp' },
    { at: 6, bytes: Buffer.from('   ', 'utf8'), effect: 'blank' },
  ];
}

export const selfHealSpecials = (_rng: Prng, times: number[]): SpecialLine[] => [
  { at: 4, bytes: json({ ts: Math.floor(times[4] / 1000), error_pattern: 'port_in_use', fix_applied: 'kill stale process' }), effect: 'success' },
];

