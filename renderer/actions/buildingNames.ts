/**
 * What a building is called, for the map's hover tooltip. The building columns carry no names
 * (100k strings would double the twin's first load), so a hover that rests on a building asks the
 * host once and keeps the answer; until then the tooltip says "楼栋 <id>". A failed lookup is not
 * worth a toast on every hover: the tooltip simply keeps its number.
 */
import { getAppApi } from '../bridge/appApi.ts';

const names = new Map<number, string | null>();
let waiting: { id: number; timer: ReturnType<typeof setTimeout> } | null = null;
/** A hover resting this long asks; passing over buildings asks nothing. */
const REST_MS = 150;
/** Names kept; the oldest go first (a long session hovers over many buildings). */
const MAX_NAMES = 5000;

/** The building's name (or address) if known; `undefined` when not yet asked, `null` when it has none. */
export function buildingName(id: number): string | null | undefined {
  return names.get(id);
}

/** Asks for a building's name once the hover rests on it; `onName` runs when it arrives. */
export function requestBuildingName(id: number, onName: (name: string | null) => void): void {
  if (names.has(id) || waiting?.id === id) return;
  if (waiting) clearTimeout(waiting.timer);
  const timer = setTimeout(() => {
    waiting = null;
    getAppApi()
      .store.getBuildingDetail(id)
      .then(
        (d) => {
          const name = d ? d.name?.trim() || d.address.trim() || null : null;
          if (names.size >= MAX_NAMES) names.delete(names.keys().next().value!);
          names.set(id, name);
          onName(name);
        },
        () => undefined,
      );
  }, REST_MS);
  waiting = { id, timer };
}
