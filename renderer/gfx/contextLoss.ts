/**
 * WebGL context loss (ARCHITECTURE-ANCHORS §4.3). Each view's canvas is watched: on loss we
 * `preventDefault()` (which allows the browser to restore the context), flag the view in the gfx
 * store (the overlay shows a message) and, if the context is not back within `timeoutMs`, remount
 * the view by bumping its key. A restored map context is also remounted: deck.gl and luma.gl do not
 * rebuild their GPU resources on restore, while a remount rebuilds everything from the stores.
 */
import { remountView, setContextLost, type GfxView } from '../state/gfxStore.ts';

export interface ContextWatchOptions {
  /** How long to wait for `webglcontextrestored` before remounting. */
  timeoutMs?: number;
  /** Remount even when the context comes back (views whose libraries cannot restore). */
  remountOnRestore?: boolean;
}

export function watchContextLoss(canvas: HTMLCanvasElement, view: GfxView, opts: ContextWatchOptions = {}): () => void {
  const timeoutMs = opts.timeoutMs ?? 3000;
  let timer: ReturnType<typeof setTimeout> | null = null;
  const clear = (): void => {
    if (timer) clearTimeout(timer);
    timer = null;
  };
  const onLost = (e: Event): void => {
    e.preventDefault();
    console.warn(`[civictwin] WebGL context lost (${view})`);
    setContextLost(view, true);
    clear();
    timer = setTimeout(() => {
      timer = null;
      console.warn(`[civictwin] no context restore within ${timeoutMs} ms: remounting ${view}`);
      remountView(view);
    }, timeoutMs);
  };
  const onRestored = (): void => {
    clear();
    console.info(`[civictwin] WebGL context restored (${view})`);
    if (opts.remountOnRestore) remountView(view);
    else setContextLost(view, false);
  };
  canvas.addEventListener('webglcontextlost', onLost);
  canvas.addEventListener('webglcontextrestored', onRestored);
  return () => {
    clear();
    canvas.removeEventListener('webglcontextlost', onLost);
    canvas.removeEventListener('webglcontextrestored', onRestored);
  };
}
