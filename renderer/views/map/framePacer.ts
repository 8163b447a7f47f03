/**
 * Paces the map's animation frames (pulses, gliding resources). On a GPU a frame costs a few
 * milliseconds and the loop follows the display. With software GL (SwiftShader on a machine
 * without a GPU, the e2e hosts) a 1080p frame can cost most of a second; then animation frames
 * are spaced to about three times their measured cost, so the GPU process is mostly idle and
 * data changes (drawn at the next animation frame, outside this pacing) reach the screen without
 * a queue.
 *
 * Frame cost is measured as the gap between the two animation-frame callbacks after a draw: the
 * map renders in the first, and the browser holds the second back until the GPU has finished.
 *
 * With a `gpu` fence, no frame is drawn while the last one is still on the GPU: a data change
 * then waits for it (the fence calls back) and goes out in the next draw, with whatever else
 * changed meanwhile. Drawing every change at once had queued frame after frame in a software
 * rasteriser (measured: markers submitted in 7 ms reached the screen 1–2 s later, while the
 * browser withheld animation frames); one frame in flight keeps the wait to about one frame.
 *
 * Data changes are drawn in an animation frame, not in the task that brought them: the browser
 * sends animation frames when its compositor can take a new one, so the frame's commands do not
 * queue behind the composite of the last (measured with llvmpipe at 1080p and 2,000 ev/s:
 * event-to-pixel p99 over 600 incidents 227–233 ms drawn at once, 201–217 ms in the next
 * animation frame; p50 the same).
 */
export class FramePacer {
  private readonly draw: (nowPerf: number) => boolean;
  private raf = 0;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private dirty = false;
  private animating = false;
  private lastDrawAt = -Infinity;
  private lastTickAt = 0;
  /** Ticks to go until the cost sample of the last draw (0: not measuring). */
  private probe = 0;
  /** Smoothed frame cost, ms. */
  public cost = 16;
  private disposed = false;

  /**
   * Shortest gap between animation frames, ms. 0 follows the display; with software GL the map
   * sets a floor, since each animated frame is composited by the CPU that also runs the host.
   */
  public floorMs = 0;

  /** Set once the live canvas exists (see GpuFence). */
  public gpu: { busy(): boolean; whenPassed(fn: () => void): void } | null = null;
  /** A held change is waiting for the GPU fence's callback. */
  private waitingForGpu = false;

  /** `draw` builds and hands over the layers; it returns whether something is still moving. */
  public constructor(draw: (nowPerf: number) => boolean) {
    this.draw = draw;
  }

  /** Data changed: draw in the next animation frame, outside the pacing. */
  public drawNow(): void {
    this.request();
  }

  /** Draws the pending change in the first animation frame after the GPU has finished the last one. */
  private waitForGpu(): void {
    if (this.waitingForGpu || this.disposed || !this.gpu) return;
    this.waitingForGpu = true;
    this.gpu.whenPassed(() => {
      this.waitingForGpu = false;
      if (this.dirty) this.ensure();
    });
  }

  /** Something may have started moving (new fixes): keep animation frames coming, paced. */
  public animate(): void {
    if (this.animating) return;
    this.animating = true;
    this.ensure();
  }

  /** Something should be redrawn on the next animation frame. */
  public request(): void {
    this.dirty = true;
    this.ensure();
  }

  private ensure(): void {
    if (!this.raf && !this.disposed) this.raf = requestAnimationFrame(this.tick);
  }

  private minGap(): number {
    return Math.max(this.floorMs, this.cost > 40 ? Math.min(5000, this.cost * 3) : 0);
  }

  private readonly tick = (now: number): void => {
    this.raf = 0;
    if (this.probe > 0 && --this.probe === 0) this.cost = this.cost * 0.7 + Math.max(1, now - this.lastTickAt) * 0.3;
    this.lastTickAt = now;
    if (this.probe > 0) this.ensure();
    const wait = this.lastDrawAt + this.minGap() - now;
    const due = this.dirty || (this.animating && wait <= 0);
    if (due && this.gpu?.busy()) {
      // Still drawing the last frame: a change waits for it; animation takes the next frame.
      if (this.dirty) this.waitForGpu();
      else this.ensure();
      return;
    }
    if (due) this.run(now);
    else if (this.animating && !this.timer) {
      this.timer = setTimeout(() => {
        this.timer = null;
        this.ensure();
      }, wait);
    }
    if (this.dirty || (this.animating && this.minGap() === 0)) this.ensure();
  };

  private run(now: number): void {
    if (this.disposed) return;
    this.dirty = false;
    this.lastDrawAt = now;
    if (this.probe === 0) this.probe = 2;
    this.animating = this.draw(now);
    // The next two ticks measure this frame's cost; then the gap is waited out if frames are slow.
    this.ensure();
  }

  public dispose(): void {
    this.disposed = true;
    cancelAnimationFrame(this.raf);
    if (this.timer) clearTimeout(this.timer);
  }
}
