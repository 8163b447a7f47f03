/** 吹哨报到: a whistle, one summons per department it calls (with its deadline), and each department's steps. */
import { q, type ProjectionModule } from '../projection.ts';

export const whistleProjection: ProjectionModule = {
  tables: {
    whistles: {
      columns: { id: 'VARCHAR', incident_id: 'VARCHAR', kind: 'VARCHAR', blown_at: 'TIMESTAMP', deadline_min: 'USMALLINT', actor: 'VARCHAR', note: 'VARCHAR' },
      conflict: 'own-key',
    },
    whistle_summons: {
      columns: { event_id: 'VARCHAR', whistle_id: 'VARCHAR', department_id: 'INTEGER', due_at: 'TIMESTAMP' },
    },
    whistle_steps: {
      columns: { event_id: 'VARCHAR', whistle_id: 'VARCHAR', department_id: 'INTEGER', step: 'VARCHAR', ts: 'TIMESTAMP', lon: 'DOUBLE', lat: 'DOUBLE', eta_min: 'USMALLINT', outcome: 'VARCHAR', rating: 'UTINYINT', level: 'UTINYINT', actor: 'VARCHAR', note: 'VARCHAR' },
    },
  },
  project: {
    'whistle.blown': (e, id, write) => {
      const d = e.data;
      write('whistles', `{"id":${q(d.whistleId)},"incident_id":${q(d.incidentId)},"kind":${q(d.kind)},"blown_at":${e.tsMs},"deadline_min":${d.deadlineMin},"actor":${q(d.actor)},"note":${q(d.note)}}`);
      for (const dep of new Set(d.departmentIds)) {
        write('whistle_summons', `{"event_id":${id},"whistle_id":${q(d.whistleId)},"department_id":${dep},"due_at":${e.tsMs + d.deadlineMin * 60_000}}`);
      }
    },
    'whistle.step': (e, id, write) => {
      const d = e.data;
      write('whistle_steps', `{"event_id":${id},"whistle_id":${q(d.whistleId)},"department_id":${d.departmentId},"step":${q(d.step)},"ts":${e.tsMs},"lon":${d.lon ?? null},"lat":${d.lat ?? null},"eta_min":${d.etaMin ?? null},"outcome":${q(d.outcome)},"rating":${d.rating ?? null},"level":${d.level ?? null},"actor":${q(d.actor)},"note":${q(d.note)}}`);
    },
  },
};
