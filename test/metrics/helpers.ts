import assert from 'node:assert/strict';

/**
 * Deep-compares, treating numbers as equal within `relative` (default 1e-9: sums of decimal
 * fractions in another order).
 */
export function assertClose(actual: unknown, expected: unknown, path = '$', relative = 1e-9): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    assert.ok(Math.abs(actual - expected) <= relative * Math.max(1, Math.abs(expected)), `${path}: ${actual} ≠ ${expected}`);
    return;
  }
  if (Array.isArray(expected)) {
    assert.ok(Array.isArray(actual), `${path}: not an array`);
    assert.equal((actual as unknown[]).length, expected.length, `${path}: length ${JSON.stringify(actual)}`);
    expected.forEach((e, i) => assertClose((actual as unknown[])[i], e, `${path}[${i}]`, relative));
    return;
  }
  if (expected !== null && typeof expected === 'object') {
    assert.ok(actual !== null && typeof actual === 'object', `${path}: not an object`);
    for (const [k, v] of Object.entries(expected)) assertClose((actual as Record<string, unknown>)[k], v, `${path}.${k}`, relative);
    return;
  }
  assert.equal(actual, expected, path);
}
