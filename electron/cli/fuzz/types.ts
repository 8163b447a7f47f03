/** Names shared by the fuzz command and its engine, kept apart so the CLI loads no engine at start. */
export type FuzzTransport = 'http' | 'ws' | 'mqtt';
export const FUZZ_TRANSPORTS: readonly FuzzTransport[] = ['http', 'ws', 'mqtt'];

/** The 99th percentile of `xs` (null for none). */
export function p99(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = Float64Array.from(xs).sort();
  return s[Math.min(s.length - 1, Math.floor(s.length * 0.99))]!;
}
