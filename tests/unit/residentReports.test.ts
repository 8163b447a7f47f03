/**
 * Issue 13, "the loop as the seed describes it": a resident reports through the host's public form
 * over real HTTP (no sign-in), follows the report with the receipt code, an operator at a console
 * takes it through the loop, and the resident's own rating closes 评价; a rating of 2 reopens it.
 * The form's limits answer with sentences a resident can act on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTwin } from '../../electron/cli/twinFiles.ts';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { createServices, type Services } from '../../electron/services/index.ts';
import { WebHost } from '../../electron/web/WebHost.ts';
import { RESIDENT_LIMITS } from '../../data/model/reports/index.ts';
import { ReportsService } from '../../electron/services/reports/ReportsService.ts';
import { tempDir } from './helpers.ts';

const tmp = tempDir();
let store: DuckDbStore;
let services: Services;
let host: WebHost;
let base: string;
let operator: Record<string, string>;
const PASSWORD = 'correct horse battery';

interface Answer {
  status: number;
  body: Record<string, unknown>;
  headers: Headers;
}
async function call(method: 'GET' | 'POST', path: string, body?: unknown, raw?: string): Promise<Answer> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: body !== undefined || raw !== undefined ? { 'content-type': 'application/json' } : {},
    body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
  });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}
async function rpc(name: string, args: unknown[], headers: Record<string, string> = operator): Promise<Answer> {
  const res = await fetch(`${base}/api/rpc/${name}`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-civictwin-csrf': '1', ...headers }, body: JSON.stringify({ args }) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown>, headers: res.headers };
}

/** A place in the middle of the sketch map the form hands out, as a resident's tap would give. */
async function newForm(lang = 'zh-CN'): Promise<{ token: string; lon: number; lat: number }> {
  const form = await call('GET', `/report/api/form?lang=${lang}`);
  expect(form.status).toBe(200);
  const bbox = (form.body.map as { bbox: number[] }).bbox;
  return { token: form.body.token as string, lon: (bbox[0]! + bbox[2]!) / 2, lat: (bbox[1]! + bbox[3]!) / 2 };
}
async function report(category = 'garbage', description = '小区东门垃圾桶满了三天没人清运'): Promise<string> {
  const f = await newForm();
  const r = await call('POST', '/report/api/submit', { token: f.token, category, description, lon: f.lon, lat: f.lat, lang: 'zh-CN' });
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body.receipt as string;
}
const incidentOf = async (receipt: string): Promise<string> => {
  // The receipt is kept only as a hash; the test finds the newest resident report.
  const r = await store.one<{ id: string }>('SELECT incident_id AS id FROM resident_reports ORDER BY submitted_at DESC LIMIT 1');
  expect(receipt).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
  return r!.id;
};
/** The operator's steps from the console, over the same host. */
async function handle(incidentId: string): Promise<void> {
  const options = await rpc('incidents.proposeDispatch', [incidentId]);
  expect(options.status).toBe(200);
  const pick = (options.body as unknown as { kind: string; id: number }[])[0]!;
  for (const action of [{ action: 'accept' }, { action: 'dispatch', assignee: { kind: pick.kind, id: pick.id } }, { action: 'handle' }, { action: 'feedback', note: '已清运', rating: 5 }]) {
    const r = await rpc('incidents.actOnIncident', [incidentId, action]);
    expect(r.status, JSON.stringify(r.body)).toBe(200);
  }
}

beforeAll(async () => {
  const db = tmp.path('reports.duckdb');
  await seedTwin(db, 5, 200);
  store = await DuckDbStore.open(db);
  services = await createServices(store, { host: 'web', personalData: 'masked' });
  await services.auth.addUser('operator1', '值班员', 'operator', PASSWORD);
  host = new WebHost({ services: services.api, auth: services.auth, ingest: services.ingest, staticDir: tmp.dir, port: 0 });
  base = `http://127.0.0.1:${await host.listen()}`;
  const signIn = await fetch(`${base}/api/rpc/auth.signIn`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-civictwin-csrf': '1' }, body: JSON.stringify({ args: ['operator1', PASSWORD] }) });
  const session = (await signIn.json()) as { csrfToken: string };
  operator = { cookie: (signIn.headers.get('set-cookie') ?? '').split(';')[0]!, 'x-civictwin-csrf': session.csrfToken };
});
afterAll(async () => {
  await host.close();
  services.stop();
  store.close();
});

describe('a resident reports through the form', () => {
  it('serves the form page without sign-in, in Chinese and in English', async () => {
    const zh = await fetch(`${base}/report`);
    expect(zh.status).toBe(200);
    const html = await zh.text();
    expect(html).toContain('lang="zh-CN"');
    expect(html).toContain('居民随手拍');
    expect(await (await fetch(`${base}/report?lang=en`)).text()).toContain('Report a problem');
    expect((await fetch(`${base}/report/app.js`)).status).toBe(200);
    const form = await call('GET', '/report/api/form');
    const map = form.body.map as { roads: string; areas: unknown[] };
    expect(map.roads.length).toBeGreaterThan(100);
    expect(map.areas.length).toBeGreaterThan(0);
  });

  it('reaches 评价 with the resident’s own rating, which the console could not give', async () => {
    const receipt = await report();
    const id = await incidentOf(receipt);
    const first = await call('GET', `/report/api/receipt/${receipt}`);
    expect(first.status).toBe(200);
    expect(first.body.stage).toBe('received');
    expect(first.body.mayRate).toBe(false);
    // A rating before it is handled is refused.
    const early = await call('POST', '/report/api/rate', { receipt, rating: 5, comment: '', lang: 'zh-CN' });
    expect(early.status).toBe(409);
    expect(early.body.error).toContain('处置完毕后才可评价');
    await handle(id);
    const handled = await call('GET', `/report/api/receipt/${receipt.toLowerCase()}`);
    expect(handled.body.stage).toBe('handled');
    expect(handled.body.mayRate).toBe(true);
    // No one's name or number on the receipt: steps say who only as a kind.
    expect(JSON.stringify(handled.body)).not.toMatch(/operator1|值班员/);
    // The console's rating (5 on feedback) was not taken for a resident's report.
    const consoleRated = await store.one<{ n: number }>("SELECT count(*)::INTEGER AS n FROM incident_steps WHERE incident_id = $id AND rating IS NOT NULL", { id });
    expect(consoleRated!.n).toBe(0);
    const rated = await call('POST', '/report/api/rate', { receipt, rating: 4, comment: '清理及时', lang: 'zh-CN' });
    expect(rated.status, JSON.stringify(rated.body)).toBe(200);
    expect(rated.body.stage).toBe('rated');
    expect(rated.body.rating).toBe(4);
    const detail = await rpc('incidents.getIncident', [id]);
    expect(detail.body.status).toBe('evaluated');
    const steps = detail.body.steps as { step: string; rating: number | null; actor: string | null }[];
    expect(steps.at(-1)).toMatchObject({ step: 'evaluated', rating: 4, actor: 'resident' });
    // Rated once.
    expect((await call('POST', '/report/api/rate', { receipt, rating: 5, comment: '', lang: 'en' })).status).toBe(409);
  });

  it('a rating of 2 reopens the incident', async () => {
    const receipt = await report('streetlight', '3栋门口路灯不亮一周了');
    const id = await incidentOf(receipt);
    await handle(id);
    const rated = await call('POST', '/report/api/rate', { receipt, rating: 2, comment: '还是不亮', lang: 'zh-CN' });
    expect(rated.status).toBe(200);
    expect(rated.body.stage).toBe('reopened');
    expect(rated.body.reopened).toBe(true);
    const detail = await rpc('incidents.getIncident', [id]);
    expect(detail.body.status).toBe('accepted');
    const live = await services.api.live.getLiveSnapshot();
    const queued = live.incidents.find((i) => i.id === id);
    expect(queued?.status).toBe('accepted');
    // Handled again, the resident may rate again.
    for (const action of [{ action: 'handle' }, { action: 'feedback' }]) expect((await rpc('incidents.actOnIncident', [id, action])).status).toBe(200);
    const again = await call('GET', `/report/api/receipt/${receipt}`);
    expect(again.body.mayRate).toBe(true);
    const ok = await call('POST', '/report/api/rate', { receipt, rating: 5, comment: '', lang: 'zh-CN' });
    expect(ok.body.stage).toBe('rated');
  });

  it('receipt codes are unguessable and unknown ones are a clear 404', async () => {
    const a = await report('noise', '夜里广场舞音响太吵');
    const b = await report('other', '小区门口井盖松动');
    expect(a).not.toBe(b);
    const missing = await call('GET', '/report/api/receipt/ABCD-EFGH-JKMN-PQRS?lang=en');
    expect(missing.status).toBe(404);
    expect(missing.body.error).toBe('No report has this receipt code: check it and try again.');
    // Only its hash is in the twin.
    expect(await store.one('SELECT 1 FROM events WHERE data LIKE $c', { c: `%${a}%` })).toBeUndefined();
  });
});

describe('the form’s limits', () => {
  it('refuses an oversized body, a bad category, a reused form and too many reports, each with a sentence', async () => {
    // Its own service: the address's reports above count against the same window.
    services.api.reports = new ReportsService(store, { ingest: services.ingest, personalData: 'masked' });
    const f = await newForm();
    const big = 'x'.repeat(RESIDENT_LIMITS.bodyBytes + 10);
    const huge = await call('POST', '/report/api/submit?lang=zh-CN', undefined, JSON.stringify({ token: f.token, photo: big }));
    expect(huge.status).toBe(413);
    expect(huge.body.error).toContain('照片请小于 1 MB');
    const bad = await call('POST', '/report/api/submit', { token: f.token, category: 'fire', description: '楼道里着火了', lon: f.lon, lat: f.lat, lang: 'en' });
    expect(bad.status).toBe(400);
    expect(bad.body).toMatchObject({ code: 'bad_category', error: 'Pick the kind of problem.' });
    const short = await call('POST', '/report/api/submit', { token: f.token, category: 'garbage', description: '脏', lon: f.lon, lat: f.lat, lang: 'zh-CN' });
    expect(short.body.error).toBe(`问题描述需要 ${RESIDENT_LIMITS.descriptionMin}–${RESIDENT_LIMITS.descriptionMax} 个字。`);
    const outside = await call('POST', '/report/api/submit', { token: f.token, category: 'garbage', description: '这里有垃圾堆积', lon: f.lon + 1, lat: f.lat, lang: 'zh-CN' });
    expect(outside.body.code).toBe('outside');
    const notPhoto = await call('POST', '/report/api/submit', { token: f.token, category: 'garbage', description: '这里有垃圾堆积', lon: f.lon, lat: f.lat, lang: 'zh-CN', photo: `data:image/png;base64,${Buffer.from('not a png at all').toString('base64')}` });
    expect(notPhoto.body.code).toBe('bad_photo');
    const forged = await call('POST', '/report/api/submit', { token: `${f.token.slice(0, -4)}AAAA`, category: 'garbage', description: '这里有垃圾堆积', lon: f.lon, lat: f.lat, lang: 'zh-CN' });
    expect(forged.status).toBe(403);
    // A real photo is kept, and an operator can see it (audited).
    const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');
    const withPhoto = await call('POST', '/report/api/submit', { token: f.token, category: 'garbage', description: '这里有垃圾堆积', lon: f.lon, lat: f.lat, lang: 'zh-CN', photo: `data:image/png;base64,${png.toString('base64')}` });
    // Submissions count per address: this one may already be over the window's limit.
    if (withPhoto.status === 200) {
      const reused = await call('POST', '/report/api/submit', { token: f.token, category: 'garbage', description: '这里有垃圾堆积', lon: f.lon, lat: f.lat, lang: 'zh-CN' });
      expect([409, 429]).toContain(reused.status);
      const id = await incidentOf(withPhoto.body.receipt as string);
      const photo = await rpc('reports.getReportPhoto', [id]);
      expect(String(photo.body)).toMatch(/^data:image\/png;base64,/);
    }
    let last: Answer | null = null;
    for (let i = 0; i <= RESIDENT_LIMITS.submitsPerWindow; i++) {
      const g = await newForm();
      last = await call('POST', '/report/api/submit', { token: g.token, category: 'garbage', description: '这里有垃圾堆积', lon: g.lon, lat: g.lat, lang: 'zh-CN' });
      if (last.status === 429) break;
    }
    expect(last!.status).toBe(429);
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(last!.body.error).toMatch(/^提交过于频繁，请 \d+ 秒后再试。$/);
  });
});
