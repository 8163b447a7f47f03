/**
 * `npm run bench`: performance figures, each against a baseline measured in the same run, printed
 * as a table and written to bench-results/latest.json.
 *
 * Building load, 100k buildings:
 *   (a) columnar: DuckDB vectors → typed-array columns → binary frame → decoded views → the
 *       per-vertex attributes deck.gl is handed (elevation, colour);
 *   (b) the usual path: row objects → GeoJSON Feature objects → JSON text over the wire →
 *       JSON.parse → accessor calls (getPolygon/getElevation/getFillColor) filling the same
 *       per-vertex attributes, as deck.gl's attribute manager does for object data.
 * Both stop at the same point (attributes ready for upload); tessellation is the same for both
 * and not counted.
 */
import { copyFileSync, existsSync, mkdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { decodeColumns, encodeColumns } from '../../data/feed/columnar.ts';
import type { BuildingColumns } from '../common/dto.ts';
import { readBuildingColumns } from '../services/StoreService.ts';
import { RENDERER_TEST_DIST, REPO_ROOT } from './paths.ts';
import { keyPathFor } from '../../data/store/crypto.ts';
import { benchBrowser } from './benchBrowser.ts';
import { benchAppStart } from './benchColdStart.ts';
import { progressReporter } from './progress.ts';
import { seedTwin } from './twinFiles.ts';
import { benchDetector, benchIngest, type BenchRow } from './benchLive.ts';
import { provisionBenchAccess } from './benchAccess.ts';
import { benchWindField } from '../../data/analytics/typhoon/benchWindField.ts';
import { benchFlood } from '../../data/analytics/typhoon/benchFlood.ts';
import { benchEvacuation } from '../../data/analytics/typhoon/evacuation/benchEvacuation.ts';
import { benchDurability } from './benchKill.ts';
import { benchWallSync } from './benchWall.ts';
import { benchOverview } from './benchOverview.ts';
import { benchKpi } from '../../data/analytics/kpi/benchKpi.ts';
import { BENCH_SECTIONS, type BenchSection } from './main.ts';

type Row = BenchRow;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

function fileSize(path: string): number {
  let total = 0;
  for (const f of [path, `${path}.wal`]) {
    try {
      total += statSync(f).size;
    } catch {
      /* no WAL after a checkpoint */
    }
  }
  return total;
}

/** A colour ramp lookup as the renderer does for "colour by residents". */
function rampColour(value: number, max: number, out: Uint8Array, o: number): void {
  const t = Math.min(1, value / Math.max(1, max));
  out[o] = 40 + 215 * t;
  out[o + 1] = 120 + 60 * (1 - t);
  out[o + 2] = 220 * (1 - t);
  out[o + 3] = 255;
}

async function columnarPath(store: DuckDbStore, footprints: DuckDbStore, originLon: number, originLat: number): Promise<number> {
  const cols = await readBuildingColumns(store, originLon, originLat, footprints);
  const frame = encodeColumns(cols);
  // The receiving side: an aligned copy as fetch().arrayBuffer() would give, then views.
  const received = frame.slice().buffer;
  const b = decodeColumns<BuildingColumns>(received);
  // As the renderer does (buildingGeometry.ts): one colour per building, then per-vertex
  // attributes filled by polygon ranges.
  const vertexCount = b.positions.length / 2;
  const elevation = new Float32Array(vertexCount);
  const rowColour = new Uint8Array(b.count * 4);
  let maxResidents = 0;
  for (let i = 0; i < b.count; i++) maxResidents = Math.max(maxResidents, b.residents[i]!);
  for (let i = 0; i < b.count; i++) rampColour(b.residents[i]!, maxResidents, rowColour, i * 4);
  const rowColour32 = new Uint32Array(rowColour.buffer);
  const colour = new Uint8Array(vertexCount * 4);
  const colour32 = new Uint32Array(colour.buffer);
  for (let p = 0; p < b.polygonCount; p++) {
    const row = b.polygonBuilding[p]!;
    const start = b.polygonStart[p]!;
    const end = b.polygonStart[p + 1]!;
    elevation.fill(b.heightM[row]!, start, end);
    colour32.fill(rowColour32[row]!, start, end);
  }
  return elevation.length + colour[0]!;
}

interface BuildingFeature {
  type: 'Feature';
  geometry: { type: 'MultiPolygon'; coordinates: number[][][][] };
  properties: { id: number; height: number; floors: number; use: number; residents: number };
}

async function objectPath(store: DuckDbStore): Promise<number> {
  const rows = await store.all<{ id: number; height_m: number; floors: number; use_code: number; residents: number | null; footprint: number[][] }>(
    `SELECT b.id, b.height_m, b.floors, b.use_code, s.residents, b.footprint
     FROM buildings b LEFT JOIN building_stats s ON s.building_id = b.id ORDER BY b.id`,
  );
  const features: BuildingFeature[] = rows.map((r) => ({
    type: 'Feature',
    geometry: {
      type: 'MultiPolygon',
      coordinates: r.footprint.map((ring) => {
        const pts: number[][] = [];
        for (let i = 0; i < ring.length; i += 2) pts.push([ring[i]!, ring[i + 1]!]);
        return [pts];
      }),
    },
    properties: { id: r.id, height: r.height_m, floors: r.floors, use: r.use_code, residents: r.residents ?? 0 },
  }));
  const wire = JSON.stringify({ type: 'FeatureCollection', features });
  const data = (JSON.parse(wire) as { features: BuildingFeature[] }).features;
  // deck.gl accessors, called per object, filling per-vertex attributes.
  const getPolygon = (f: BuildingFeature): number[][][][] => f.geometry.coordinates;
  const getElevation = (f: BuildingFeature): number => f.properties.height;
  const maxResidents = data.reduce((m, f) => Math.max(m, f.properties.residents), 0);
  const getFillColor = (f: BuildingFeature): number[] => {
    const c = new Uint8Array(4);
    rampColour(f.properties.residents, maxResidents, c, 0);
    return Array.from(c);
  };
  let vertexCount = 0;
  for (const f of data) for (const poly of getPolygon(f)) vertexCount += poly[0]!.length;
  const positions = new Float64Array(vertexCount * 3);
  const elevation = new Float32Array(vertexCount);
  const colour = new Uint8Array(vertexCount * 4);
  let v = 0;
  for (const f of data) {
    const e = getElevation(f);
    const c = getFillColor(f);
    for (const poly of getPolygon(f)) {
      for (const pt of poly[0]!) {
        positions[v * 3] = pt[0]!;
        positions[v * 3 + 1] = pt[1]!;
        elevation[v] = e;
        colour.set(c, v * 4);
        v++;
      }
    }
  }
  return elevation.length + colour[0]!;
}

async function time(fn: () => Promise<unknown>, runs: number): Promise<number> {
  const ts: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await fn();
    ts.push(performance.now() - t0);
  }
  return median(ts);
}

/** 100k buildings from the store to deck.gl attributes: columnar path against GeoJSON + accessors. */
async function benchLoad(bigDb: string, buildings: number, quick: boolean): Promise<Row> {
  const store = await DuckDbStore.open(bigDb, { readOnly: true });
  const meta = new Map((await store.all<{ key: string; value: string }>('SELECT key, value FROM twin_meta')).map((r) => [r.key, r.value]));
  const originLon = Number(meta.get('origin_lon'));
  const originLat = Number(meta.get('origin_lat'));
  const footprints = await store.connectAgain();
  await columnarPath(store, footprints, originLon, originLat); // warm caches for both paths alike
  await objectPath(store);
  const runs = quick ? 3 : 5;
  const a = await time(() => columnarPath(store, footprints, originLon, originLat), runs);
  const b = await time(() => objectPath(store), Math.max(3, runs - 2));
  store.close();
  return {
    name: `load ${buildings} buildings → deck.gl attributes`,
    value: `${a.toFixed(0)} ms (columnar)`,
    baseline: `${b.toFixed(0)} ms (GeoJSON+accessors)`,
    ratio: `${(b / a).toFixed(1)}×`,
    target: '≥ 10× and < 500 ms',
    pass: b / a >= 10 && a < 500,
  };
}

/**
 * The in-browser benchmarks (moving resources, event to pixel) against a web host in its own
 * process over a copy of the default district, so the host and the page do not share a thread.
 */
async function browserBenches(defaultDb: string, dir: string, quick: boolean): Promise<Row[]> {
  if (!existsSync(join(RENDERER_TEST_DIST, 'bench.html'))) {
    const r = spawnSync('npm', ['run', '--silent', 'build'], { cwd: REPO_ROOT, stdio: 'inherit' });
    if (r.status !== 0) return [{ name: 'browser benchmarks', value: 'not measured: the build failed' }];
  }
  const db = join(dir, 'browser.duckdb');
  copyFileSync(defaultDb, db);
  copyFileSync(keyPathFor(defaultDb), keyPathFor(db));
  const access = await provisionBenchAccess(db);
  // The test renderer: bench.html and the hooks the event-to-pixel benchmark listens on.
  // --open-ingest: the event-to-pixel load sends its token (checked) except in the phases that
  // measure the host without the check.
  const host = spawn(process.execPath, [join(REPO_ROOT, 'electron/cli/civictwin.mjs'), 'serve', '--db', db, '--port', '0', '--open-ingest'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, CIVICTWIN_RENDERER: 'test' },
  });
  try {
    const url = await new Promise<string>((ok, fail) => {
      host.once('exit', () => fail(new Error('the web host exited')));
      host.stdout!.on('data', (d: Buffer) => {
        const m = /at (http:\/\/\S+)/.exec(d.toString());
        if (m) ok(m[1]!);
      });
    });
    return await benchBrowser({ quick, baseUrl: url, access });
  } finally {
    host.kill('SIGTERM');
  }
}

export async function runBenchmarks(opts: { buildings: number; quick: boolean; only: ReadonlySet<BenchSection> }): Promise<void> {
  const dir = join(tmpdir(), `civictwin-bench-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const rows: Row[] = [];
  let peakRss = 0;
  const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 50);
  try {
    const progress = progressReporter();
    const defaultDb = join(dir, 'default.duckdb');
    let t0 = performance.now();
    const small = await seedTwin(defaultDb, 1, 2000, progress.onProgress);
    const seedDefault = performance.now() - t0;
    rows.push({ name: `seed default district (${small.buildings} bldg, ${small.households} hh)`, value: `${(seedDefault / 1000).toFixed(1)} s` });
    rows.push({ name: `  database size`, value: mb(fileSize(defaultDb)) });
    // The browser and ingest benchmarks first: after the million-household sections this process
    // holds ~2 GB, and its garbage collection then delayed the load generator's POSTs.
    progress.stop();
    const browserRows = opts.only.has('browser') ? await browserBenches(defaultDb, dir, opts.quick) : [];
    if (opts.only.has('browser')) browserRows.push(...(await benchAppStart(defaultDb, dir, opts.quick))); // cold start (issue 12)
    if (opts.only.has('browser') || opts.only.has('overview')) browserRows.push(...(await benchOverview(opts.buildings, opts.quick))); // 4K overview against maplibre (issue 12)
    if (opts.only.has('wall')) rows.push(...(await benchWallSync(defaultDb, dir, opts.quick))); // wall sync: 4 panels of one director session (issue 12)
    const ingestRows = opts.only.has('ingest') ? await benchIngest(dir, opts.quick) : [];
    if (opts.only.has('load') || opts.only.has('detector')) {
      const bigDb = join(dir, 'big.duckdb');
      t0 = performance.now();
      const big = await seedTwin(bigDb, 1, opts.buildings, progress.onProgress);
      const seedBig = performance.now() - t0;
      progress.stop();
      rows.push({ name: `seed ${big.buildings} bldg (${big.households} hh, ${big.meterRows} readings)`, value: `${(seedBig / 1000).toFixed(1)} s` });
      rows.push({ name: `  database size`, value: mb(fileSize(bigDb)) });
      if (opts.only.has('load')) rows.push(await benchLoad(bigDb, big.buildings, opts.quick));
      if (opts.only.has('detector')) rows.push(...(await benchDetector(bigDb, big.households)));
      rmSync(bigDb, { force: true });
    }
    rows.push(...ingestRows, ...browserRows);
    // Typhoon planning: the wind field for every building over a 72 h track, hourly.
    // …and waterlogging over the district, 24 hourly steps.
    // …and the evacuation plan (≈ 1,000,000 households to 200 shelters, HiGHS, against nearest-shelter).
    if (opts.only.has('typhoon')) {
      const n = opts.quick ? 10_000 : opts.buildings;
      rows.push(...benchWindField(n), ...benchFlood(n), ...(await benchEvacuation(n)));
    }
    // kill -9 loop: acknowledged events survive the host being killed while they stream in.
    if (opts.only.has('durability')) rows.push(...(await benchDurability(dir, opts.quick, progress.onProgress)));
    // KPI dashboard: a year of incidents for the district, every chart's query against JS over row objects.
    if (opts.only.has('kpi')) rows.push(...(await benchKpi(opts.buildings, opts.quick)));
    progress.stop();
  } finally {
    clearInterval(sampler);
    rmSync(dir, { recursive: true, force: true });
  }
  rows.push({ name: 'peak memory (RSS, whole bench)', value: mb(Math.max(peakRss, process.resourceUsage().maxRSS * 1024)) });

  const widths = [58, 22, 30, 8, 22];
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join(' ');
  console.log('\n' + line(['benchmark', 'value', 'baseline (same run)', 'ratio', 'target']));
  console.log('-'.repeat(widths.reduce((s, w) => s + w + 1, 0)));
  for (const r of rows) {
    console.log(line([r.name, r.value, r.baseline ?? '', r.ratio ?? '', r.target ? `${r.target} ${r.pass ? 'PASS' : 'FAIL'}` : '']));
  }
  const outDir = join(REPO_ROOT, 'bench-results');
  mkdirSync(outDir, { recursive: true });
  const json = { date: new Date().toISOString(), machine: `${process.platform} ${process.arch}, node ${process.version}`, rows };
  // A run of some sections only does not replace the full record.
  const file = opts.only.size === BENCH_SECTIONS.length ? 'latest.json' : `partial-${[...opts.only].join('-')}.json`;
  writeFileSync(join(outDir, file), JSON.stringify(json, null, 2) + '\n');
  console.log(`\nWrote ${join('bench-results', file)}`);
}
