/**
 * Occurrence counter for 53-bit content hashes: open addressing over typed arrays (12 bytes a
 * slot) instead of a Map (~60 bytes an entry), so a million-row backfill keeps its row
 * identity bookkeeping in ~24 MB.
 */
const EMPTY = -1;

export class HashCounter {
  private keys: Float64Array;
  private counts: Uint32Array;
  private mask: number;
  private size = 0;

  constructor(initialCapacity = 1 << 16) {
    let cap = 1;
    while (cap < initialCapacity * 2) cap <<= 1;
    this.keys = new Float64Array(cap).fill(EMPTY);
    this.counts = new Uint32Array(cap);
    this.mask = cap - 1;
  }

  /** Adds one occurrence of `hash` (≥ 0) and returns its count so far. */
  increment(hash: number): number {
    const keys = this.keys;
    let i = (hash >>> 0) & this.mask;
    for (;;) {
      const k = keys[i];
      if (k === hash) return ++this.counts[i];
      if (k === EMPTY) break;
      i = (i + 1) & this.mask;
    }
    keys[i] = hash;
    this.counts[i] = 1;
    if (++this.size * 2 > keys.length) this.grow();
    return 1;
  }

  /** Adds `n` occurrences of `hash` (≥ 0), e.g. the copies a database already holds. */
  add(hash: number, n: number): void {
    if (n <= 0) return;
    const i = this.slot(hash);
    if (this.keys[i] === hash) {
      this.counts[i] += n;
      return;
    }
    this.keys[i] = hash;
    this.counts[i] = n;
    if (++this.size * 2 > this.keys.length) this.grow();
  }

  /** Takes one occurrence of `hash` if one is left (true), else false. */
  take(hash: number): boolean {
    const i = this.slot(hash);
    if (this.keys[i] !== hash || this.counts[i] === 0) return false;
    this.counts[i]--;
    return true;
  }

  /** The slot holding `hash`, else the empty slot where it would go. */
  private slot(hash: number): number {
    const keys = this.keys;
    let i = (hash >>> 0) & this.mask;
    for (;;) {
      const k = keys[i];
      if (k === hash || k === EMPTY) return i;
      i = (i + 1) & this.mask;
    }
  }

  get distinct(): number {
    return this.size;
  }

  private grow(): void {
    const oldKeys = this.keys;
    const oldCounts = this.counts;
    const cap = oldKeys.length * 2;
    this.keys = new Float64Array(cap).fill(EMPTY);
    this.counts = new Uint32Array(cap);
    this.mask = cap - 1;
    for (let j = 0; j < oldKeys.length; j++) {
      const k = oldKeys[j];
      if (k === EMPTY) continue;
      let i = (k >>> 0) & this.mask;
      while (this.keys[i] !== EMPTY) i = (i + 1) & this.mask;
      this.keys[i] = k;
      this.counts[i] = oldCounts[j];
    }
  }
}
