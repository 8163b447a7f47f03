/**
 * What a what-if scenario comes to (issue 11 §5 "What-if"), in counts: the shape the analytics
 * compute (data/analytics/typhoon/scenario.ts) and the contract hands to the screen
 * (electron/common/typhoon/flood.ts), defined once here so the two cannot drift apart.
 * Aggregates only: no household, no person.
 */
import type { PlanNote } from './notes.ts';

/** A rule's name in both languages, as an official reads it in the plan. */
export interface RuleLabel {
  zh: string;
  en: string;
}

/** One side of a what-if. */
export interface ScenarioOutcome {
  label: string;
  rainMm: number;
  trackShiftKm: number;
  households: number;
  people: number;
  byRule: { ruleId: string; label: RuleLabel; households: number; people: number }[];
  flood: {
    buildings: number;
    groundFloorHouseholds: number;
    basementHouseholds: number;
    roadsClosedToCars: number;
    roadsClosedOnFoot: number;
    /** Closed road length, m. */
    closedToCarsM: number;
    closedOnFootM: number;
  } | null;
  wind: {
    peakForce: number;
    /** Earliest force-10 arrival at a building, UTC ms (storm clock); null when force 10 never comes. */
    arrival10UtcMs: number | null;
    buildingsInForce10: number;
  };
  shelters: {
    open: number;
    places: number;
    placedPeople: number;
    unplacedPeople: number;
    unplacedHouseholds: number;
    /** Shelters nearest-shelter would overfill (the plan never does). */
    nearestOverflowed: number;
    loads: { shelterId: number; name: string; capacity: number; planned: number }[];
  };
  notes: PlanNote[];
}
