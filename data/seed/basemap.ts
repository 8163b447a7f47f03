/**
 * The offline base map of the demo district (`basemap_features`): the river and its embankments,
 * the road network with bridges, parks and land use, community and grid boundaries, and labels.
 * Geometry is GeoJSON in lon/lat, built from the same grid-frame plan as the buildings, so roads
 * run exactly between the blocks.
 */
import type { BasemapLayer } from '../model/domain.ts';
import { STREET_NAME, type AreaPlan } from './areas.ts';
import type { DistrictFrame, Rect } from './frame.ts';
import { rectRing } from './frame.ts';
import type { EmergencyPlan } from './facilities.ts';
import type { Layout } from './layout.ts';
import { RIVERSIDE_ROAD, type BlockKind, type GridLine } from './plan.ts';
import { Rng } from '../model/random.ts';

type Geometry =
  | { type: 'LineString'; coordinates: [number, number][] }
  | { type: 'Polygon'; coordinates: [number, number][][] }
  | { type: 'Point'; coordinates: [number, number] };

/** One `basemap_features` row before it gets an id. */
export interface BasemapRow {
  layer: BasemapLayer;
  kind: string;
  name: string | null;
  geometry: Geometry;
}

const LANDUSE: Record<BlockKind, string> = {
  walkup: 'residential',
  highrise: 'residential',
  mixed: 'residential',
  village: 'village',
  commercial: 'commercial',
  school: 'education',
  hospital: 'medical',
  civic: 'public',
  fire: 'public',
  police: 'public',
  industrial: 'industrial',
  park: 'park',
  riverside: 'park',
};

/** Builds every base-map feature of the district, in drawing order (land first, labels last). */
export function buildBasemap(
  seed: number,
  layout: Layout,
  areas: AreaPlan,
  emergency: EmergencyPlan,
  frame: DistrictFrame,
): BasemapRow[] {
  const rng = Rng.derive(seed, 0xba5e);
  const { plan } = layout;
  const { river, extent } = plan;
  const rows: BasemapRow[] = [];
  const polygon = (r: Rect | [number, number][]): Geometry => {
    const ring = Array.isArray(r) ? r : rectRing(r);
    const coords = frame.coords(ring);
    coords.push(coords[0]!);
    return { type: 'Polygon', coordinates: [coords] };
  };
  const line = (points: [number, number][]): Geometry => ({
    type: 'LineString',
    coordinates: frame.coords(points),
  });
  const point = (u: number, v: number): Geometry => ({
    type: 'Point',
    coordinates: frame.toLonLat(u, v),
  });
  const add = (
    layer: BasemapLayer,
    kind: string,
    name: string | null,
    geometry: Geometry,
  ): void => {
    rows.push({ layer, kind, name, geometry });
  };

  // Land use per block, between the road edges.
  for (const b of plan.blocks) {
    const kind = layout.vacantBlocks.has(b) ? 'construction' : LANDUSE[b.kind];
    const r = b.outer;
    const { west, east, south, north } = b.roads;
    add(
      'landuse',
      kind,
      null,
      polygon({
        u0: r.u0 + west.halfWidth,
        v0: r.v0 + south.halfWidth,
        u1: r.u1 - east.halfWidth,
        v1: r.v1 - north.halfWidth,
      }),
    );
  }
  // Parks, the river's green belt and school sports grounds.
  const parkNames = new Set<string>();
  for (const b of plan.blocks.filter((x) => x.kind === 'park')) {
    let name = `${b.roads.south.name.replace(/路$|大道$/, '')}公园`;
    if (parkNames.has(name)) name = `${b.roads.west.name.replace(/路$|大道$/, '')}公园`;
    parkNames.add(name);
    add('green', 'park', name, polygon(b.inner));
    const [cu, cv] = [(b.inner.u0 + b.inner.u1) / 2, (b.inner.v0 + b.inner.v1) / 2];
    // A pond in most parks, as an irregular octagon.
    if (rng.chance(0.7)) {
      const ru = (b.inner.u1 - b.inner.u0) * 0.18;
      const rv = (b.inner.v1 - b.inner.v0) * 0.16;
      const pond: [number, number][] = Array.from({ length: 10 }, (_, i) => {
        const a = (2 * Math.PI * i) / 10;
        const s = rng.range(0.75, 1.1);
        return [cu + ru * s * Math.cos(a), cv - 15 + rv * s * Math.sin(a)];
      });
      add('water', 'pond', null, polygon(pond));
    }
    add('label', 'park', name, point(cu, cv));
  }
  const span = (offsetA: number, offsetB: number): [number, number][] => {
    const north: [number, number][] = [];
    const south: [number, number][] = [];
    for (let u = extent.u0 - 150; u <= extent.u1 + 150; u += 25) {
      north.push([u, river.vAt(u) + offsetA]);
      south.push([u, river.vAt(u) + offsetB]);
    }
    return [...north, ...south.reverse()];
  };
  add(
    'green',
    'riverside_park',
    `${river.name}滨水公园`,
    polygon(span(-river.embankmentOffset - 2, -river.noBuildHalf + 6)),
  );
  add(
    'green',
    'riverside_green',
    null,
    polygon(span(river.roadOffset - 12, river.embankmentOffset + 2)),
  );
  for (const p of layout.pitches) add('green', 'pitch', null, polygon(p));
  add('water', 'river', river.name, polygon(span(river.halfWidth, -river.halfWidth)));

  // Embankments and the riverside road follow the river.
  const alongRiver = (offset: number): [number, number][] => {
    const n = Math.max(2, Math.ceil((extent.u1 - extent.u0) / 25));
    return Array.from({ length: n + 1 }, (_, i): [number, number] => {
      const u = extent.u0 + ((extent.u1 - extent.u0) * i) / n;
      return [u, river.vAt(u) + offset];
    });
  };
  add('road', 'embankment', `${river.name}北岸堤防`, line(alongRiver(river.embankmentOffset)));
  add('road', 'embankment', `${river.name}南岸堤防`, line(alongRiver(-river.embankmentOffset)));
  add('road', 'primary', RIVERSIDE_ROAD, line(alongRiver(river.roadOffset)));

  // Grid roads, cut where they meet the river; main roads cross it on bridges.
  const gap = river.roadOffset;
  for (const l of plan.colLines) {
    const vr = river.vAt(l.pos);
    const pieces: [number, number][] = [
      [extent.v0, vr - gap],
      [vr + gap, extent.v1],
    ];
    for (const [a, b] of pieces)
      if (b - a > 20)
        add(
          'road',
          l.rank,
          l.name,
          line([
            [l.pos, a],
            [l.pos, b],
          ]),
        );
    if (l.rank === 'primary' && vr - gap > extent.v0 && vr + gap < extent.v1) {
      add(
        'road',
        'bridge',
        `${l.name.replace(/路$|大道$/, '')}桥`,
        line([
          [l.pos, vr - gap],
          [l.pos, vr + gap],
        ]),
      );
    }
  }
  for (const l of plan.rowLines)
    for (const run of clearRuns(l, layout)) add('road', l.rank, l.name, line(run));
  for (const lane of layout.lanes) add('road', 'lane', lane.name, line(lane.points));

  // Boundaries: the street, its communities and grid cells.
  add('boundary', 'street', STREET_NAME, polygon(areas.streetRect));
  for (const c of areas.communities) add('boundary', 'community', c.name, polygon(c.rect));
  for (const g of areas.grids) add('boundary', 'grid', g.name, polygon(g.rect));

  // Labels.
  add('label', 'street', '江滨街道', point(0, (extent.v1 - extent.v0) * 0.02));
  for (let u = extent.u0 + 600; u < extent.u1 - 300; u += 2400)
    add('label', 'water', river.name, point(u, river.vAt(u)));
  for (const c of areas.communities) {
    const list = c.buildings.length > 0 ? c.buildings : null;
    const cu = list
      ? list.reduce((s, b) => s + b.cu, 0) / list.length
      : (c.rect.u0 + c.rect.u1) / 2;
    const cv = list
      ? list.reduce((s, b) => s + b.cv, 0) / list.length
      : (c.rect.v0 + c.rect.v1) / 2;
    add('label', 'community', c.name, point(cu, cv));
  }
  const estates = new Map<string, { u: number; v: number; n: number }>();
  for (const b of layout.buildings) {
    if (!b.estate || b.role !== 'dwelling') continue;
    const e = estates.get(b.estate.name) ?? { u: 0, v: 0, n: 0 };
    e.u += b.cu;
    e.v += b.cv;
    e.n++;
    estates.set(b.estate.name, e);
  }
  for (const [name, e] of estates) add('label', 'estate', name, point(e.u / e.n, e.v / e.n));
  for (const p of emergency.pumpStations) add('label', 'pump_station', p.name, point(p.u, p.v));
  return rows;
}

/** Stretches of an east–west road that stay clear of the river corridor, as two-point lines. */
function clearRuns(l: GridLine, layout: Layout): [number, number][][] {
  const { river, extent } = layout.plan;
  const runs: [number, number][][] = [];
  let start: number | null = null;
  const step = 10;
  for (let u = extent.u0; u <= extent.u1 + 1e-6; u += step) {
    const clear = Math.abs(l.pos - river.vAt(u)) > river.roadOffset + l.halfWidth;
    if (clear && start === null) start = u;
    if ((!clear || u + step > extent.u1 + 1e-6) && start !== null) {
      const end = clear ? Math.min(u, extent.u1) : u - step;
      if (end - start > 20)
        runs.push([
          [start, l.pos],
          [end, l.pos],
        ]);
      start = null;
    }
  }
  return runs;
}
