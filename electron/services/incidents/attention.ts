/**
 * Which incidents a person at a console is working on: opened, asked for a dispatch list, or
 * acted on. The built-in feed's simulated colleagues leave those alone — an operator who opened a
 * dispatch list must not see the incident dispatched under their hands by a simulated one.
 *
 * Kept per twin store (the services of one host share it), in memory: it is about the last
 * minutes of screen work, not history.
 */
import type { DuckDbStore } from '../../../data/store/DuckDbStore.ts';
import { currentCaller } from '../callContext.ts';

/** An incident opened but not acted on is the person's for this long after they last looked. */
const VIEW_HOLD_MS = 10 * 60_000;
/** Bounded: the oldest entries go first. */
const MAX_TRACKED = 10_000;

export class IncidentAttention {
  private readonly viewedAt = new Map<string, number>();
  private readonly actedOn = new Set<string>();

  public constructor(private readonly now: () => number = Date.now) {}

  /** Called by the incident service on every call; only a signed-in person's calls count. */
  public note(incidentId: string, acted: boolean): void {
    if (currentCaller()?.kind !== 'person') return;
    this.viewedAt.delete(incidentId);
    this.viewedAt.set(incidentId, this.now());
    if (acted) this.actedOn.add(incidentId);
    while (this.viewedAt.size > MAX_TRACKED) this.viewedAt.delete(this.viewedAt.keys().next().value!);
    while (this.actedOn.size > MAX_TRACKED) this.actedOn.delete(this.actedOn.values().next().value!);
  }

  /** True while a person holds the incident: they acted on it, or looked at it in the last minutes. */
  public heldByPerson(incidentId: string): boolean {
    if (this.actedOn.has(incidentId)) return true;
    const at = this.viewedAt.get(incidentId);
    return at !== undefined && this.now() - at < VIEW_HOLD_MS;
  }
}

const byStore = new WeakMap<DuckDbStore, IncidentAttention>();

/** The attention record of the host serving this twin store. */
export function attentionOf(store: DuckDbStore): IncidentAttention {
  let a = byStore.get(store);
  if (!a) byStore.set(store, (a = new IncidentAttention()));
  return a;
}
