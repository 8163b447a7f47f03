/**
 * Seeds the demo district into a temporary twin, records what the store holds (the ground truth
 * the UI is checked against), then serves it with the real web host for the whole e2e run.
 */
import type { TestProject } from 'vitest/node';
import { mkdtempSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { seedTwin } from '../../electron/cli/twinFiles.ts';
import { RENDERER_TEST_DIST } from '../../electron/cli/paths.ts';
import { createServices } from '../../electron/services/index.ts';
import { WebHost } from '../../electron/web/WebHost.ts';
import type { StoreTruth } from './fixtures.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
    dbPath: string;
    truth: StoreTruth;
    credentials: { username: string; password: string };
    ingestToken: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const dir = mkdtempSync(join(tmpdir(), 'civictwin-e2e-'));
  const dbPath = join(dir, 'demo.duckdb');
  await seedTwin(dbPath, 1, 2000);
  const store = await DuckDbStore.open(dbPath);
  const count = await store.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM buildings');
  // A residential building with households, in the middle of the list, for the click test.
  const sample = await store.all<{ id: number; address: string; label: string; floors: number; households: number; residents: number }>(
    `SELECT b.id, b.address, coalesce(nullif(trim(b.name), ''), b.address) AS label, b.floors, count(h.id)::INTEGER AS households, sum(h.size)::INTEGER AS residents
     FROM buildings b JOIN households h ON h.building_id = b.id
     WHERE b.use_code IN (0, 1) GROUP BY ALL HAVING count(h.id) >= 12 ORDER BY b.id`,
  );
  const truth: StoreTruth = {
    buildingCount: count!.n,
    // Spread over the district; the UI test clicks the first one it finds unobstructed on screen.
    sampleBuildings: Array.from({ length: 12 }, (_, i) => sample[Math.floor(((i + 0.5) * sample.length) / 12)]!),
  };
  const services = await createServices(store, { host: 'web', personalData: 'masked' });
  // The people and systems of the run: a supervisor who signs in at the form, and an ingest source.
  const credentials = { username: 'e2e-supervisor', password: randomBytes(12).toString('base64url') };
  await services.auth.addUser(credentials.username, '测试值班长', 'supervisor', credentials.password);
  const ingestToken = (await services.auth.addToken('e2e producer', 'ingest', 'e2e')).token;
  const host = new WebHost({ services: services.api, auth: services.auth, ingest: services.ingest, staticDir: RENDERER_TEST_DIST, port: 0 }); // the build with the test hooks
  const port = await host.listen();
  project.provide('baseUrl', `http://127.0.0.1:${port}/`);
  project.provide('credentials', credentials);
  project.provide('ingestToken', ingestToken);
  project.provide('dbPath', dbPath);
  project.provide('truth', truth);
  return async () => {
    await host.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  };
}
