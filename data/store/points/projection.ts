/** 积分制: each earning record and each redemption becomes one row. */
import { q, type ProjectionModule } from '../projection.ts';

export const pointsProjection: ProjectionModule = {
  tables: {
    points_earned: {
      columns: { event_id: 'VARCHAR', household_id: 'INTEGER', person_id: 'INTEGER', kind: 'VARCHAR', points: 'INTEGER', ts: 'TIMESTAMP', lon: 'DOUBLE', lat: 'DOUBLE', note: 'VARCHAR' },
    },
    points_redeemed: {
      columns: { event_id: 'VARCHAR', household_id: 'INTEGER', shop_id: 'VARCHAR', points: 'INTEGER', items: 'JSON', ts: 'TIMESTAMP' },
    },
  },
  project: {
    'points.earned': (e, id, write) => {
      const d = e.data;
      write('points_earned', `{"event_id":${id},"household_id":${d.householdId},"person_id":${d.personId ?? null},"kind":${q(d.kind)},"points":${d.points},"ts":${e.tsMs},"lon":${d.lon ?? null},"lat":${d.lat ?? null},"note":${q(d.note)}}`);
    },
    'points.redeemed': (e, id, write) => {
      const d = e.data;
      write('points_redeemed', `{"event_id":${id},"household_id":${d.householdId},"shop_id":${q(d.shopId)},"points":${d.points},"items":${JSON.stringify(d.items)},"ts":${e.tsMs}}`);
    },
  },
};
