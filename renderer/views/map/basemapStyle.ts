/**
 * The maplibre style of the offline base map, built at run time from `store.getBasemap()`: one
 * GeoJSON source, layers filtered by `properties.layer` and graded by `kind`. No glyphs and no
 * sprite (no network, DESIGN.md §5): text is drawn by deck.gl TextLayers with the bundled font.
 */
import type { ExpressionSpecification, GeoJSONSourceSpecification, StyleSpecification } from 'maplibre-gl';
import type { BasemapCollection } from '../../../electron/common/dto.ts';

/** Command-centre palette of the base map. */
export const BASEMAP_COLOURS = {
  background: '#050a14',
  landuse: '#0a1322',
  landuseIndustrial: '#0f1420',
  landusePublic: '#0d1730',
  water: '#0b2748',
  waterEdge: '#1b4f80',
  green: '#0b2a20',
  boundary: '#2bc4e0',
  roadCasing: '#03060c',
  roadMajor: '#3f6d96',
  roadMid: '#2c4d6c',
  roadMinor: '#1e3550',
  roadPath: '#1a2c40',
  rail: '#6b6f86',
  railTie: '#050a14',
  ferry: '#2f7fb8',
  way: '#243246',
} as const;

const kindIn = (...kinds: string[]): ExpressionSpecification => ['in', ['get', 'kind'], ['literal', kinds]];
const layerIs = (layer: string): ExpressionSpecification => ['==', ['get', 'layer'], layer];

const MAJOR = ['motorway', 'trunk', 'primary', 'motorway_link', 'trunk_link', 'primary_link'];
const MID = ['secondary', 'tertiary', 'secondary_link', 'tertiary_link', 'bridge', 'embankment'];
const PATH = ['footway', 'path', 'cycleway', 'pedestrian', 'steps', 'track', 'bridleway'];

/** Line width (px) by zoom for a road class whose width at z16 is `w16`. */
const width = (w16: number): ExpressionSpecification => [
  'interpolate', ['exponential', 1.6], ['zoom'],
  12, Math.max(0.4, w16 * 0.18),
  16, w16,
  19, w16 * 4,
];

export function buildBasemapStyle(basemap: BasemapCollection): StyleSpecification {
  const roadIs = (kinds: string[]): ExpressionSpecification => ['all', layerIs('road'), kindIn(...kinds)];
  const roadOther: ExpressionSpecification = ['all', layerIs('road'), ['!', kindIn(...MAJOR, ...MID, ...PATH)]];
  return {
    version: 8,
    name: 'civictwin-command-dark',
    sources: {
      basemap: { type: 'geojson', data: basemap as unknown as GeoJSONSourceSpecification['data'], tolerance: 0.2 },
    },
    layers: [
      { id: 'background', type: 'background', paint: { 'background-color': BASEMAP_COLOURS.background } },
      {
        id: 'landuse',
        type: 'fill',
        source: 'basemap',
        filter: layerIs('landuse'),
        paint: {
          'fill-color': [
            'match', ['get', 'kind'],
            ['industrial', 'commercial', 'retail', 'construction'], BASEMAP_COLOURS.landuseIndustrial,
            ['park', 'grass', 'recreation_ground'], BASEMAP_COLOURS.green,
            ['education', 'medical', 'public'], BASEMAP_COLOURS.landusePublic,
            BASEMAP_COLOURS.landuse,
          ],
          'fill-antialias': false,
        },
      },
      { id: 'green', type: 'fill', source: 'basemap', filter: layerIs('green'), paint: { 'fill-color': BASEMAP_COLOURS.green } },
      { id: 'water', type: 'fill', source: 'basemap', filter: layerIs('water'), paint: { 'fill-color': BASEMAP_COLOURS.water } },
      {
        id: 'water-edge',
        type: 'line',
        source: 'basemap',
        filter: ['all', layerIs('water'), ['==', ['geometry-type'], 'Polygon']],
        paint: { 'line-color': BASEMAP_COLOURS.waterEdge, 'line-width': 1.2, 'line-opacity': 0.8 },
      },
      {
        id: 'water-line',
        type: 'line',
        source: 'basemap',
        filter: ['all', layerIs('water'), ['in', ['geometry-type'], ['literal', ['LineString', 'MultiLineString']]]],
        layout: { 'line-cap': 'round', 'line-join': 'round' },
        paint: { 'line-color': BASEMAP_COLOURS.waterEdge, 'line-width': width(3), 'line-opacity': 0.8 },
      },
      // Railways, metro, trams and ferries: their own kinds, never routed (layer `transit`).
      {
        id: 'transit-ferry',
        type: 'line',
        source: 'basemap',
        filter: ['all', layerIs('transit'), kindIn('ferry')],
        paint: { 'line-color': BASEMAP_COLOURS.ferry, 'line-width': width(1.6), 'line-dasharray': [1, 3], 'line-opacity': 0.9 },
      },
      {
        id: 'transit-rail',
        type: 'line',
        source: 'basemap',
        filter: ['all', layerIs('transit'), ['!', kindIn('ferry')]],
        layout: { 'line-join': 'round' },
        paint: { 'line-color': BASEMAP_COLOURS.rail, 'line-width': width(3), 'line-opacity': ['match', ['get', 'kind'], ['subway'], 0.45, 0.85] },
      },
      {
        id: 'transit-rail-ties',
        type: 'line',
        source: 'basemap',
        filter: ['all', layerIs('transit'), ['!', kindIn('ferry')]],
        minzoom: 14,
        paint: { 'line-color': BASEMAP_COLOURS.railTie, 'line-width': width(1.6), 'line-dasharray': [3, 3] },
      },
      {
        id: 'way-untravelled',
        type: 'line',
        source: 'basemap',
        filter: layerIs('way'),
        paint: { 'line-color': BASEMAP_COLOURS.way, 'line-width': width(2.5), 'line-dasharray': [1, 1.5] },
      },
      {
        id: 'road-path',
        type: 'line',
        source: 'basemap',
        filter: roadIs(PATH),
        layout: { 'line-cap': 'round' },
        paint: { 'line-color': BASEMAP_COLOURS.roadPath, 'line-width': width(1.5), 'line-dasharray': [2, 1.5] },
      },
      {
        id: 'road-minor',
        type: 'line',
        source: 'basemap',
        filter: roadOther,
        layout: { 'line-cap': 'round', 'line-join': 'round' },
        paint: { 'line-color': BASEMAP_COLOURS.roadMinor, 'line-width': width(4) },
      },
      {
        id: 'road-mid-casing',
        type: 'line',
        source: 'basemap',
        filter: roadIs(MID),
        layout: { 'line-cap': 'round', 'line-join': 'round' },
        paint: { 'line-color': BASEMAP_COLOURS.roadCasing, 'line-width': width(9) },
      },
      {
        id: 'road-mid',
        type: 'line',
        source: 'basemap',
        filter: roadIs(MID),
        layout: { 'line-cap': 'round', 'line-join': 'round' },
        paint: { 'line-color': BASEMAP_COLOURS.roadMid, 'line-width': width(7) },
      },
      {
        id: 'road-major-casing',
        type: 'line',
        source: 'basemap',
        filter: roadIs(MAJOR),
        layout: { 'line-cap': 'round', 'line-join': 'round' },
        paint: { 'line-color': BASEMAP_COLOURS.roadCasing, 'line-width': width(13) },
      },
      {
        id: 'road-major',
        type: 'line',
        source: 'basemap',
        filter: roadIs(MAJOR),
        layout: { 'line-cap': 'round', 'line-join': 'round' },
        paint: { 'line-color': BASEMAP_COLOURS.roadMajor, 'line-width': width(10) },
      },
      {
        id: 'road-major-centre',
        type: 'line',
        source: 'basemap',
        filter: roadIs(MAJOR),
        minzoom: 15,
        paint: { 'line-color': '#6fa3cf', 'line-width': 0.8, 'line-opacity': 0.5, 'line-dasharray': [4, 4] },
      },
      {
        id: 'boundary-grid',
        type: 'line',
        source: 'basemap',
        filter: ['all', layerIs('boundary'), ['==', ['get', 'kind'], 'grid']],
        minzoom: 14.5,
        paint: { 'line-color': BASEMAP_COLOURS.boundary, 'line-width': 0.8, 'line-opacity': 0.22 },
      },
      {
        id: 'boundary',
        type: 'line',
        source: 'basemap',
        filter: ['all', layerIs('boundary'), ['!=', ['get', 'kind'], 'grid']],
        layout: { 'line-join': 'round' },
        paint: {
          'line-color': BASEMAP_COLOURS.boundary,
          'line-width': ['match', ['get', 'kind'], ['street', 'district'], 2.4, 1.6],
          'line-opacity': ['match', ['get', 'kind'], ['street', 'district'], 0.8, 0.5],
          'line-dasharray': [3, 2],
        },
      },
    ],
  };
}
