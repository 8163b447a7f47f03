/**
 * One row of `npm run bench`'s table: a figure, the baseline it was measured against in the same
 * run, their ratio and the target. The analytics benchmarks return these; the CLI prints them.
 */
export interface BenchRow {
  name: string;
  value: string;
  baseline?: string;
  ratio?: string;
  target?: string;
  pass?: boolean;
}
