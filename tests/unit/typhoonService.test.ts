/**
 * Typhoon planning as a feature module, through the contract: Lekima (1909) imported from the real
 * files over the demo district (which lies about 20 km from its landfall at Wenling).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { seedTwin } from '../../electron/cli/twinFiles.ts';
import { importTrackFiles } from '../../data/import/typhoon/importTracks.ts';
import { createServices, dispatch, type Services } from '../../electron/services/index.ts';
import { realDataDir, tempDir } from './helpers.ts';

const real = realDataDir();
const tmp = tempDir();
let store: DuckDbStore;
let services: Services;
const LANDFALL_UTC = Date.UTC(2019, 7, 9, 17, 45);

describe.skipIf(!real)('typhoon planning over the demo district', () => {
  beforeAll(async () => {
    const db = tmp.path('typhoon.duckdb');
    await seedTwin(db, 1, 300);
    store = await DuckDbStore.open(db);
    await importTrackFiles(store, [join(real!, 'typhoon')], { storms: ['1909'] });
    services = await createServices(store, { host: 'web', personalData: 'masked' });
  });
  afterAll(() => {
    services.stop();
    store.close();
    tmp.cleanup();
  });

  it('lists Lekima first: it passes closest to the district', async () => {
    const storms = await services.api.typhoon.listStorms();
    expect(storms[0]!.number).toBe('1909');
    expect(storms[0]!.closestKm).toBeLessThan(60);
    expect(storms.some((s) => s.landfallUtcMs === LANDFALL_UTC)).toBe(true);
  });

  it('the force-10 wind reaches every grid before landfall, and the warning signal escalates to red', async () => {
    const storm = (await services.api.typhoon.listStorms()).find((s) => s.landfallUtcMs === LANDFALL_UTC)!;
    const wind = (await services.api.typhoon.getDistrictWind(storm.id))!;
    expect(wind.grids.length).toBeGreaterThan(0);
    for (const g of wind.grids.filter((g) => g.buildings > 0)) {
      expect(g.arrival10UtcMs, g.name).not.toBeNull();
      expect(g.arrival10UtcMs!).toBeLessThan(LANDFALL_UTC);
      expect(g.arrival7UtcMs!).toBeLessThan(g.arrival10UtcMs!);
    }
    // Blue, yellow, orange, red, in that order.
    const firstOf = (level: number): number => wind.signal.findIndex((s) => s >= level);
    expect(firstOf(1)).toBeGreaterThanOrEqual(0);
    expect(firstOf(1)).toBeLessThan(firstOf(2));
    expect(firstOf(2)).toBeLessThan(firstOf(3));
    expect(firstOf(3)).toBeLessThan(firstOf(4));
    expect(wind.peakForce).toBeGreaterThanOrEqual(12);
    // Every building has its peak from the same model: the district's peak is a building's, and
    // no building in a grid peaks above that grid's maximum.
    const { ids, peakForce } = wind.buildings;
    const buildings = (await store.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM buildings'))!.n;
    expect(ids.length).toBe(buildings);
    expect(peakForce.length).toBe(buildings);
    expect(Math.max(...peakForce)).toBe(wind.peakForce);
    expect(Math.max(...wind.grids.map((g) => g.maxForce))).toBeLessThanOrEqual(wind.peakForce);
  });

  it('the track comes with its landfall; the same numbers every time (deterministic)', async () => {
    const storm = (await services.api.typhoon.listStorms()).find((s) => s.landfallUtcMs === LANDFALL_UTC)!;
    const track = (await services.api.typhoon.getStormTrack(storm.id))!;
    expect(track.fixes.length).toBeGreaterThan(50);
    expect(track.landfalls[0]!.place).toMatch(/温岭/);
    const a = await dispatch(services.api, 'typhoon', 'getDistrictWind', [storm.id], { caller: { kind: 'system', name: 'test' }, via: 'cli' });
    const fresh = await createServices(store, { host: 'web', personalData: 'masked' });
    const b = await fresh.api.typhoon.getDistrictWind(storm.id);
    fresh.stop();
    expect(b).toEqual(a);
  });

  it('refuses a malformed storm id at the contract, before the service', async () => {
    await expect(dispatch(services.api, 'typhoon', 'getStormTrack', ["x'; DROP TABLE storms; --"], { caller: { kind: 'system', name: 'test' }, via: 'cli' })).rejects.toThrow(/storm id is <agency>:<number>/);
  });
});
