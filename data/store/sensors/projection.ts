/** Sensor readings (rain gauges feed the waterlogging model; water levels the embankment watch). */
import { q, type ProjectionModule } from '../projection.ts';

export const sensorProjection: ProjectionModule = {
  tables: {
    sensor_readings: { columns: { event_id: 'VARCHAR', sensor_id: 'VARCHAR', kind: 'VARCHAR', ts: 'TIMESTAMP', value: 'DOUBLE', unit: 'VARCHAR', lon: 'DOUBLE', lat: 'DOUBLE' } },
  },
  project: {
    'sensor.reading': (e, id, write) => {
      const d = e.data;
      write('sensor_readings', `{"event_id":${id},"sensor_id":${q(d.sensorId)},"kind":${q(d.kind)},"ts":${e.tsMs},"value":${d.value},"unit":${q(d.unit)},"lon":${d.lon ?? null},"lat":${d.lat ?? null}}`);
    },
  },
};
