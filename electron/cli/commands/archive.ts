/**
 * `civictwin archive --db FILE [--dry-run] [--keep rule=days …] [--show] [--no-compact]`: runs the
 * retention policy (data/store/retention.ts) on a twin no host holds, then compacts the file so
 * the space goes back to the disk. A running host runs the same policy by itself once a day, but
 * cannot compact the file it is serving.
 */
import { type Command, InvalidArgumentError } from 'commander';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DuckDbStore } from '../../../data/store/DuckDbStore.ts';
import { openTwin } from '../../../data/store/openTwin.ts';
import { compactTwin, describeRun, parseKeepSetting, readPolicy, runRetention, setPolicy } from '../../../data/store/retention.ts';
import { progressReporter } from '../progress.ts';

const collectKeep = (value: string, previous: { rule: string; days: number }[]): { rule: string; days: number }[] => {
  try {
    return [...previous, parseKeepSetting(value)];
  } catch (err) {
    throw new InvalidArgumentError((err as Error).message);
  }
};

export function registerArchiveCommand(program: Command): void {
  program
    .command('archive')
    .description('archive rows older than the retention policy to Parquet, delete them from the twin and compact it')
    .requiredOption('--db <file>', 'the twin (no host may have it open)')
    .option('--dry-run', 'say what would be archived; change nothing')
    .option('--keep <rule=days>', 'set a rule\'s days in the twin (repeatable), e.g. resource_positions=14', collectKeep, [])
    .option('--show', 'print the policy in force and stop')
    .option('--no-compact', 'do not rewrite the file afterwards (it then keeps its size; freed space is reused)')
    .action(async (o: { db: string; dryRun?: boolean; keep: { rule: string; days: number }[]; show?: boolean; compact: boolean }) => {
      const db = resolve(o.db);
      if (!existsSync(db)) throw new Error(`Twin database not found: ${db}.`);
      const store = await openOwned(db);
      let open = true;
      try {
        if (!o.dryRun) for (const k of o.keep) await setPolicy(store, k.rule, k.days, 'civictwin archive');
        if (o.show) {
          for (const p of await readPolicy(store)) {
            const source = p.source === 'default' ? 'default' : `set by ${p.source.by} ${new Date(p.source.atMs).toISOString().slice(0, 10)}`;
            console.log(`${p.rule.rule.padEnd(20)} ${String(p.keepDays).padStart(5)} days  ${p.rule.deletes ? 'archive + delete' : 'archive copy   '}  (${source}; ${p.rule.minDays}–${p.rule.maxDays}) ${p.rule.why}`);
          }
          return;
        }
        const progress = o.dryRun ? null : progressReporter();
        const report = await runRetention(store, {
          dryRun: Boolean(o.dryRun),
          keep: Object.fromEntries(o.keep.map((k) => [k.rule, k.days])),
          onPart: (_part, done, total) => progress?.onProgress('archive', done, total),
        });
        progress?.stop();
        console.log(describeRun(report));
        if (!o.dryRun && o.compact) {
          open = false;
          const t0 = performance.now();
          const { before, after } = await compactTwin(store);
          console.log(`compacted ${db}: ${(before / 1e6).toFixed(1)} MB → ${(after / 1e6).toFixed(1)} MB in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
        }
      } finally {
        if (open) store.close();
      }
    });
}

/** Opens the twin for writing; a twin another process holds is refused in one line that names it and says what to do. */
function openOwned(db: string): Promise<DuckDbStore> {
  return openTwin(db, {
    onNote: (line) => console.log(line),
    busyAdvice: 'stop that host first to archive and compact by hand (a running host archives by itself once a day)',
  });
}
