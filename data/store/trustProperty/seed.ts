/**
 * The demo's year of 信托制物业: every residential estate of the twin (its buildings numbered 幢,
 * villages have no property company) becomes a compound under the trust model, with twelve months
 * of public ledger before the twin's last day. Believable, as the Chengdu compounds report it:
 * collection climbs from about 60 % toward 98 % once the accounts are open, disputes fall by about
 * 90 %, the trustee takes its agreed 8–10 % of every fee collected, routine spending follows the
 * council's annual budget and each larger repair has its own vote. Three anomalies are injected so
 * the board has something to flag: a ¥23,600 purchase without a vote, a month where the trustee
 * took 12 %, and a compound whose collection falls three months running (a lift dispute).
 * Deterministic: the same twin and seed give the same ledgers.
 */
import type { DuckDbStore } from '../DuckDbStore.ts';
import { seededStream } from '../../model/random.ts';
import { COMPANY_FEE_SHARE } from '../../model/trustProperty/index.ts';

const STAGE = '_trust_ledger_stage';
const TRUSTEES = [
  '锦诚物业服务有限公司',
  '和悦物业服务有限公司',
  '安居乐业物业管理有限公司',
  '蜀信物业服务有限公司',
  '海晟物业管理有限公司',
];
/** Shares of routine spending (工资 staff is the cleaners' and guards' wages). */
const ROUTINE: [item: string, weight: number, party: string, note: string][] = [
  ['staff', 0.5, '保洁、秩序维护人员', '人员工资及社保'],
  ['cleaning', 0.06, '环卫用品供应商', '保洁耗材、垃圾清运'],
  ['security', 0.1, '安防维保单位', '门岗、监控运维'],
  ['greening', 0.07, '园林养护公司', '绿化养护'],
  ['utilities', 0.12, '国网供电公司', '公共照明、水泵用电'],
  ['elevator', 0.15, '电梯维保单位', '电梯维保、年检'],
];
const REPAIRS: [item: string, note: string][] = [
  ['repairs', '屋面防水维修'],
  ['repairs', '外墙脱落隐患修缮'],
  ['facilities', '非机动车充电桩增设'],
  ['repairs', '雨污管网疏通改造'],
  ['facilities', '儿童游乐设施更新'],
];


interface BuildingRow {
  name: string;
  id: number;
  building_name: string;
  community_id: number | null;
  use_code: number;
  lon: number;
  lat: number;
  households: number;
  sample: number[] | null;
}

interface Row {
  id: string;
  compound: number;
  period: string;
  bookedMs: number;
  kind: string;
  item: string;
  amount: number;
  due: number;
  vote: string | null;
  party: string | null;
  household: number | null;
  note: string | null;
}

/** Midnight of a period's day `day` in Beijing time, as epoch ms. */
const dayMs = (period: string, day: number, hour = 10): number =>
  Date.UTC(Number(period.slice(0, 4)), Number(period.slice(5, 7)) - 1, day, hour - 8);
const addMonths = (period: string, n: number): string => {
  const d = new Date(Date.UTC(Number(period.slice(0, 4)), Number(period.slice(5, 7)) - 1 + n, 1));
  return d.toISOString().slice(0, 7);
};

/** Writes the compounds and their year of ledgers; returns how many compounds. A twin that has them already is left as it is. */
export async function seedTrustProperty(
  store: DuckDbStore,
  seed: number,
  endDay: string,
): Promise<number> {
  const existing = await store.one<{ n: number }>(
    'SELECT count(*)::INTEGER AS n FROM trust_compounds',
  );
  if ((existing?.n ?? 0) > 0) return 0;
  const rows = await store.all<BuildingRow>(/* sql */ `
    SELECT regexp_extract(b.address, '^\\S+ (\\S+) \\d+幢$', 1) AS name, b.id, coalesce(b.name, '') AS building_name, b.community_id, b.use_code::INTEGER AS use_code,
      b.centroid_lon AS lon, b.centroid_lat AS lat, count(h.id)::INTEGER AS households, (list(h.id ORDER BY h.id))[1:3] AS sample
    FROM buildings b LEFT JOIN households h ON h.building_id = b.id
    WHERE b.use_code IN (0, 1) AND regexp_matches(b.address, '^\\S+ \\S+ \\d+幢$')
    GROUP BY ALL HAVING count(h.id) > 0 ORDER BY b.id`);
  const estates = new Map<string, BuildingRow[]>();
  for (const r of rows) {
    const list = estates.get(r.name);
    if (list) list.push(r);
    else estates.set(r.name, [r]);
  }
  const last = addMonths(endDay.slice(0, 7), -1);
  const periods = Array.from({ length: 12 }, (_, i) => addMonths(last, i - 11));
  const ledger: Row[] = [];
  const votes: string[] = [];
  const disputes: string[] = [];
  const compounds: string[] = [];
  const links: string[] = [];
  const q = (s: string | null): string => (s === null ? 'NULL' : `'${s.replaceAll("'", "''")}'`);
  if (estates.size === 0) return 0;
  return store.transaction(async () => {
    await store.run(
      `CREATE TEMP TABLE ${STAGE} (id VARCHAR, compound INTEGER, period VARCHAR, booked DOUBLE, kind VARCHAR, item VARCHAR, amount DOUBLE, due DOUBLE, vote VARCHAR, party VARCHAR, household INTEGER, note VARCHAR)`,
    );
    const a = await store.appender(STAGE);
    /** Appends the rows made so far and forgets them: a large twin's year of ledgers never sits in memory whole. */
    const flush = (): void => {
      for (const r of ledger) {
        a.appendVarchar(r.id);
        a.appendInteger(r.compound);
        a.appendVarchar(`${r.period}-01`);
        a.appendDouble(r.bookedMs);
        a.appendVarchar(r.kind);
        a.appendVarchar(r.item);
        a.appendDouble(r.amount);
        a.appendDouble(r.due);
        for (const v of [r.vote, r.party]) {
          if (v === null) a.appendNull();
          else a.appendVarchar(v);
        }
        if (r.household === null) a.appendNull();
        else a.appendInteger(r.household);
        if (r.note === null) a.appendNull();
        else a.appendVarchar(r.note);
        a.endRow();
      }
      ledger.length = 0;
    };
    let cid = 0;
    for (const [name, buildings] of estates) {
      const id = ++cid;
      const rnd = seededStream(seed * 7919 + id * 104_729);
      const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
      const households = buildings.reduce((s, b) => s + b.households, 0);
      const highrise = buildings.some((b) => b.use_code === 1);
      const share = pick([COMPANY_FEE_SHARE.min, 0.09, COMPANY_FEE_SHARE.max]);
      const fee =
        Math.round(
          ((highrise ? 1.6 + rnd() * 0.6 : 0.6 + rnd() * 0.4) * (highrise ? 95 : 72)) / 1,
        ) * 100;
      const lon = buildings.reduce((s, b) => s + b.lon, 0) / buildings.length;
      const lat = buildings.reduce((s, b) => s + b.lat, 0) / buildings.length;
      compounds.push(
        `(${id}, ${q(name)}, ${buildings[0]!.community_id ?? 'NULL'}, ${households}, ${buildings.length}, ${lon}, ${lat}, ${q(pick(TRUSTEES))}, ${share}, ${fee}, '${periods[0]}-01')`,
      );
      for (const b of buildings) links.push(`(${id}, ${b.id})`);
      const members = pick([5, 7, 7, 9]);
      const vote = (
        n: number,
        at: number,
        title: string,
        item: string | null,
        cap: number | null,
        against = 0,
      ): string => {
        const vid = `TV-${id}-${n}`;
        const no = Math.min(against + (rnd() < 0.4 ? 1 : 0), members);
        const abstain = rnd() < 0.3 && no + 1 < members ? 1 : 0;
        votes.push(
          `(${q(vid)}, ${id}, make_timestamp(${at}::BIGINT * 1000), ${q(title)}, ${q(item)}, ${cap ?? 'NULL'}, ${members - no - abstain}, ${no}, ${abstain}, NULL, 'demo')`,
        );
        return vid;
      };
      const budget = vote(
        0,
        dayMs(periods[0]!, 3),
        `${periods[0]!.slice(0, 4)}年度信托资金预算（保洁、秩序维护、绿化、公共能耗、电梯维保）`,
        null,
        null,
      );
      // Collection climbs from ~60 % toward ~98 %; the third compound's lift dispute drags it down at the end.
      const r0 = 0.55 + rnd() * 0.1;
      const r1 = 0.96 + rnd() * 0.025;
      const tau = 2.5 + rnd() * 2;
      const d0 = Math.max(3, Math.round(households / 12));
      let balance = 0;
      let seq = 0;
      let lastRate = r0;
      const add = (r: Omit<Row, 'id' | 'compound'>): void => {
        ledger.push({
          id: `TL-${id}-${r.period}-${String(++seq).padStart(4, '0')}`,
          compound: id,
          ...r,
        });
        balance += r.kind === 'fee_income' || r.kind === 'other_income' ? r.amount : -r.amount;
      };
      const repairMonths = new Set([3 + Math.floor(rnd() * 3), 7 + Math.floor(rnd() * 3)]);
      periods.forEach((p, i) => {
        const falling = id === 3 && i >= 9;
        const rate = falling
          ? lastRate - 0.08
          : r0 + (r1 - r0) * (1 - Math.exp(-i / tau)) + (rnd() - 0.5) * 0.02;
        lastRate = rate;
        let collected = 0;
        for (const b of buildings) {
          const due = b.households * fee;
          const paid = Math.max(
            0,
            Math.min(
              b.households,
              Math.round(b.households * Math.min(1, rate + (falling ? 0 : (rnd() - 0.5) * 0.06))),
            ),
          );
          collected += paid * fee;
          add({
            period: p,
            bookedMs: dayMs(p, 25 + Math.floor(rnd() * 4)),
            kind: 'fee_income',
            item: 'property_fee',
            amount: paid * fee,
            due,
            vote: null,
            party: `${b.building_name} 业主（${paid}/${b.households} 户）`,
            household: null,
            note: '当月物业费',
          });
        }
        // The trustee's fixed share of what was collected (the second compound's month 8: 12 %).
        const takes = id === 2 && i === 7 ? 0.12 : share;
        add({
          period: p,
          bookedMs: dayMs(p, 28),
          kind: 'company_fee',
          item: 'trustee_fee',
          amount: Math.round(collected * takes),
          due: 0,
          vote: null,
          party: '受托物业公司',
          household: null,
          note: `受托人酬金 ${(takes * 100).toFixed(0)}%`,
        });
        let other = 0;
        const parking =
          Math.round(households * (highrise ? 0.35 : 0.12)) *
          (highrise ? 15_000 : 6_000) *
          (0.9 + rnd() * 0.2);
        other += Math.round(parking);
        add({
          period: p,
          bookedMs: dayMs(p, 20),
          kind: 'other_income',
          item: 'parking',
          amount: Math.round(parking),
          due: 0,
          vote: null,
          party: '停车场收费系统',
          household: null,
          note: '公共车位停车费',
        });
        if (highrise && i % 3 === 0) {
          const ads = Math.round(buildings.length * (300_000 + rnd() * 200_000));
          other += ads;
          add({
            period: p,
            bookedMs: dayMs(p, 15),
            kind: 'other_income',
            item: 'advertising',
            amount: ads,
            due: 0,
            vote: null,
            party: '梯媒广告公司',
            household: null,
            note: '电梯广告位季度收入',
          });
        }
        // Late payments of earlier months by single owners (补缴), with the trustee's share of them.
        if (i >= 3 && id !== 3 && rnd() < 0.5) {
          const owner = pick(buildings.flatMap((b) => b.sample ?? []));
          const months = 1 + Math.floor(rnd() * 3);
          for (let k = 1; k <= months; k++) {
            const lp = periods[i - k]!;
            add({
              period: lp,
              bookedMs: dayMs(p, 10 + k),
              kind: 'fee_income',
              item: 'property_fee',
              amount: fee,
              due: 0,
              vote: null,
              party: null,
              household: owner,
              note: `补缴 ${lp} 物业费`,
            });
            add({
              period: lp,
              bookedMs: dayMs(p, 10 + k),
              kind: 'company_fee',
              item: 'trustee_fee',
              amount: Math.round(fee * share),
              due: 0,
              vote: null,
              party: '受托物业公司',
              household: null,
              note: '补缴物业费的受托人酬金',
            });
          }
        }
        // Routine spending under the annual budget: most of what came in, as the open accounts show.
        const pot = (collected * (1 - takes) + other) * (0.7 + rnd() * 0.1);
        const items = ROUTINE.filter(([item]) => highrise || item !== 'elevator');
        const weights = items.reduce((s, [, w]) => s + w, 0);
        for (const [item, w, party, note] of items) {
          add({
            period: p,
            bookedMs: dayMs(p, 5 + Math.floor(rnd() * 20)),
            kind: 'spending',
            item,
            amount: Math.round((pot * w) / weights),
            due: 0,
            vote: budget,
            party,
            household: null,
            note,
          });
        }
        if (i % 4 === 2)
          add({
            period: p,
            bookedMs: dayMs(p, 18),
            kind: 'spending',
            item: 'activities',
            amount: Math.round(80_000 + rnd() * 150_000),
            due: 0,
            vote: budget,
            party: '社区社会组织',
            household: null,
            note: '业主议事会、邻里节活动',
          });
        if (repairMonths.has(i) && balance > 1_200_000) {
          const [item, note] = pick(REPAIRS);
          const amount = Math.round((balance * (0.3 + rnd() * 0.2)) / 100) * 100;
          const vid = vote(
            i,
            dayMs(p, 4),
            `${note}（预算不超过 ${Math.ceil((amount * 1.1) / 100 / 100) * 100} 元）`,
            item,
            Math.ceil((amount * 1.1) / 10_000) * 10_000,
          );
          add({
            period: p,
            bookedMs: dayMs(p, 22),
            kind: 'spending',
            item,
            amount,
            due: 0,
            vote: vid,
            party: '维修施工单位',
            household: null,
            note,
          });
        }
        // The first compound's camera purchase: up to ¥23,600 and no council decision.
        if (id === 1 && i === 9)
          add({
            period: p,
            bookedMs: dayMs(p, 16),
            kind: 'spending',
            item: 'facilities',
            amount: Math.min(2_360_000, Math.max(600_000, Math.round((balance * 0.6) / 100) * 100)),
            due: 0,
            vote: null,
            party: '安防设备供应商',
            household: null,
            note: '监控摄像头更换（未经业委会表决）',
          });
        const fall = 1 - 0.9 * (1 - Math.exp(-i / 3.2));
        const dispute =
          id === 3 && i >= 9
            ? Math.round(d0 * 0.4)
            : Math.max(0, Math.round(d0 * fall + (rnd() - 0.5) * 2));
        disputes.push(`(${id}, '${p}-01', ${dispute})`);
      });
      flush();
    }
    a.closeSync();
    await store.run(
      `INSERT INTO trust_ledger SELECT id, compound, period::DATE, make_timestamp(booked::BIGINT * 1000), kind, item, amount::BIGINT, due::BIGINT, vote, party, household, note, 'demo' FROM ${STAGE}`,
    );
    await store.run(`DROP TABLE ${STAGE}`);
    for (let i = 0; i < compounds.length; i += 500)
      await store.run(
        `INSERT INTO trust_compounds VALUES ${compounds.slice(i, i + 500).join(',')}`,
      );
    for (let i = 0; i < links.length; i += 2000)
      await store.run(
        `INSERT INTO trust_compound_buildings VALUES ${links.slice(i, i + 2000).join(',')}`,
      );
    for (let i = 0; i < votes.length; i += 500)
      await store.run(`INSERT INTO trust_votes VALUES ${votes.slice(i, i + 500).join(',')}`);
    for (let i = 0; i < disputes.length; i += 2000)
      await store.run(`INSERT INTO trust_disputes VALUES ${disputes.slice(i, i + 2000).join(',')}`);
    return cid;
  });
}
