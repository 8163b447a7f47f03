/**
 * The `civictwin` CLI (commander). Every long step shows a progress bar; every error a user can
 * cause ends in one clear message and a non-zero exit, never a stack trace.
 */
import { Command, InvalidArgumentError } from 'commander';
import { basename, join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { APP_VERSION } from '../services/index.ts';
import { defaultDemoDb } from './paths.ts';
import { registerTwinCommands } from './commands/index.ts';
import { progressReporter } from './progress.ts';
import { importIntoTwin, seedTwin } from './twinFiles.ts';
import { FAR_KM, type SkippedFeature } from '../../data/import/importFiles.ts';
import { readMapping } from '../../data/import/attributes.ts';
import { SOURCE_CRS, type SourceCrs } from '../../data/import/crs.ts';
import { serveTwin } from './serve.ts';
import { start } from './start.ts';
import { fuzzCommand } from './fuzz.ts';
import { registerArchiveCommand } from './commands/archive.ts';
import { registerKeyCommands } from './commands/key.ts';
import { registerAuditCommands } from './commands/audit.ts';
import { registerRecordImports } from './commands/importRecords.ts';
import { DISTANCE_RANGE_M, LAYOUT_IDS, type LayoutId } from '../common/layouts.ts';

const int = (name: string, min: number, max: number) => (value: string): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}.`);
  return n;
};

export function buildProgram(): Command {
  const program = new Command('civictwin')
    .description('CivicTwin 社区数字孪生指挥舱 — command-line tools')
    .version(APP_VERSION)
    .showHelpAfterError();

  program
    .command('seed')
    .description('generate a demo district (deterministic for a seed)')
    .requiredOption('--out <file>', 'the .duckdb file to create')
    .option('--seed <n>', 'random seed', int('--seed', 0, 2 ** 31 - 1), 1)
    .option('--buildings <n>', 'number of buildings (about 15 households each)', int('--buildings', 100, 200_000), 2000)
    .option('--force', 'replace an existing file')
    .option('--name <name>', "the twin's display name (default: the demo street's)", twinName)
    .action(async (o: { out: string; seed: number; buildings: number; force?: boolean; name?: string }) => {
      const out = resolve(o.out);
      if (existsSync(out) && !o.force) throw new UserError(`${out} already exists. Pass --force to replace it.`);
      const t0 = performance.now();
      const progress = progressReporter();
      const s = await seedTwin(out, o.seed, o.buildings, progress.onProgress, undefined, undefined, o.name);
      progress.stop();
      console.log(
        `Seeded ${out} in ${((performance.now() - t0) / 1000).toFixed(1)} s: ${s.buildings} buildings, ${s.households} households, ` +
          `${s.persons} persons (${(s.elderlyShare * 100).toFixed(1)} % aged 60+), ${s.facilities} facilities, ${s.resources} resources, ` +
          `${s.meterRows} meter readings, ${s.anomalies} labelled anomalies.`,
      );
    });

  const importCommand = program.command('import').description("import a district's own data into a twin: map data (the default), hotline tickets");
  registerRecordImports(importCommand);
  importCommand
    .command('map', { isDefault: true })
    .description('import GeoJSON buildings, roads, water, landuse and shelters, and a DEM (GeoTIFF) for the flood model, into a twin')
    .requiredOption('--db <file>', 'the .duckdb file (created if absent)')
    .argument('<path...>', 'GeoJSON files or folders; a .tif DEM in longitude/latitude')
    .option('--skip-invalid', 'import the valid features and list every invalid one in a report next to the twin (default: stop at the first, import nothing)')
    .option('--dry-run', 'read and check everything, print what would be imported, write nothing')
    .option('--allow-far', `import data lying more than ${FAR_KM} km from the twin's area anyway`)
    .option('--name <name>', "the twin's display name (default: its present name, else the folder's)", twinName)
    .option('--mapping <file>', 'a JSON file naming other attribute fields, use values and storey heights')
    .option('--crs <crs>', `the files' coordinates: ${SOURCE_CRS.join(', ')} (GCJ-02: AMap/Tencent exports; BD-09: Baidu)`, (v) => {
      const c = v.toLowerCase().replace(/[-_]/g, '');
      if (!(SOURCE_CRS as readonly string[]).includes(c)) throw new InvalidArgumentError(`--crs must be one of ${SOURCE_CRS.join(', ')}.`);
      return c as SourceCrs;
    }, 'wgs84' as SourceCrs)
    .action(async (paths: string[], o: { db: string; skipInvalid?: boolean; dryRun?: boolean; allowFar?: boolean; name?: string; mapping?: string; crs: SourceCrs }) => {
      const mapping = o.mapping ? await readMapping(resolve(o.mapping)) : undefined;
      const progress = progressReporter();
      const r = await importIntoTwin(resolve(o.db), paths.map((p) => resolve(p)), progress.onProgress, undefined, {
        skipInvalid: Boolean(o.skipInvalid), dryRun: Boolean(o.dryRun), allowFar: Boolean(o.allowFar), name: o.name, mapping, crs: o.crs,
      });
      progress.stop();
      for (const f of r.files) console.log(`  ${f.path}: ${f.features} ${f.kind} features`);
      const would = r.dryRun ? 'Dry run, nothing written: would import' : 'Imported';
      console.log(`${would} ${r.buildings} buildings, ${r.basemapFeatures} base-map features, ${r.facilities} facilities into ${o.db}.`);
      const l = r.basemapByLayer;
      if ((l.transit ?? 0) + (l.way ?? 0) > 0) console.log(`  Routed over by dispatch and evacuation: ${l.road ?? 0} road ways; drawn but never routed: ${l.transit ?? 0} railway/metro/ferry ways, ${l.way ?? 0} ways under construction or not travelled.`);
      const u = r.updated;
      if (u.buildings + u.basemapFeatures + u.facilities > 0) console.log(`  Already in the twin, updated in place by feature id: ${u.buildings} buildings, ${u.basemapFeatures} base-map features, ${u.facilities} facilities.`);
      if (r.heightsDefaulted > 0) {
        console.log(`  ${r.heightsDefaulted} buildings had no height or levels: used the default 9 m (3 storeys).`);
      }
      const fromHeight = r.floorsEstimated - r.heightsDefaulted;
      if (fromHeight > 0) console.log(`  ${fromHeight} buildings had a height but no storey count: storeys estimated with a storey height by use (marked estimated).`);
      if (r.raisedParts > 0) console.log(`  ${r.raisedParts} building parts start above the ground (min_height); their base is kept.`);
      for (const w of r.warnings) console.log(`  warning: ${w}`);
      if (r.skipped.length > 0) {
        const byFile = new Map<string, number>();
        for (const s of r.skipped) byFile.set(s.file, (byFile.get(s.file) ?? 0) + 1);
        console.log(`  Skipped ${r.skipped.length} invalid feature${r.skipped.length === 1 ? '' : 's'} (${[...byFile].map(([f, n]) => `${basename(f)}: ${n}`).join(', ')}), e.g. ${skippedLine(r.skipped[0]!)}`);
        if (r.skippedReport) console.log(`  Every skipped feature is listed in ${r.skippedReport.json} and ${r.skippedReport.csv}.`);
        else for (const s of r.skipped.slice(0, 20)) console.log(`    ${skippedLine(s)}`);
      } else if (o.skipInvalid) console.log('  No feature was invalid; none skipped.');
      if (r.terrain) {
        const t = r.terrain;
        console.log(`Terrain from ${t.source}: ${t.cols} × ${t.rows} cells of ${t.cellM.toFixed(1)} m, ground level for ${t.buildings} buildings (it replaces the twin's terrain).`);
        for (const note of t.notes) console.log(`  note: ${note}`);
      }
    });

  program
    .command('serve')
    .description('serve the twin to browsers over HTTP (browser mode, wall controllers, ingest)')
    .requiredOption('--db <file>', 'the .duckdb file')
    .option('--port <n>', 'TCP port', int('--port', 0, 65535), 8787)
    .option('--host <address>', 'interface to listen on', '127.0.0.1')
    .option('--wall', 'video-wall mode: never send personal data')
    .option('--mqtt <url>', 'also ingest events from an MQTT broker (topic civictwin/events/#, QoS 1)')
    .option('--no-renderer', 'API and ingest only; do not serve the app')
    .option('--simulate', 'run the built-in live-feed simulator (shown as SIMULATED)')
    .option('--open-ingest', 'accept ingest without a token (a lab; never on a real network)')
    .option('--tls <files...>', 'serve HTTPS: --tls CERT.pem KEY.pem')
    .option('--insecure-lan', 'serve plain HTTP on a non-loopback --host anyway')
    .option('--allow-host <names...>', 'further host names this host is reached by (Host/Origin check)')
    .option('--layout <id>', `screens' layout: ${LAYOUT_IDS.join(', ')} (default: each window's size picks)`, (v) => {
      if (!(LAYOUT_IDS as readonly string[]).includes(v)) throw new InvalidArgumentError(`--layout must be one of ${LAYOUT_IDS.join(', ')}.`);
      return v as LayoutId;
    })
    .option('--distance <m>', `viewing distance in metres (${DISTANCE_RANGE_M.min}–${DISTANCE_RANGE_M.max}): type and symbols scale to it`, (v) => {
      const n = Number(v);
      if (!(n >= DISTANCE_RANGE_M.min && n <= DISTANCE_RANGE_M.max)) throw new InvalidArgumentError(`--distance must be a number of metres from ${DISTANCE_RANGE_M.min} to ${DISTANCE_RANGE_M.max}.`);
      return n;
    })
    .action(async (o: {
      db: string; port: number; host: string; wall?: boolean; mqtt?: string; renderer: boolean; simulate?: boolean;
      openIngest?: boolean; tls?: string[]; insecureLan?: boolean; allowHost?: string[]; layout?: LayoutId; distance?: number;
    }) => {
      if (o.tls && o.tls.length !== 2) throw new UserError('--tls takes two files: the certificate and its key (PEM).');
      const { url } = await serveTwin({
        db: resolve(o.db), port: o.port, wall: Boolean(o.wall), host: o.host, mqtt: o.mqtt, renderer: o.renderer, simulate: Boolean(o.simulate),
        openIngest: Boolean(o.openIngest), tls: o.tls ? { cert: resolve(o.tls[0]!), key: resolve(o.tls[1]!) } : undefined,
        insecureLan: Boolean(o.insecureLan), allowHosts: o.allowHost,
        display: o.layout || o.distance !== undefined ? { layout: o.layout, distanceM: o.distance } : undefined,
      });
      console.log(`CivicTwin serving ${o.db} at ${url}`);
    });

  program
    .command('feed')
    .description('run the live-feed simulator against a host, record it, or replay a recording')
    .requiredOption('--target <url>', 'the host, e.g. http://127.0.0.1:8787')
    .option('--rate <n>', 'at most this many position fixes per second', int('--rate', 1, 100_000), 50)
    .option('--seed <n>', 'random seed', int('--seed', 0, 2 ** 31 - 1), 1)
    .option('--record <file>', 'also write every event sent to this NDJSON file')
    .option('--replay <file>', 'send a recorded NDJSON file instead of simulating')
    .option('--speed <k>', 'replay speed factor (1–60)', (v) => {
      const n = Number(v);
      if (!(n >= 1 && n <= 60)) throw new InvalidArgumentError('--speed must be from 1 to 60.');
      return n;
    }, 1)
    .option('--duration <s>', 'stop after this many seconds', int('--duration', 1, 7 * 86400))
    .option('--token <token>', 'this source\'s ingest token (default: $CIVICTWIN_INGEST_TOKEN)')
    .action(async (o: { target: string; rate: number; seed: number; record?: string; replay?: string; speed: number; duration?: number; token?: string }) => {
      const { runFeed, replayFeed } = await import('./feed.ts');
      const { ingestToken } = await import('./hostClient.ts');
      const token = ingestToken(o.token);
      if (o.replay) await replayFeed(resolve(o.replay), o.target, o.speed, token);
      else await runFeed({ target: o.target, rate: o.rate, seed: o.seed, record: o.record ? resolve(o.record) : undefined, durationS: o.duration, token });
    });

  program
    .command('start')
    .description('open CivicTwin (Electron, or browser mode where Electron is unavailable)')
    .option('--db <file>', 'the twin to open (default: the demo district, created at first start)')
    .option('--browser', 'use browser mode even when Electron is available')
    .option('--port <n>', 'port for browser mode', int('--port', 0, 65535), 8787)
    .option('--no-simulate', 'do not run the built-in live feed (on by default for the demo district)')
    .action(async (o: { db?: string; browser?: boolean; port: number; simulate: boolean }) => {
      // The simulator runs by default only on the demo district, never on an imported twin.
      const simulate = o.simulate && o.db === undefined;
      await start({ db: resolve(o.db ?? defaultDemoDb()), browser: Boolean(o.browser), port: o.port, simulate });
    });

  program
    .command('demo')
    .description('the demo to officials: a fresh, sealed demo district with a day behind it (simulated data)')
    .option('--browser', 'use browser mode even when Electron is available')
    .option('--port <n>', 'port for browser mode', int('--port', 0, 65535), 8787)
    .action(async (o: { browser?: boolean; port: number }) => {
      // Sealed: its own twin in a temporary folder, removed when the demo ends; the user's twins are untouched.
      const dir = mkdtempSync(join(tmpdir(), 'civictwin-demo-'));
      const cleanup = (): void => rmSync(dir, { recursive: true, force: true });
      process.once('exit', cleanup);
      await start({ db: join(dir, 'demo.duckdb'), browser: Boolean(o.browser), port: o.port, simulate: true, demo: true });
    });

  registerTwinCommands(program); // doctor, backup, restore
  registerArchiveCommand(program); // retention: archive to Parquet, compact
  registerKeyCommands(program); // key rotate
  registerAuditCommands(program); // audit verify

  program
    .command('bench')
    .description('run the benchmarks and write bench-results/*.json')
    .option('--buildings <n>', 'buildings for the loading benchmark', int('--buildings', 100, 200_000), 100_000)
    .option('--quick', 'smaller sizes, for a smoke run')
    .option('--only <sections>', `comma-separated subset of: ${BENCH_SECTIONS.join(', ')}`, sectionList)
    .action(async (o: { buildings: number; quick?: boolean; only?: BenchSection[] }) => {
      const { runBenchmarks } = await import('./bench.ts');
      await runBenchmarks({ buildings: o.quick ? 5000 : o.buildings, quick: Boolean(o.quick), only: new Set(o.only ?? BENCH_SECTIONS) });
    });

  // Compressed soak (issue 12, kiosk): a wall page against a host whose feed replays the last hours at speed×.
  program
    .command('soak')
    .description('run a wall page against a host fed at high speed; sample JS heap and RSS; PASS when nothing grows')
    .option('--hours <h>', 'simulated hours', int('--hours', 1, 168), 24)
    .option('--speed <k>', 'simulated seconds per second', int('--speed', 1, 600), 60)
    .option('--sample <s>', 'seconds between samples', int('--sample', 1, 600), 15)
    .option('--buildings <n>', 'buildings of the soak district', int('--buildings', 100, 200_000), 2000)
    .action(async (o: { hours: number; speed: number; sample: number; buildings: number }) => {
      const { runSoak, formatSoak } = await import('./soak.ts');
      const r = await runSoak({ hours: o.hours, speed: o.speed, sampleS: o.sample, buildings: o.buildings, log: (l) => console.log(l) });
      for (const line of formatSoak(r, o)) console.log(line);
      if (!r.pass) process.exitCode = 1;
    });

  program.addCommand(fuzzCommand());

  return program;
}

export const BENCH_SECTIONS = ['load', 'detector', 'ingest', 'browser', 'typhoon', 'durability', 'kpi', 'wall', 'overview'] as const;
export type BenchSection = (typeof BENCH_SECTIONS)[number];
function sectionList(value: string): BenchSection[] {
  const parts = value.split(',').map((p) => p.trim()).filter(Boolean);
  const bad = parts.filter((p) => !(BENCH_SECTIONS as readonly string[]).includes(p));
  if (bad.length || parts.length === 0) throw new UserError(`--only: unknown section "${bad.join(', ') || value}"; use ${BENCH_SECTIONS.join(', ')}`);
  return parts as BenchSection[];
}

/** A twin's display name: 1–80 characters, no control characters. */
function twinName(value: string): string {
  const v = value.trim();
  if (v.length === 0 || v.length > 80 || [...v].some((c) => c.charCodeAt(0) < 32 || c.charCodeAt(0) === 127)) throw new InvalidArgumentError('--name must be 1 to 80 characters without control characters.');
  return v;
}

const skippedLine = (s: SkippedFeature): string => `${basename(s.file)} feature #${s.index}${s.id === null ? '' : ` (id ${s.id})`}: ${s.reason}`;

/** An error the user caused and can fix; printed without a stack trace. */
export class UserError extends Error {}

export async function run(argv: string[]): Promise<void> {
  try {
    await buildProgram().parseAsync(argv);
  } catch (err) {
    const e = err as Error;
    const known = e instanceof UserError || e.name === 'ImportError' || e.message.startsWith('Twin database not found');
    console.error(`civictwin: ${e.message}`);
    if (!known && process.env.CIVICTWIN_DEBUG) console.error(e.stack);
    process.exitCode = 1;
  }
}
