/** Residents' reports: the receipt (hash) linking a report to its incident, and the residents' ratings. */
import { q, type ProjectionModule } from '../projection.ts';

export const residentReportProjection: ProjectionModule = {
  tables: {
    resident_reports: {
      columns: { report_id: 'VARCHAR', incident_id: 'VARCHAR', receipt_hash: 'VARCHAR', category: 'VARCHAR', lon: 'DOUBLE', lat: 'DOUBLE', lang: 'VARCHAR', has_photo: 'UTINYINT', submitted_at: 'TIMESTAMP' },
      conflict: 'own-key',
    },
    resident_ratings: {
      columns: { event_id: 'VARCHAR', report_id: 'VARCHAR', incident_id: 'VARCHAR', rating: 'UTINYINT', comment: 'VARCHAR', reopened: 'UTINYINT', ts: 'TIMESTAMP' },
    },
  },
  project: {
    'resident.report': (e, _id, write) => {
      const d = e.data;
      write('resident_reports', `{"report_id":${q(d.reportId)},"incident_id":${q(d.incidentId)},"receipt_hash":${q(d.receiptHash)},"category":${q(d.category)},"lon":${d.lon},"lat":${d.lat},"lang":${q(d.lang)},"has_photo":${d.hasPhoto ? 1 : 0},"submitted_at":${e.tsMs}}`);
    },
    'resident.rating': (e, id, write) => {
      const d = e.data;
      write('resident_ratings', `{"event_id":${id},"report_id":${q(d.reportId)},"incident_id":${q(d.incidentId)},"rating":${d.rating},"comment":${q(d.comment)},"reopened":${d.reopened ? 1 : 0},"ts":${e.tsMs}}`);
    },
  },
};
