import { describe, expect, it } from 'vitest';
import { bootstrapInterval, harrellDavisQuantile, logGamma, regularizedBeta } from '../../data/analytics/quantile.ts';

describe('quantile estimators for the benchmarks', () => {
  it('computes ln Γ and the regularised incomplete beta function', () => {
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(regularizedBeta(0.37, 1, 1)).toBeCloseTo(0.37, 12);
    expect(regularizedBeta(0.5, 2, 2)).toBeCloseTo(0.5, 12);
    // For integer a, b: I_x(a, b) = P(Binomial(a + b − 1, x) ≥ a).
    expect(regularizedBeta(0.3, 2, 5)).toBeCloseTo(1 - (0.7 ** 6 + 6 * 0.3 * 0.7 ** 5), 12);
    expect(regularizedBeta(0.999, 793, 8)).toBeGreaterThan(0.99);
  });

  it('estimates a p99 close to the true one, with less spread than nearest rank', () => {
    // Samples of an exponential distribution (mean 50 ms): the true p99 is 50·ln 100 ≈ 230 ms.
    let seed = 42;
    const random = (): number => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4_294_967_296;
    };
    const truth = 50 * Math.log(100);
    const hd: number[] = [];
    const nr: number[] = [];
    for (let run = 0; run < 200; run++) {
      const xs = Array.from({ length: 800 }, () => -50 * Math.log(random())).sort((a, b) => a - b);
      hd.push(harrellDavisQuantile(xs, 0.99));
      nr.push(xs[Math.ceil(0.99 * xs.length) - 1]!);
    }
    const mean = (v: number[]): number => v.reduce((s, x) => s + x, 0) / v.length;
    const sd = (v: number[]): number => Math.sqrt(mean(v.map((x) => (x - mean(v)) ** 2)));
    expect(Math.abs(mean(hd) - truth) / truth).toBeLessThan(0.03);
    expect(sd(hd)).toBeLessThan(sd(nr));
  });

  it('is Infinity when an undrawn sample carries weight, NaN when empty', () => {
    expect(harrellDavisQuantile([], 0.99)).toBeNaN();
    expect(harrellDavisQuantile([1, 2, 3, Infinity], 0.99)).toBe(Infinity);
    expect(harrellDavisQuantile([7], 0.5)).toBe(7);
  });

  it('gives a bootstrap interval of a ratio that holds the ratio of the samples', () => {
    const a = Array.from({ length: 400 }, (_, i) => 100 + (i % 50));
    const b = a.map((x) => x * 1.1);
    const [lo, hi] = bootstrapInterval(a, b, (xs) => xs[Math.floor(xs.length / 2)]!);
    expect(lo).toBeLessThanOrEqual(1 / 1.1 + 1e-9);
    expect(hi).toBeGreaterThanOrEqual(1 / 1.1 - 1e-9);
    expect(hi - lo).toBeLessThan(0.1);
  });
});
