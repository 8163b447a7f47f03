/**
 * Dispatch by kind's contract section (feature module, issue 13): which kinds of responder each
 * incident category needs (read by anyone who may view, changed by a supervisor), the nearest
 * available unit of each kind by road with its ETA (for an operator about to dispatch), and the
 * units out now with their road route to the incident, pushed as they change.
 *
 * A unit is dispatched like a person: `incidents.actOnIncident(id, { action: 'dispatch',
 * assignee: { kind: 'resource', id } })`, an `incident.status` event whose step records it.
 */
import { z } from 'zod';
import type { ResourceKind } from '../../../data/model/domain.ts';
import { INCIDENT_CATEGORIES, type IncidentCategory } from '../../../data/model/incidents.ts';
import {
  MAX_NEEDS_PER_CATEGORY,
  RESPONDER_KINDS,
  type DispatchState,
  type ResponderKind,
} from '../../../data/model/dispatch/index.ts';
import { idText, m, NO_ARGS, type MemberSpec } from '../sections.ts';

export interface CategoryNeeds {
  category: IncidentCategory;
  needs: ResponderKind[];
  /** True while no supervisor has changed this category's needs. */
  isDefault: boolean;
  /** Who changed them and when (null for the defaults). */
  setBy: string | null;
  setAtMs: number | null;
}

/** One unit that could go: a resource (vehicle, boat), a grid worker, or a department. */
export interface UnitProposal {
  assignee: { kind: 'resource' | 'grid_worker' | 'department'; id: number };
  label: string;
  roadDistanceM: number;
  straightDistanceM: number;
  /** Minutes to arrive at the kind's speed (data/model/dispatch SPEED_MS). */
  etaMin: number;
}

/** A unit of this incident already out (en route or on scene). */
export interface SentUnit {
  resourceId: number;
  label: string;
  state: DispatchState;
  sinceMs: number;
}

/** What the incident needs of one kind: the nearest available unit, the next ones, and who is already out. */
export interface KindProposal {
  kind: ResponderKind;
  proposal: UnitProposal | null;
  alternatives: UnitProposal[];
  sent: SentUnit[];
}

export interface IncidentProposal {
  incidentId: string;
  category: IncidentCategory;
  kinds: KindProposal[];
}

/** A unit out now, with the road route from where it was sent to the incident. */
export interface ActiveDispatch {
  resourceId: number;
  resourceKind: ResourceKind;
  callsign: string;
  incidentId: string;
  state: Exclude<DispatchState, 'idle'>;
  /** When it entered its state; when it was sent. */
  sinceMs: number;
  dispatchedAtMs: number;
  /** The road path as flat lon,lat pairs, from where it was sent to the incident. */
  route: number[];
  roadDistanceM: number;
  etaMin: number;
}

export interface DispatchesPush {
  dispatches: ActiveDispatch[];
}

export interface DispatchApi {
  getNeeds(): Promise<CategoryNeeds[]>;
  /** Replaces a category's needs (in proposal order); `null` restores the default. Audited. */
  setNeeds(category: IncidentCategory, needs: ResponderKind[] | null): Promise<CategoryNeeds[]>;
  /** For each kind the incident's category needs, the nearest available unit by road with its ETA. */
  proposeByKind(incidentId: string): Promise<IncidentProposal | null>;
  /** Units out now, with their routes. */
  getActiveDispatches(): Promise<ActiveDispatch[]>;
  /** Pushes every unit out whenever one is sent, arrives or is released. Returns the unsubscribe. */
  onDispatchesChanged(listener: (push: DispatchesPush) => void): () => void;
}

const responderKind = z.enum(RESPONDER_KINDS as [ResponderKind, ...ResponderKind[]]);
const needsList = z
  .array(responderKind)
  .min(1)
  .max(MAX_NEEDS_PER_CATEGORY)
  .refine((xs) => new Set(xs).size === xs.length, 'each kind once')
  .nullable();

export const DISPATCH_SECTION = {
  getNeeds: NO_ARGS('view'),
  setNeeds: m('supervisor', z.enum(INCIDENT_CATEGORIES), needsList),
  proposeByKind: m('operator', idText),
  getActiveDispatches: NO_ARGS('view'),
  onDispatchesChanged: 'event',
} as const satisfies Record<keyof DispatchApi, MemberSpec>;
