/**
 * Seeded randomness for the demo-district generator and every seeded history. Everything they draw comes from
 * here (never `Math.random`), so a seed always gives the same district.
 *
 * Streams are derived per thing (per block, per building, per household) with `hash32`, rather
 * than drawn from one long sequence: a change in how one block is filled then leaves every other
 * block as it was, and households can be generated in any batch order.
 */

/** Mixes any number of 32-bit integers into one well-distributed 32-bit value (murmur3 finaliser). */
export function hash32(...values: number[]): number {
  let h = 0x9e3779b9;
  for (const value of values) {
    let k = Math.imul(value | 0, 0xcc9e2d51);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, 0x1b873593);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  h ^= values.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Uniform [0, 1) from a hash of the given integers: randomness without carrying a stream. */
export const hashUnit = (...values: number[]): number => hash32(...values) / 4294967296;

/** A small fast PRNG (mulberry32). Period 2^32 is plenty for one derived stream. */
export class Rng {
  private state: number;

  public constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** A stream for a sub-task, independent of how much this stream has been used. */
  public static derive(...keys: number[]): Rng {
    return new Rng(hash32(...keys));
  }

  /** Uniform [0, 1). */
  public next(): number {
    this.state = (this.state + 0x6d2b79f5) | 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Integer in [lo, hi], both inclusive. */
  public int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }

  /** Float in [lo, hi). */
  public range(lo: number, hi: number): number {
    return lo + this.next() * (hi - lo);
  }

  public chance(p: number): boolean {
    return this.next() < p;
  }

  public pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick from an empty list');
    return items[Math.floor(this.next() * items.length)]!;
  }

  /** Normal deviate (Box–Muller), for sizes that cluster around a typical value. */
  public normal(mean: number, sd: number): number {
    const u = 1 - this.next();
    const v = this.next();
    return mean + sd * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  }

  /** Fisher–Yates shuffle in place. */
  public shuffle<T>(items: T[]): T[] {
    for (let i = items.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [items[i], items[j]] = [items[j]!, items[i]!];
    }
    return items;
  }
}

/** A discrete distribution with precomputed cumulative weights; `draw` is a binary search. */
export class WeightedTable<T> {
  private readonly items: readonly T[];
  private readonly cumulative: Float64Array;

  public constructor(entries: readonly (readonly [T, number])[]) {
    if (entries.length === 0) throw new RangeError('WeightedTable needs at least one entry');
    this.items = entries.map((e) => e[0]);
    this.cumulative = new Float64Array(entries.length);
    let sum = 0;
    entries.forEach(([, w], i) => {
      sum += w;
      this.cumulative[i] = sum;
    });
  }

  public draw(rng: Rng): T {
    const target = rng.next() * this.cumulative[this.cumulative.length - 1]!;
    let lo = 0;
    let hi = this.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (this.cumulative[mid]! > target) hi = mid;
      else lo = mid + 1;
    }
    return this.items[lo]!;
  }
}

/** An `Rng` stream as a bare function, for code that only needs uniform [0, 1) draws. */
export function seededStream(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.next();
}
