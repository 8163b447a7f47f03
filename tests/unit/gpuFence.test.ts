import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { GpuFence } from '../../renderer/gfx/gpuFence.ts';
import { FramePacer } from '../../renderer/views/map/framePacer.ts';

/** The part of WebGL2 a fence uses; `finish()` plays the GPU completing everything queued. */
function fakeGl() {
  const UNSIGNALED = 0x9118;
  const SIGNALED = 0x9119;
  const syncs = new Map<object, number>();
  let lost = false;
  const gl = {
    SYNC_GPU_COMMANDS_COMPLETE: 0x9117,
    SYNC_STATUS: 0x9114,
    UNSIGNALED,
    SIGNALED,
    fenceSync: () => {
      const s = {};
      syncs.set(s, UNSIGNALED);
      return s;
    },
    getSyncParameter: (s: object) => (lost ? null : (syncs.get(s) ?? null)),
    deleteSync: (s: object) => void syncs.delete(s),
    flush: () => {},
    isContextLost: () => lost,
  };
  return {
    gl: gl as unknown as WebGL2RenderingContext,
    finish: () => syncs.forEach((_, s) => syncs.set(s, SIGNALED)),
    lose: () => (lost = true),
    live: () => syncs.size,
  };
}

describe('GPU fence: a frame counts as drawn when the GPU has finished it, not when it was queued', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'performance'] }));
  afterEach(() => vi.useRealTimers());

  it('is busy until the GPU passes the frame, then calls back and frees the fence', () => {
    const g = fakeGl();
    const fence = new GpuFence(g.gl);
    expect(fence.busy()).toBe(false);
    fence.mark();
    const drawn = vi.fn();
    fence.whenPassed(drawn);
    vi.advanceTimersByTime(50);
    expect(fence.busy()).toBe(true);
    expect(drawn).not.toHaveBeenCalled();
    g.finish();
    vi.advanceTimersByTime(5);
    expect(drawn).toHaveBeenCalledTimes(1);
    expect(fence.busy()).toBe(false);
    expect(g.live()).toBe(0);
  });

  it('gives up on a fence that never passes, and on a lost context, instead of freezing the map', () => {
    const g = fakeGl();
    const fence = new GpuFence(g.gl);
    fence.mark();
    const drawn = vi.fn();
    fence.whenPassed(drawn);
    vi.advanceTimersByTime(1100);
    expect(drawn).toHaveBeenCalledTimes(1);
    expect(fence.busy()).toBe(false);
    fence.mark();
    g.lose();
    expect(fence.busy()).toBe(false);
  });

  it('the pacer draws a data change in the next animation frame, holds it while the last frame is on the GPU, then draws it once', () => {
    const g = fakeGl();
    const fence = new GpuFence(g.gl);
    // Animation frames run when the test says the browser would send one.
    let callbacks: FrameRequestCallback[] = [];
    vi.stubGlobal('requestAnimationFrame', (cb: FrameRequestCallback) => callbacks.push(cb));
    vi.stubGlobal('cancelAnimationFrame', () => {});
    const animationFrame = (): void => {
      const due = callbacks;
      callbacks = [];
      due.forEach((cb) => cb(performance.now()));
    };
    const draws: number[] = [];
    const pacer = new FramePacer((now) => {
      draws.push(now);
      fence.mark();
      return false;
    });
    pacer.gpu = fence;
    pacer.drawNow();
    expect(draws).toHaveLength(0); // not in the task that brought the change…
    animationFrame();
    expect(draws).toHaveLength(1); // …but in the next animation frame
    pacer.drawNow(); // the first frame is still on the GPU: held…
    pacer.drawNow(); // …and merged with this one
    animationFrame();
    vi.advanceTimersByTime(30);
    animationFrame();
    expect(draws).toHaveLength(1);
    g.finish();
    vi.advanceTimersByTime(10); // the fence's poll sees it pass and asks for a frame
    animationFrame();
    expect(draws).toHaveLength(2);
    animationFrame();
    expect(draws).toHaveLength(2); // nothing left to draw
    pacer.dispose();
    vi.unstubAllGlobals();
  });
});
