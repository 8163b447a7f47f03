/**
 * Waterlogging and what-if for the typhoon service: a rain scenario placed on the storm's clock
 * (a design storm peaks at landfall; gauges give the last hours as measured), run over the
 * district's terrain (prepared once), turned into what the map draws and the plan lists; two
 * scenarios compared by the evacuation rules and plan (data/analytics/typhoon/scenario.ts).
 * Results are cached per scenario, as the wind is per storm.
 */
import type { DuckDbStore } from '../../../data/store/DuckDbStore.ts';
import type { TrackPoint } from '../../../data/model/typhoon/types.ts';
import {
  readRainGauges,
  simulateFlood,
  typhoonRainProfile,
  type FloodReason,
  type FloodResult,
  type RainScenario,
} from '../../../data/analytics/typhoon/flood.ts';
import { depthByte, floodDepthRaster } from '../../../data/analytics/typhoon/floodRaster.ts';
import {
  designRainStartUtcMs,
  readWhatIfDistrict,
  RECESSION_HOURS,
  whatIfOutcome,
  withRecession,
  type WhatIfDistrict,
} from '../../../data/analytics/typhoon/scenario.ts';
import { HOUR_MS } from '../../../data/analytics/typhoon/windField.ts';
import type {
  FloodUnavailable,
  FloodView,
  FloodWhy,
  RainChoice,
  ScenarioComparison,
  WhatIfScenario,
} from '../../common/typhoon/flood.ts';
import { MIN_HOUSEHOLDS_COUNTED, servingWall } from '../wallView.ts';
import { planNote } from '../../../data/model/typhoon/notes.ts';

/** What the flood needs to know of a storm: its track to plan on and the moment its rain peaks. */
export interface StormTiming {
  points: TrackPoint[];
  /** Landfall, else the strongest wind over the district, storm clock. */
  anchorUtcMs: number;
}

/** Places listed per flood (deepest first); totals count every one. */
const LISTED_PLACES = 200;
const CACHE_LIMIT = 12;

interface FloodRun {
  result: FloodResult | null;
  view: FloodView | FloodUnavailable;
}

export class FloodScenarios {
  private district: Promise<WhatIfDistrict> | null = null;
  private addresses: Promise<Map<number, string>> | null = null;
  private readonly runs = new Map<string, Promise<FloodRun>>();
  private readonly comparisons = new Map<string, Promise<ScenarioComparison | null>>();

  public constructor(
    private readonly store: DuckDbStore,
    private readonly personalData: 'masked' | 'none',
    private readonly timing: (stormId: string) => Promise<StormTiming | null>,
  ) {}

  /** A storm's track or bulletin changed: scenarios placed on its clock are stale. */
  public stormsChanged(): void {
    this.runs.clear();
    this.comparisons.clear();
  }

  public async flood(stormId: string | null, rain: RainChoice): Promise<FloodView | FloodUnavailable> {
    const { view } = await this.run(stormId, rain);
    return 'unavailable' in view || !servingWall(this.personalData) ? view : this.wallView(view);
  }

  public async compare(stormId: string, a: WhatIfScenario, b: WhatIfScenario): Promise<ScenarioComparison | null> {
    const key = JSON.stringify([stormId, a, b, this.gaugeHour(a.rain), this.gaugeHour(b.rain)]);
    return cached(this.comparisons, key, async () => {
      const timing = await this.timing(stormId);
      if (!timing || timing.points.length < 2) return null;
      const district = await this.loadDistrict();
      const first = timing.points[0]!.timeUtcMs;
      const last = timing.points[timing.points.length - 1]!.timeUtcMs;
      const windStartUtcMs = Math.ceil(first / HOUR_MS) * HOUR_MS;
      const windHours = Math.max(1, Math.floor((last - windStartUtcMs) / HOUR_MS) + 1);
      const side = async (s: WhatIfScenario, fallback: string): Promise<ScenarioComparison['a']> => {
        const run = await this.run(stormId, s.rain);
        const outcome = await whatIfOutcome(district, {
          label: s.label ?? fallback,
          flood: run.result,
          rainMm: 'unavailable' in run.view ? 0 : run.view.totalMm,
          trackShiftKm: s.trackShiftKm,
          track: timing.points,
          windStartUtcMs,
          windHours,
        });
        if ('unavailable' in run.view && run.view.unavailable === 'no_gauges') outcome.notes.unshift(planNote('没有雨量计读数：请接入雨量计或改用设定降雨总量', run.view.message));
        return outcome;
      };
      // One after the other: the plan's solver is not re-entrant, and the two share the district.
      const outA = await side(a, 'A');
      const outB = await side(b, 'B');
      return { stormId, a: outA, b: outB, noTerrain: district.noTerrain };
    });
  }

  /** Building addresses (门牌, not a flat): the flooded buildings are named by them. */
  private buildingAddresses(): Promise<Map<number, string>> {
    this.addresses ??= this.store
      .all<{ id: number; address: string | null }>('SELECT id, address FROM buildings WHERE address IS NOT NULL')
      .then((rows) => new Map(rows.map((r) => [r.id, r.address!])));
    return this.addresses;
  }

  private loadDistrict(): Promise<WhatIfDistrict> {
    this.district ??= readWhatIfDistrict(this.store).catch((e: unknown) => {
      this.district = null;
      throw e;
    });
    return this.district;
  }

  /** The hour a gauge scenario's window ends (its readings are the completed hours before it). */
  private gaugeHour(rain: RainChoice): number | null {
    return rain.source === 'gauges' ? Math.floor(Date.now() / HOUR_MS) * HOUR_MS : null;
  }

  private async run(stormId: string | null, rain: RainChoice): Promise<FloodRun> {
    const key = JSON.stringify([stormId, rain, this.gaugeHour(rain)]);
    const out = await cached(this.runs, key, () => this.compute(stormId, rain));
    // Readings may come in any minute: "none yet" is asked again, not kept.
    if ('unavailable' in out.view && out.view.unavailable === 'no_gauges') this.runs.delete(key);
    return out;
  }

  private compute(stormId: string | null, rain: RainChoice): Promise<FloodRun> {
    return (async () => {
      const district = await this.loadDistrict();
      const prep = district.flood;
      if (!prep) return { result: null, view: { unavailable: 'no_terrain', message: district.noTerrain ?? 'no terrain model' } };
      let hourlyMm: number[];
      let startUtcMs: number;
      let clock: FloodView['clock'];
      let label: string;
      if (rain.source === 'gauges') {
        const end = this.gaugeHour(rain)!;
        startUtcMs = end - rain.hours * HOUR_MS;
        const measured = await readRainGauges(this.store, startUtcMs, rain.hours);
        if (!measured)
          return {
            result: null,
            view: {
              unavailable: 'no_gauges',
              message: `no rain gauge readings (sensor.reading, kind rain) in the ${rain.hours} h before ${new Date(end).toISOString()}: connect the gauges or choose a rain total`,
            },
          };
        hourlyMm = measured;
        clock = 'real';
        label = `rain gauges, last ${rain.hours} h`;
      } else {
        hourlyMm = typhoonRainProfile(rain.totalMm, rain.hours);
        const timing = stormId === null ? null : await this.timing(stormId);
        if (timing) {
          startUtcMs = designRainStartUtcMs(timing.anchorUtcMs, rain.hours);
          clock = 'storm';
        } else {
          startUtcMs = Math.ceil(Date.now() / HOUR_MS) * HOUR_MS;
          clock = 'real';
        }
        label = `${rain.totalMm} mm in ${rain.hours} h`;
      }
      const scenario: RainScenario = {
        label,
        hourlyMm: withRecession(hourlyMm),
        startUtcMs,
        ...(rain.sewerMmPerHour !== undefined ? { sewerMmPerHour: rain.sewerMmPerHour } : {}),
        ...(rain.runoffCoefficient !== undefined ? { runoffCoefficient: rain.runoffCoefficient } : {}),
      };
      const result = simulateFlood(prep, scenario, { keepLevels: true });
      const raster = floodDepthRaster(prep, result);
      const view = this.toView(stormId, rain, clock, result, raster, district, await this.buildingAddresses());
      // The cache keeps what the what-if reads (flooded places, road pieces), not a value per place
      // or depression and hour (at 100k buildings, 14 MB a run).
      delete result.nodeLevelM;
      result.buildingDepthM = new Float32Array(0);
      result.roadDepthM = new Float32Array(0);
      return { result, view };
    })();
  }

  private toView(
    stormId: string | null,
    rain: RainChoice,
    clock: FloodView['clock'],
    result: FloodResult,
    raster: ReturnType<typeof floodDepthRaster>,
    district: WhatIfDistrict,
    addresses: Map<number, string>,
  ): FloodView {
    const prep = district.flood!;
    const steps = result.hours;
    const nr = result.roads.length;
    const pieceIndex = new Map<string, number>();
    result.roads.forEach((p, j) => pieceIndex.set(p.id, j));
    const roads = result.floodedRoads.slice(0, LISTED_PLACES);
    const roadDepth = new Uint8Array(roads.length * steps);
    roads.forEach((r, k) => {
      const j = pieceIndex.get(r.road.id)!;
      for (let h = 0; h < steps; h++) roadDepth[k * steps + h] = depthByte(result.roadDepthM[h * nr + j]!);
    });
    const b = prep.inputs.buildings;
    const rowOf = new Map<number, number>();
    for (let i = 0; i < b.id.length; i++) rowOf.set(b.id[i]!, i);
    const why = (r: FloodReason): FloodWhy => {
      // The renderer words the reason in its language from these figures (flood.ts's summary is English).
      const { hour, summary: _summary, ...rest } = r;
      return { step: hour, ...rest };
    };
    const fb = result.floodedBuildings;
    const notes: string[] = [`after the rain, ${RECESSION_HOURS} dry hours show the water draining away`];
    if (fb.length > LISTED_PLACES) notes.push(`the ${LISTED_PLACES} deepest of ${fb.length} flooded buildings are listed; the totals count all`);
    if (result.floodedRoads.length > LISTED_PLACES) notes.push(`the ${LISTED_PLACES} deepest of ${result.floodedRoads.length} flooded road stretches are listed; the totals count all`);
    if (raster && raster.cellM > prep.inputs.terrain.raster.cellM) notes.push(`the water surface is drawn in ${raster.cellM} m cells (the terrain's ${prep.inputs.terrain.raster.cellM} m merged, deepest kept)`);
    return {
      stormId,
      label: result.label,
      source: rain.source,
      clock,
      startUtcMs: result.startUtcMs!,
      stepMs: HOUR_MS,
      steps,
      hourlyMm: result.hourlyMm.map((x) => Math.round(x * 10) / 10),
      totalMm: Math.round(result.hourlyMm.reduce((s, x) => s + x, 0) * 10) / 10,
      settings: result.settings,
      perStep: result.perHour.map((p) => ({ ...p, pondedM3: Math.round(p.pondedM3) })),
      raster: raster && { cols: raster.cols, rows: raster.rows, cellM: raster.cellM, corners: raster.corners, depthUnitM: raster.depthUnitM, cells: raster.cells, depth: raster.depth, maxDepthM: raster.maxDepthM },
      roads: roads.map((r) => ({
        id: r.road.id,
        name: r.road.name,
        kind: r.road.kind,
        underpass: r.underpass,
        ends: r.road.ends.map((x) => Math.round(x * 1e7) / 1e7) as [number, number, number, number],
        lengthM: Math.round(r.road.lengthM),
        maxDepthM: r.maxDepthM,
        closedToCarsFromStep: r.closedToCarsFromHour,
        closedOnFootFromStep: r.closedOnFootFromHour,
        why: why(r.reason),
      })),
      roadDepth,
      buildings: fb.slice(0, LISTED_PLACES).map((x) => {
        const i = rowOf.get(x.buildingId)!;
        return {
          buildingId: x.buildingId,
          address: addresses.get(x.buildingId) ?? null,
          lon: b.lon[i]!,
          lat: b.lat[i]!,
          maxDepthM: x.maxDepthM,
          groundFloorFromStep: x.groundFloorFromHour,
          basementFromStep: x.basementFromHour,
          groundFloorHouseholds: x.groundFloorHouseholds,
          basementHouseholds: x.basementHouseholds,
          why: why(x.reason),
        };
      }),
      totals: {
        floodedBuildings: fb.filter((x) => x.groundFloorFromHour !== null || x.basementFromHour !== null).length,
        groundFloorBuildings: fb.filter((x) => x.groundFloorFromHour !== null).length,
        basementBuildings: fb.filter((x) => x.basementFromHour !== null).length,
        groundFloorHouseholds: fb.reduce((s, x) => s + x.groundFloorHouseholds, 0),
        basementHouseholds: fb.reduce((s, x) => s + x.basementHouseholds, 0),
        roadsClosedToCars: result.floodedRoads.filter((r) => r.closedToCarsFromHour !== null).length,
        roadsClosedOnFoot: result.floodedRoads.filter((r) => r.closedOnFootFromHour !== null).length,
        peakPondedM3: Math.round(Math.max(0, ...result.perHour.map((p) => p.pondedM3))),
      },
      notes,
    };
  }

  /** A wall is told no household counts of a building with fewer than 3 households (wallView.ts). */
  private async wallView(view: FloodView): Promise<FloodView> {
    const district = await this.loadDistrict();
    const total = new Map<number, number>();
    for (const h of district.evacuation.households) total.set(h.buildingId, (total.get(h.buildingId) ?? 0) + 1);
    return {
      ...view,
      buildings: view.buildings.map((x) =>
        (total.get(x.buildingId) ?? 0) >= MIN_HOUSEHOLDS_COUNTED ? x : { ...x, groundFloorHouseholds: null, basementHouseholds: null },
      ),
    };
  }
}

/** A promise per key, at most CACHE_LIMIT kept (oldest out); a failed one is not kept. */
function cached<T>(map: Map<string, Promise<T>>, key: string, make: () => Promise<T>): Promise<T> {
  const hit = map.get(key);
  if (hit) return hit;
  const p = make();
  p.catch(() => map.delete(key));
  if (map.size >= CACHE_LIMIT) map.delete(map.keys().next().value!);
  map.set(key, p);
  return p;
}
