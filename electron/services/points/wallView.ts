/**
 * What a wall is shown of 积分制 (electron/services/wallView.ts's rule): aggregates only. The
 * answers hold no household or person at all; per building, a building with fewer households than
 * MIN_HOUSEHOLDS_COUNTED is left out (with one or two households its share describes them).
 */
import type { Participation } from '../../../data/model/points/index.ts';
import { MIN_HOUSEHOLDS_COUNTED } from '../wallView.ts';

export function wallParticipation(p: Participation): Participation {
  const keep = p.buildings.households.map((n) => n >= MIN_HOUSEHOLDS_COUNTED);
  const pick = (xs: number[]): number[] => xs.filter((_, i) => keep[i]);
  return {
    ...p,
    buildings: { ids: pick(p.buildings.ids), households: pick(p.buildings.households), participating: pick(p.buildings.participating), points: pick(p.buildings.points) },
  };
}
