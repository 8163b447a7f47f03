/**
 * Everyday tools (issue 13): the host's search over addresses, households (masked), incidents
 * (with road addresses) and facilities, its limits and who may call it; and acknowledging meter
 * alerts in bulk with a reason (events and audit rows recorded, a viewer refused).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { generateDistrict } from '../../data/seed/generateDistrict.ts';
import { refreshBuildingStats } from '../../data/store/buildingStats.ts';
import { fieldAad } from '../../data/store/crypto.ts';
import { createServices, dispatch, type Services } from '../../electron/services/index.ts';
import type { CallContext } from '../../electron/services/callContext.ts';
import type { HouseholdHit, IncidentHit, SearchResults } from '../../electron/common/search/contract.ts';
import type { ContactPii } from '../../data/model/masking.ts';
import { RoadIndex } from '../../data/model/roadAddress.ts';
import { tempDir } from './helpers.ts';

const tmp = tempDir();
let store: DuckDbStore;
let services: Services;

const person = (role: 'viewer' | 'operator' | 'supervisor', userId = 1): CallContext => ({
  caller: { kind: 'person', userId, username: `${role}-${userId}`, displayName: role, role },
  via: 'http',
});
const wall: CallContext = { caller: { kind: 'wall', tokenId: 9, name: 'hall' }, via: 'http' };

beforeAll(async () => {
  store = await DuckDbStore.open(tmp.path('tools.duckdb'), { create: true });
  await generateDistrict(store, { seed: 5, buildings: 300 });
  await refreshBuildingStats(store);
  services = await createServices(store, { host: 'web', personalData: 'masked' });
}, 120_000);
afterAll(() => {
  services.ingest.close();
  store.close();
  tmp.cleanup();
});

const search = (query: string, perKind: number, context: CallContext = person('viewer')): Promise<SearchResults> =>
  dispatch(services.api, 'search', 'search', [query, perKind], context) as Promise<SearchResults>;

describe('search', () => {
  it('finds more than 8 addresses, grouped by kind, with the total', async () => {
    // The most common word of the addresses: the road most buildings are on.
    const road = (await store.one<{ road: string }>(
      `SELECT regexp_extract(address, '([^0-9号]+?(路|街|巷|大道))', 1) AS road, count(*) AS n FROM buildings GROUP BY 1 HAVING road <> '' ORDER BY n DESC LIMIT 1`,
    ))!.road;
    const results = await search(road, 30);
    const addresses = results.groups.find((g) => g.kind === 'address')!;
    expect(addresses.hits.length).toBeGreaterThan(8);
    expect(addresses.total).toBeGreaterThanOrEqual(addresses.hits.length);
    for (const hit of addresses.hits) expect(hit.kind === 'address' && hit.address.includes(road)).toBe(true);
    // Groups come in one order: addresses, incidents, facilities, households.
    const order = ['address', 'incident', 'facility', 'household'];
    expect(results.groups.map((g) => order.indexOf(g.kind))).toEqual([...results.groups.map((g) => order.indexOf(g.kind))].sort((a, b) => a - b));
  });

  it('finds a household by its building and unit, masked: never a full name or phone number', async () => {
    const h = (await store.one<{ id: number; address: string; unit: string; contact_enc: Uint8Array }>(
      `SELECT h.id, b.address, h.unit, h.contact_enc FROM households h JOIN buildings b ON b.id = h.building_id
       WHERE h.contact_enc IS NOT NULL ORDER BY h.id LIMIT 1 OFFSET 40`,
    ))!;
    const contact = JSON.parse(store.cipher.decrypt(h.contact_enc, fieldAad('households', 'contact_enc', h.id))) as ContactPii;
    const results = await search(`${h.address} ${h.unit}`, 50);
    const households = results.groups.find((g) => g.kind === 'household')!.hits as HouseholdHit[];
    const hit = households.find((x) => x.householdId === h.id)!;
    expect(hit).toBeDefined();
    expect(hit.unit).toBe(h.unit);
    expect(hit.contactName).not.toBe(contact.name);
    expect(Array.from(hit.contactName)[0]).toBe(Array.from(contact.name)[0]);
    expect(hit.contactName).toMatch(/^.\*+$/u);
    expect(hit.contactPhone).toMatch(/^\d{3}\*{4}\d{4}$/);
    const text = JSON.stringify(results);
    expect(text).not.toContain(contact.name.length > 1 ? contact.name : '\u0000');
    expect(text).not.toContain(contact.phone);
    // A person's name is not a way in: searching by the contact's full name finds no household.
    const byName = await search(contact.name, 50);
    expect(byName.groups.find((g) => g.kind === 'household')).toBeUndefined();
  });

  it('finds incidents by the road they are on, with a road address, and by id', async () => {
    const roads = await store.all<{ name: string; geometry: string }>(`SELECT name, geometry::VARCHAR AS geometry FROM basemap_features WHERE layer = 'road' AND name IS NOT NULL`);
    const index = RoadIndex.fromFeatures(roads.map((r) => ({ geometry: JSON.parse(r.geometry) as { type: string; coordinates: unknown }, properties: { layer: 'road', name: r.name } })));
    // A point in the middle of a long named road.
    const road = roads.map((r) => ({ name: r.name, g: JSON.parse(r.geometry) as { type: string; coordinates: number[][] } })).find((r) => r.g.type === 'LineString' && r.g.coordinates.length >= 2)!;
    const [a, b] = [road.g.coordinates[0]!, road.g.coordinates[1]!];
    const [lon, lat] = [(a[0]! + b[0]!) / 2, (a[1]! + b[1]!) / 2];
    const expected = index.locate(lon, lat)!;
    expect(expected.offsetM).toBeLessThan(5);
    const ts = new Date(Date.now() - 5 * 60_000).toISOString();
    await services.ingest.ingestValues(
      [{ id: 'et-1', type: 'incident.reported', ts, source: 'camera-3', data: { incidentId: 'ET-ROAD-1', category: 'waterlogging', severity: 3, lon, lat, reporter: 'camera', description: '路面积水约 20 厘米' } }],
      'http',
    );
    const byRoad = await search(expected.road, 50);
    const incidents = byRoad.groups.find((g) => g.kind === 'incident')!.hits as IncidentHit[];
    const hit = incidents.find((x) => x.incidentId === 'ET-ROAD-1')!;
    expect(hit).toMatchObject({ address: null, status: 'reported', category: 'waterlogging', roadAddress: expected });
    const byId = await search('ET-ROAD-1', 5);
    expect(byId.groups.find((g) => g.kind === 'incident')!.hits).toHaveLength(1);
    // Every word must match.
    expect((await search('ET-ROAD-1 nothing-like-this', 5)).groups).toEqual([]);
  });

  it('finds facilities by name', async () => {
    const f = (await store.one<{ id: number; name: string }>('SELECT id, name FROM facilities ORDER BY id LIMIT 1'))!;
    const results = await search(f.name, 10);
    expect(results.groups.find((g) => g.kind === 'facility')!.hits.some((h) => h.kind === 'facility' && h.facilityId === f.id)).toBe(true);
  });

  it('holds its limits: query length, results per kind; walls and the signed-out are refused', async () => {
    await expect(search('路'.repeat(101), 10)).rejects.toThrow(/argument 1/);
    await expect(search('', 10)).rejects.toThrow(/argument 1/);
    await expect(search('路', 51)).rejects.toThrow(/argument 2/);
    await expect(search('路', 0)).rejects.toThrow(/argument 2/);
    const capped = await search('路', 50);
    for (const g of capped.groups) expect(g.hits.length).toBeLessThanOrEqual(50);
    await expect(search('路', 10, wall)).rejects.toThrow(/may not/);
    await expect(search('路', 10, { caller: null, via: 'http' })).rejects.toThrow(/Sign in/);
  });
});

describe('bulk acknowledge', () => {
  it('acknowledges the chosen open alerts with one reason: an event and an audit row each; a viewer is refused', async () => {
    const open = (await services.api.live.getLiveSnapshot()).alerts.filter((a) => a.status === 'open');
    expect(open.length).toBeGreaterThanOrEqual(3);
    const chosen = open.slice(0, 3).map((a) => a.id);
    // Each alert says its household's care flags and its grid, for the list's filters.
    expect(typeof open[0]!.careFlags).toBe('number');
    expect(open[0]!.gridId === null || typeof open[0]!.gridId === 'number').toBe(true);

    await expect(dispatch(services.api, 'alerts', 'acknowledgeAlerts', [chosen, '网格员已电话确认'], person('viewer'))).rejects.toThrow(/needs operator/);
    await expect(dispatch(services.api, 'alerts', 'acknowledgeAlerts', [chosen, ' '], person('operator'))).rejects.toThrow(/argument 2/);
    await expect(dispatch(services.api, 'alerts', 'acknowledgeAlerts', [Array.from({ length: 201 }, (_, i) => `x${i}`), '理由充分'], person('operator'))).rejects.toThrow(/argument 1/);
    await expect(dispatch(services.api, 'alerts', 'acknowledgeAlerts', [[], '理由充分'], person('operator'))).rejects.toThrow(/argument 1/);
    // Nothing changed by the refusals.
    expect((await store.all(`SELECT 1 FROM meter_alerts WHERE list_contains(['${chosen.join("','")}'], id) AND status <> 'open'`)).length).toBe(0);

    const result = (await dispatch(services.api, 'alerts', 'acknowledgeAlerts', [[...chosen, 'no-such-alert'], '  网格员已电话确认，今日上门  '], person('operator', 7))) as {
      acknowledged: string[];
      skipped: string[];
    };
    expect(result).toEqual({ acknowledged: chosen, skipped: ['no-such-alert'] });
    const rows = await store.all<{ id: string; status: string; acknowledged_by: string }>(`SELECT id, status, acknowledged_by FROM meter_alerts WHERE list_contains(['${chosen.join("','")}'], id) ORDER BY id`);
    expect(rows.map((r) => [r.status, r.acknowledged_by])).toEqual(chosen.map(() => ['acknowledged', 'operator-7']));
    const events = await store.all<{ data: string }>(`SELECT data FROM events WHERE type = 'alert.acknowledged' ORDER BY ts, id`);
    const recorded = events.map((e) => JSON.parse(e.data) as { alertId: string; actor: string; reason: string }).filter((d) => chosen.includes(d.alertId));
    expect(recorded.map((d) => d.alertId).sort()).toEqual([...chosen].sort());
    for (const d of recorded) expect(d).toMatchObject({ actor: 'operator-7', reason: '网格员已电话确认，今日上门' });
    const audit = await store.all<{ subject: string; reason: string; actor: string }>(`SELECT subject, reason, actor FROM audit_log WHERE action = 'alert.acknowledge' ORDER BY id`);
    expect(audit.filter((a) => chosen.includes(a.subject.slice('alert:'.length))).map((a) => [a.actor, a.reason])).toEqual(chosen.map(() => ['operator-7', '网格员已电话确认，今日上门']));

    // Again: nothing is open any more, nothing is recorded twice.
    const again = (await dispatch(services.api, 'alerts', 'acknowledgeAlerts', [chosen, '重复操作'], person('operator', 7))) as { acknowledged: string[]; skipped: string[] };
    expect(again).toEqual({ acknowledged: [], skipped: chosen });
    expect((await store.all(`SELECT 1 FROM events WHERE type = 'alert.acknowledged'`)).length).toBe(events.length);
  });
});
