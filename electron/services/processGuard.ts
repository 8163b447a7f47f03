/**
 * The last line of defence of a host process: an exception or rejection that slipped past every
 * socket's and parser's own error path is logged with its stack and the host keeps serving, instead
 * of a wall going dark and a command centre losing its ingest. A storm of them (the process is
 * broken, not one request) still ends it, with a non-zero code a supervisor restarts on.
 */
const STORM_LIMIT = 50;
const STORM_WINDOW_MS = 60_000;

let installed = false;

export function installProcessGuard(log: (line: string) => void, exit: (code: number) => void = (c) => process.exit(c)): void {
  if (installed) return;
  installed = true;
  const recent: number[] = [];
  const survive = (kind: string, err: unknown): void => {
    const now = Date.now();
    recent.push(now);
    while (recent.length > 0 && recent[0]! < now - STORM_WINDOW_MS) recent.shift();
    log(`${kind} (the host keeps running): ${(err as Error)?.stack ?? String(err)}`);
    if (recent.length >= STORM_LIMIT) {
      log(`${recent.length} unexpected errors within ${STORM_WINDOW_MS / 1000} s: stopping so a supervisor can restart the host`);
      exit(70);
    }
  };
  process.on('uncaughtException', (err) => survive('uncaught exception', err));
  process.on('unhandledRejection', (reason) => survive('unhandled rejection', reason));
}
