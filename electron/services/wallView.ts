/**
 * What a wall is shown (issue 10, "the wall shows no one"). A wall is a screen in a room anyone
 * may walk into: it gets aggregates only — counts per building, grid and community — and never a
 * dwelling, a flat number, an age band or care tag of a household, a member, a household's meter
 * series or a household id. Free text typed by residents and staff (an incident's description, a
 * step's note) passes the free-text filter (data/model/redact.ts) first.
 *
 * Who gets the wall view: a wall's session on any host (`seesNoOne`), and every caller of a wall
 * host (`personalData: 'none'`) except the host itself (its feed simulator reads the twin's
 * dwellings to address meter readings, and sends nothing anywhere but its own ingest).
 *
 * The services call these on every result a wall may receive ('view' methods, `onLiveDelta`);
 * they are pure over the DTOs, so a wall view is built once per result and shared by every wall.
 */
import type { DemoStoryView } from '../common/demo/contract.ts';
import type { WallSessionView } from '../common/director/contract.ts';
import { seesNoOne } from '../common/access.ts';
import type {
  BuildingAlertCount,
  BuildingColumns,
  BuildingDetail,
  HostInfo,
  Incident,
  IncidentDetail,
  LiveDelta,
  LiveSnapshot,
  MeterAlert,
} from '../common/dto.ts';
import { METER_ANOMALY_KINDS } from '../../data/model/domain.ts';
import { redactFreeText } from '../../data/model/redact.ts';
import { currentCaller } from './callContext.ts';

/**
 * A building with fewer households than this shows a wall no resident counts: with one or two,
 * "residents 1, over-60 100 %, care households 1" describes a household, not a building.
 */
export const MIN_HOUSEHOLDS_COUNTED = 3;

/** True when what the current call returns must be the wall view (see the module comment). */
export function servingWall(personalData: HostInfo['personalData']): boolean {
  const caller = currentCaller();
  return seesNoOne(caller) || (personalData === 'none' && caller?.kind !== 'system');
}

//#region free text
/** Incident texts repeat (the simulator's, a hotline's templates): each is filtered once. */
const redacted = new Map<string, string>();
const REDACTED_CACHE_MAX = 20_000;
function redactCached(text: string | null): string | null {
  if (text === null || text === '') return text;
  let out = redacted.get(text);
  if (out === undefined) {
    out = redactFreeText(text);
    if (redacted.size >= REDACTED_CACHE_MAX) redacted.clear();
    redacted.set(text, out);
  }
  return out;
}
//#endregion

/** An incident as a wall sees it: its description and source filtered; where and what stay. */
export function wallIncident(incident: Incident): Incident {
  return { ...incident, description: redactCached(incident.description), source: redactCached(incident.source) ?? '' };
}

/** An incident's closed loop on a wall: notes filtered, and no operator's name (the step says what was done). */
export function wallIncidentDetail(detail: IncidentDetail): IncidentDetail {
  return {
    ...wallIncident(detail),
    steps: detail.steps.map((s) => ({ ...s, actor: null, note: redactCached(s.note) })),
  };
}

/** Alerts not yet closed, counted per building and kind (largest first). */
export function alertCountsOf(alerts: readonly MeterAlert[]): BuildingAlertCount[] {
  const counts = new Map<string, BuildingAlertCount>();
  for (const a of alerts) {
    if (a.status === 'closed') continue;
    const key = `${a.buildingId}:${a.kind}`;
    const c = counts.get(key);
    if (c) c.count++;
    else counts.set(key, { buildingId: a.buildingId, kind: a.kind, count: 1 });
  }
  return [...counts.values()].sort((a, b) => b.count - a.count || a.buildingId - b.buildingId || a.kind.localeCompare(b.kind));
}

/** The live picture on a wall: incidents filtered, alerts only as counts per building. */
export function wallSnapshot(snapshot: LiveSnapshot): LiveSnapshot {
  return {
    ...snapshot,
    incidents: snapshot.incidents.map(wallIncident),
    alerts: [],
    alertCounts: snapshot.alertCounts ?? alertCountsOf(snapshot.alerts),
  };
}

/** Wall views already built, by the delta they were built from, and the views themselves. */
const wallDeltas = new WeakMap<LiveDelta, LiveDelta>();
const isWallDelta = new WeakSet<LiveDelta>();

/**
 * A push as a wall sees it: incidents filtered, alerts only as the counts of the buildings whose
 * alerts changed. Built once per delta however many walls (and hosts' transports) ask.
 */
export function wallViewOfDelta(delta: LiveDelta): LiveDelta {
  if (isWallDelta.has(delta)) return delta;
  let view = wallDeltas.get(delta);
  if (!view) {
    view = {
      seq: delta.seq,
      incidents: delta.incidents.map(wallIncident),
      alerts: [],
      positions: delta.positions,
      feed: delta.feed,
      ...(delta.alertCounts ? { alertCounts: delta.alertCounts } : {}),
    };
    wallDeltas.set(delta, view);
    isWallDelta.add(view);
  }
  return view;
}

/**
 * Every kind's count (0 included) for each of `buildingIds`, from the counts that are not zero:
 * what a delta carries so a wall can replace its counts for those buildings.
 */
export function countsForBuildings(buildingIds: Iterable<number>, nonZero: readonly BuildingAlertCount[]): BuildingAlertCount[] {
  const out: BuildingAlertCount[] = [];
  for (const buildingId of new Set(buildingIds)) {
    for (const kind of METER_ANOMALY_KINDS) {
      out.push({ buildingId, kind, count: nonZero.find((c) => c.buildingId === buildingId && c.kind === kind)?.count ?? 0 });
    }
  }
  return out;
}

/** The building columns on a wall: resident counts of buildings with too few households withheld. */
export function wallBuildingColumns(columns: BuildingColumns): BuildingColumns {
  let residents: Uint16Array | null = null;
  let elderlyPct: Uint8Array | null = null;
  let careHouseholds: Uint16Array | null = null;
  for (let i = 0; i < columns.count; i++) {
    const n = columns.households[i]!;
    if (n === 0 || n >= MIN_HOUSEHOLDS_COUNTED) continue;
    residents ??= columns.residents.slice();
    elderlyPct ??= columns.elderlyPct.slice();
    careHouseholds ??= columns.careHouseholds.slice();
    residents[i] = 0;
    elderlyPct[i] = 0;
    careHouseholds[i] = 0;
  }
  if (!residents) return columns;
  return { ...columns, residents, elderlyPct: elderlyPct!, careHouseholds: careHouseholds! };
}

/** The building panel on a wall: counts, unless the building has too few households to count. */
export function wallBuildingDetail(detail: BuildingDetail): BuildingDetail {
  if (detail.households === 0 || detail.households >= MIN_HOUSEHOLDS_COUNTED) return detail;
  return {
    ...detail,
    residents: 0,
    ageBands: detail.ageBands.map(() => 0),
    care: { elderlyAlone: 0, disabled: 0, minors: 0, lowIncome: 0 },
    rentalShare: 0,
    peopleWithheld: true,
  };
}

/**
 * What a wall is sent of each pushed contract event, by `api.method`: one line per event a feature
 * module pushes. An event without an entry is not sent to walls at all (deny by default: a new
 * module's push reaches a wall only once someone decided what of it a wall may see).
 */
export const WALL_VIEW_OF_EVENT: Readonly<Record<string, (payload: unknown) => unknown>> = {
  'live.onLiveDelta': (payload) => wallViewOfDelta(payload as LiveDelta),
  // Storm ids only: nothing about anyone.
  'typhoon.onStormsChanged': (payload) => payload,
  // A plan id and grid ids: which board to reload, nothing about anyone.
  'typhoon.onPlanProgress': (payload) => payload,
  // The demo's step titles and what the screen shows; never the presenter's notes.
  'demo.onStoryStep': (payload) => ({ ...(payload as DemoStoryView), notes: null, problem: null }),
  // Which scene and clock the wall's panels follow; not who pushed it.
  'director.onWallChanged': (payload) => ({ ...(payload as WallSessionView), changedBy: null }),
};
