/**
 * The keyboard's place in each list (the incident queue, the alert list, the search results): the
 * row the arrows have moved to, which Enter opens. Separate from the selection, so moving through
 * a list does not fly the map at every key.
 */
import { createStore } from './createStore.ts';

export type CursorList = 'incidents' | 'alerts' | 'search';

export const useListCursor = createStore<Record<CursorList, string | null>>()(() => ({ incidents: null, alerts: null, search: null }));

/** Moves `list`'s cursor `step` rows through `ids` (the rows in the order shown); returns the new row. */
export function moveCursor(list: CursorList, ids: readonly string[], step: number): string | null {
  if (ids.length === 0) {
    useListCursor.setState({ [list]: null });
    return null;
  }
  const at = ids.indexOf(useListCursor.getState()[list] ?? '');
  const next = at < 0 ? (step > 0 ? 0 : ids.length - 1) : Math.max(0, Math.min(ids.length - 1, at + step));
  const id = ids[next]!;
  useListCursor.setState({ [list]: id });
  return id;
}

export const setCursor = (list: CursorList, id: string | null): void => useListCursor.setState({ [list]: id });
