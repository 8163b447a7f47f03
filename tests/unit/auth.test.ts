/**
 * Issue 10, "Who may do what", at the HTTP level against the real web host and a real twin: each
 * way a stranger, another site, the wrong role or a stale credential tries to act is refused with
 * the right status, and the store is unchanged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { seedTwin } from '../../electron/cli/twinFiles.ts';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { createServices, type Services } from '../../electron/services/index.ts';
import { WebHost } from '../../electron/web/WebHost.ts';
import { tempDir } from './helpers.ts';

const tmp = tempDir();
let store: DuckDbStore;
let services: Services;
let host: WebHost;
let base: string;
let port: number;
let ingestToken: string;
let wallToken: string;
let householdId: number;
const PASSWORD = 'correct horse battery';

interface Reply {
  status: number;
  body: { error?: string; csrfToken?: string; [k: string]: unknown } | null;
  cookie: string | null;
}

async function rpc(name: string, args: unknown[], headers: Record<string, string> = {}): Promise<Reply> {
  const res = await fetch(`${base}/api/rpc/${name}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-civictwin-csrf': '1', ...headers },
    body: JSON.stringify({ args }),
  });
  const text = await res.text();
  let body: Reply['body'] = null;
  try {
    body = JSON.parse(text) as Reply['body'];
  } catch {
    body = null;
  }
  return { status: res.status, body, cookie: (res.headers.get('set-cookie') ?? '').split(';')[0] || null };
}

/** Signs in and returns the headers a web client would send from then on. */
async function signIn(username: string): Promise<Record<string, string>> {
  const r = await rpc('auth.signIn', [username, PASSWORD]);
  expect(r.status).toBe(200);
  return { cookie: r.cookie!, 'x-civictwin-csrf': r.body!.csrfToken! };
}

const openIncident = async (id: string): Promise<void> => {
  const ts = new Date(Date.now() - 60_000).toISOString();
  const info = await services.api.store.getTwinInfo();
  const event = { id: `e-${id}`, type: 'incident.reported', ts, source: 'test', data: { incidentId: id, category: 'garbage', severity: 2, lon: (info.bbox[0] + info.bbox[2]) / 2, lat: (info.bbox[1] + info.bbox[3]) / 2, reporter: 'camera' } };
  const res = await fetch(`${base}/api/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${ingestToken}` }, body: JSON.stringify(event) });
  expect(res.status).toBe(200);
};
const stepsOf = async (id: string): Promise<number> =>
  (await store.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM incident_steps WHERE incident_id = $1`, [id]))!.n;

beforeAll(async () => {
  const db = tmp.path('auth.duckdb');
  await seedTwin(db, 3, 200);
  store = await DuckDbStore.open(db);
  services = await createServices(store, { host: 'web', personalData: 'masked' });
  await services.auth.addUser('viewer1', '查看员', 'viewer', PASSWORD);
  await services.auth.addUser('operator1', '值班员', 'operator', PASSWORD);
  await services.auth.addUser('guessed1', '被猜密码的人', 'operator', PASSWORD);
  ingestToken = (await services.auth.addToken('hotline', 'ingest', 'test')).token;
  wallToken = (await services.auth.addToken('main wall', 'wall', 'test')).token;
  householdId = (await store.one<{ id: number }>('SELECT min(id)::INTEGER AS id FROM households'))!.id;
  host = new WebHost({ services: services.api, auth: services.auth, ingest: services.ingest, staticDir: tmp.dir, port: 0 });
  port = await host.listen();
  base = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await host.close();
  services.stop();
  store.close();
});

describe('nobody signed in', () => {
  it('cannot reach personal data, nor any view', async () => {
    expect((await rpc('store.getHousehold', [householdId])).status).toBe(401);
    expect((await rpc('store.revealHousehold', [householdId, '核实独居老人情况'])).status).toBe(401);
    expect((await rpc('store.getBuildings', [])).status).toBe(401);
    const audit = await store.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM audit_log WHERE action LIKE 'reveal%'`);
    expect(audit!.n).toBe(0);
  });

  it('can see the sign-in form and the host info', async () => {
    expect((await rpc('window.getHostInfo', [])).status).toBe(200);
    expect((await rpc('auth.whoAmI', [])).body).toBeNull();
  });

  it('a forged or ended session cookie is not a session', async () => {
    expect((await rpc('store.getBuildings', [], { cookie: 'ct_session=forged-session-token' })).status).toBe(401);
    const headers = await signIn('viewer1');
    expect((await rpc('store.getTwinInfo', [], headers)).status).toBe(200);
    expect((await rpc('auth.signOut', [], headers)).status).toBe(200);
    expect((await rpc('store.getTwinInfo', [], headers)).status).toBe(401);
  });

  it('an expired session is refused', async () => {
    const headers = await signIn('viewer1');
    await store.run(`UPDATE user_sessions SET expires_at = now()::TIMESTAMP - INTERVAL 1 MINUTE WHERE ended_at IS NULL`);
    await services.auth.reload();
    expect((await rpc('store.getTwinInfo', [], headers)).status).toBe(401);
  });

  it('wrong passwords are refused, then throttled, and each failure is audited', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await rpc('auth.signIn', ['guessed1', 'not the password'])).status);
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses[5]).toBe(429);
    const failed = await store.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM audit_log WHERE action = 'sign_in_failed' AND actor = 'guessed1'`);
    expect(failed!.n).toBe(5);
    // Even the right password waits out the lock; other people sign in meanwhile.
    expect((await rpc('auth.signIn', ['guessed1', PASSWORD])).status).toBe(429);
    expect((await rpc('auth.signIn', ['viewer1', PASSWORD])).status).toBe(200);
  });
});

describe('roles', () => {
  it('a viewer may look but not act: dispatching is refused and the incident is unchanged', async () => {
    await openIncident('AUTH-1');
    const headers = await signIn('viewer1');
    expect((await rpc('incidents.getIncident', ['AUTH-1'], headers)).status).toBe(200);
    const before = await stepsOf('AUTH-1');
    const r = await rpc('incidents.actOnIncident', ['AUTH-1', { action: 'accept' }], headers);
    expect(r.status).toBe(403);
    expect(r.body!.error).toMatch(/needs operator/);
    expect(await stepsOf('AUTH-1')).toBe(before);
    expect((await rpc('store.revealHousehold', [householdId, '核实独居老人情况'], headers)).status).toBe(403);
  });

  it('an operator may act', async () => {
    await openIncident('AUTH-2');
    const headers = await signIn('operator1');
    const before = await stepsOf('AUTH-2');
    const r = await rpc('incidents.actOnIncident', ['AUTH-2', { action: 'accept' }], headers);
    expect(r.status).toBe(200);
    expect(await stepsOf('AUTH-2')).toBe(before + 1);
  });

  it('a CSRF token from another session (or none) is refused', async () => {
    const headers = await signIn('operator1');
    expect((await rpc('store.getTwinInfo', [], { cookie: headers.cookie!, 'x-civictwin-csrf': 'not-the-token' })).status).toBe(403);
    const res = await fetch(`${base}/api/rpc/store.getTwinInfo`, { method: 'POST', headers: { 'content-type': 'application/json', cookie: headers.cookie! }, body: '{"args":[]}' });
    expect(res.status).toBe(403);
  });

  it('a reloaded page (its cookie, not its token) gets the token back from whoAmI and goes on', async () => {
    const headers = await signIn('operator1');
    const reloaded = { cookie: headers.cookie!, 'x-civictwin-csrf': '1' };
    const who = await rpc('auth.whoAmI', [], reloaded);
    expect(who.status).toBe(200);
    const token = who.body!.csrfToken!;
    expect(token).toBe(headers['x-civictwin-csrf']);
    expect((await rpc('store.getTwinInfo', [], { cookie: headers.cookie!, 'x-civictwin-csrf': token })).status).toBe(200);
    // Signing in again at the form works too; other calls still need the token.
    expect((await rpc('auth.signIn', ['operator1', PASSWORD], reloaded)).status).toBe(200);
    expect((await rpc('store.getTwinInfo', [], reloaded)).status).toBe(403);
  });
});

describe('a wall', () => {
  it('signs in with its token and may only view', async () => {
    const r = await rpc('auth.signInWithToken', [wallToken]);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ kind: 'wall', role: 'wall' });
    const headers = { cookie: r.cookie!, 'x-civictwin-csrf': r.body!.csrfToken! };
    expect((await rpc('store.getTwinInfo', [], headers)).status).toBe(200);
    expect((await rpc('live.getLiveSnapshot', [], headers)).status).toBe(200);
    for (const [name, args] of [
      ['store.getHousehold', [householdId]],
      ['store.getBuildingUnits', [1]],
      ['store.revealHousehold', [householdId, '核实独居老人情况']],
      ['incidents.actOnIncident', ['AUTH-1', { action: 'accept' }]],
      ['incidents.proposeDispatch', ['AUTH-1']],
    ] as const) {
      expect((await rpc(name, [...args], headers)).status, name).toBe(403);
    }
  });

  it('a revoked wall token no longer signs in, and its sessions end', async () => {
    const { token, row } = await services.auth.addToken('spare wall', 'wall', 'test');
    const r = await rpc('auth.signInWithToken', [token]);
    const headers = { cookie: r.cookie!, 'x-civictwin-csrf': r.body!.csrfToken! };
    const id = (await services.auth.listTokens()).find((t) => t.name === row.name)!.id;
    await services.auth.revokeToken(id);
    expect((await rpc('store.getTwinInfo', [], headers)).status).toBe(401);
    expect((await rpc('auth.signInWithToken', [token])).status).toBe(401);
  });
});

describe('other sites and other names', () => {
  it('a cross-origin POST is refused and nothing happens', async () => {
    await openIncident('AUTH-3');
    const headers = await signIn('operator1');
    const before = await stepsOf('AUTH-3');
    const r = await rpc('incidents.actOnIncident', ['AUTH-3', { action: 'cancel' }], { ...headers, origin: 'http://evil.example' });
    expect(r.status).toBe(403);
    expect(await stepsOf('AUTH-3')).toBe(before);
  });

  it('a plain text/plain form POST (no preflight) is refused', async () => {
    const headers = await signIn('operator1');
    const res = await fetch(`${base}/api/rpc/incidents.actOnIncident`, {
      method: 'POST', headers: { 'content-type': 'text/plain', cookie: headers.cookie! }, body: '{"args":["AUTH-3",{"action":"cancel"}]}',
    });
    expect(res.status).toBe(403);
  });

  it('a DNS-rebinding Host is refused', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((ok, fail) => {
      const req = request({ host: '127.0.0.1', port, path: '/api/health', headers: { host: `evil.example:${port}` } }, (res) => {
        res.resume();
        ok(res.statusCode!);
      });
      req.on('error', fail);
      req.end();
    });
    expect(status).toBe(421);
  });

  it('a WebSocket from another origin, or without a session, is refused', async () => {
    const headers = await signIn('viewer1');
    const attempt = (h: Record<string, string>): Promise<string> =>
      new Promise((ok) => {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/api/v1/live`, { headers: h });
        ws.on('open', () => {
          ws.close();
          ok('open');
        });
        ws.on('unexpected-response', (_req, res) => ok(String(res.statusCode)));
        ws.on('error', () => ok('error'));
      });
    expect(await attempt({ cookie: headers.cookie!, origin: 'http://evil.example' })).toBe('403');
    expect(await attempt({})).toBe('401');
    expect(await attempt({ cookie: headers.cookie!, origin: base })).toBe('open');
  });
});

describe('ingest tokens', () => {
  const event = (id: string): string =>
    JSON.stringify({ id, type: 'sensor.reading', ts: new Date(Date.now() - 60_000).toISOString(), source: 'gauge', data: { sensorId: 'rain-1', kind: 'rain', value: 1 } });
  const post = (id: string, token?: string): Promise<Response> =>
    fetch(`${base}/api/v1/events`, { method: 'POST', headers: token ? { authorization: `Bearer ${token}` } : {}, body: event(id) });

  it('ingest without a token is refused before the body is read; with one it commits', async () => {
    expect((await post('no-token')).status).toBe(401);
    expect((await post('with-token', ingestToken)).status).toBe(200);
    const n = await store.one<{ n: number }>(`SELECT count(*)::INTEGER AS n FROM events WHERE id IN ('no-token', 'with-token')`);
    expect(n!.n).toBe(1);
  });

  it('an expired or revoked token is refused; a wall token is not an ingest token', async () => {
    const expired = await services.auth.addToken('old head-end', 'ingest', 'test', Date.now() - 1000);
    expect((await post('expired', expired.token)).status).toBe(401);
    expect((await post('wall', wallToken)).status).toBe(401);
    const spare = await services.auth.addToken('spare feed', 'ingest', 'test');
    expect((await post('spare-1', spare.token)).status).toBe(200);
    await services.auth.revokeToken((await services.auth.listTokens()).find((t) => t.name === 'spare feed')!.id);
    expect((await post('spare-2', spare.token)).status).toBe(401);
  });

  it('a source may read the layout it addresses, masked, but never act or reveal', async () => {
    const auth = { authorization: `Bearer ${ingestToken}` };
    expect((await rpc('store.getBuildings', [], auth)).status).toBe(200);
    expect((await rpc('incidents.actOnIncident', ['AUTH-1', { action: 'accept' }], auth)).status).toBe(403);
    expect((await rpc('store.revealHousehold', [householdId, '核实独居老人情况'], auth)).status).toBe(403);
  });
});

describe('arguments', () => {
  it('every contract call is checked against its section\'s schema: wrong type, size or count is a 400 that names the argument', async () => {
    const headers = await signIn('operator1');
    const cases: [string, unknown[], RegExp][] = [
      ['store.getBuildingDetail', ['12'], /argument 1: .*number/],
      ['store.getBuildingDetail', [2 ** 40], /argument 1: .*2147483647/],
      ['store.findBuildings', ['路'.repeat(5000), 8], /argument 1: .*100/],
      ['store.findBuildings', ['路', 8, 'extra'], /argument/],
      ['incidents.actOnIncident', ['AUTH-1', { action: 'explode' }], /argument 2\.action/],
      ['incidents.actOnIncident', ['AUTH-1', { action: 'accept', actor: 'someone else' }], /argument 2/],
      ['alerts.recordVisitOutcome', ['A-1', 'fine', 'x'], /argument 2/],
    ];
    for (const [name, args, message] of cases) {
      const r = await rpc(name, args, headers);
      expect(r.status, name).toBe(400);
      expect(r.body!.error, name).toMatch(message);
    }
  });
});
