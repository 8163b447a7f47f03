import type { AppApi } from '../../common/contract.ts';
import type { IngestService } from '../IngestService.ts';
import { DEFAULT_SIMULATOR, FeedSimulator } from './FeedSimulator.ts';
import { SimulatorRunner } from './runner.ts';
import { loadWorld } from './world.ts';

/** Starts the in-process demo feed: events go straight to this host's ingest. */
export async function startSimulator(api: AppApi, ingest: IngestService, log: (l: string) => void): Promise<SimulatorRunner> {
  const world = await loadWorld(api);
  const sim = new FeedSimulator(world, { ...DEFAULT_SIMULATOR, runId: Date.now().toString(36) });
  const runner = new SimulatorRunner(sim, { sink: (events) => ingest.ingestValues(events, 'simulator'), log });
  await runner.start();
  log(`simulator: running (${world.resources.length} resources, ${world.elderlyAloneHouseholds.length + world.otherHouseholds.length} metered households)`);
  return runner;
}
