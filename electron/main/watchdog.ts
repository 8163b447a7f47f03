/**
 * Kiosk watchdog (issue 12): a window on a wall runs for days with nobody at it. A renderer that
 * crashed (`render-process-gone`) is reloaded; one that hangs (`unresponsive`) and does not answer
 * again within a grace period is killed and then reloaded the same way. Every step is logged. A
 * renderer that keeps dying is reloaded after a growing wait (1 s, 2 s, 4 s … capped at 5 min),
 * so a crash loop does not spin the machine; the wait starts over once a reload has stayed up.
 */
import type { WebContents } from 'electron';

/** The part of Electron's WebContents the watchdog uses (tests pass a fake). */
export type WatchedContents = Pick<WebContents, 'reload' | 'isDestroyed' | 'forcefullyCrashRenderer'> & {
  on(event: 'render-process-gone', listener: (event: unknown, details: { reason: string; exitCode: number }) => void): unknown;
  on(event: 'unresponsive' | 'responsive', listener: () => void): unknown;
  removeListener(event: string, listener: (...args: never[]) => void): unknown;
};

export interface WatchdogOptions {
  /** Name in the log lines (the window's role). */
  name: string;
  log: (line: string) => void;
  /** How long a hung renderer may take to answer again before it is killed. */
  hangGraceMs?: number;
  /** First wait before a reload; doubled for each restart in a row. */
  firstDelayMs?: number;
  maxDelayMs?: number;
  /** A reload that has stayed up this long ends a run of restarts (the wait starts over). */
  stableMs?: number;
  now?: () => number;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
}

/** Waits between restarts: doubling while the renderer keeps dying, back to the first once it stays up. */
export class RestartBackoff {
  private streak = 0;
  private lastRestartAt = -Infinity;
  public constructor(
    private readonly firstMs: number,
    private readonly maxMs: number,
    private readonly stableMs: number,
  ) {}

  /** Wait before the next restart, at `now`; counts it. */
  public next(now: number): number {
    if (now - this.lastRestartAt >= this.stableMs) this.streak = 0;
    const wait = Math.min(this.maxMs, this.firstMs * 2 ** this.streak);
    this.streak++;
    this.lastRestartAt = now + wait;
    return wait;
  }

  /** Restarts in the current run. */
  public get restarts(): number {
    return this.streak;
  }
}

/** Watches one window's renderer; returns the function that stops watching. */
export function watchRenderer(contents: WatchedContents, options: WatchdogOptions): () => void {
  const now = options.now ?? Date.now;
  const setTimer = options.setTimer ?? ((fn: () => void, ms: number) => setTimeout(fn, ms));
  const clearTimer = options.clearTimer ?? ((h: unknown) => clearTimeout(h as ReturnType<typeof setTimeout>));
  const hangGraceMs = options.hangGraceMs ?? 15_000;
  const backoff = new RestartBackoff(options.firstDelayMs ?? 1000, options.maxDelayMs ?? 300_000, options.stableMs ?? 120_000);
  const log = (line: string): void => options.log(`watchdog[${options.name}]: ${line}`);
  let reloadTimer: unknown = null;
  let hangTimer: unknown = null;
  let hungSince = 0;

  const scheduleReload = (why: string): void => {
    if (reloadTimer !== null) return; // one reload at a time
    const wait = backoff.next(now());
    log(`${why}; reloading in ${(wait / 1000).toFixed(wait < 1000 ? 1 : 0)} s (restart ${backoff.restarts} in a row)`);
    reloadTimer = setTimer(() => {
      reloadTimer = null;
      if (contents.isDestroyed()) return;
      contents.reload();
    }, wait);
  };

  const onGone = (_e: unknown, details: { reason: string; exitCode: number }): void => {
    if (hangTimer !== null) clearTimer(hangTimer);
    hangTimer = null;
    if (details.reason === 'clean-exit') return;
    scheduleReload(`renderer gone (${details.reason}, exit code ${details.exitCode})`);
  };
  const onUnresponsive = (): void => {
    if (hangTimer !== null) return;
    hungSince = now();
    log(`renderer not responding; waiting ${Math.round(hangGraceMs / 1000)} s before restarting it`);
    hangTimer = setTimer(() => {
      hangTimer = null;
      if (contents.isDestroyed()) return;
      log(`renderer hung for ${Math.round((now() - hungSince) / 1000)} s: killing it`);
      // Emits render-process-gone ('killed' or 'crashed'), whose handler reloads it in a new process.
      contents.forcefullyCrashRenderer();
    }, hangGraceMs);
  };
  const onResponsive = (): void => {
    if (hangTimer === null) return;
    clearTimer(hangTimer);
    hangTimer = null;
    log(`renderer responding again after ${((now() - hungSince) / 1000).toFixed(1)} s`);
  };

  contents.on('render-process-gone', onGone);
  contents.on('unresponsive', onUnresponsive);
  contents.on('responsive', onResponsive);
  return () => {
    if (reloadTimer !== null) clearTimer(reloadTimer);
    if (hangTimer !== null) clearTimer(hangTimer);
    contents.removeListener('render-process-gone', onGone);
    contents.removeListener('unresponsive', onUnresponsive);
    contents.removeListener('responsive', onResponsive);
  };
}
