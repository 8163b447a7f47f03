/**
 * The typhoon briefing (issue 11 §6): what `typhoon.makeBrief` returns to the brief view
 * (renderer/features/typhoon/brief/), which lays it out as A4 pages that the hosts print to PDF.
 *
 * A briefing is made for people at a console (access 'viewer' and above), never for a wall. It
 * holds places, counts and call signs; the evacuation plan's door-knock lists (when a plan exists)
 * carry addresses and flat numbers, which a viewer is shown anyway in the app.
 */
import type { DistrictWind, StormTrackView } from './contract.ts';
import type { DoorKnockListView, EvacuationPlanView } from './evacuationContract.ts';

/** A grid (网格) as the briefing prints it: its people, its grid workers, when gales reach it. */
export interface BriefGrid {
  gridId: number;
  name: string;
  community: string | null;
  /** Closed outline [lon, lat][], or null when the twin has none. */
  ring: [number, number][] | null;
  buildings: number;
  households: number;
  residents: number;
  /** Households with the care flag (独居老人, 残疾人, 未成年人, 60 岁以上, 低保). */
  elderlyAlone: number;
  disabled: number;
  minors: number;
  elderly: number;
  lowIncome: number;
  /** Grid workers' call signs (names are personal data). */
  workers: string[];
  arrival7UtcMs: number | null;
  arrival10UtcMs: number | null;
  maxForce: number;
}

export interface BriefShelter {
  id: number;
  name: string;
  capacity: number | null;
  status: string;
  lon: number;
  lat: number;
  /** People the plan sends there; null without a plan. */
  load: number | null;
}

export interface BriefResourceGroup {
  /** The depot (or department) it waits at; null when it has neither. */
  waitsAt: string | null;
  kind: string;
  status: string;
  count: number;
  callsigns: string[];
}

/**
 * The key figures of a briefing, kept in the twin (`typhoon_briefs`) so the next briefing can say
 * what changed. Times are the storm's own (UTC, never shifted for a rehearsal).
 */
export interface BriefFigures {
  arrival7UtcMs: number | null;
  arrival10UtcMs: number | null;
  peakForce: number;
  peakUtcMs: number | null;
  landfallUtcMs: number | null;
  landfallPlace: string | null;
  forecastIssuedUtcMs: number | null;
  /** Per grid name: when force 7 / 10 arrive and the strongest force. */
  grids: Record<string, { arrival7UtcMs: number | null; arrival10UtcMs: number | null; maxForce: number }>;
  /** The evacuation plan's totals, when there is one. */
  plan: { households: number; people: number; vulnerable: number; placed: number; unplaced: number; shelters: Record<string, number> } | null;
}

/** The briefing printed by the host (`typhoon.printBrief`), for the renderer to save. */
export interface BriefPdf {
  /** `台风简报-利奇马-20261202-1546.pdf` */
  fileName: string;
  pdfBase64: string;
  bytes: number;
}

/** The storm's newest evacuation plan, as the briefing prints it. */
export interface BriefPlan {
  view: EvacuationPlanView;
  /**
   * Each grid worker's door-knock list, in route order. Households are named (address, flat,
   * masked contact) only for operators and above, as in the app; otherwise `stops` are empty.
   */
  doorKnock: DoorKnockListView[];
  /** Stops beyond what one briefing prints (the lists stay whole in the app). */
  stopsLeftOut: number;
}

export interface TyphoonBrief {
  stormId: string;
  districtName: string;
  /** When this briefing was made (UTC) and by whom (the audit name). */
  madeAtUtcMs: number;
  madeBy: string;
  /** 1 for the storm's first briefing, 2 for the next, … */
  number: number;
  track: StormTrackView;
  wind: DistrictWind;
  grids: BriefGrid[];
  shelters: BriefShelter[];
  resources: BriefResourceGroup[];
  /** Null until an evacuation plan is made for the storm. */
  plan: BriefPlan | null;
  figures: BriefFigures;
  /** The briefing before this one for the same storm, or null for the first. */
  previous: { madeAtUtcMs: number; madeBy: string; number: number; figures: BriefFigures } | null;
}
