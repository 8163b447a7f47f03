/** Incidents and their closed loop: a report opens an incident and its first step; a status is a step. */
import { q, type ProjectionModule } from '../projection.ts';

export const incidentProjection: ProjectionModule = {
  tables: {
    incidents: {
      columns: { id: 'VARCHAR', category: 'VARCHAR', severity: 'UTINYINT', lon: 'DOUBLE', lat: 'DOUBLE', building_id: 'INTEGER', reporter: 'VARCHAR', source: 'VARCHAR', description: 'VARCHAR', reported_at: 'TIMESTAMP', source_category: 'VARCHAR' },
      // Keyed by the incident's own id: a second report of it is not a new incident.
      conflict: 'own-key',
    },
    incident_steps: {
      columns: { event_id: 'VARCHAR', incident_id: 'VARCHAR', step: 'VARCHAR', ts: 'TIMESTAMP', assignee_kind: 'VARCHAR', assignee_id: 'INTEGER', actor: 'VARCHAR', note: 'VARCHAR', rating: 'UTINYINT' },
    },
  },
  project: {
    'incident.reported': (e, id, write) => {
      const d = e.data;
      write('incidents', `{"id":${q(d.incidentId)},"category":${q(d.category)},"severity":${d.severity},"lon":${d.lon},"lat":${d.lat},"building_id":${d.buildingId ?? null},"reporter":${q(d.reporter)},"source":${q(e.source)},"description":${q(d.description)},"reported_at":${e.tsMs},"source_category":${q(d.sourceCategory)}}`);
      write('incident_steps', `{"event_id":${id},"incident_id":${q(d.incidentId)},"step":"reported","ts":${e.tsMs},"actor":${q(e.source)},"note":${q(d.description)}}`);
    },
    'incident.status': (e, id, write) => {
      const d = e.data;
      write('incident_steps', `{"event_id":${id},"incident_id":${q(d.incidentId)},"step":${q(d.status)},"ts":${e.tsMs},"assignee_kind":${q(d.assignee?.kind)},"assignee_id":${d.assignee?.id ?? null},"actor":${q(d.actor)},"note":${q(d.note)},"rating":${d.rating ?? null}}`);
    },
  },
};
