/**
 * 积分制's entry in the feature services registry (electron/services/modules.ts): the figures of
 * a period in DuckDB (data/store/points/queries.ts), a wall's view of them, and one household's
 * record for console roles. Points arrive as `points.earned` / `points.redeemed` over ingest
 * (their projection writes the rows); nothing here writes.
 */
import type { ServiceModule } from '../modules.ts';
import type { PointsApi } from '../../common/points/contract.ts';
import { householdActivities, participation, redemptions, trend, whoTakesPart } from '../../../data/store/points/queries.ts';
import { servingWall } from '../wallView.ts';
import { wallParticipation } from './wallView.ts';

export const pointsServiceModule: ServiceModule<'points'> = {
  start: async ({ store, personalData }) => {
    const api: PointsApi = {
      getParticipation: async (period) => {
        const p = await participation(store, period);
        return servingWall(personalData) ? wallParticipation(p) : p;
      },
      getTrend: (period) => trend(store, period),
      getWhoTakesPart: (period) => whoTakesPart(store, period),
      getRedemptions: (period) => redemptions(store, period),
      listActivities: async (householdId, period) => {
        if (servingWall(personalData)) throw new Error('A household’s points are not shown on this host: it shows no one.');
        return householdActivities(store, householdId, period);
      },
    };
    return { api };
  },
};
