/**
 * Issue 10, "the wall shows no one", at the HTTP level against the real web host and a real twin:
 * a wall signs in with its token, calls every method the contract lets it call ('view') and
 * listens on the live socket while incidents, steps, positions and alert changes flow; everything
 * it receives is recorded (HTTP bodies, binary frames decoded) and searched for the seeded
 * residents' names, ID numbers and phone numbers (read from the store with the twin's key),
 * masked or not, household ids and single-household attributes. It finds none. The same holds for
 * every caller of a wall host (`serve --wall`), and the same search over an operator's traffic
 * does find them (the search is not blind).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { seedTwin } from '../../electron/cli/twinFiles.ts';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { decodeColumns, COLUMNS_CONTENT_TYPE } from '../../data/feed/columnar.ts';
import { CONTRACT } from '../../electron/common/contract.ts';
import type { BuildingColumns, BuildingDetail, IncidentDetail, LiveDelta, LiveSnapshot } from '../../electron/common/dto.ts';
import { createServices, type Services } from '../../electron/services/index.ts';
import { MIN_HOUSEHOLDS_COUNTED, wallBuildingColumns, wallBuildingDetail } from '../../electron/services/wallView.ts';
import { WebHost } from '../../electron/web/WebHost.ts';
import { tempDir } from './helpers.ts';
import { findPersonalData, readSecrets, typedReport, type Secrets } from './personalData.ts';

const tmp = tempDir();
const PASSWORD = 'correct horse battery';


//#region a client that records everything it receives
interface Capture {
  what: string;
  value: unknown;
}

class RecordingClient {
  public readonly captured: Capture[] = [];
  public readonly frames: LiveDelta[] = [];
  private headers: Record<string, string> = { 'x-civictwin-csrf': '1' };
  private socket: WebSocket | null = null;

  public constructor(private readonly base: string) {}

  public async call<T>(name: string, args: unknown[] = []): Promise<{ status: number; value: T }> {
    const res = await fetch(`${this.base}/api/rpc/${name}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...this.headers },
      body: JSON.stringify({ args }),
    });
    const bytes = new Uint8Array(await res.arrayBuffer());
    let value: unknown;
    if ((res.headers.get('content-type') ?? '').startsWith(COLUMNS_CONTENT_TYPE)) value = decodeColumns(bytes.slice().buffer);
    else {
      const text = new TextDecoder().decode(bytes);
      try {
        value = JSON.parse(text) as unknown;
      } catch {
        value = text;
      }
    }
    this.captured.push({ what: `HTTP ${name} → ${res.status}`, value });
    const cookie = (res.headers.get('set-cookie') ?? '').split(';')[0];
    if (cookie) this.headers.cookie = cookie;
    return { status: res.status, value: value as T };
  }

  public async signInWithToken(token: string): Promise<void> {
    const r = await this.call<{ csrfToken: string; role: string }>('auth.signInWithToken', [token]);
    expect(r.status).toBe(200);
    this.headers['x-civictwin-csrf'] = r.value.csrfToken;
  }

  public async signIn(username: string): Promise<void> {
    const r = await this.call<{ csrfToken: string }>('auth.signIn', [username, PASSWORD]);
    expect(r.status).toBe(200);
    this.headers['x-civictwin-csrf'] = r.value.csrfToken;
  }

  /** Opens the live socket and records every frame, decoded. */
  public async listen(): Promise<void> {
    const ws = new WebSocket(`${this.base.replace('http', 'ws')}/api/v1/live`, { headers: { cookie: this.headers.cookie ?? '' } });
    this.socket = ws;
    ws.on('message', (data: Buffer) => {
      const frame = decodeColumns<{ event: string; payload: LiveDelta }>(new Uint8Array(data).slice().buffer);
      this.captured.push({ what: `WS frame ${frame.event}`, value: frame });
      this.frames.push(frame.payload);
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
  }

  /** Resolves when a received frame satisfies `test` (the push is asynchronous). */
  public async frameWhere(test: (d: LiveDelta) => boolean, what: string, timeoutMs = 15_000): Promise<LiveDelta> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const hit = this.frames.find(test);
      if (hit) return hit;
      if (Date.now() > until) throw new Error(`No live frame with ${what} within ${timeoutMs} ms (${this.frames.length} frames received)`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  public close(): void {
    this.socket?.terminate();
  }

  /** Every finding in everything this client received. */
  public personalData(secrets: Secrets): string[] {
    return this.captured.flatMap((c) => findPersonalData(c.value, secrets, c.what));
  }
}
//#endregion

/** Every 'view' method of the contract with the arguments a wall page calls it with. */
function viewCalls(buildingId: number, incidentId: string, addressPart: string): [string, unknown[]][] {
  const args: Record<string, unknown[]> = {
    'store.getTwinInfo': [],
    'store.getBuildings': [],
    'store.getBasemap': [],
    'store.getFacilities': [],
    'store.getBuildingDetail': [buildingId],
    'store.findBuildings': [addressPart, 20],
    'live.getLiveSnapshot': [],
    'live.getStateAt': [Date.now()],
    'live.getTimelineRange': [],
    'incidents.getIncident': [incidentId],
    'typhoon.listStorms': [],
    'typhoon.getStormTrack': ['CMA:1909'],
    'typhoon.getDistrictWind': ['CMA:1909'],
    // The twin has no plan: these answer empty (tests/unit/evacuationDispatch.test.ts searches a real plan's wall view).
    'typhoon.listEvacuationPlans': [null],
    'typhoon.getEvacuationPlan': ['EP-none-0000'],
    'typhoon.getDoorKnockLists': ['EP-none-0000'],
    'typhoon.getPlanBoard': ['EP-none-0000'],
    // The seeded twin has terrain: the flood is computed (household counts per building only).
    'typhoon.getFlood': [null, { source: 'design', totalMm: 300, hours: 24 }],
    // Not a demo twin here (tests/unit/demoStory.test.ts checks a wall's view of the story).
    'demo.getStory': [],
    // A wall session's scene and clock: camera, layers, time; never who pushed it.
    'director.joinWall': ['lobby', 0],
    'director.getWall': ['lobby'],
    // Aggregates over a week: counts, grid and department names, call signs, building addresses.
    'kpi.getReport': [{ fromMs: Date.now() - 7 * 86_400_000, toMs: Date.now() }],
    // Departments summoned and their times; the scoreboard ranks departments.
    'whistle.listWhistles': [Date.now() - 86_400_000],
    'whistle.getScoreboard': [Date.now() - 30 * 86_400_000, Date.now()],
    'whistle.listDepartments': [],
    // 积分制: shares and points per grid and building, months, age bands, household types, shops.
    'points.getParticipation': [{ fromMs: Date.now() - 365 * 86_400_000, toMs: Date.now() }],
    'points.getTrend': [{ fromMs: Date.now() - 365 * 86_400_000, toMs: Date.now() }],
    'points.getWhoTakesPart': [{ fromMs: Date.now() - 365 * 86_400_000, toMs: Date.now() }],
    'points.getRedemptions': [{ fromMs: Date.now() - 365 * 86_400_000, toMs: Date.now() }],
    // What each category needs, and the units out by call sign.
    'dispatch.getNeeds': [],
    'dispatch.getActiveDispatches': [],
    // Compounds' trust funds: collection rates, balances, spending by item, anomalies without counterparties.
    'trustProperty.listCompounds': [],
    'trustProperty.getBoard': [null],
    // Communities' micro-projects: budgets against allocations, stages, satisfaction, titles through the free-text filter.
    'microProjects.listCommunities': [],
    'microProjects.getBoard': [null],
    'typhoon.compareScenarios': ['CMA:1909', { rain: { source: 'design', totalMm: 150, hours: 24 }, trackShiftKm: 0 }, { rain: { source: 'design', totalMm: 300, hours: 24 }, trackShiftKm: -30 }],
  };
  const views = Object.entries(CONTRACT).flatMap(([api, methods]) =>
    Object.entries(methods as Record<string, string>).filter(([, access]) => access === 'view').map(([method]) => `${api}.${method}`),
  );
  // A method made 'view' later must be added here, so its result is searched too.
  expect(views.filter((v) => !(v in args))).toEqual([]);
  return views.map((v) => [v, args[v]!]);
}

interface Twin {
  store: DuckDbStore;
  services: Services;
  host: WebHost;
  base: string;
  secrets: Secrets;
}

async function openTwin(name: string, wallHost: boolean): Promise<Twin> {
  const db = tmp.path(`${name}.duckdb`);
  await seedTwin(db, 11, 200, undefined, () => undefined);
  const store = await DuckDbStore.open(db);
  const services = await createServices(store, { host: 'web', personalData: wallHost ? 'none' : 'masked' });
  await services.auth.addUser('viewer1', '查看员', 'viewer', PASSWORD);
  await services.auth.addUser('operator1', '值班员', 'operator', PASSWORD);
  const host = new WebHost({ services: services.api, auth: services.auth, ingest: services.ingest, staticDir: tmp.dir, port: 0, wall: wallHost });
  const port = await host.listen();
  return { store, services, host, base: `http://127.0.0.1:${port}`, secrets: await readSecrets(store) };
}

async function closeTwin(twin: Twin | undefined): Promise<void> {
  if (!twin) return;
  await twin.host.close();
  twin.services.stop();
  twin.store.close();
}

async function reportIncident(twin: Twin, incidentId: string): Promise<void> {
  const { resident } = twin.secrets;
  const { description, note } = typedReport(resident);
  const b = (await twin.store.one<{ lon: number; lat: number }>('SELECT centroid_lon AS lon, centroid_lat AS lat FROM buildings WHERE id = $1', [resident.buildingId]))!;
  const now = Date.now();
  const result = await twin.services.ingest.ingestValues(
    [
      { id: `${incidentId}-r`, type: 'incident.reported', ts: new Date(now - 60_000).toISOString(), source: 'hotline-12345', data: { incidentId, category: 'elderly_care', severity: 3, lon: b.lon, lat: b.lat, reporter: 'hotline', description, buildingId: resident.buildingId } },
      { id: `${incidentId}-a`, type: 'incident.status', ts: new Date(now - 30_000).toISOString(), source: 'hotline-12345', data: { incidentId, status: 'accepted', actor: 'operator1', note } },
    ],
    'http',
  );
  expect(result.rejected).toEqual([]);
}

async function movePosition(twin: Twin): Promise<void> {
  const r = (await twin.store.one<{ id: number; lon: number; lat: number }>('SELECT id, lon, lat FROM resources ORDER BY id LIMIT 1'))!;
  await twin.services.ingest.ingestValues([{ id: `pos-${Date.now()}`, type: 'resource.position', ts: new Date().toISOString(), source: 'gps', data: { resourceId: r.id, lon: r.lon + 0.0005, lat: r.lat, status: 'en_route' } }], 'http');
}

const firstOpenAlert = async (twin: Twin): Promise<{ id: string; buildingId: number }> => {
  const a = await twin.store.one<{ id: string; building_id: number }>(`SELECT id, building_id FROM meter_alerts WHERE status = 'open' ORDER BY id LIMIT 1`);
  expect(a).not.toBeNull();
  return { id: a!.id, buildingId: a!.building_id };
};

afterAll(() => tmp.cleanup());

describe('a wall token on a console host', () => {
  let twin: Twin;
  const incidentId = 'INC-WALL-1';
  const wall = (): RecordingClient => new RecordingClient(twin.base);
  let wallClient: RecordingClient;
  let operator: RecordingClient;

  beforeAll(async () => {
    twin = await openTwin('console', false);
    const wallToken = (await twin.services.auth.addToken('lobby wall', 'wall', 'test')).token;
    wallClient = wall();
    await wallClient.signInWithToken(wallToken);
    await wallClient.listen();
    operator = new RecordingClient(twin.base);
    await operator.signIn('operator1');
    await operator.listen();

    // Traffic while both listen: a report naming a resident, a step, a position, an alert acknowledged.
    await reportIncident(twin, incidentId);
    await movePosition(twin);
    const alert = await firstOpenAlert(twin);
    expect((await operator.call('alerts.acknowledgeAlert', [alert.id])).status).toBe(200);
    await wallClient.frameWhere((d) => d.incidents.some((i) => i.id === incidentId), 'the reported incident');
    await wallClient.frameWhere((d) => d.positions.count > 0, 'a position');
    await wallClient.frameWhere((d) => (d.alertCounts ?? []).some((c) => c.buildingId === alert.buildingId), "the acknowledged alert's building");
    await operator.frameWhere((d) => d.alerts.some((a) => a.id === alert.id), 'the acknowledged alert');

    // Every method a wall may call, as a wall page calls them, and the same as the operator.
    const part = twin.secrets.resident.address.slice(0, 3);
    for (const [name, args] of viewCalls(twin.secrets.resident.buildingId, incidentId, part)) {
      expect((await wallClient.call(name, args)).status, name).toBe(200);
      await operator.call(name, args);
    }
    await operator.call('store.getBuildingUnits', [twin.secrets.resident.buildingId]);
  });
  afterAll(async () => {
    wallClient?.close();
    operator?.close();
    await closeTwin(twin);
  });

  it('receives no name, ID number, phone, household id or household attribute in any response or frame', () => {
    expect(wallClient.captured.filter((c) => c.what.startsWith('WS')).length).toBeGreaterThan(0);
    expect(wallClient.personalData(twin.secrets)).toEqual([]);
  });

  it('the same search finds them in what an operator receives (it is not blind)', () => {
    const found = operator.personalData(twin.secrets);
    expect(found.some((f) => f.includes(`"${twin.secrets.resident.name}"`))).toBe(true);
    expect(found.some((f) => f.includes(twin.secrets.resident.idNumber))).toBe(true);
    expect(found.some((f) => f.includes('.householdId'))).toBe(true);
    expect(found.some((f) => f.includes('.alerts:'))).toBe(true);
  });

  it('sees the incident with what was typed masked, and its steps without notes of anyone or operators', async () => {
    const detail = (await wallClient.call<IncidentDetail>('incidents.getIncident', [incidentId])).value;
    expect(detail.description).toBe('独居老人' + twin.secrets.resident.name[0] + '某（身份证[证件号]）在[门牌]摔倒，女儿电话 [电话]');
    expect(detail.steps.map((s) => s.actor)).toEqual([null, null]);
    expect(detail.steps[1]!.note).toBe(`已联系${twin.secrets.resident.name[0]}某本人，电话[电话]，[年龄]`);
    expect(detail.address).toBe(twin.secrets.resident.address);
  });

  it('is told of meter alerts as counts per building and kind only', async () => {
    const snapshot = (await wallClient.call<LiveSnapshot>('live.getLiveSnapshot')).value;
    const open = await twin.store.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM meter_alerts WHERE closed_at IS NULL`);
    expect(snapshot.alerts).toEqual([]);
    expect(snapshot.alertCounts!.reduce((s, c) => s + c.count, 0)).toBe(open!.n);
    for (const c of snapshot.alertCounts!) expect(Object.keys(c).sort()).toEqual(['buildingId', 'count', 'kind']);
  });

  it('sees building counts, and the badge it is given says no personal data', async () => {
    const detail = (await wallClient.call<BuildingDetail>('store.getBuildingDetail', [twin.secrets.resident.buildingId])).value;
    expect(detail.households).toBeGreaterThanOrEqual(MIN_HOUSEHOLDS_COUNTED);
    expect(detail.residents).toBeGreaterThan(0);
    expect((await wallClient.call<{ personalData: string }>('window.getHostInfo')).value.personalData).toBe('none');
    expect((await operator.call<{ personalData: string }>('window.getHostInfo')).value.personalData).toBe('masked');
  });

  it('cannot ask for a dwelling or a household', async () => {
    expect((await wallClient.call('store.getBuildingUnits', [twin.secrets.resident.buildingId])).status).toBe(403);
    expect((await wallClient.call('store.getHousehold', [1])).status).toBe(403);
    expect((await wallClient.call('store.revealHousehold', [1, '核实独居老人情况', 'x'])).status).toBe(403);
  });
});

describe('every caller of a wall host (serve --wall)', () => {
  let twin: Twin;
  const incidentId = 'INC-WALL-2';
  let viewer: RecordingClient;
  let wallClient: RecordingClient;

  beforeAll(async () => {
    twin = await openTwin('wallhost', true);
    viewer = new RecordingClient(twin.base);
    await viewer.signIn('viewer1');
    await viewer.listen();
    wallClient = new RecordingClient(twin.base);
    await wallClient.signInWithToken((await twin.services.auth.addToken('hall', 'wall', 'test')).token);
    await wallClient.listen();
    await reportIncident(twin, incidentId);
    await movePosition(twin);
    // A wall host takes no actions; an alert changes as it would from a console elsewhere.
    const alert = await firstOpenAlert(twin);
    await twin.store.run(`UPDATE meter_alerts SET status = 'acknowledged', acknowledged_at = now()::TIMESTAMP, acknowledged_by = 'operator1' WHERE id = $1`, [alert.id]);
    twin.services.live.alertsChanged([alert.id]);
    for (const client of [viewer, wallClient]) {
      await client.frameWhere((d) => d.incidents.some((i) => i.id === incidentId), 'the reported incident');
      await client.frameWhere((d) => (d.alertCounts ?? []).some((c) => c.buildingId === alert.buildingId), "the alert's building");
      for (const [name, args] of viewCalls(twin.secrets.resident.buildingId, incidentId, twin.secrets.resident.address.slice(0, 3))) {
        expect((await client.call(name, args)).status, name).toBe(200);
      }
    }
  });
  afterAll(async () => {
    viewer?.close();
    wallClient?.close();
    await closeTwin(twin);
  });

  it('a signed-in person receives the wall view: nothing personal in any response or frame', () => {
    expect(viewer.personalData(twin.secrets)).toEqual([]);
  });

  it('a wall token receives the same', () => {
    expect(wallClient.personalData(twin.secrets)).toEqual([]);
  });

  it('nobody reaches a dwelling or a household on it', async () => {
    expect((await viewer.call('store.getBuildingUnits', [twin.secrets.resident.buildingId])).status).toBe(403);
    expect((await viewer.call('store.getHousehold', [1])).status).toBe(403);
  });

  it('the host itself (its feed simulator) still reads dwellings to address meter readings', async () => {
    const units = await twin.services.api.store.getBuildingUnits(twin.secrets.resident.buildingId);
    expect(units!.units.length).toBeGreaterThan(0);
  });
});

describe('buildings with too few households to count', () => {
  it('show a wall no resident counts (residents, over-60 share, care households, age bands)', () => {
    const n = 4;
    const columns: BuildingColumns = {
      count: n, originLon: 0, originLat: 0, id: Int32Array.from([1, 2, 3, 4]), heightM: new Float32Array(n), floors: new Uint16Array(n),
      use: new Uint8Array(n), residents: Uint16Array.from([0, 1, 5, 40]), households: Uint16Array.from([0, 1, 2, 15]),
      elderlyPct: Uint8Array.from([0, 100, 60, 20]), careHouseholds: Uint16Array.from([0, 1, 1, 3]), openIncidents: new Uint16Array(n),
      polygonCount: 0, polygonBuilding: new Uint32Array(0), polygonStart: new Uint32Array(1), positions: new Float32Array(0),
    };
    const shown = wallBuildingColumns(columns);
    expect(Array.from(shown.residents)).toEqual([0, 0, 0, 40]);
    expect(Array.from(shown.elderlyPct)).toEqual([0, 0, 0, 20]);
    expect(Array.from(shown.careHouseholds)).toEqual([0, 0, 0, 3]);
    expect(Array.from(shown.households)).toEqual([0, 1, 2, 15]);
    expect(Array.from(columns.residents)).toEqual([0, 1, 5, 40]); // the console's columns are untouched

    const one: BuildingDetail = {
      id: 2, name: null, address: '望江路1号', use: 'residential_walkup', heightM: 9, floors: 3, heightSource: 'generated', yearBuilt: null,
      community: null, grid: null, gridWorker: null, centroid: [0, 0], households: 1, residents: 1, ageBands: [0, 0, 0, 0, 1],
      care: { elderlyAlone: 1, disabled: 0, minors: 0, lowIncome: 0 }, rentalShare: 0, facilities: [],
    };
    expect(wallBuildingDetail(one)).toMatchObject({ residents: 0, ageBands: [0, 0, 0, 0, 0], care: { elderlyAlone: 0 }, peopleWithheld: true });
    expect(wallBuildingDetail({ ...one, households: 15, residents: 40 })).not.toHaveProperty('peopleWithheld');
  });
});
