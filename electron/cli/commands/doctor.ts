/**
 * `civictwin doctor --db FILE [--repair]`: checks a twin and, when asked, repairs what it safely
 * can. Reads without changing anything unless --repair is given.
 *
 * Checks: who holds the file; the write-ahead log (intact, damaged, or a header DuckDB would
 * ignore, and what it held); that the twin opens, its schema version and row counts; that the
 * key is present, private and this twin's (it must decrypt a household's contact); file modes;
 * leftovers of killed runs. Repairs: sets a damaged log aside as `<db>.wal.damaged-<time>` and
 * replays its intact transactions; removes leftovers of dead processes; makes the key 0600.
 */
import type { Command } from 'commander';
import { chmodSync, existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { keyPathFor } from '../../../data/store/crypto.ts';
import { explainOpenError } from '../../../data/store/openTwin.ts';
import { summariseTwin, type TwinSummary } from '../../../data/store/twinCheck.ts';
import { TwinFileError, findHolder } from '../../../data/store/twinLock.ts';
import { cleanLeftovers, findLeftovers, formatBytes } from '../../../data/store/twinSwap.ts';
import { fileInfo, inspectWal, walPathFor, type WalReport } from '../../../data/store/wal.ts';
import { repairDamagedWal } from '../../../data/store/walRepair.ts';
import { askHost } from './hostControl.ts';

type Level = 'ok' | 'warn' | 'FAIL' | 'fixed';
export interface Finding {
  level: Level;
  topic: string;
  text: string;
}

export function registerDoctorCommand(program: Command): void {
  program
    .command('doctor')
    .description('check a twin (log, schema, rows, key, file modes, leftovers); --repair fixes what it safely can')
    .requiredOption('--db <file>', 'the twin to check')
    .option('--repair', 'set a damaged log aside and replay its intact part, remove leftovers of killed runs, make the key private')
    .action(async (o: { db: string; repair?: boolean }) => {
      const { findings, summary } = await doctorTwin(o.db, Boolean(o.repair));
      console.log(`Twin ${o.db}`);
      for (const f of findings) console.log(`  ${f.level.padEnd(5)} ${f.topic.padEnd(9)} ${f.text}`);
      console.log(summary);
      if (findings.some((f) => f.level === 'FAIL')) process.exitCode = 1;
    });
}

const when = (d: Date): string => d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC');
const mode = (m: number): string => `0${m.toString(8).padStart(3, '0')}`;

export async function doctorTwin(dbArg: string, repair: boolean): Promise<{ findings: Finding[]; summary: string }> {
  const db = dbArg;
  if (!existsSync(db)) throw new TwinFileError(`${db} does not exist.`);
  const findings: Finding[] = [];
  const add = (level: Level, topic: string, text: string): void => void findings.push({ level, topic, text });

  // Who holds it. A running host is asked through its control channel; anything else blocks the checks that open the file.
  const file = fileInfo(db)!;
  const status = await askHost<{ host: string; pid: number; url: string | null } & TwinSummary>(db, 'GET', '/v1/status').catch(() => null);
  const holder = status ? null : await findHolder(db);
  if (status) add('ok', 'host', `open in ${status.body.host} (PID ${status.body.pid}${status.body.url ? `, ${status.body.url}` : ''}); checked through its control channel`);
  else if (holder) add('warn', 'host', `open in ${holder.description}, which cannot be asked: the checks that open the file are skipped (stop it and run doctor again)`);
  else add('ok', 'host', 'no process has it open');
  const held = Boolean(status || holder);

  // Leftovers of killed runs.
  const leftovers = findLeftovers(db);
  const dead = leftovers.filter((l) => !l.alive);
  const unknownStaging = leftovers.filter((l) => l.kind === 'staging' && l.pid === null);
  if (dead.length > 0 && repair) for (const note of cleanLeftovers(db)) add('fixed', 'leftovers', note);
  else if (dead.length > 0) {
    add('warn', 'leftovers', `${dead.length} left by killed runs (${formatBytes(dead.reduce((s, l) => s + l.bytes, 0))}): ${dead.map((l) => basename(l.path)).join(', ')}; --repair removes them (the next seed or host start does too)`);
  } else add('ok', 'leftovers', 'none');
  if (unknownStaging.length > 0) {
    const n = unknownStaging.length;
    add('warn', 'leftovers', `${n} ingest staging folder${n === 1 ? '' : 's'} of an older version, whose host cannot be told (${formatBytes(unknownStaging.reduce((s, l) => s + l.bytes, 0))}, e.g. ${unknownStaging[0]!.path}): delete them when no host runs`);
  }
  const setAside = readdirSync(dirname(db)).filter((n) => n.startsWith(`${basename(db)}.wal.damaged-`));
  for (const name of setAside) add('ok', 'kept', `${join(dirname(db), name)} (${formatBytes(fileInfo(join(dirname(db), name))?.bytes ?? 0)}): a damaged log set aside earlier; delete it when no longer needed`);

  // The write-ahead log. While a host runs it is being written: only its header is judged then.
  const wal = inspectWal(db);
  let walBlocksOpen = false;
  if (!wal) add('ok', 'log', held ? 'empty: everything is checkpointed' : 'none: the twin was closed cleanly');
  else if (wal.state === 'intact') {
    add('ok', 'log', `${formatBytes(wal.bytes)}, ${wal.commits} transaction${wal.commits === 1 ? '' : 's'} since the last checkpoint (${when(file.modified)}), last written ${when(wal.modified)}; ${held ? 'normal while a host runs' : 'replayed when the twin is next opened'}`);
  } else {
    walBlocksOpen = true;
    const fate = describeWal(db, wal, file.modified);
    if (!repair || held) {
      add('FAIL', 'log', `${fate} ${held ? 'Stop the host, then run "civictwin doctor --db ' + db + ' --repair".' : `Run "civictwin doctor --db ${db} --repair" to set it aside and replay its intact part.`}`);
    } else {
      const r = await repairDamagedWal(db);
      walBlocksOpen = false;
      add('fixed', 'log', `${fate} Set aside as ${r.asidePath}.`);
      if (r.replayedCommits > 0) {
        add('fixed', 'log', `Replayed its intact first ${formatBytes(r.replayedBytes)}: ${r.replayedCommits} transaction${r.replayedCommits === 1 ? '' : 's'}, ${r.eventsRecovered.toLocaleString('en-US')} event${r.eventsRecovered === 1 ? '' : 's'} recovered.`);
      } else add('warn', 'log', `Nothing replayed: ${r.replayProblem}.`);
      add('warn', 'log', `Lost: what was committed after the damage, up to ${when(r.lastLogWrite)}. Producers that can re-send events from before then should: a re-sent event id is a duplicate, never a double.`);
    }
  }

  // Open it, read-only: schema, rows, key. A host's control channel answers the same questions.
  let summary: TwinSummary | null = status?.body ?? null;
  if (!summary && !held && !walBlocksOpen) {
    try {
      summary = await summariseTwin(db);
    } catch (err) {
      const explained = explainOpenError(db, err) as Error;
      add('FAIL', 'open', explained.message.split('\n')[0]!);
    }
  }
  if (summary) {
    const v = summary.schemaVersion;
    if (v === summary.latestSchemaVersion) add('ok', 'schema', `version ${v} (current)`);
    else if (v < summary.latestSchemaVersion) add('warn', 'schema', `version ${v}; a host migrates it to ${summary.latestSchemaVersion} when it opens the twin`);
    else add('FAIL', 'schema', `version ${v}, newer than this CivicTwin knows (${summary.latestSchemaVersion}): use a newer CivicTwin`);
    add('ok', 'rows', Object.entries(summary.counts).map(([t, c]) => `${t} ${c.toLocaleString('en-US')}`).join(', ') || 'no tables');
    const k = summary.key;
    const keyLevel: Level = k.state === 'ok' || k.state === 'unused' ? 'ok' : 'FAIL';
    add(keyLevel, 'key', `${k.source === 'env' ? 'CIVICTWIN_KEY' : k.keyPath}: ${k.detail}`);
  }

  // File modes: the key must be private; the twin holds addresses and event details in clear.
  const keyInfo = fileInfo(keyPathFor(db));
  if (keyInfo && (keyInfo.mode & 0o077) !== 0) {
    if (repair) {
      chmodSync(keyPathFor(db), 0o600);
      add('fixed', 'modes', `${keyPathFor(db)} was ${mode(keyInfo.mode)}; now 0600`);
    } else add('FAIL', 'modes', `${keyPathFor(db)} is ${mode(keyInfo.mode)}: other users can read the key; --repair makes it 0600`);
  }
  const walInfo = fileInfo(walPathFor(db));
  const readable = (file.mode & 0o077) !== 0;
  const keyMode = fileInfo(keyPathFor(db))?.mode;
  add(
    readable ? 'warn' : 'ok',
    'modes',
    `${basename(db)} ${mode(file.mode)}${walInfo ? `, log ${mode(walInfo.mode)}` : ''}${keyMode === undefined ? '' : `, key ${mode(keyMode)}`}` +
      (readable ? `: other users can read the twin (personal fields are encrypted; addresses and events are not); "chmod 600 ${db}" if they should not` : ''),
  );

  const fails = findings.filter((f) => f.level === 'FAIL').length;
  const fixed = findings.filter((f) => f.level === 'fixed').length;
  const summaryLine =
    fails > 0
      ? `${fails} problem${fails === 1 ? '' : 's'}${repair ? ' remain' : ''}.` +
        (!repair && findings.some((f) => f.level === 'FAIL' && f.text.includes('--repair')) ? ' Run with --repair to fix what can be fixed safely.' : '')
      : fixed > 0
        ? `Repaired: ${fixed} change${fixed === 1 ? '' : 's'}; the twin opens.`
        : 'No problems found.';
  return { findings, summary: summaryLine };
}

/** What a damaged log held and what its damage costs, in one or two sentences. */
function describeWal(db: string, wal: WalReport, lastCheckpoint: Date): string {
  const tables = Object.entries(wal.tables)
    .sort((a, b) => b[1] - a[1])
    .slice(0, 6)
    .map(([t, c]) => `${t} ×${c}`)
    .join(', ');
  const lost = wal.bytes - wal.intactBytes;
  return (
    `${walPathFor(db)} (${formatBytes(wal.bytes)}, last written ${when(wal.modified)}) is damaged: ${wal.problem}. ` +
    `It holds what was committed since the last checkpoint (${when(lastCheckpoint)}). ` +
    (wal.commits > 0
      ? `Before the damage: ${wal.commits} whole transactions (${formatBytes(wal.intactBytes)}${tables ? `; writes to ${tables}` : ''}), which can be replayed; after it ${formatBytes(lost)} that cannot.`
      : `Nothing before the damage can be replayed (${formatBytes(lost)}).`)
  );
}
