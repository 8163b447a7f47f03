/**
 * The kiosk watchdog in Electron's main process (electron/main/watchdog.ts): a crashed renderer is
 * reloaded, a hung one killed after its grace period and reloaded, a crash loop waits longer each
 * time and starts over once a reload stays up. Driven by a fake webContents and a fake clock.
 */
import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { RestartBackoff, watchRenderer, type WatchedContents } from '../../electron/main/watchdog.ts';

class FakeContents extends EventEmitter {
  reloads = 0;
  crashes = 0;
  destroyed = false;
  reload(): void {
    this.reloads++;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  forcefullyCrashRenderer(): void {
    this.crashes++;
    this.emit('render-process-gone', {}, { reason: 'killed', exitCode: 9 });
  }
}

function harness() {
  let now = 0;
  const timers: { at: number; fn: () => void; id: number }[] = [];
  let nextId = 1;
  const contents = new FakeContents();
  const lines: string[] = [];
  const stop = watchRenderer(contents as unknown as WatchedContents, {
    name: 'wall',
    log: (l) => lines.push(l),
    hangGraceMs: 10_000,
    firstDelayMs: 1000,
    maxDelayMs: 8000,
    stableMs: 60_000,
    now: () => now,
    setTimer: (fn, ms) => {
      const id = nextId++;
      timers.push({ at: now + ms, fn, id });
      return id;
    },
    clearTimer: (id) => {
      const i = timers.findIndex((t) => t.id === id);
      if (i >= 0) timers.splice(i, 1);
    },
  });
  /** Moves the clock, running the timers that fall due. */
  const advance = (ms: number): void => {
    const end = now + ms;
    for (;;) {
      timers.sort((a, b) => a.at - b.at);
      const t = timers[0];
      if (!t || t.at > end) break;
      timers.shift();
      now = t.at;
      t.fn();
    }
    now = end;
  };
  return { contents, lines, advance, stop, pending: () => timers.length };
}

describe('the renderer watchdog', () => {
  it('reloads a crashed renderer after a second, and logs it', () => {
    const h = harness();
    h.contents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 139 });
    h.advance(999);
    expect(h.contents.reloads).toBe(0);
    h.advance(1);
    expect(h.contents.reloads).toBe(1);
    expect(h.lines.join('\n')).toMatch(/watchdog\[wall\]: renderer gone \(crashed, exit code 139\); reloading in 1 s/);
  });

  it('leaves a clean exit alone', () => {
    const h = harness();
    h.contents.emit('render-process-gone', {}, { reason: 'clean-exit', exitCode: 0 });
    h.advance(60_000);
    expect(h.contents.reloads).toBe(0);
  });

  it('kills a renderer that stays hung past its grace period, then reloads it', () => {
    const h = harness();
    h.contents.emit('unresponsive');
    h.advance(9_999);
    expect(h.contents.crashes).toBe(0);
    h.advance(1);
    expect(h.contents.crashes).toBe(1);
    h.advance(1000);
    expect(h.contents.reloads).toBe(1);
    expect(h.lines.some((l) => l.includes('hung for 10 s: killing it'))).toBe(true);
  });

  it('lets a renderer that answers again within the grace period be', () => {
    const h = harness();
    h.contents.emit('unresponsive');
    h.advance(4000);
    h.contents.emit('responsive');
    h.advance(60_000);
    expect(h.contents.crashes + h.contents.reloads).toBe(0);
    expect(h.lines.at(-1)).toMatch(/responding again after 4\.0 s/);
  });

  it('backs off in a crash loop (1, 2, 4, 8, 8 s) and starts over once a reload stays up', () => {
    const h = harness();
    const waits: number[] = [];
    for (let i = 0; i < 5; i++) {
      h.contents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 1 });
      const before = h.contents.reloads;
      let waited = 0;
      while (h.contents.reloads === before) {
        h.advance(500);
        waited += 500;
      }
      waits.push(waited);
    }
    expect(waits).toEqual([1000, 2000, 4000, 8000, 8000]);
    h.advance(60_000); // up for a minute
    h.contents.emit('render-process-gone', {}, { reason: 'oom', exitCode: 1 });
    h.advance(1000);
    expect(h.contents.reloads).toBe(6);
  });

  it('does not reload a window already closed, and stops watching when told', () => {
    const h = harness();
    h.contents.emit('render-process-gone', {}, { reason: 'crashed', exitCode: 1 });
    h.contents.destroyed = true;
    h.advance(5000);
    expect(h.contents.reloads).toBe(0);
    h.stop();
    expect(h.contents.listenerCount('render-process-gone') + h.contents.listenerCount('unresponsive')).toBe(0);
  });

  it('counts the wait from when the reload happened', () => {
    const b = new RestartBackoff(1000, 300_000, 120_000);
    expect(b.next(0)).toBe(1000);
    expect(b.next(100_000)).toBe(2000); // 99 s after the reload: still the same run
    expect(b.next(300_000)).toBe(1000); // stayed up: over
  });
});
