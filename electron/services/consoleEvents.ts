/**
 * Events the host records for what a person did at a console (an incident step, an alert
 * acknowledged or closed), written into the same log as the feed's. Shared by the modules whose
 * sections change state (incidents, alerts).
 */
import type { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import type { ConsoleEventType } from '../../data/feed/events.ts';

/** Writes one console event into the log; call it inside the transaction that makes the change and its audit row. */
export async function recordConsoleEvent(
  store: DuckDbStore,
  id: string,
  type: 'incident.status' | ConsoleEventType,
  data: object,
  atMs: number,
): Promise<void> {
  await store.run(
    `INSERT INTO events (id, type, ts, source, received_at, transport, data) VALUES ($id, $type, epoch_ms($t::BIGINT), 'console', epoch_ms($t::BIGINT), 'console', $data)`,
    { id, type, t: atMs, data: JSON.stringify(data) },
  );
}
