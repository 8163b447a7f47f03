/**
 * The feature modules' colour-by channels and timeline rows, through the renderer registry: every
 * module brings its own (no hard-coded list in the shell), an unknown choice falls back to building
 * use, each channel colours every building and memoises, the typhoon channels colour by the storm's
 * wind and the water at the player's moment (or say why they cannot), and the rows bin and band.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { BuildingColumns, Incident } from '../../electron/common/dto.ts';
import type { DistrictWind, StormTrackView } from '../../electron/common/typhoon/contract.ts';
import type { FloodView } from '../../electron/common/typhoon/flood.ts';
import type { TrackPoint } from '../../data/model/typhoon/types.ts';
import { zhCN } from '../../renderer/i18n/zh-CN.ts';
import { en } from '../../renderer/i18n/en.ts';

// The renderer's modules touch the page as they load (the language on <html>, echarts' user agent).
const el = (): object => ({ style: { setProperty: () => undefined }, setAttribute: () => undefined, appendChild: () => undefined, getContext: () => null, addEventListener: () => undefined });
Object.assign(globalThis, { document: { documentElement: el(), createElement: el, addEventListener: () => undefined, head: el(), body: el() } });
if (!('navigator' in globalThis)) Object.assign(globalThis, { navigator: { userAgent: 'node', language: 'zh-CN' } });
const { COLOUR_BY_DEFS, FEATURES, TIMELINE_TRACK_DEFS } = await import('../../renderer/features/registry.ts');
const { colourByDef, colouringNow, followColouring, setColourBy } = await import('../../renderer/features/colourBy.ts');
const { useUiStore } = await import('../../renderer/state/uiStore.ts');
const { useLiveStore } = await import('../../renderer/state/liveStore.ts');
const { useTyphoonStore } = await import('../../renderer/features/typhoon/store.ts');
const { useFloodStore } = await import('../../renderer/features/typhoon/floodStore.ts');
const { WIND_CLASSES } = await import('../../renderer/features/typhoon/colourBy.ts');
const { buildBuildingGeometry } = await import('../../renderer/views/map/layers/buildingGeometry.ts');
const { signalBands } = await import('../../renderer/features/typhoon/timelineTrack.ts');
const { buildRows, hourlyBars } = await import('../../renderer/features/timelineMarks.ts');

const H = 3600_000;
const ORIGIN = [120.65, 28.0] as const;

/** `n` square buildings of 20 m in a row going east, 100 m apart, the first at the origin. */
function twin(n: number): BuildingColumns {
  const dLon = 0.001;
  const positions = new Float32Array(n * 8);
  for (let i = 0; i < n; i++) {
    const x = i * dLon;
    positions.set([x, 0, x + 0.0002, 0, x + 0.0002, 0.0002, x, 0.0002], i * 8);
  }
  return {
    count: n,
    originLon: ORIGIN[0],
    originLat: ORIGIN[1],
    id: Int32Array.from({ length: n }, (_, i) => 100 + i),
    heightM: new Float32Array(n).fill(20),
    floors: new Uint16Array(n).fill(6),
    use: Uint8Array.from({ length: n }, (_, i) => i % 3),
    residents: Uint16Array.from({ length: n }, (_, i) => (i === 0 ? 0 : 10 * i)),
    households: Uint16Array.from({ length: n }, (_, i) => (i === 0 ? 0 : 4 * i)),
    elderlyPct: Uint8Array.from({ length: n }, (_, i) => (i === 0 ? 0 : 3)),
    careHouseholds: Uint16Array.from({ length: n }, (_, i) => i),
    openIncidents: new Uint16Array(n),
    polygonCount: n,
    polygonBuilding: Uint32Array.from({ length: n }, (_, i) => i),
    polygonStart: Uint32Array.from({ length: n + 1 }, (_, i) => i * 4),
    positions,
  };
}

const lookup = (tree: unknown, key: string): unknown => key.split('.').reduce<unknown>((o, k) => (o && typeof o === 'object' ? (o as Record<string, unknown>)[k] : undefined), tree);
/** The strings as the app has them: the shell's, with each module's merged under its id. */
const strings = (lang: 'zh-CN' | 'en'): Record<string, unknown> => {
  const base: Record<string, unknown> = { ...(lang === 'en' ? en : zhCN) } as Record<string, unknown>;
  for (const f of FEATURES) if (f.i18n) base[f.id] = { ...((base[f.id] as object) ?? {}), ...f.i18n[lang] };
  return base;
};

afterEach(() => {
  useUiStore.setState({ colourBy: 'use' });
  useTyphoonStore.setState({ selectedId: null, track: null, wind: null, shiftMs: 0, loading: false });
  useFloodStore.setState({ flood: null, unavailable: null, loading: false });
});

describe('colour-by channels come from the feature modules', () => {
  it('lists each module’s channels once, building use first, each named in both languages', () => {
    const ids = COLOUR_BY_DEFS.map((d) => d.id);
    expect(ids.slice(0, 4)).toEqual(['use', 'residents', 'elderlyPct', 'careHouseholds']);
    expect(ids).toEqual(expect.arrayContaining(['openIncidents', 'typhoonWind', 'typhoonFlood']));
    expect(new Set(ids).size).toBe(ids.length);
    // Which module brings which: the shell has no list of its own.
    const owner = (id: string): string | undefined => FEATURES.find((f) => f.colourBy?.some((d) => d.id === id))?.id;
    expect([owner('use'), owner('openIncidents'), owner('typhoonWind'), owner('typhoonFlood')]).toEqual(['buildings', 'incidents', 'typhoon', 'typhoon']);
    for (const lang of ['zh-CN', 'en'] as const) {
      for (const d of COLOUR_BY_DEFS) expect(typeof lookup(strings(lang), d.labelKey), `${lang} ${d.labelKey}`).toBe('string');
      for (const d of TIMELINE_TRACK_DEFS) expect(typeof lookup(strings(lang), d.labelKey), `${lang} ${d.labelKey}`).toBe('string');
      for (const key of ['noStorm', 'noTerrain', 'windNote', 'forceRange', 'metres', 'dry']) expect(typeof lookup(strings(lang), `typhoon.colourBy.${key}`)).toBe('string');
    }
  });

  it('keeps the chosen channel to a registered id: an unknown one is building use', () => {
    setColourBy('typhoonWind');
    expect(useUiStore.getState().colourBy).toBe('typhoonWind');
    setColourBy('nonsense');
    expect(useUiStore.getState().colourBy).toBe('use');
    expect(colourByDef('nonsense').id).toBe('use');
  });

  it('colours every building of the static attributes once per twin (the same object for the map and the legend)', () => {
    const cols = twin(5);
    const geometry = buildBuildingGeometry(cols);
    for (const id of ['use', 'residents', 'elderlyPct', 'careHouseholds']) {
      const a = colouringNow(cols, geometry, id);
      expect(a.rowColours.length).toBe(20);
      expect(colouringNow(cols, geometry, id)).toBe(a);
    }
    const elderly = colouringNow(cols, geometry, 'elderlyPct').legend;
    expect(elderly.kind === 'ramp' && elderly.max).toBe(10); // a young district is not painted old
    const residents = colouringNow(cols, geometry, 'residents');
    // The uninhabited building has the no-data colour, unlike the inhabited ones.
    expect([...residents.rowColours.slice(0, 3)]).not.toEqual([...residents.rowColours.slice(16, 19)]);
  });

  it('open incidents follow the live feed and keep the colouring while no building’s count changes', () => {
    const cols = twin(4);
    const geometry = buildBuildingGeometry(cols);
    const inc = (id: string, buildingId: number, status: Incident['status']): Incident =>
      ({ id, buildingId, status, category: 'other', severity: 2, lon: 0, lat: 0, address: null, reporter: 'resident', source: 'x', description: null, reportedAt: Date.now() - H, updatedAt: Date.now(), slaDueAt: Date.now() + H, handledAt: null, assignee: null }) as Incident;
    useLiveStore.setState({ status: 'ready', incidents: { a: inc('a', 101, 'reported'), b: inc('b', 101, 'reported') } });
    let changes = 0;
    setColourBy('openIncidents');
    const off = followColouring(() => changes++);
    const first = colouringNow(cols, geometry);
    expect(first.legend.kind === 'ramp' && first.legend.max).toBe(2);
    useLiveStore.setState({ incidents: { ...useLiveStore.getState().incidents, c: inc('c', 102, 'closed') } });
    expect(changes).toBe(1);
    expect(colouringNow(cols, geometry)).toBe(first); // a closed incident changes no count
    useLiveStore.setState({ incidents: { ...useLiveStore.getState().incidents, d: inc('d', 103, 'reported') } });
    expect(colouringNow(cols, geometry)).not.toBe(first);
    off();
    useLiveStore.setState({ incidents: {}, status: 'idle' });
    expect(changes).toBe(2); // unsubscribed
  });

  it('subscribes only to the chosen channel, and tells of a change of channel', () => {
    let changes = 0;
    const off = followColouring(() => changes++);
    useTyphoonStore.setState({ loading: true }); // the wind channel is not chosen
    expect(changes).toBe(0);
    setColourBy('typhoonWind');
    expect(changes).toBe(1);
    useTyphoonStore.setState({ loading: false });
    expect(changes).toBe(2);
    off();
  });
});

describe('typhoon channels', () => {
  const radii = { r7: { ne: 300, se: 300, sw: 260, nw: 240 }, r10: { ne: 120, se: 120, sw: 100, nw: 90 }, r12: { ne: 50, se: 50, sw: 40, nw: 40 } };
  const point = (hours: number, lon: number, lat: number, wind = 48): TrackPoint => ({ timeUtcMs: hours * H, lon, lat, pressureHpa: 940, maxWindMs: wind, grade: 'STY', radii, isForecast: false });

  it('says “no storm selected” over the use colours (not a grey map), then colours by wind class', () => {
    const cols = twin(3);
    const geometry = buildBuildingGeometry(cols);
    const none = colouringNow(cols, geometry, 'typhoonWind');
    expect(none.legend.kind).toBe('message');
    expect(none.legend.kind === 'message' && none.legend.text.key).toBe('typhoon.colourBy.noStorm');
    expect(none.rowColours).toEqual(colouringNow(cols, geometry, 'use').rowColours);
    const track: StormTrackView = {
      storm: { id: 'CMA:2699', agency: 'CMA', number: '2699', year: 2026, name: 'T', nameZh: null },
      fixes: [point(0, ORIGIN[0], ORIGIN[1] - 3)],
      forecast: [{ ...point(24, ORIGIN[0], ORIGIN[1] + 3), isForecast: true }],
      forecastIssuedUtcMs: 0,
      forecastAgency: 'CMA',
      landfalls: [],
    };
    // The host's peaks come by building id, in its order; the map puts each on its building's row.
    const districtWind = {
      stormId: 'CMA:2699', startUtcMs: 0, stepMs: H, hours: 1, force: [14], signal: [4], arrival7UtcMs: 0, arrival10UtcMs: 0, peakForce: 14, peakUtcMs: 0, grids: [], notes: [],
      buildings: { ids: Int32Array.from([cols.id[2]!, cols.id[0]!, cols.id[1]!]), peakForce: Uint8Array.from([7, 14, 14]) },
    };
    useTyphoonStore.setState({ selectedId: 'CMA:2699', track, wind: districtWind });
    const wind = colouringNow(cols, geometry, 'typhoonWind');
    expect(wind.legend.kind).toBe('classes');
    if (wind.legend.kind !== 'classes') return;
    expect(wind.legend.items.map((i) => i.testId)).toEqual(['legend-wind-7', 'legend-wind-14']);
    expect(wind.legend.items.map((i) => i.text.values?.count)).toEqual([1, 2]);
    expect([...wind.rowColours.slice(8, 11)]).toEqual(WIND_CLASSES[1]!.colour); // the third row: force 7
    expect(colouringNow(cols, geometry, 'typhoonWind')).toBe(wind);
  });

  it('colours by the water at the player’s moment, and says so when the twin has no terrain', () => {
    const cols = twin(3);
    const geometry = buildBuildingGeometry(cols);
    useFloodStore.setState({ unavailable: { unavailable: 'no_terrain', message: 'x' }, loading: false });
    const noTerrain = colouringNow(cols, geometry, 'typhoonFlood');
    expect(noTerrain.legend.kind === 'message' && noTerrain.legend.text.key).toBe('typhoon.colourBy.noTerrain');
    // A 10 × 10 raster over the first two buildings; the cell under the first one fills over two steps.
    const corners: [[number, number], [number, number], [number, number], [number, number]] = [
      [ORIGIN[0] - 0.0006, ORIGIN[1] - 0.00045],
      [ORIGIN[0] - 0.0006, ORIGIN[1] + 0.00055],
      [ORIGIN[0] + 0.0014, ORIGIN[1] + 0.00055],
      [ORIGIN[0] + 0.0014, ORIGIN[1] - 0.00045],
    ];
    // The first building's centre (origin + 0.0001) is column 3, row 4.
    const start = Date.now() - 10 * H;
    const flood = {
      stormId: null, label: 'x', source: 'design', clock: 'real', startUtcMs: start, stepMs: H, steps: 2,
      raster: { cols: 10, rows: 10, cellM: 10, corners, depthUnitM: 0.02, cells: Uint32Array.from([4 * 10 + 3]), depth: Uint8Array.from([10, 40]), maxDepthM: 0.8 },
    } as unknown as FloodView;
    useFloodStore.setState({ flood, unavailable: null });
    const at = (ms: number): Uint8Array => colourByDef('typhoonFlood').colour({ columns: cols, geometry, timeMs: ms }).rowColours;
    const dry = at(start); // before the first step
    const wet = at(start + 2 * H + 1);
    expect([...dry.slice(0, 3)]).toEqual([...dry.slice(4, 7)]);
    expect([...wet.slice(0, 3)]).not.toEqual([...wet.slice(4, 7)]); // the first building stands in water
    expect([...wet.slice(4, 7)]).toEqual([...wet.slice(8, 11)]); // the others stay dry
    const legend = colourByDef('typhoonFlood').colour({ columns: cols, geometry, timeMs: start + 2 * H + 1 }).legend;
    expect(legend.kind === 'ramp' && legend.max).toBe(0.8);
  });
});

describe('timeline rows come from the feature modules', () => {
  it('registers incidents, meter alerts and the typhoon warning signal, each named', () => {
    expect(TIMELINE_TRACK_DEFS.map((d) => d.id)).toEqual(expect.arrayContaining(['incidents', 'alerts', 'typhoonSignal']));
  });

  it('bins times per clock hour over the past of the span; none is no row', () => {
    const from = 10 * H + 30 * 60_000;
    const span = { fromMs: from, toMs: 20 * H, nowMs: 14 * H };
    const marks = hourlyBars([10.6 * H, 10.7 * H, 12.2 * H, 15 * H /* the future */, 9 * H /* before */], span, [1, 2, 3]);
    expect(marks?.kind).toBe('bars');
    if (marks?.kind !== 'bars') return;
    expect(marks.bins.map((b) => b.value)).toEqual([2, 0, 1, 0]);
    expect(marks.bins[0]!.fromMs).toBe(from);
    expect(hourlyBars([], span, [1, 2, 3])).toBeNull();
  });

  it('bands the warning signal per hour on the player’s clock, merging equal hours', () => {
    const wind = { stormId: 'CMA:1', startUtcMs: 100 * H, stepMs: H, hours: 6, signal: [0, 1, 1, 3, 4, 0], force: [], grids: [] } as unknown as DistrictWind;
    const shift = 1000 * H;
    const marks = signalBands(wind, shift, { fromMs: 1000 * H, toMs: 1200 * H, nowMs: 1050 * H });
    expect(marks?.kind === 'bands' && marks.bands.map((b) => [b.labelKey, (b.fromMs - shift) / H, (b.toMs - shift) / H])).toEqual([
      ['typhoon.signal.blue', 101, 103],
      ['typhoon.signal.orange', 103, 104],
      ['typhoon.signal.red', 104, 105],
    ]);
    // The rows without marks are left out.
    useTyphoonStore.setState({ wind, shiftMs: shift });
    const rows = buildRows(TIMELINE_TRACK_DEFS, 1000 * H, 1200 * H, 1050 * H).map((r) => r.def.id);
    expect(rows).toContain('typhoonSignal');
    useTyphoonStore.setState({ wind: null });
    expect(buildRows(TIMELINE_TRACK_DEFS, 1000 * H, 1200 * H, 1050 * H).map((r) => r.def.id)).not.toContain('typhoonSignal');
  });
});
