/**
 * Evacuation progress reports (data/feed/typhoon/evacuationEvents.ts) → rows of
 * `typhoon_evacuation_progress`, one per report; the plan board takes each household's newest.
 * Listed once in data/store/projections.ts; the table is made by evacuationMigration.ts.
 */
import { q, type ProjectionModule } from '../projection.ts';

export const evacuationProgressProjection: ProjectionModule = {
  tables: {
    typhoon_evacuation_progress: {
      columns: { event_id: 'VARCHAR', plan_id: 'VARCHAR', household_id: 'INTEGER', status: 'VARCHAR', grid_worker_id: 'INTEGER', actor: 'VARCHAR', note: 'VARCHAR', source: 'VARCHAR', ts: 'TIMESTAMP' },
    },
  },
  project: {
    'typhoon.evacuation_progress': (e, id, write) => {
      const d = e.data;
      write(
        'typhoon_evacuation_progress',
        `{"event_id":${id},"plan_id":${q(d.planId)},"household_id":${d.householdId},"status":${q(d.status)},"grid_worker_id":${d.gridWorkerId ?? null},"actor":${q(d.actor)},"note":${q(d.note)},"source":${q(e.source)},"ts":${e.tsMs}}`,
      );
    },
  },
};
