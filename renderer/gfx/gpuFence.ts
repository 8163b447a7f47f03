/**
 * Whether the GPU has finished the frames drawn on a WebGL2 context, without waiting for them.
 *
 * A WebGL draw returns as soon as its commands are queued; the GPU (or, without one, the CPU
 * rasteriser in the GPU process) runs them later. Drawing again before it is done queues a second
 * whole frame behind the first, and so on: with software GL, incidents arriving 20 a second, each
 * drawn at once, queued frames until the browser withheld animation frames for seconds. A fence
 * after each frame tells the map when the next draw can start without queueing, and when a
 * frame's pixels are really done (which is when the map reports a marker as drawn).
 *
 * WebGL updates a fence's status only between tasks, so nothing here blocks.
 */
interface Fence {
  sync: WebGLSync;
  markedAt: number;
  passed: (() => void)[];
}

/** A fence older than this is taken as passed: a lost context, or a driver that never signals. */
const GIVE_UP_MS = 1000;
/** How often pending `whenPassed` callbacks check their fence, ms. */
const POLL_MS = 2;

export class GpuFence {
  /** Oldest first; the GPU passes them in order. */
  private fences: Fence[] = [];
  private poll: ReturnType<typeof setTimeout> | null = null;

  public constructor(private readonly gl: WebGL2RenderingContext) {}

  /** After a frame's commands: fence them, and flush so the GPU starts on them now. */
  public mark(): void {
    if (this.gl.isContextLost()) return;
    const sync = this.gl.fenceSync(this.gl.SYNC_GPU_COMMANDS_COMPLETE, 0);
    if (!sync) return;
    this.fences.push({ sync, markedAt: performance.now(), passed: [] });
    this.gl.flush();
  }

  /** Some marked frame is still being drawn. */
  public busy(): boolean {
    this.collect();
    return this.fences.length > 0;
  }

  /** Calls `fn` once the last marked frame is done (at once if there is none). */
  public whenPassed(fn: () => void): void {
    const last = this.fences.at(-1);
    if (!last) {
      fn();
      return;
    }
    last.passed.push(fn);
    this.schedulePoll();
  }

  /** Forgets every fence, running what waits on them (shutdown, lost context). */
  public release(): void {
    while (this.fences.length > 0) this.pass(this.fences.shift()!);
    if (this.poll) clearTimeout(this.poll);
    this.poll = null;
  }

  private schedulePoll(): void {
    if (this.poll) return;
    this.poll = setTimeout(() => {
      this.poll = null;
      this.collect();
      if (this.fences.some((f) => f.passed.length > 0)) this.schedulePoll();
    }, POLL_MS);
  }

  /** Retires the fences the GPU has passed, oldest first. */
  private collect(): void {
    const lost = this.gl.isContextLost();
    while (this.fences.length > 0) {
      const f = this.fences[0]!;
      const status = lost ? null : (this.gl.getSyncParameter(f.sync, this.gl.SYNC_STATUS) as number | null);
      if (status === this.gl.UNSIGNALED && performance.now() - f.markedAt < GIVE_UP_MS) return;
      this.pass(this.fences.shift()!);
    }
  }

  private pass(f: Fence): void {
    if (!this.gl.isContextLost()) this.gl.deleteSync(f.sync);
    f.passed.forEach((fn) => fn());
  }
}
