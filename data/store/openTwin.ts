/**
 * Opening a twin the way hosts and the CLI should: leftovers of killed runs cleaned first, a
 * damaged log refused (DuckDB would drop part or all of it without a word), and DuckDB's errors
 * turned into one line that says what is wrong and what to do (which process holds the file; how
 * to set a damaged log aside).
 */
import { DuckDbStore, type OpenOptions } from './DuckDbStore.ts';
import { STOP_HOST_FIRST, TwinBusyError, TwinFileError, describeHolder, parseLockConflict } from './twinLock.ts';
import { cleanLeftovers, formatBytes } from './twinSwap.ts';
import { fileInfo, inspectWal, walPathFor } from './wal.ts';

export interface OpenTwinOptions extends OpenOptions {
  /** Told what was cleaned up (a killed seed's partial file, a dead host's staging folder). */
  onNote?: (line: string) => void;
  /** Ends the message when another process holds the file. */
  busyAdvice?: string;
}

export async function openTwin(path: string, options: OpenTwinOptions = {}): Promise<DuckDbStore> {
  if (path !== ':memory:' && !options.readOnly) {
    for (const note of cleanLeftovers(path)) options.onNote?.(note);
    // Checked before DuckDB reads it: DuckDB ignores a log whose header is damaged, and stops
    // silently at an entry whose size field is, so both would lose acknowledged events unsaid.
    // Only after an unclean stop is there a log to read (about 10 ms per MB).
    const wal = inspectWal(path);
    if (wal?.state === 'bad-header') throw damagedWal(path, 'its version header is unreadable; DuckDB would ignore the whole log and overwrite it');
    if (wal?.state === 'damaged') throw damagedWal(path, `${wal.problem}; DuckDB would stop there`);
  }
  try {
    return await DuckDbStore.open(path, options);
  } catch (err) {
    throw explainOpenError(path, err, options.busyAdvice);
  }
}

/** DuckDB's open errors a user can act on, as one line; anything else unchanged. */
export function explainOpenError(path: string, err: unknown, busyAdvice = STOP_HOST_FIRST): unknown {
  const message = String((err as Error)?.message ?? err);
  const conflict = parseLockConflict(err);
  if (conflict) return new TwinBusyError(path, describeHolder(path, conflict.pid, conflict.executable), busyAdvice);
  if (/Failure while replaying WAL|Corrupt WAL/i.test(message)) {
    const detail = /Corrupt WAL file: (entry at byte position \d+)/.exec(message)?.[1] ?? message.replace(/^.*?WAL file "[^"]*":\s*/, '');
    return damagedWal(path, `DuckDB stops at the ${detail}`);
  }
  return err;
}

function damagedWal(path: string, why: string): TwinFileError {
  const wal = walPathFor(path);
  const info = fileInfo(wal);
  return new TwinFileError(
    `${path} cannot be opened: its write-ahead log ${wal}${info ? ` (${formatBytes(info.bytes)})` : ''} is damaged: ${why}. ` +
      `Run "civictwin doctor --db ${path} --repair": it keeps the log as ${wal}.damaged-<time>, replays the transactions before the damage, and the twin opens again ` +
      `(what was committed after the damage is lost unless its producers send it again).`,
  );
}
