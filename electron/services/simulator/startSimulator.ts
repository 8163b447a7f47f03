import type { AppApi } from '../../common/contract.ts';
import type { IngestService } from '../IngestService.ts';
import { DEFAULT_SIMULATOR, FeedSimulator } from './FeedSimulator.ts';
import { SimulatorRunner } from './runner.ts';
import { loadWorld } from './world.ts';

export interface StartSimulatorOptions {
  /** Incidents a person at a console holds: the simulated colleagues leave them alone. */
  heldByPerson?: (incidentId: string) => boolean;
  /** Write this many hours of the street's past first (the demo: a replay from the first minute). */
  historyHours?: number;
  /** Pace overrides (the demo runs a quieter, well-run street). */
  pace?: Partial<Pick<typeof DEFAULT_SIMULATOR, 'incidentsPerHour' | 'autoHandleShare' | 'maxFixesPerSecond'>>;
}

/** Starts the in-process demo feed: events go straight to this host's ingest. */
export async function startSimulator(api: AppApi, ingest: IngestService, log: (l: string) => void, options: StartSimulatorOptions = {}): Promise<SimulatorRunner> {
  const world = await loadWorld(api);
  // Units a person sent (dispatch by kind): read before each step, so the simulated fleet drives them there and never elsewhere.
  let unitsOut: Awaited<ReturnType<AppApi['dispatch']['getActiveDispatches']>> = [];
  const sim = new FeedSimulator(world, { ...DEFAULT_SIMULATOR, ...options.pace, runId: Date.now().toString(36), heldByPerson: options.heldByPerson, unitsOut: () => unitsOut });
  const sink = (events: Parameters<IngestService['ingestValues']>[0]): Promise<unknown> => ingest.ingestValues(events, 'simulator');
  const runner = new SimulatorRunner(sim, { sink, log, beforeStep: async () => void (unitsOut = await api.dispatch.getActiveDispatches()) });
  if (options.historyHours) {
    const now = Date.now();
    const sent = await sim.fastForward(now - options.historyHours * 3_600_000, now, 5_000, sink);
    log(`simulator: wrote the last ${options.historyHours} h of the street (${sent.toLocaleString('en')} events) for the replay`);
  }
  await runner.start({ backfill: !options.historyHours });
  log(`simulator: running (${world.resources.length} resources, ${world.elderlyAloneHouseholds.length + world.otherHouseholds.length} metered households)`);
  return runner;
}
