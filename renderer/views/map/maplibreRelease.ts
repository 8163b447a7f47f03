/**
 * maplibre-gl 5 leaves a map behind after a lost WebGL context. Each Style subscribes to the
 * page-wide RTL-text-plugin emitter (`rtlMainThreadPluginFactory().on('RTLPluginLoaded', …)`,
 * style.ts) and only `Style._remove()` unsubscribes. A lost context goes through `Style.destroy()`
 * instead (map.ts `_contextLost`), which does not, and sets `map.style = null`, so the later
 * `map.remove()` has no style left to remove: the destroyed style's listener keeps its `map`, the
 * map its canvas, WebGL context, controls and event listeners, and those our controller with its
 * deck.gl layers. A wall whose map was rebuilt after 100 lost contexts held 100 maps
 * (37 → 113 MB; found by a heap-snapshot retainer walk, tests/e2e/heapRetainers.ts).
 *
 * The emitter is not exported. It is caught the first time a map is built: during that
 * construction, maplibre's base event class's `on` notes which object is subscribed to
 * 'RTLPluginLoaded'. Each style a map has had is then unsubscribed: on a lost context (the
 * destroyed one) and by `removeMap`.
 *
 * The same pair tells the page's watchdog (gfx/pageWatchdog.ts) that a map is there and each
 * frame it draws: a frozen map, or one that could not be built again, reloads the page.
 */
import maplibregl from 'maplibre-gl';
import { attachMapHeartbeat } from '../../gfx/pageWatchdog.ts';

const RTL_EVENT = 'RTLPluginLoaded';

interface Emitter {
  on(type: string, listener: unknown): unknown;
  off(type: string, listener: unknown): unknown;
}
/** The parts of maplibre's (internal) Style this touches. */
interface StyleLike {
  _rtlPluginLoaded?: unknown;
}

let rtlEmitter: Emitter | null = null;

/** maplibre's `Evented.prototype`: the root of Map's class chain (Map → Camera → Evented). */
function eventedPrototype(): Emitter | null {
  let proto: object | null = maplibregl.Map.prototype;
  while (proto) {
    const up = Object.getPrototypeOf(proto) as object | null;
    if (up === Object.prototype) break;
    proto = up;
  }
  return proto && Object.prototype.hasOwnProperty.call(proto, 'on') && Object.prototype.hasOwnProperty.call(proto, 'off') ? (proto as Emitter) : null;
}

function noteEmitter(emitter: Emitter): void {
  rtlEmitter ??= emitter;
}

const detachers = new WeakMap<maplibregl.Map, () => void>();

/** Every style a map has had that may still be subscribed. */
const stylesOf = new WeakMap<maplibregl.Map, Set<StyleLike>>();

/** The map's current style (maplibre's field; null while its context is lost). */
function currentStyle(map: maplibregl.Map): StyleLike | null {
  return (map as unknown as { style?: StyleLike | null }).style ?? null;
}

function releaseStyles(styles: Iterable<StyleLike>): void {
  if (!rtlEmitter) return;
  for (const style of styles) {
    if (typeof style._rtlPluginLoaded === 'function') rtlEmitter.off(RTL_EVENT, style._rtlPluginLoaded);
  }
}

/**
 * `new maplibregl.Map(options)`, catching maplibre's RTL-plugin emitter on the first call, and
 * unsubscribing each style a lost context destroys (a restored context brings a new one).
 */
export function createMap(options: maplibregl.MapOptions): maplibregl.Map {
  const proto = rtlEmitter ? null : eventedPrototype();
  let map: maplibregl.Map;
  if (!proto) {
    map = new maplibregl.Map(options);
  } else {
    const on = proto.on;
    proto.on = function (this: Emitter, type: string, listener: unknown) {
      if (type === RTL_EVENT) noteEmitter(this);
      return on.call(this, type, listener);
    };
    try {
      map = new maplibregl.Map(options);
    } finally {
      proto.on = on;
    }
  }
  const styles = new Set<StyleLike>();
  stylesOf.set(map, styles);
  const track = (): void => {
    const style = currentStyle(map);
    if (style) styles.add(style);
  };
  track();
  // maplibre fires these after its own handling: the lost style is already destroyed (and
  // `map.style` null), the restored one already built.
  map.on('webglcontextlost', () => {
    releaseStyles(styles);
    styles.clear();
  });
  map.on('webglcontextrestored', track);
  const beat = attachMapHeartbeat(() => map.triggerRepaint());
  map.on('render', beat.frame);
  detachers.set(map, beat.detach);
  return map;
}

/** `map.remove()`, then every style the map has had let go of the page-wide emitter. */
export function removeMap(map: maplibregl.Map): void {
  detachers.get(map)?.();
  const styles = stylesOf.get(map) ?? new Set<StyleLike>();
  const style = currentStyle(map);
  if (style) styles.add(style);
  try {
    map.remove();
  } catch (err) {
    // NOTE: removing a map whose context is lost can throw inside maplibre; the canvas is gone anyway.
    console.warn('[civictwin] map.remove failed', err);
  }
  releaseStyles(styles);
  styles.clear();
}
