/**
 * Times one run of the demo-district generator and prints counts, step timings, file size and
 * peak memory. A development tool, not part of the app:
 *
 *   npx tsx data/seed/timeSeed.ts [buildings=2000] [seed=1] [out=/tmp/civictwin-seed-bench.duckdb]
 */
import { rmSync, statSync } from 'node:fs';
import { DuckDbStore } from '../store/DuckDbStore.ts';
import { keyPathFor } from '../store/crypto.ts';
import { generateDistrict } from './generateDistrict.ts';

const buildings = Number(process.argv[2] ?? 2000);
const seed = Number(process.argv[3] ?? 1);
const out = process.argv[4] ?? '/tmp/civictwin-seed-bench.duckdb';

for (const f of [out, `${out}.wal`, keyPathFor(out)]) rmSync(f, { force: true });
const store = await DuckDbStore.open(out, { create: true });
const started = performance.now();
const stepStart = new Map<string, number>();
let lastStep = '';
let peakRss = 0;
const summary = await generateDistrict(store, {
  seed,
  buildings,
  onProgress: (step) => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
    if (step !== lastStep) {
      const now = performance.now();
      if (lastStep)
        process.stderr.write(
          `  ${lastStep.padEnd(12)} ${((now - stepStart.get(lastStep)!) / 1000).toFixed(1)} s\n`,
        );
      stepStart.set(step, now);
      lastStep = step;
    }
  },
});
const generated = performance.now();
process.stderr.write(
  `  ${lastStep.padEnd(12)} ${((generated - stepStart.get(lastStep)!) / 1000).toFixed(1)} s\n`,
);
await store.checkpoint();
const done = performance.now();
store.close();
console.log(
  JSON.stringify(
    {
      buildingsRequested: buildings,
      seed,
      summary,
      generateSeconds: +((generated - started) / 1000).toFixed(1),
      checkpointSeconds: +((done - generated) / 1000).toFixed(1),
      fileMB: +(statSync(out).size / 1e6).toFixed(1),
      peakRssMB: Math.round(peakRss / 1e6),
    },
    null,
    2,
  ),
);
