/**
 * Quantile estimators for benchmark samples.
 *
 * A p99 taken as one order statistic (nearest rank) of a few hundred latencies moves by 5–10 %
 * from run to run on the same code: it is the 4th or 8th largest sample and nothing else. The
 * Harrell–Davis estimator (Harrell & Davis 1982, Biometrika 69:635) is a weighted mean of all order
 * statistics, weights from Beta((n+1)q, (n+1)(1−q)); it estimates the same quantile with a much
 * smaller variance, which is what a ratio of two p99s measured in the same run needs.
 */
import { seededStream } from '../model/random.ts';

/** ln Γ(x) for x > 0 (Lanczos, g = 7, n = 9; |error| < 1e-13 for the arguments used here). */
export function logGamma(x: number): number {
  const c = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let a = c[0]!;
  const t = z + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (z + i);
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(a);
}

/** Continued fraction of the incomplete beta function (modified Lentz). */
function betaContinuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 10_000; m++) {
    const m2 = 2 * m;
    let aa = (m * (b - m) * x) / ((a + m2 - 1) * (a + m2));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    h *= d * c;
    aa = (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1));
    d = 1 + aa * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + aa / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const del = d * c;
    h *= del;
    if (Math.abs(del - 1) < 1e-15) break;
  }
  return h;
}

/** The regularised incomplete beta function I_x(a, b). */
export function regularizedBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  // The continued fraction converges fast for x < (a+1)/(a+b+2); use the symmetry otherwise.
  return x < (a + 1) / (a + b + 2) ? (front * betaContinuedFraction(x, a, b)) / a : 1 - (front * betaContinuedFraction(1 - x, b, a)) / b;
}

/** The Harrell–Davis weights of the n order statistics for quantile q (they depend on n and q only). */
export function harrellDavisWeights(n: number, q: number): Float64Array {
  const weights = new Float64Array(n);
  const a = (n + 1) * q;
  const b = (n + 1) * (1 - q);
  let previous = 0;
  for (let i = 1; i <= n; i++) {
    const cdf = regularizedBeta(i / n, a, b);
    weights[i - 1] = cdf - previous;
    previous = cdf;
  }
  return weights;
}

/** Harrell–Davis estimate of quantile q (0 < q < 1) of ascending-sorted samples; NaN when empty. */
export function harrellDavisQuantile(sortedAscending: readonly number[], q: number, weights = harrellDavisWeights(sortedAscending.length, q)): number {
  const n = sortedAscending.length;
  if (n === 0) return NaN;
  let sum = 0;
  // A sample that was never drawn (Infinity) with any weight makes the estimate Infinity: that is right.
  for (let i = 0; i < n; i++) if (weights[i]! > 0) sum += weights[i]! * sortedAscending[i]!;
  return sum;
}

/**
 * A 95 % percentile-bootstrap interval of combine(statistic(a), statistic(b)) — by default their
 * ratio — for two independent samples (deterministic: a fixed-seed generator, so a run prints the
 * same interval for the same samples).
 */
export function bootstrapInterval(
  a: readonly number[],
  b: readonly number[],
  statistic: (sortedAscending: number[]) => number,
  combine: (sa: number, sb: number) => number = (sa, sb) => sa / sb,
  resamples = 1000,
): [number, number] {
  const random = seededStream(0x9e3779b9); // the same resamples on every run
  const resample = (xs: readonly number[]): number[] => {
    const out = new Array<number>(xs.length);
    for (let i = 0; i < xs.length; i++) out[i] = xs[Math.floor(random() * xs.length)]!;
    return out.sort((x, y) => x - y);
  };
  const ratios: number[] = [];
  for (let r = 0; r < resamples; r++) ratios.push(combine(statistic(resample(a)), statistic(resample(b))));
  ratios.sort((x, y) => x - y);
  return [ratios[Math.floor(0.025 * resamples)]!, ratios[Math.ceil(0.975 * resamples) - 1]!];
}
