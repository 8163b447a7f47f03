/**
 * deck.gl layers of the map, rebuilt on every change with stable ids (ARCHITECTURE-ANCHORS §2
 * rule 12): the layer *model* (what to show) is plain data; the layer instances are cheap
 * descriptors that deck.gl diffs. Heavy inputs (binary building data, label arrays) are cached by
 * identity, so a hover only changes two uniforms.
 */
import { COORDINATE_SYSTEM, type Layer } from '@deck.gl/core';
import { IconLayer, SolidPolygonLayer, TextLayer } from '@deck.gl/layers';
import { CollisionFilterExtension } from '@deck.gl/extensions';
import type { BuildingColumns, Facility } from '../../../../electron/common/dto.ts';
import type { BuildingGeometry } from './buildingGeometry.ts';
import { expandRowColours, polygonPositions } from './buildingGeometry.ts';
import type { BuildingColouring } from './buildingColours.ts';
import { BuildingMaterialExtension } from './BuildingMaterialExtension.ts';
import type { IconAtlas } from './facilityIcons.ts';
import type { LabelDatum } from './labels.ts';
import { FONT_FAMILY } from '../../../gfx/fonts.ts';
import { symbolScale } from '../../../layout/store.ts';

export const LAYER_IDS = {
  buildings: 'buildings',
  selection: 'selection-outline',
  facilities: 'facilities',
  facilityLabels: 'facility-labels',
  labels: 'labels',
  areaLabels: 'area-labels',
} as const;

export interface MapLayerModel {
  columns: BuildingColumns;
  geometry: BuildingGeometry;
  colouring: BuildingColouring;
  selectedRow: number;
  hoveredRow: number;
  facilities: Facility[];
  atlas: IconAtlas | null;
  labels: LabelDatum[] | null;
  /** Facility names appear from this zoom on (they clutter the overview). */
  showFacilityNames: boolean;
  /** Map zoom, bucketed by the caller so layers are rebuilt only when a label tier changes. */
  zoom: number;
}

/** What each layer holds, for the test hooks: buildings count buildings, not polygons. */
export interface LayerCount {
  id: string;
  count: number;
}

const materialExtension = new BuildingMaterialExtension();
const collisionExtension = new CollisionFilterExtension();

const binaryCache = new WeakMap<BuildingGeometry, { colouring: BuildingColouring; data: object }>();
const positionCache = new WeakMap<BuildingGeometry, ReturnType<typeof polygonPositions>>();
/** Floating parts need x, y, base positions: built once per geometry, not per colouring. */
function positionsOf(geometry: BuildingGeometry): ReturnType<typeof polygonPositions> {
  let hit = positionCache.get(geometry);
  if (!hit) positionCache.set(geometry, (hit = polygonPositions(geometry)));
  return hit;
}
function binaryBuildings(geometry: BuildingGeometry, colouring: BuildingColouring): object {
  const hit = binaryCache.get(geometry);
  if (hit && hit.colouring === colouring) return hit.data;
  const data = {
    length: geometry.polygonCount,
    startIndices: geometry.startIndices,
    attributes: {
      getPolygon: positionsOf(geometry),
      getElevation: { value: geometry.vertexElevation, size: 1 },
      getFillColor: { value: expandRowColours(geometry, colouring.rowColours), size: 4, normalized: true },
      getBuildingRow: { value: geometry.vertexRow, size: 1 },
    },
  };
  binaryCache.set(geometry, { colouring, data });
  return data;
}

const TEXT_COMMON = {
  fontFamily: FONT_FAMILY,
  characterSet: 'auto' as const,
  sizeUnits: 'pixels' as const,
  billboard: true,
  fontSettings: { sdf: true, fontSize: 56, buffer: 10, radius: 14, cutoff: 0.22, smoothing: 0.12 },
  outlineWidth: 5,
  outlineColor: [4, 8, 16, 235] as [number, number, number, number],
  // Labels are read through buildings: never hidden by the depth of an extruded block.
  parameters: { depthCompare: 'always' as const, depthWriteEnabled: false },
};

const LABEL_STYLE: Record<LabelDatum['kind'], { size: number; colour: [number, number, number, number] }> = {
  area: { size: 28, colour: [150, 236, 255, 255] },
  community: { size: 23, colour: [110, 220, 255, 255] },
  place: { size: 16, colour: [200, 214, 232, 255] },
  estate: { size: 15, colour: [176, 192, 214, 255] },
  'road-major': { size: 17, colour: [200, 216, 234, 255] },
  road: { size: 15, colour: [150, 172, 196, 255] },
  water: { size: 18, colour: [110, 176, 240, 255] },
  green: { size: 16, colour: [120, 204, 150, 255] },
};

interface OutlineDatum {
  polygon: [number, number, number][];
  height: number;
}
let outlineCache: { geometry: BuildingGeometry; row: number; data: OutlineDatum[] } | null = null;
/** The selected building's footprints (a handful of rows; never the whole district). */
function selectionOutline(columns: BuildingColumns, geometry: BuildingGeometry, row: number): OutlineDatum[] {
  if (outlineCache && outlineCache.geometry === geometry && outlineCache.row === row) return outlineCache.data;
  const data: OutlineDatum[] = [];
  const top = columns.heightM[row] ?? 0;
  const base = Math.min(top, columns.baseM?.[row] ?? 0);
  const height = top - base;
  for (let p = 0; p < geometry.polygonCount; p++) {
    if (columns.polygonBuilding[p] !== row) continue;
    const polygon: [number, number, number][] = [];
    for (let v = geometry.startIndices[p]!; v < geometry.startIndices[p + 1]!; v++) {
      polygon.push([geometry.positions[2 * v]!, geometry.positions[2 * v + 1]!, base]);
    }
    data.push({ polygon, height });
  }
  outlineCache = { geometry, row, data };
  return data;
}

let labelCache: { labels: LabelDatum[]; key: string; areas: LabelDatum[]; others: LabelDatum[] } | null = null;
/**
 * Labels visible at `zoom`, split into area names and the rest. The arrays are reused while the
 * set is unchanged: a new array would make deck.gl lay out every glyph again on each hover.
 */
function visibleLabels(labels: LabelDatum[], zoom: number): { areas: LabelDatum[]; others: LabelDatum[] } {
  const key = Array.from(new Set(labels.map((l) => l.minZoom)))
    .filter((z) => z <= zoom)
    .sort((a, b) => a - b)
    .join(',');
  if (labelCache && labelCache.labels === labels && labelCache.key === key) return labelCache;
  const visible = labels.filter((l) => l.minZoom <= zoom);
  labelCache = {
    labels,
    key,
    areas: visible.filter((l) => l.kind === 'area' || l.kind === 'community'),
    others: visible.filter((l) => l.kind !== 'area' && l.kind !== 'community'),
  };
  return labelCache;
}

export function buildLayers(m: MapLayerModel): { layers: Layer[]; counts: LayerCount[] } {
  const layers: Layer[] = [];
  const counts: LayerCount[] = [];
  const { columns, geometry } = m;

  layers.push(
    new SolidPolygonLayer({
      id: LAYER_IDS.buildings,
      data: binaryBuildings(geometry, m.colouring) as never,
      coordinateSystem: COORDINATE_SYSTEM.LNGLAT_OFFSETS,
      coordinateOrigin: [columns.originLon, columns.originLat, 0],
      extruded: true,
      filled: true,
      wireframe: false,
      // Rings are closed and wound clockwise in buildingGeometry.ts.
      _normalize: false,
      _windingOrder: 'CW',
      pickable: true,
      material: { ambient: 0.42, diffuse: 0.62, shininess: 28, specularColor: [70, 90, 110] },
      extensions: [materialExtension],
      selectedBuildingRow: m.selectedRow,
      hoveredBuildingRow: m.hoveredRow,
    } as never),
  );
  counts.push({ id: LAYER_IDS.buildings, count: columns.count });

  if (m.selectedRow >= 0) {
    // An x-ray outline of the selected building, drawn through whatever stands in front of it
    // (at street level the target is often behind taller blocks).
    const outline = selectionOutline(columns, geometry, m.selectedRow);
    layers.push(
      new SolidPolygonLayer<OutlineDatum>({
        id: LAYER_IDS.selection,
        data: outline,
        coordinateSystem: COORDINATE_SYSTEM.LNGLAT_OFFSETS,
        coordinateOrigin: [columns.originLon, columns.originLat, 0],
        getPolygon: (d) => d.polygon,
        getElevation: (d) => d.height,
        extruded: true,
        filled: true,
        wireframe: true,
        getFillColor: [54, 214, 255, 70],
        getLineColor: [140, 240, 255, 235],
        material: false,
        pickable: false,
        parameters: { depthCompare: 'always', depthWriteEnabled: false },
      }),
    );
    counts.push({ id: LAYER_IDS.selection, count: 1 });
  }

  if (m.labels) {
    const { areas, others } = visibleLabels(m.labels, m.zoom);
    // One collision group for every label, so a road name never sits on a community name.
    const labelProps = (id: string, data: LabelDatum[]): object => ({
      ...TEXT_COMMON,
      id,
      data,
      getPosition: (d: LabelDatum) => d.position,
      getText: (d: LabelDatum) => d.text,
      getSize: (d: LabelDatum) => LABEL_STYLE[d.kind].size,
      // Read from across the room on a wall: the layout's scale (renderer/layout/).
      sizeScale: symbolScale(),
      getColor: (d: LabelDatum) => LABEL_STYLE[d.kind].colour,
      fontWeight: 700,
      extensions: [collisionExtension],
      collisionGroup: 'labels',
      getCollisionPriority: (d: LabelDatum) => d.priority,
      collisionTestProps: { sizeScale: 1.3 },
    });
    layers.push(new TextLayer(labelProps(LAYER_IDS.labels, others) as never), new TextLayer(labelProps(LAYER_IDS.areaLabels, areas) as never));
    counts.push({ id: LAYER_IDS.labels, count: others.length }, { id: LAYER_IDS.areaLabels, count: areas.length });
  }

  if (m.atlas) {
    layers.push(
      new IconLayer<Facility>({
        id: LAYER_IDS.facilities,
        data: m.facilities,
        iconAtlas: m.atlas.canvas as never,
        iconMapping: m.atlas.mapping,
        getIcon: (d) => d.kind,
        getPosition: (d) => [d.lon, d.lat],
        // Metres with pixel bounds: small at the district overview, full size from street level.
        getSize: 70,
        sizeUnits: 'meters',
        sizeMinPixels: 32 * symbolScale(),
        sizeMaxPixels: 50 * symbolScale(),
        billboard: true,
        pickable: true,
        alphaCutoff: 0.05,
        textureParameters: { minFilter: 'linear', magFilter: 'linear', mipmapFilter: 'linear' },
        parameters: { depthCompare: 'always', depthWriteEnabled: false },
      }),
    );
    counts.push({ id: LAYER_IDS.facilities, count: m.facilities.length });
    if (m.showFacilityNames) {
      layers.push(
        new TextLayer<Facility>({
          ...TEXT_COMMON,
          id: LAYER_IDS.facilityLabels,
          data: m.facilities,
          getPosition: (d: Facility) => [d.lon, d.lat],
          getText: (d: Facility) => d.name,
          getSize: 15,
          sizeScale: symbolScale(),
          getColor: [236, 244, 255, 255],
          getPixelOffset: [0, 14 * symbolScale()],
          getTextAnchor: 'middle',
          getAlignmentBaseline: 'top',
          fontWeight: 700,
          extensions: [collisionExtension],
          collisionGroup: 'labels',
          getCollisionPriority: 80,
        } as never),
      );
      counts.push({ id: LAYER_IDS.facilityLabels, count: m.facilities.length });
    }
  }
  return { layers, counts };
}
