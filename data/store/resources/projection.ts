/** Resource fixes: the live map's positions and trails, and the replay's history. */
import { q, type ProjectionModule } from '../projection.ts';

export const resourceProjection: ProjectionModule = {
  tables: {
    resource_positions: { columns: { event_id: 'VARCHAR', resource_id: 'INTEGER', ts: 'TIMESTAMP', lon: 'DOUBLE', lat: 'DOUBLE', heading: 'REAL', speed: 'REAL', status: 'VARCHAR' } },
  },
  project: {
    'resource.position': (e, id, write) => {
      const d = e.data;
      write('resource_positions', `{"event_id":${id},"resource_id":${d.resourceId},"ts":${e.tsMs},"lon":${d.lon},"lat":${d.lat},"heading":${d.heading ?? null},"speed":${d.speed ?? null},"status":${q(d.status)}}`);
    },
  },
};
