/**
 * The feature modules' event types: one line per module. Validation (events.ts), the ingest
 * projections (data/store/projections.ts) and the docs all read the types from here, so a module's
 * events are accepted once they are listed, and the compiler points to the projection they need.
 */
import { incidentEvents } from './incidents/events.ts';
import { meterEvents } from './meters/events.ts';
import { resourceEvents } from './resources/events.ts';
import { sensorEvents } from './sensors/events.ts';
import { TYPHOON_EVENT_SCHEMAS } from './typhoon/events.ts';
import { EVACUATION_EVENT_SCHEMAS } from './typhoon/evacuationEvents.ts';
import { residentReportEvents } from './reports/events.ts';
import { whistleEvents } from './whistle/events.ts';
import { pointsEvents } from './points/events.ts';

export const EVENT_DATA_SCHEMAS = {
  ...incidentEvents,
  ...meterEvents,
  ...resourceEvents,
  ...sensorEvents,
  ...TYPHOON_EVENT_SCHEMAS,
  ...EVACUATION_EVENT_SCHEMAS,
  ...residentReportEvents,
  ...whistleEvents,
  ...pointsEvents,
} as const;
