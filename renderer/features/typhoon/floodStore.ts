/**
 * Waterlogging and what-if at this screen: the rain scenario being looked at, its flood (from the
 * host's typhoon.getFlood, placed on the storm's clock), whether the water is on the map, and the
 * two scenarios of the what-if with their comparison. The flood follows the storm being planned
 * for: a new storm or bulletin brings it again.
 */
import type { FloodUnavailable, FloodView, RainChoice, ScenarioComparison, WhatIfScenario } from '../../../electron/common/typhoon/flood.ts';
import { getAppApi } from '../../bridge/appApi.ts';
import { hostCall } from '../../actions/hostCall.ts';
import { createStore } from '../../state/createStore.ts';
import { toPlayer, useTyphoonStore } from './store.ts';

export const RAIN_PRESETS_MM = [150, 300] as const;
export const DEFAULT_RAIN_HOURS = 24;

export interface FloodState {
  visible: boolean;
  rain: RainChoice;
  flood: FloodView | null;
  unavailable: FloodUnavailable | null;
  loading: boolean;
  whatIf: { a: WhatIfScenario; b: WhatIfScenario };
  comparison: ScenarioComparison | null;
  comparing: boolean;
}

export const useFloodStore = createStore<FloodState>()(() => ({
  visible: true,
  rain: { source: 'design', totalMm: 150, hours: DEFAULT_RAIN_HOURS },
  flood: null,
  unavailable: null,
  loading: false,
  whatIf: {
    a: { rain: { source: 'design', totalMm: 150, hours: DEFAULT_RAIN_HOURS }, trackShiftKm: 0 },
    b: { rain: { source: 'design', totalMm: 300, hours: DEFAULT_RAIN_HOURS }, trackShiftKm: -30 },
  },
  comparison: null,
  comparing: false,
}));

let requested = 0;

/** Asks the host for the flood of the current rain scenario over the storm being planned for. */
export async function loadFlood(): Promise<void> {
  const { rain } = useFloodStore.getState();
  const stormId = useTyphoonStore.getState().selectedId;
  const ticket = ++requested;
  useFloodStore.setState({ loading: true });
  const out = await hostCall(() => getAppApi().typhoon.getFlood(stormId, rain), null);
  if (ticket !== requested) return;
  if (out === null) useFloodStore.setState({ loading: false });
  else if ('unavailable' in out) useFloodStore.setState({ flood: null, unavailable: out, loading: false });
  else useFloodStore.setState({ flood: out, unavailable: null, loading: false });
}

export function setRain(rain: RainChoice): void {
  useFloodStore.setState({ rain });
  void loadFlood();
}

export function setFloodVisible(visible: boolean): void {
  useFloodStore.setState({ visible });
}

export function setWhatIf(side: 'a' | 'b', scenario: WhatIfScenario): void {
  useFloodStore.setState((s) => ({ whatIf: { ...s.whatIf, [side]: scenario } }));
}

export async function compareWhatIf(): Promise<void> {
  const stormId = useTyphoonStore.getState().selectedId;
  if (stormId === null) return;
  const { a, b } = useFloodStore.getState().whatIf;
  useFloodStore.setState({ comparing: true });
  const out = await hostCall(() => getAppApi().typhoon.compareScenarios(stormId, a, b), null);
  useFloodStore.setState({ comparison: out, comparing: false });
}

/** The flood follows the storm being planned for (its landfall places the rain). */
export function followStorm(): void {
  useTyphoonStore.subscribe((s, prev) => {
    if (s.selectedId !== prev.selectedId || (s.track !== prev.track && s.track !== null)) {
      useFloodStore.setState({ comparison: null });
      void loadFlood();
    }
  });
}

/** Where the player's moment falls among the flood's steps: the two steps around it and how far between. */
export interface FloodMoment {
  /** Earlier step, −1 before the first (dry ground). */
  from: number;
  to: number;
  mix: number;
}

/** The flood's step s stands at start + (s + 1) h (the end of its hour); before the first step the ground is dry. */
export function floodMoment(flood: FloodView, playerMs: number, shiftMs = useTyphoonStore.getState().shiftMs): FloodMoment | null {
  const start = flood.clock === 'storm' ? toPlayer(flood.startUtcMs, shiftMs) : flood.startUtcMs;
  const f = (playerMs - start) / flood.stepMs - 1;
  if (f <= -1) return null;
  if (f >= flood.steps - 1) return { from: flood.steps - 1, to: flood.steps - 1, mix: 0 };
  const from = Math.floor(f);
  return { from, to: from + 1, mix: f - from };
}

/** The player time of a step's end, for "go to the deepest water". */
export function floodStepTime(flood: FloodView, step: number, shiftMs = useTyphoonStore.getState().shiftMs): number {
  const start = flood.clock === 'storm' ? toPlayer(flood.startUtcMs, shiftMs) : flood.startUtcMs;
  return start + (step + 1) * flood.stepMs;
}
