/**
 * The demo to officials (issue 12): a sealed twin that always looks fresh. Both hosts use this:
 * `civictwin demo` in browser mode and Electron's main process with `--demo`.
 */
import type { DuckDbStore } from '../../../data/store/DuckDbStore.ts';
import type { StartSimulatorOptions } from '../simulator/startSimulator.ts';
import { settleDemoAlerts, type SettledBacklog } from './settleAlerts.ts';
import { armDemoStory } from './DemoStoryService.ts';

/** A day behind the demo in the replay, and a quieter street than the stress feed: ~24 reports an hour, nearly all handled by colleagues. */
export const DEMO_SIMULATION: Pick<StartSimulatorOptions, 'historyHours' | 'pace'> = {
  historyHours: 24,
  pace: { incidentsPerHour: 24, autoHandleShare: 0.92 },
};

/** The last meter day of a demo twin: yesterday in Beijing, so the history ends where the live feed begins. */
export function demoEndDay(nowMs = Date.now()): string {
  return new Date(nowMs + 8 * 3_600_000 - 86_400_000).toISOString().slice(0, 10);
}

/** Runs once the services raised their alerts, before the live feed: the backlog of a well-run street. */
export async function prepareDemoTwin(store: DuckDbStore, log: (line: string) => void, nowMs = Date.now()): Promise<SettledBacklog> {
  armDemoStory(store);
  const backlog = await settleDemoAlerts(store, nowMs);
  log(`demo: ${backlog.settled} meter alerts of the last 30 days visited and closed; ${backlog.keptOpen.length} open for the story`);
  return backlog;
}

export { settleDemoAlerts, armDemoStory };
