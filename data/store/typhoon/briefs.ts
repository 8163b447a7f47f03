/**
 * The typhoon briefing's store side (issue 11 §6).
 *
 * - `typhoon_briefs` (listed once in data/store/migrations/index.ts, which gives the version): one
 *   row per briefing made, with its key figures as JSON (arrival of gales per grid, peak force,
 *   landfall, the plan's totals, …), so the next briefing can say what changed since this one.
 *   Who made it (the audit name) and when; the figures are places and counts, never a household.
 * - The district's counts per community and grid, its shelters, its resources and where they wait,
 *   and its grid workers by call sign: what a briefing prints beside the storm.
 */
import type { Migration } from '../migrations/index.ts';
import type { DuckDbStore } from '../DuckDbStore.ts';
import { CareFlag } from '../../model/domain.ts';

export function typhoonBriefsMigration(version: number): Migration {
  return {
    version,
    name: 'typhoon briefings',
    sql: /* sql */ `
CREATE SEQUENCE typhoon_brief_seq;
CREATE TABLE typhoon_briefs (
  id BIGINT PRIMARY KEY DEFAULT nextval('typhoon_brief_seq'), storm_id VARCHAR NOT NULL,
  made_at TIMESTAMP NOT NULL, made_by VARCHAR NOT NULL, figures JSON NOT NULL
);
`,
  };
}

export interface StoredBrief {
  id: number;
  stormId: string;
  madeAtUtcMs: number;
  madeBy: string;
  figures: Record<string, unknown>;
}

/** The newest briefing made for `stormId` (null before the first). */
export async function lastBrief(store: DuckDbStore, stormId: string): Promise<StoredBrief | null> {
  const row = await store.one<{ id: bigint | number; storm_id: string; made_at: number; made_by: string; figures: string }>(
    `SELECT id, storm_id, epoch_ms(made_at)::DOUBLE AS made_at, made_by, figures::VARCHAR AS figures
     FROM typhoon_briefs WHERE storm_id = $1 ORDER BY made_at DESC, id DESC LIMIT 1`,
    [stormId],
  );
  if (!row) return null;
  let figures: Record<string, unknown>;
  try {
    figures = JSON.parse(row.figures) as Record<string, unknown>;
  } catch {
    figures = {}; // an unreadable row compares as "no figures", never breaks the briefing
  }
  return { id: Number(row.id), stormId: row.storm_id, madeAtUtcMs: Number(row.made_at), madeBy: row.made_by, figures };
}

/** How many briefings were made for `stormId` so far. */
export async function briefCount(store: DuckDbStore, stormId: string): Promise<number> {
  const row = await store.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM typhoon_briefs WHERE storm_id = $1', [stormId]);
  return row?.n ?? 0;
}

/** Records a briefing's key figures; returns its id. */
export async function recordBrief(store: DuckDbStore, brief: { stormId: string; madeAtUtcMs: number; madeBy: string; figures: object }): Promise<number> {
  const row = await store.one<{ id: bigint | number }>(
    `INSERT INTO typhoon_briefs (storm_id, made_at, made_by, figures) VALUES ($1, make_timestamp($2::BIGINT * 1000), $3, $4::JSON) RETURNING id`,
    [brief.stormId, Math.round(brief.madeAtUtcMs), brief.madeBy.slice(0, 128), JSON.stringify(brief.figures)],
  );
  return Number(row!.id);
}

/** A grid's people, as a briefing counts them (households with a care flag, by flag). */
export interface GridCounts {
  gridId: number;
  grid: string;
  communityId: number | null;
  community: string | null;
  buildings: number;
  households: number;
  residents: number;
  elderlyAlone: number;
  disabled: number;
  minors: number;
  elderly: number;
  lowIncome: number;
}

/** Counts per grid with its community, every grid of the twin (an empty one with zeros). */
export async function gridCounts(store: DuckDbStore): Promise<GridCounts[]> {
  const flag = (bit: number, as: string): string => `count(h.id) FILTER (WHERE (h.care_flags & ${bit}) <> 0)::INTEGER AS ${as}`;
  const rows = await store.all<{
    grid_id: number; grid: string; community_id: number | null; community: string | null; buildings: number; households: number; residents: number;
    elderly_alone: number; disabled: number; minors: number; elderly: number; low_income: number;
  }>(
    `SELECT g.id AS grid_id, g.name AS grid, c.id AS community_id, c.name AS community,
       count(DISTINCT b.id)::INTEGER AS buildings, count(h.id)::INTEGER AS households, coalesce(sum(h.size), 0)::INTEGER AS residents,
       ${flag(CareFlag.ElderlyAlone, 'elderly_alone')}, ${flag(CareFlag.Disabled, 'disabled')}, ${flag(CareFlag.Minor, 'minors')},
       ${flag(CareFlag.Elderly, 'elderly')}, ${flag(CareFlag.LowIncome, 'low_income')}
     FROM areas g
     LEFT JOIN areas c ON c.id = g.parent_id AND c.level = 'community'
     LEFT JOIN buildings b ON b.grid_id = g.id
     LEFT JOIN households h ON h.building_id = b.id
     WHERE g.level = 'grid'
     GROUP BY g.id, g.name, c.id, c.name
     ORDER BY c.id NULLS LAST, g.id`,
  );
  return rows.map((r) => ({
    gridId: r.grid_id, grid: r.grid, communityId: r.community_id, community: r.community, buildings: r.buildings, households: r.households,
    residents: r.residents, elderlyAlone: r.elderly_alone, disabled: r.disabled, minors: r.minors, elderly: r.elderly, lowIncome: r.low_income,
  }));
}

/** Each grid's outline (closed ring of [lon, lat]); grids without one are left out. */
export async function gridRings(store: DuckDbStore): Promise<Map<number, [number, number][]>> {
  const rows = await store.all<{ id: number; ring: number[] | null }>("SELECT id, ring FROM areas WHERE level = 'grid' AND ring IS NOT NULL ORDER BY id");
  const out = new Map<number, [number, number][]>();
  for (const r of rows) {
    const flat = r.ring ?? [];
    if (flat.length < 6) continue;
    const ring: [number, number][] = [];
    for (let i = 0; i + 1 < flat.length; i += 2) ring.push([Number(flat[i]), Number(flat[i + 1])]);
    out.set(r.id, ring);
  }
  return out;
}

export interface ShelterRow {
  id: number;
  name: string;
  capacity: number | null;
  status: string;
  lon: number;
  lat: number;
}

export async function shelters(store: DuckDbStore): Promise<ShelterRow[]> {
  return store.all<ShelterRow>("SELECT id, name, capacity, status, lon, lat FROM facilities WHERE kind = 'shelter' ORDER BY id");
}

/** Resources by where they wait (their depot, else their department), kind and status. */
export interface ResourceGroup {
  waitsAt: string | null;
  kind: string;
  status: string;
  count: number;
  callsigns: string[];
}

export async function resourceGroups(store: DuckDbStore): Promise<ResourceGroup[]> {
  const rows = await store.all<{ waits_at: string | null; kind: string; status: string; n: number; callsigns: string[] }>(
    `SELECT coalesce(f.name, d.name) AS waits_at, r.kind, r.status, count(*)::INTEGER AS n, list(r.callsign ORDER BY r.callsign) AS callsigns
     FROM resources r
     LEFT JOIN facilities f ON f.id = r.depot_facility_id
     LEFT JOIN departments d ON d.id = r.department_id
     GROUP BY ALL ORDER BY waits_at NULLS LAST, r.kind, r.status`,
  );
  return rows.map((r) => ({ waitsAt: r.waits_at, kind: r.kind, status: r.status, count: r.n, callsigns: [...r.callsigns].map(String) }));
}

/** Grid workers by grid (call signs only: their names are personal data). */
export async function gridWorkerCallsigns(store: DuckDbStore): Promise<{ id: number; gridId: number; callsign: string }[]> {
  const rows = await store.all<{ id: number; grid_id: number; callsign: string }>('SELECT id, grid_id, callsign FROM grid_workers ORDER BY grid_id, id');
  return rows.map((r) => ({ id: r.id, gridId: r.grid_id, callsign: r.callsign }));
}
