/**
 * `civictwin fuzz`: throws malformed input at a host over HTTP, WebSocket and MQTT and checks that
 * it stays up and answers health throughout (see fuzz/engine.ts for what is sent). Prints a table
 * like the bench's and writes it, with any crashing inputs, to the output folder.
 */
import { Command, InvalidArgumentError } from 'commander';
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { progressReporter } from './progress.ts';
import type { FuzzOptions, FuzzSummary } from './fuzz/engine.ts';
import { FUZZ_TRANSPORTS, p99, type FuzzTransport } from './fuzz/types.ts';

/** The issue's figure: malformed inputs per transport in a long run. */
export const FUZZ_TARGET_INPUTS = 1_000_000;

const whole = (name: string, min: number, max: number) => (value: string): number => {
  const n = Number(value.replaceAll('_', ''));
  if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be a whole number from ${min} to ${max}.`);
  return n;
};

function transportList(value: string): FuzzTransport[] {
  const parts = value.split(',').map((p) => p.trim()).filter(Boolean);
  const bad = parts.filter((p) => !(FUZZ_TRANSPORTS as readonly string[]).includes(p));
  if (bad.length || parts.length === 0) throw new InvalidArgumentError(`unknown transport "${bad.join(', ') || value}"; use ${FUZZ_TRANSPORTS.join(', ')}`);
  return parts as FuzzTransport[];
}

export function fuzzCommand(): Command {
  return new Command('fuzz')
    .description('send malformed input to a host over HTTP, WebSocket and MQTT; it must stay up and answer health')
    .option('--target <url>', 'a running host, e.g. http://127.0.0.1:8787 (it cannot be restarted after a crash)')
    .option('--db <file>', 'a scratch twin (created if absent; events and dead letters are written into it): the fuzzer serves it with its own host')
    .option('--count <n>', 'malformed inputs per transport', whole('--count', 1, 1_000_000_000), FUZZ_TARGET_INPUTS)
    .option('--seed <n>', 'random seed (the same seed sends the same inputs)', whole('--seed', 0, 2 ** 31 - 1), 1)
    .option('--transport <list>', `comma-separated: ${FUZZ_TRANSPORTS.join(',')}`, transportList, [...FUZZ_TRANSPORTS])
    .option('--token <token>', 'with --target: an ingest token (civictwin token add --kind ingest)')
    .option('--wall-token <token>', 'with --target: a wall token, to reach /api/v1/live')
    .option('--mqtt <url>', 'the broker (with --db and no --mqtt, a Mosquitto is started for the MQTT phase)')
    .option('--out <dir>', 'where to save crashing inputs and summary.json', 'fuzz-results')
    .option('--max-crashes <n>', 'stop after this many host crashes', whole('--max-crashes', 1, 10_000), 20)
    .option('--health-every <n>', 'check GET /api/health after every this many inputs', whole('--health-every', 1, 10_000_000), 10_000)
    .option('--no-confirm', 'do not replay the suspects of a crash alone to name the one that did it')
    .action(async (o: { target?: string; db?: string; token?: string; wallToken?: string; count: number; seed: number; transport: FuzzTransport[]; mqtt?: string; out: string; maxCrashes: number; healthEvery: number; confirm: boolean }) => {
      if (!o.target === !o.db) throw new Error('fuzz: give either --target URL (a running host) or --db FILE (a scratch twin the fuzzer serves itself).');
      if (o.target && !/^https?:\/\/[^/]+/.test(o.target)) throw new Error(`fuzz: --target must be a URL like http://127.0.0.1:8787, not "${o.target}".`);
      const { runFuzz } = await import('./fuzz/engine.ts');
      const { createScratchTwin } = await import('./fuzz/hostProcess.ts');
      const db = o.db ? resolve(o.db) : undefined;
      if (db && !existsSync(db)) {
        await createScratchTwin(db);
        console.error(`Created a scratch twin at ${db}.`);
      }
      const outDir = resolve(o.out, `seed${o.seed}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
      const progress = progressReporter();
      const summary = await runFuzz({
        target: o.target, db, access: o.target ? { ingestToken: o.token ?? null, wallToken: o.wallToken ?? null } : undefined, count: o.count, seed: o.seed, transports: o.transport, mqtt: o.mqtt, outDir,
        maxCrashes: o.maxCrashes, healthEvery: o.healthEvery, confirm: o.confirm,
        onProgress: progress.onProgress,
        log: (line) => {
          progress.stop();
          console.error(line);
        },
      } satisfies FuzzOptions);
      progress.stop();
      printFuzzSummary(summary, o.count);
      writeFileSync(join(outDir, 'summary.json'), JSON.stringify({ ...summary, stats: summary.stats.map(({ latenciesMs, ...s }) => ({ ...s, p99Ms: p99(latenciesMs) })) }, null, 2) + '\n');
      console.log(`\nWrote ${join(outDir, 'summary.json')}${summary.crashes.length ? ' and the crashing inputs beside it' : ''}`);
      if (summary.crashes.length > 0 || summary.healthFailures > 0) process.exitCode = 1;
    });
}

const n = (x: number): string => Math.round(x).toLocaleString('en');

/** The rows of the summary table (name, value, target, pass), as the bench prints them. */
export function fuzzRows(s: FuzzSummary, count: number): { name: string; value: string; target?: string; pass?: boolean }[] {
  const rows: { name: string; value: string; target?: string; pass?: boolean }[] = [];
  for (const t of s.stats) {
    const rate = t.seconds > 0 ? t.malformed / t.seconds : 0;
    const sendsName = t.transport === 'http' ? 'requests' : t.transport === 'ws' ? 'frames' : 'messages';
    rows.push({
      name: `${t.transport}: malformed inputs sent`,
      value: `${n(t.malformed)} (${n(rate)} inputs/s, ${t.seconds.toFixed(0)} s)`,
      target: `≥ ${n(count)}`,
      pass: t.malformed >= count,
    });
    rows.push({ name: `  ${sendsName} sent (named attacks · valid events among them)`, value: `${n(t.sends)} (${n(t.namedAttacks)} · ${n(t.valid)})` });
    const latency = p99(t.latenciesMs);
    const what = t.transport === 'http' ? 'request → answer' : t.transport === 'ws' ? 'message → ack or close' : 'publish → broker PUBACK';
    rows.push({ name: `  p99 response time (${what})`, value: latency === null ? '–' : `${latency.toFixed(0)} ms` });
    const answers = Object.entries(t.answers).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} × ${n(v)}`);
    for (let i = 0; i < answers.length; i += 3) rows.push({ name: i === 0 ? '  answers' : '', value: answers.slice(i, i + 3).join(' · ') });
    if (t.transport === 'ws') rows.push({ name: '  malformed event lines carried in those frames', value: n(t.linesCarried) });
    if (t.transport !== 'mqtt') {
      rows.push({
        name: t.transport === 'http' ? '  malformed: rejected in replies · refused whole · failed (5xx, none)' : '  malformed lines: rejected in acks · refused (closed) · failed',
        value: `${n(t.rejectedInReplies)} · ${n(t.refusedWhole)} · ${n(t.failed)}`,
        target: 'failed 0',
        pass: t.failed === 0,
      });
    }
    for (const note of t.notes) rows.push({ name: '  note', value: note });
    rows.push({ name: `  host crashes during ${t.transport}`, value: n(t.crashes), target: '0', pass: t.crashes === 0 });
  }
  rows.push({ name: 'health answered 200 within 1 s', value: `${n(s.healthChecks - s.healthFailures)} of ${n(s.healthChecks)}`, target: 'all', pass: s.healthFailures === 0 && s.healthChecks > 0 });
  for (const h of s.healthFailureNotes) rows.push({ name: '  missed', value: h });
  rows.push({ name: 'host crashes (all transports)', value: n(s.crashes.length), target: '0', pass: s.crashes.length === 0 });
  for (const c of s.crashes) {
    rows.push({
      name: `  crash ${c.n} (${c.transport}, after ${n(c.atInput)} inputs)`,
      value: `${c.exit ? `exit ${c.exit.code ?? c.exit.signal}` : 'stopped answering'}${c.crashLoop ? ', crash loop at restart' : ''}; ` +
        `${c.reproducedBy ? `reproduced alone by "${c.reproducedBy}"` : `suspects: ${[...new Set(c.suspects)].slice(0, 3).join('; ') || 'none in flight'}`} → ${c.folder}`,
    });
  }
  if (s.deadLetters !== null) rows.push({ name: 'dead letters written (read from the twin after the run)', value: n(s.deadLetters) });
  if (s.eventsStored !== null) rows.push({ name: 'events stored', value: n(s.eventsStored) });
  if (s.stoppedEarly) rows.push({ name: 'run stopped early', value: s.stoppedEarly });
  rows.push({ name: 'fuzz run', value: `seed ${s.seed}, ${s.seconds.toFixed(0)} s, against ${s.target}` });
  return rows;
}

export function printFuzzSummary(s: FuzzSummary, count: number): void {
  const widths = [66, 60, 16];
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join(' ');
  console.log('\n' + line(['fuzz', 'value', 'target']));
  console.log('-'.repeat(widths.reduce((a, w) => a + w + 1, 0)));
  for (const r of fuzzRows(s, count)) console.log(line([r.name, r.value, r.target ? `${r.target} ${r.pass ? 'PASS' : 'FAIL'}` : '']));
}
