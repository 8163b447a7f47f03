/**
 * `civictwin typhoon import --db FILE PATH... [--storm NAME|NUMBER]…`: typhoon tracks into a twin,
 * from CMA best-track text and Wenzhou Typhoon Net JSON (data/import/typhoon). Every file is read
 * and checked before the twin is opened; then the chosen storms are written in one transaction,
 * replacing what an earlier import of the same storm (same agency and number) wrote. One line per
 * storm says what the twin now holds: its points, its peak and its landfall.
 */
import { type Command } from 'commander';
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { readTrackFiles, saveTrackFiles } from '../../../data/import/typhoon/importTracks.ts';
import { TC_GRADE_INFO, beaufortForce } from '../../../data/model/typhoon/scales.ts';
import { formatBeijingTime } from '../../../data/model/typhoon/track.ts';
import type { Landfall } from '../../../data/model/typhoon/types.ts';
import { openTwin } from '../../../data/store/openTwin.ts';
import { landfallsOfNumber, type StormSummary } from '../../../data/store/typhoon/readTracks.ts';
import type { DuckDbStore } from '../../../data/store/DuckDbStore.ts';
import { progressReporter } from '../progress.ts';
import { registerTyphoonBriefCommand } from './typhoonBrief.ts';

/** Said after "FILE is open in civictwin serve (PID …)": a host cannot take track files yet. */
const HOST_HOLDS_TWIN = 'stop that host first, then import the tracks again (a running host cannot take track files yet)';

export function registerTyphoonCommands(program: Command): void {
  const typhoon = program.command('typhoon').description('typhoon planning: storm tracks and forecasts');
  typhoon
    .command('import')
    .description('import typhoon tracks: CMA best-track text (CH2019BST.txt) and Wenzhou Typhoon Net JSON (201909.json)')
    .requiredOption('--db <file>', 'the .duckdb file (created if absent)')
    .option('--storm <name|number>', 'only this storm: its number (1909), name (Lekima, 利奇马) or id (CMA:1909); repeatable', (v: string, prev: string[]) => [...prev, v], [])
    .argument('<path...>', 'track files, or folders of them')
    .action(async (paths: string[], o: { db: string; storm: string[] }) => {
      const db = resolve(o.db);
      const progress = progressReporter();
      mkdirSync(dirname(db), { recursive: true });
      let store: DuckDbStore | null = null;
      try {
        // Every file is read and checked before the twin is opened (or created).
        // A bar for several files; one file is read in a blink.
        const onRead = (step: string, done: number, total: number): void => (total > 1 ? progress.onProgress(step, done, total) : undefined);
        const read = await readTrackFiles(paths.map((p) => resolve(p)), { storms: o.storm, onProgress: onRead });
        store = await openTwin(db, { create: true, onNote: (line) => console.log(line), busyAdvice: HOST_HOLDS_TWIN });
        const report = await saveTrackFiles(store, read, { onProgress: read.items.length > 1 ? progress.onProgress : undefined });
        progress.stop();
        for (const f of report.files) {
          const kind = f.format === 'cma-bst' ? 'CMA best track' : 'Wenzhou Typhoon Net';
          console.log(`  ${f.path}: ${kind}, ${f.storms} storm${f.storms === 1 ? '' : 's'}${f.chosen !== f.storms ? `, ${f.chosen} chosen` : ''}`);
        }
        const created = new Map(report.saved.map((s) => [s.stormId, s.created]));
        for (const s of report.summaries) {
          const elsewhere = s.landfalls.length === 0 && s.storm.number !== null ? await landfallsOfNumber(store, s.storm.number, s.storm.id) : [];
          console.log(`${created.get(s.storm.id) ? 'new    ' : 'updated'} ${describeStorm(s, elsewhere)}`);
        }
        const points = report.summaries.reduce((n, s) => n + s.fixes, 0);
        const newOnes = report.saved.filter((s) => s.created).length;
        console.log(
          `Imported ${report.saved.length} storm${report.saved.length === 1 ? '' : 's'} (${newOnes} new, ${report.saved.length - newOnes} updated in place) ` +
            `with ${points} track points into ${db}. Times are Beijing time (BJT, UTC+8).`,
        );
      } finally {
        progress.stop();
        store?.close();
      }
    });
  registerTyphoonBriefCommand(typhoon);
}

/**
 * `CMA:1909  1909 LEKIMA: 62 points 2019-08-04 02:00 – 08-14 20:00 BJT, max 62 m/s 915 hPa 超强台风
 * SuperTY (force 17) at 08-08 20:00; landfall (from WZTF:1909) 2019-08-10 01:45 BJT = 17:45 UTC
 * 浙江省温岭市, 52 m/s 925 hPa (+1 later)`
 */
export function describeStorm(s: StormSummary, elsewhere: { stormId: string; landfall: Landfall }[] = []): string {
  const st = s.storm;
  const name = `${st.number ?? '(no number)'} ${st.name}${st.nameZh ? ` ${st.nameZh}` : ''}`;
  const span = s.firstUtcMs !== null && s.lastUtcMs !== null ? ` ${formatBeijingTime(s.firstUtcMs)} – ${formatBeijingTime(s.lastUtcMs).slice(5)} BJT` : '';
  const peak = s.peak
    ? `, max ${s.peak.maxWindMs} m/s${s.peak.pressureHpa !== null ? ` ${s.peak.pressureHpa} hPa` : ''} ${TC_GRADE_INFO[s.peak.grade].zh} ${s.peak.grade} (force ${beaufortForce(s.peak.maxWindMs)}) at ${formatBeijingTime(s.peak.timeUtcMs).slice(5)}`
    : ', no wind given';
  let landfall: string;
  if (s.landfalls.length > 0) landfall = `landfall ${describeLandfalls(s.landfalls)}`;
  else if (elsewhere.length > 0) landfall = `landfall (from ${elsewhere[0]!.stormId}) ${describeLandfalls(elsewhere.map((e) => e.landfall))}`;
  else landfall = st.format === 'cma-bst' ? 'landfall: not in the CMA best track' : 'no landfall';
  return `${st.id.padEnd(10)} ${name}: ${s.fixes} points${span}${peak}; ${landfall}`;
}

/** The first landfall in full (when and where people will ask about), the later ones counted. */
function describeLandfalls(all: readonly Landfall[]): string {
  const l = all[0]!;
  const utc = new Date(l.timeUtcMs).toISOString().slice(11, 16);
  const where = l.place ?? `${l.lon.toFixed(1)}°E ${l.lat.toFixed(1)}°N`;
  const intensity = [l.maxWindMs !== null ? `${l.maxWindMs} m/s` : null, l.pressureHpa !== null ? `${l.pressureHpa} hPa` : null].filter(Boolean).join(' ');
  return `${formatBeijingTime(l.timeUtcMs)} BJT = ${utc} UTC ${where}${intensity ? `, ${intensity}` : ''}${all.length > 1 ? ` (+${all.length - 1} later)` : ''}`;
}
