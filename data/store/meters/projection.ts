/** Meter readings as they arrive (the detector reads them; meter_daily is built from them). */
import type { ProjectionModule } from '../projection.ts';

export const meterProjection: ProjectionModule = {
  tables: {
    meter_readings: { columns: { event_id: 'VARCHAR', household_id: 'INTEGER', ts: 'TIMESTAMP', interval_min: 'USMALLINT', water_l: 'REAL', power_kwh: 'REAL' } },
  },
  project: {
    'meter.reading': (e, id, write) => {
      const d = e.data;
      write('meter_readings', `{"event_id":${id},"household_id":${d.householdId},"ts":${e.tsMs},"interval_min":${d.intervalMin},"water_l":${d.waterL ?? null},"power_kwh":${d.powerKwh ?? null}}`);
    },
  },
};
