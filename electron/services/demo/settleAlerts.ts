/**
 * The demo's meter-alert backlog as a well-run street has it. The generated district's meter
 * history ends with a few hundred anomalies at once (it is made to test the detector's recall),
 * so a fresh twin opens with ~300 open alerts, all raised the same morning. A demo instead shows
 * the month behind it: each alert raised on a day of the last 30, acknowledged within half an
 * hour and closed by a visit with its outcome — in the audit log and the event log at those
 * times — and only the few the story needs still open, raised this morning.
 *
 * Only for the sealed demo twin (`civictwin demo`), never for a district's own data.
 */
import { randomUUID } from 'node:crypto';
import type { DuckDbStore } from '../../../data/store/DuckDbStore.ts';
import { Rng } from '../../../data/model/random.ts';
import { CareFlag } from '../../../data/model/domain.ts';
import { appendAudit } from '../audit.ts';
import { recordConsoleEvent } from '../consoleEvents.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;

/** What grid workers write after a visit, by anomaly kind and outcome (simulated, 模拟数据). */
const VISIT_NOTES: Record<string, { outcome: 'safe' | 'needed_help' | 'false_alarm'; weight: number; notes: string[] }[]> = {
  no_usage: [
    { outcome: 'safe', weight: 70, notes: ['已见到本人，去女儿家住了几天', '本人外出住院陪护，已电话确认', '本人在家，身体无恙'] },
    { outcome: 'needed_help', weight: 20, notes: ['老人在家摔倒，已联系社区医生送医', '老人发烧卧床，已送药并通知家属'] },
    { outcome: 'false_alarm', weight: 10, notes: ['水表读数故障，已报修', '已搬离，户籍信息待更新'] },
  ],
  night_flow: [
    { outcome: 'needed_help', weight: 60, notes: ['卫生间水管渗漏，已联系物业维修', '马桶水箱漏水，已协助关阀报修'] },
    { outcome: 'false_alarm', weight: 40, notes: ['夜间洗衣，属正常用水', '水表读数故障，已报修'] },
  ],
  sudden_change: [
    { outcome: 'safe', weight: 80, notes: ['家中新增住户（子女回家），用量正常', '新装热水器，用电增加'] },
    { outcome: 'false_alarm', weight: 20, notes: ['电表更换后读数跳变'] },
  ],
};

export interface SettledBacklog {
  settled: number;
  keptOpen: string[];
}

/**
 * Settles every open alert but the `keepOpen` most telling ones (elderly living alone with no
 * usage first): spread over the last 30 days before `nowMs`, acknowledged and visited then.
 * Deterministic for a seed.
 */
export async function settleDemoAlerts(store: DuckDbStore, nowMs: number, keepOpen = 2, seed = 1): Promise<SettledBacklog> {
  const open = await store.all<{ id: string; kind: string; building_id: number; elderly_alone: boolean; score: number }>(
    `SELECT a.id, a.kind, a.building_id, coalesce((h.care_flags & ${CareFlag.ElderlyAlone}) <> 0, false) AS elderly_alone, a.score
       FROM meter_alerts a LEFT JOIN households h ON h.id = a.household_id
      WHERE a.status = 'open' ORDER BY a.id`,
  );
  const rng = new Rng(seed);
  // The story's: no-usage alerts first (the case the alert exists for), highest score first.
  const telling = (a: (typeof open)[number]): number => Number(a.kind === 'no_usage') * 2 + Number(a.elderly_alone);
  const ranked = [...open].sort((a, b) => telling(b) - telling(a) || b.score - a.score || a.id.localeCompare(b.id));
  const kept = new Set(ranked.slice(0, keepOpen).map((a) => a.id));
  const worker = await store.all<{ callsign: string }>('SELECT callsign FROM grid_workers ORDER BY id LIMIT 40').catch(() => []);
  let settled = 0;
  await store.transaction(async () => {
    for (const [i, a] of open.entries()) {
      if (kept.has(a.id)) {
        // Raised this morning, as the story tells it, not days ago.
        const raised = nowMs - (25 + Math.floor(rng.next() * 50)) * MIN;
        await store.run('UPDATE meter_alerts SET raised_at = epoch_ms($t::BIGINT) WHERE id = $id', { id: a.id, t: raised });
        continue;
      }
      const raised = nowMs - DAY * (1 + rng.next() * 29) - HOUR * rng.next() * 6;
      const acknowledged = raised + (4 + rng.next() * 26) * MIN;
      const closed = Math.min(nowMs - 10 * MIN, acknowledged + (30 + rng.next() * 150) * MIN);
      const choices = VISIT_NOTES[a.kind] ?? VISIT_NOTES.no_usage!;
      let r = rng.next() * choices.reduce((s, c) => s + c.weight, 0);
      const choice = choices.find((c) => (r -= c.weight) < 0) ?? choices[0]!;
      const note = choice.notes[Math.floor(rng.next() * choice.notes.length)]!;
      const actor = worker.length > 0 ? `${worker[i % worker.length]!.callsign}（模拟）` : '网格员（模拟）';
      await store.run(
        `UPDATE meter_alerts SET raised_at = epoch_ms($r::BIGINT), status = 'closed', acknowledged_at = epoch_ms($a::BIGINT),
           acknowledged_by = $who, outcome = $o, outcome_reason = $note, closed_at = epoch_ms($c::BIGINT) WHERE id = $id`,
        { id: a.id, r: raised, a: acknowledged, c: closed, who: actor, o: choice.outcome, note },
      );
      await recordConsoleEvent(store, `demo-${randomUUID()}`, 'alert.acknowledged', { alertId: a.id, actor }, acknowledged);
      await recordConsoleEvent(store, `demo-${randomUUID()}`, 'alert.outcome', { alertId: a.id, actor, outcome: choice.outcome, reason: note }, closed);
      settled++;
    }
  });
  // The audit log in time order: the acknowledgements and visits as they happened.
  const rows = await store.all<{ id: string; acknowledged_by: string; ack: number; closed: number; outcome: string; outcome_reason: string }>(
    `SELECT id, acknowledged_by, epoch_ms(acknowledged_at) AS ack, epoch_ms(closed_at) AS closed, outcome, outcome_reason
       FROM meter_alerts WHERE status = 'closed' AND acknowledged_by LIKE '%（模拟）' ORDER BY acknowledged_at`,
  );
  const entries = rows.flatMap((r) => [
    { actor: r.acknowledged_by, action: 'alert.acknowledge', subject: `alert:${r.id}`, reason: null, atMs: Number(r.ack) },
    { actor: r.acknowledged_by, action: 'alert.outcome', subject: `alert:${r.id}`, reason: `${r.outcome}: ${r.outcome_reason}`, atMs: Number(r.closed) },
  ]);
  entries.sort((x, y) => x.atMs - y.atMs);
  for (const e of entries) await appendAudit(store, e);
  return { settled, keptOpen: [...kept] };
}
