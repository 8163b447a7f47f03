/**
 * The one place the renderer touches the state library (ARCHITECTURE-ANCHORS §2 rule 13): stores
 * are created here and read through selector hooks, or subscribed to outside React by imperative
 * renderers (the map controller) so high-rate state never re-renders components.
 */
export { create as createStore, useStore } from 'zustand';
export { useShallow } from 'zustand/react/shallow';
export type { StoreApi as ZustandStoreApi, UseBoundStore } from 'zustand';
