/**
 * `civictwin backup --db FILE --out FILE` and `civictwin restore --from FILE --db FILE`.
 *
 * Backup: when a host holds the twin (no other process can open it), the host makes the copy
 * through its control channel; otherwise the CLI reads the file itself. Either way the copy is
 * one consistent snapshot with its key beside it, and is opened and checked before the command
 * says it worked. Restore refuses while a host holds the target, and replaces it atomically.
 */
import type { Command } from 'commander';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { copyClosedTwin, type CopyResult } from '../../../data/store/backup.ts';
import { keyPathFor } from '../../../data/store/crypto.ts';
import { summariseTwin, type TwinSummary } from '../../../data/store/twinCheck.ts';
import { TwinFileError, assertNotHeld } from '../../../data/store/twinLock.ts';
import { cleanLeftovers, formatBytes } from '../../../data/store/twinSwap.ts';
import { askHost } from './hostControl.ts';

export function registerBackupCommands(program: Command): void {
  program
    .command('backup')
    .description('write a consistent copy of a twin (and its key), also while a host runs it')
    .requiredOption('--db <file>', 'the twin to back up')
    .requiredOption('--out <file>', 'the copy to write')
    .option('--force', 'replace an existing copy')
    .action(async (o: { db: string; out: string; force?: boolean }) => {
      const db = resolve(o.db);
      const out = resolve(o.out);
      console.log(await backupTwin(db, out, Boolean(o.force)));
    });

  program
    .command('restore')
    .description('replace a twin with a backup (refused while a host has the twin open)')
    .requiredOption('--from <file>', 'the backup')
    .requiredOption('--db <file>', 'the twin to replace or create')
    .option('--force', 'replace an existing twin')
    .action(async (o: { from: string; db: string; force?: boolean }) => {
      console.log(await restoreTwin(resolve(o.from), resolve(o.db), Boolean(o.force)));
    });
}

/** Makes the backup and returns what to tell the user. */
export async function backupTwin(db: string, out: string, force: boolean): Promise<string> {
  if (!existsSync(db)) throw new TwinFileError(`${db} does not exist.`);
  if (out === db) throw new TwinFileError('--out is the twin itself; give the backup another name.');
  if (!existsSync(dirname(out))) throw new TwinFileError(`The folder ${dirname(out)} does not exist: create it, or write the backup elsewhere.`);
  const t0 = performance.now();
  let made: CopyResult;
  let by: string;
  const viaHost = await askHost<CopyResult>(db, 'POST', '/v1/backup', { out, force });
  if (viaHost) {
    made = viaHost.body;
    by = `made by ${viaHost.host.host} (PID ${viaHost.host.pid}), which has it open`;
  } else {
    made = await copyClosedTwin(db, out, {
      force,
      what: 'a new backup',
      busyAdvice: 'that process offers no control channel to ask for a copy; stop it, then back up again',
    });
    by = 'read directly: no host had it open';
  }
  const check = await summariseTwin(out);
  return (
    `Backed up ${db} to ${out} in ${((performance.now() - t0) / 1000).toFixed(1)} s (${by}): ${formatBytes(made.bytes)}, ${describeRows(check)}. ` +
    describeKey(out, made.keyCopied, check)
  );
}

/** Restores and returns what to tell the user. */
export async function restoreTwin(from: string, db: string, force: boolean): Promise<string> {
  if (!existsSync(from)) throw new TwinFileError(`${from} does not exist.`);
  if (from === db) throw new TwinFileError('--from and --db are the same file.');
  if (existsSync(db) && !force) throw new TwinFileError(`${db} already exists. Pass --force to replace it with ${from}.`);
  const advice = 'stop that host first, then restore';
  await assertNotHeld(db, advice);
  // The backup must open and its key must be the one beside it, before anything is replaced.
  const source = await summariseTwin(from).catch((err: unknown) => {
    throw new TwinFileError(`${from} cannot be opened as a twin: ${(err as Error).message.split('\n')[0]}`);
  });
  if (source.key.state === 'mismatch' || source.key.state === 'unreadable' || source.key.state === 'missing') {
    throw new TwinFileError(`Not restoring: ${source.key.detail}. Put the backup's key beside it as ${keyPathFor(from)} (or set CIVICTWIN_KEY), then restore again.`);
  }
  mkdirSync(dirname(db), { recursive: true });
  for (const note of cleanLeftovers(db)) console.log(note);
  const t0 = performance.now();
  const made = await copyClosedTwin(from, db, { force: true, what: 'the backup', busyAdvice: advice });
  const check = await summariseTwin(db);
  return (
    `Restored ${db} from ${from} in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${formatBytes(made.bytes)}, schema version ${check.schemaVersion}, ${describeRows(check)}. ` +
    describeKey(db, made.keyCopied, check)
  );
}

const n = (v: number | undefined): string => (v ?? 0).toLocaleString('en-US');

export function describeRows(s: TwinSummary): string {
  return `${n(s.counts.buildings)} buildings, ${n(s.counts.households)} households, ${n(s.counts.events)} events, ${n(s.counts.incidents)} incidents`;
}

function describeKey(db: string, copied: boolean, s: TwinSummary): string {
  if (!copied) {
    return s.key.source === 'env'
      ? 'The key comes from CIVICTWIN_KEY and was not copied: keep that key with the copy.'
      : `No key file was copied (${s.key.detail}).`;
  }
  return `Key copied to ${keyPathFor(db)} (mode 0600); ${s.key.state === 'ok' ? `checked: it ${s.key.detail}` : s.key.detail}.`;
}
