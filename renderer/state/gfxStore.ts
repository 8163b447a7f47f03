/**
 * WebGL context status per view (ARCHITECTURE-ANCHORS §4.3). `key` is bumped to remount a view
 * whose context did not come back; `lost` drives the overlay message.
 */
import { createStore } from './createStore.ts';

export type GfxView = 'map' | 'inspector';
export interface GfxViewState {
  lost: boolean;
  /** React key of the view: bumping it remounts the view and its canvas. */
  key: number;
  /** How many times this view was rebuilt after a lost context. */
  remounts: number;
}
export type GfxState = Record<GfxView, GfxViewState>;

const fresh = (): GfxViewState => ({ lost: false, key: 0, remounts: 0 });
export const useGfxStore = createStore<GfxState>()(() => ({ map: fresh(), inspector: fresh() }));

export const setContextLost = (view: GfxView, lost: boolean): void =>
  useGfxStore.setState((s) => ({ [view]: { ...s[view], lost } }));
export const remountView = (view: GfxView): void =>
  useGfxStore.setState((s) => ({ [view]: { lost: false, key: s[view].key + 1, remounts: s[view].remounts + 1 } }));
