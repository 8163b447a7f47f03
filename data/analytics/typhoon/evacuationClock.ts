/**
 * The evacuation clock per grid (网格), HURREVAC's idea at household scale.
 *
 * HURREVAC (the US National Hurricane Program's decision tool) sets an Evacuation Start Time =
 * arrival of tropical-storm-force winds − clearance time, per county. Here the gale is force 7
 * (13.9 m/s, the edge of the 7级风圈, close to tropical-storm force) at the grid's first place to
 * get it (from windTimeline's GridWindSummary), and clearance comes from the grid's own plan:
 *
 *   clearance = mobilisation + max(worker time, vehicle time)
 *   worker time  = (walking households × walk minutes + vehicle households × vehicle minutes) / grid workers,
 *                  and never less than one household's minutes (someone has to do the last one)
 *   vehicle time = ⌈vehicle households / (vehicles × households per trip)⌉ × trip minutes (when vehicles are given)
 *
 * Grid workers share the door-knocking evenly (each has an ordered list; with many households the
 * lists balance to within one household); vehicles shuttle in waves in parallel with the knocking.
 * `mustBeDoneByUtcMs` = gale arrival − clearance: the last moment the grid can start and still
 * have everyone moved before the gales (the moment HURREVAC calls the evacuation start time). A
 * grid is late when now is past it. Pass the households still to move (not the plan's total) and
 * the clock tightens or relaxes as workers report progress.
 */

export interface GridEvacuationPlan {
  /** Households still to move (walking and vehicle together). */
  householdsToMove: number;
  /** Of them, households that need a vehicle (bedridden, wheelchair, no one to carry them). */
  vehicleHouseholds: number;
  /** Grid workers (网格员 and helpers) knocking on doors in this grid. */
  gridWorkers: number;
  /** Worker minutes per household that walks: reach the door, persuade, help pack, see them off. */
  walkMinutesPerHousehold: number;
  /** Worker minutes per household that needs a vehicle: as above, plus carrying them to it. */
  vehicleMinutesPerHousehold: number;
  /** Vehicles serving the grid; omit when vehicles are not the bottleneck (called as needed). */
  vehicles?: number;
  /** Minutes a vehicle takes for one round trip to the shelter and back. */
  vehicleTripMinutes?: number;
  /** Households one trip carries (default 1: a household with a wheelchair or a stretcher fills a van). */
  householdsPerTrip?: number;
  /** Minutes from the decision to the first door knocked (call-out, briefing, lists). Default 30. */
  mobilisationMinutes?: number;
}

export const DEFAULT_MOBILISATION_MINUTES = 30;

export interface ClearanceTime {
  /** Total clearance, minutes; Infinity when the plan cannot finish (no workers, no vehicles). */
  minutes: number;
  mobilisationMinutes: number;
  workerMinutes: number;
  vehicleMinutes: number;
  /** What sets the pace. */
  bottleneck: 'none' | 'workers' | 'vehicles';
  /** Why the plan cannot finish, or a bad input; null when the figures are sound. */
  problem: string | null;
  /** `bad-input`: a figure is not a count or a duration; `no-capacity`: no worker or no vehicle for the households. */
  problemKind: 'bad-input' | 'no-capacity' | null;
}

/** Clearance time of a grid's plan. Bad figures give `problem` and an infinite time, never a throw. */
export function clearanceTime(plan: GridEvacuationPlan): ClearanceTime {
  const mobilisation = plan.mobilisationMinutes ?? DEFAULT_MOBILISATION_MINUTES;
  const fail = (problemKind: 'bad-input' | 'no-capacity', problem: string): ClearanceTime => ({
    minutes: Infinity,
    mobilisationMinutes: mobilisation,
    workerMinutes: Infinity,
    vehicleMinutes: Infinity,
    bottleneck: 'none',
    problem,
    problemKind,
  });
  const counts: [string, number | undefined][] = [
    ['householdsToMove', plan.householdsToMove],
    ['vehicleHouseholds', plan.vehicleHouseholds],
    ['gridWorkers', plan.gridWorkers],
    ['walkMinutesPerHousehold', plan.walkMinutesPerHousehold],
    ['vehicleMinutesPerHousehold', plan.vehicleMinutesPerHousehold],
    ['vehicles', plan.vehicles],
    ['vehicleTripMinutes', plan.vehicleTripMinutes],
    ['householdsPerTrip', plan.householdsPerTrip],
    ['mobilisationMinutes', plan.mobilisationMinutes],
  ];
  const required = new Set(['householdsToMove', 'vehicleHouseholds', 'gridWorkers', 'walkMinutesPerHousehold', 'vehicleMinutesPerHousehold']);
  for (const [name, value] of counts) {
    if (value === undefined && !required.has(name)) continue;
    if (!(typeof value === 'number' && Number.isFinite(value) && value >= 0)) return fail('bad-input', `${name} is ${value}: give a number of 0 or more`);
  }
  const total = plan.householdsToMove;
  const byVehicle = plan.vehicleHouseholds;
  if (byVehicle > total) return fail('bad-input', `${byVehicle} vehicle households out of ${total} to move: the vehicle households are part of the households to move`);
  if (total === 0) return { minutes: 0, mobilisationMinutes: 0, workerMinutes: 0, vehicleMinutes: 0, bottleneck: 'none', problem: null, problemKind: null };
  if (plan.gridWorkers < 1) return fail('no-capacity', `${total} households to move and no grid worker: assign at least one worker to the grid`);
  const walking = total - byVehicle;
  const work = walking * plan.walkMinutesPerHousehold + byVehicle * plan.vehicleMinutesPerHousehold;
  const longestOne = Math.max(walking > 0 ? plan.walkMinutesPerHousehold : 0, byVehicle > 0 ? plan.vehicleMinutesPerHousehold : 0);
  const workerMinutes = Math.max(work / plan.gridWorkers, longestOne);
  let vehicleMinutes = 0;
  if (byVehicle > 0 && plan.vehicles !== undefined) {
    if (plan.vehicles < 1) return fail('no-capacity', `${byVehicle} households need a vehicle and the grid has none: assign a vehicle or mark them as walking`);
    const perTrip = Math.max(1, plan.householdsPerTrip ?? 1);
    const trip = plan.vehicleTripMinutes ?? 0;
    vehicleMinutes = Math.ceil(byVehicle / (plan.vehicles * perTrip)) * trip;
  }
  return {
    minutes: mobilisation + Math.max(workerMinutes, vehicleMinutes),
    mobilisationMinutes: mobilisation,
    workerMinutes,
    vehicleMinutes,
    bottleneck: vehicleMinutes > workerMinutes ? 'vehicles' : 'workers',
    problem: null,
    problemKind: null,
  };
}

export type EvacuationClockStatus =
  /** Now is past the must-be-done-by time (or the gales are already here) and households remain. */
  | 'late'
  /** There is still time to start. */
  | 'on-time'
  /** No gale reaches the grid in the modelled range: no deadline from the wind. */
  | 'no-gale'
  /** Nobody left to move. */
  | 'done'
  /** The plan's figures are unusable; `problem` says which. */
  | 'invalid';

export interface EvacuationClock {
  status: EvacuationClockStatus;
  late: boolean;
  /** Force-7 arrival at the grid, UTC ms; null when none. */
  galeArrivalUtcMs: number | null;
  clearance: ClearanceTime;
  /** Gale arrival − clearance, UTC ms: start by then; null without a gale or a finite clearance. */
  mustBeDoneByUtcMs: number | null;
  /** mustBeDoneBy − now, minutes (negative when late); null when there is no deadline. */
  minutesToSpare: number | null;
  problem: string | null;
}

/**
 * The clock of one grid at `nowUtcMs`. `galeArrivalUtcMs` is the grid's force-7 arrival
 * (GridWindSummary.arrival7UtcMs[g]; NaN or null = no gale in the range).
 */
export function evacuationClock(plan: GridEvacuationPlan, galeArrivalUtcMs: number | null, nowUtcMs: number): EvacuationClock {
  const clearance = clearanceTime(plan);
  const arrival = galeArrivalUtcMs !== null && Number.isFinite(galeArrivalUtcMs) ? galeArrivalUtcMs : null;
  const base = { galeArrivalUtcMs: arrival, clearance, problem: clearance.problem };
  const none = { mustBeDoneByUtcMs: null, minutesToSpare: null };
  if (!Number.isFinite(nowUtcMs)) return { ...base, ...none, status: 'invalid', late: false, problem: `now is ${nowUtcMs}: pass the current time in UTC epoch milliseconds` };
  if (clearance.problemKind === 'bad-input') return { ...base, ...none, status: 'invalid', late: false };
  if (plan.householdsToMove === 0) return { ...base, ...none, status: 'done', late: false };
  if (arrival === null) return { ...base, ...none, status: 'no-gale', late: false };
  // No worker or no vehicle for the households: the plan cannot finish before any gale.
  if (clearance.problemKind === 'no-capacity') return { ...base, ...none, status: 'late', late: true };
  const mustBeDoneBy = arrival - clearance.minutes * 60_000;
  const spare = (mustBeDoneBy - nowUtcMs) / 60_000;
  const late = nowUtcMs > mustBeDoneBy;
  return { ...base, status: late ? 'late' : 'on-time', late, mustBeDoneByUtcMs: mustBeDoneBy, minutesToSpare: spare };
}
