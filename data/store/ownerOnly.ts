/**
 * A twin's files are its owner's: the database holds addresses and event details in clear (only
 * personal fields are encrypted), and its log holds the same. DuckDB creates the database and
 * its write-ahead log with the process umask (measured with @duckdb/node-api 1.5.6: 0644 under
 * the usual 022), and deletes and re-creates the log at every checkpoint, so a chmod after
 * opening would not last: a process that opens a twin sets its umask to take group and other
 * access away for everything it creates from then on (the twin, its log, backups, archive parts,
 * key files).
 */
import { chmodSync } from 'node:fs';

let applied = false;

/** Takes group and other bits out of the process umask (once; a no-op on Windows and in worker threads, which cannot set it). */
export function createFilesOwnerOnly(): void {
  if (applied || process.platform === 'win32') return;
  try {
    process.umask(process.umask() | 0o077);
    applied = true;
  } catch {
    // Worker threads cannot change the umask: files made here are chmod-ed where they are created.
  }
}

/** Makes a file the twin just created owner-only, whatever the umask was. */
export function makeOwnerOnly(path: string): void {
  if (process.platform === 'win32') return;
  chmodSync(path, 0o600);
}
