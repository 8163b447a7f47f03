/**
 * `civictwin key rotate --db FILE`: gives a twin a new key and re-encrypts its personal data with
 * it (data/store/keyRotation.ts). Refused while a host holds the twin: the host keeps the old key
 * in memory and would write fields that the new key cannot read.
 */
import type { Command } from 'commander';
import { resolve } from 'node:path';
import { rotateTwinKey } from '../../../data/store/keyRotation.ts';
import { progressReporter } from '../progress.ts';

export function registerKeyCommands(program: Command): void {
  const key = program.command('key').description("manage a twin's encryption key");
  key
    .command('rotate')
    .description('make a new key and re-encrypt every personal field with it (no host may have the twin open)')
    .requiredOption('--db <file>', 'the twin')
    .action(async (o: { db: string }) => {
      const db = resolve(o.db);
      const progress = progressReporter();
      const r = await rotateTwinKey(db, {
        busyAdvice: 'stop that host first (Ctrl+C in its terminal, or close the app), then rotate again',
        onNote: (line) => console.log(line),
        onProgress: progress.onProgress,
      }).finally(() => progress.stop());
      const rows = r.fields.filter((f) => f.rows > 0).map((f) => `${f.table}.${f.column} ${f.rows.toLocaleString('en-US')}`);
      console.log(
        `Rotated the key of ${db} in ${(r.ms / 1000).toFixed(1)} s: ${rows.length ? rows.join(', ') : 'no personal fields'} re-encrypted; ` +
          `key ${r.oldFingerprint} → ${r.newFingerprint}, now in ${r.keyFile} (0600).`,
      );
      console.log(
        'The old key no longer opens this twin. Backups made before now open only with the key beside them (<backup>.key); keep those keys as long as the backups.' +
          (process.env.CIVICTWIN_KEY_FILE ? ' CIVICTWIN_KEY_FILE now holds the new key: another twin that shared that file no longer opens with it.' : ''),
      );
    });
}
