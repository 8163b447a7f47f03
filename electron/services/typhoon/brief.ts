/**
 * The typhoon briefing's service side (issue 11 §6): everything a briefing prints about a storm
 * and the district, gathered in one call, and its key figures kept in the twin so that the next
 * briefing can say what changed since this one. The brief view (renderer/features/typhoon/brief/)
 * lays it out; the hosts print that view to PDF.
 */
import type { DuckDbStore } from '../../../data/store/DuckDbStore.ts';
import {
  briefCount,
  gridCounts,
  gridRings,
  gridWorkerCallsigns,
  lastBrief,
  recordBrief,
  resourceGroups,
  shelters,
} from '../../../data/store/typhoon/briefs.ts';
import { auditName } from '../../common/access.ts';
import type { BriefFigures, BriefGrid, BriefPlan, TyphoonBrief } from '../../common/typhoon/brief.ts';
import type { EvacuationPlanApi } from '../../common/typhoon/evacuationContract.ts';
import type { DistrictWind, StormTrackView } from '../../common/typhoon/contract.ts';
import { currentCaller } from '../callContext.ts';

/** Where the briefing finds the storm's evacuation plans (EvacuationPlanService). */
export type BriefPlanSource = Pick<EvacuationPlanApi, 'listEvacuationPlans' | 'getEvacuationPlan' | 'getDoorKnockLists'>;

export interface BriefSources {
  getStormTrack(stormId: string): Promise<StormTrackView | null>;
  getDistrictWind(stormId: string): Promise<DistrictWind | null>;
  plans?: BriefPlanSource | null;
}

/** Door-knock stops one briefing prints at most (a 100k-building district may plan tens of thousands). */
export const MAX_PRINTED_STOPS = 4000;

/** The storm's newest plan with its door-knock lists, or null before the first. */
async function newestPlan(plans: BriefPlanSource, stormId: string): Promise<BriefPlan | null> {
  const newest = (await plans.listEvacuationPlans(stormId))[0];
  if (!newest) return null;
  const view = await plans.getEvacuationPlan(newest.planId);
  if (!view) return null;
  const lists = await plans.getDoorKnockLists(newest.planId);
  let room = MAX_PRINTED_STOPS;
  let stopsLeftOut = 0;
  const doorKnock = lists.map((l) => {
    const kept = l.stops.slice(0, Math.max(0, room));
    room -= kept.length;
    stopsLeftOut += l.stops.length - kept.length;
    return { ...l, stops: kept };
  });
  return { view, doorKnock, stopsLeftOut };
}

/** Makes a briefing on `stormId` and records its figures; null for an unknown storm or one without a usable track. */
export async function makeBrief(store: DuckDbStore, typhoon: BriefSources, stormId: string, nowMs = Date.now()): Promise<TyphoonBrief | null> {
  const track = await typhoon.getStormTrack(stormId);
  if (!track) return null;
  const wind = await typhoon.getDistrictWind(stormId);
  if (!wind) return null;
  // One read after another: the store's connection serves one query at a time anyway.
  const counts = await gridCounts(store);
  const rings = await gridRings(store);
  const workers = await gridWorkerCallsigns(store);
  const shelterRows = await shelters(store);
  const resources = await resourceGroups(store);
  const nameRow = await store.one<{ value: string }>("SELECT value FROM twin_meta WHERE key = 'name'");
  const plan = typhoon.plans ? await newestPlan(typhoon.plans, stormId) : null;
  const load = new Map(plan?.view.shelters.map((s) => [s.shelterId, s.planned]) ?? []);
  const windOf = new Map(wind.grids.map((g) => [g.gridId, g]));
  const grids: BriefGrid[] = counts.map((c) => {
    const w = windOf.get(c.gridId);
    return {
      gridId: c.gridId,
      name: c.grid,
      community: c.community,
      ring: rings.get(c.gridId) ?? null,
      buildings: c.buildings,
      households: c.households,
      residents: c.residents,
      elderlyAlone: c.elderlyAlone,
      disabled: c.disabled,
      minors: c.minors,
      elderly: c.elderly,
      lowIncome: c.lowIncome,
      workers: workers.filter((x) => x.gridId === c.gridId).map((x) => x.callsign),
      arrival7UtcMs: w?.arrival7UtcMs ?? null,
      arrival10UtcMs: w?.arrival10UtcMs ?? null,
      maxForce: w?.maxForce ?? 0,
    };
  });
  const landfall = track.landfalls[0] ?? null;
  const figures: BriefFigures = {
    arrival7UtcMs: wind.arrival7UtcMs,
    arrival10UtcMs: wind.arrival10UtcMs,
    peakForce: wind.peakForce,
    peakUtcMs: wind.peakUtcMs,
    landfallUtcMs: landfall?.timeUtcMs ?? null,
    landfallPlace: landfall?.place ?? null,
    forecastIssuedUtcMs: track.forecastIssuedUtcMs,
    grids: Object.fromEntries(
      grids.filter((g) => g.buildings > 0).map((g) => [g.name, { arrival7UtcMs: g.arrival7UtcMs, arrival10UtcMs: g.arrival10UtcMs, maxForce: g.maxForce }]),
    ),
    plan: plan
      ? {
          households: plan.view.totals.households,
          people: plan.view.totals.people,
          vulnerable: plan.view.totals.vulnerable,
          placed: plan.view.totals.placedPeople,
          unplaced: plan.view.totals.unplacedHouseholds,
          shelters: Object.fromEntries(plan.view.shelters.map((s) => [s.name, s.planned])),
        }
      : null,
  };
  const caller = currentCaller();
  const madeBy = caller ? auditName(caller) : 'system:brief';
  // The previous briefing is read and this one written in one transaction: two made at once
  // each see the one before, never the same one twice.
  const { previous, number } = await store.transaction(async () => {
    const prev = await lastBrief(store, stormId);
    const n = (await briefCount(store, stormId)) + 1;
    await recordBrief(store, { stormId, madeAtUtcMs: nowMs, madeBy, figures });
    return { previous: prev, number: n };
  });
  return {
    stormId,
    districtName: nameRow?.value ?? 'CivicTwin',
    madeAtUtcMs: nowMs,
    madeBy,
    number,
    track,
    wind,
    grids,
    shelters: shelterRows.map((s) => ({ ...s, load: plan ? (load.get(s.id) ?? 0) : null })),
    resources,
    plan,
    figures,
    previous: previous ? { madeAtUtcMs: previous.madeAtUtcMs, madeBy: previous.madeBy, number: number - 1, figures: previous.figures as unknown as BriefFigures } : null,
  };
}
