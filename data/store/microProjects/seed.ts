/**
 * The demo's year of 民生微实事: every community of the twin gets a yearly allocation (¥2–3 million,
 * as Shenzhen communities do) and a residents' council, and 10–25 projects over the year before the
 * twin's last day — stair-lift handrails, stairwell lighting, ageing-friendly retrofits, pocket
 * parks, e-bike charging sheds, service points, elderly care and after-school classes — each
 * proposed (by the council, a petition, a questionnaire, a visit or online), voted on (a few voted
 * down), awarded to a social organisation or contractor within the allocation, delivered in
 * milestones with photos, accepted and rated by the residents (about 95 % satisfied). The later
 * ones are still being voted on or under way. Three anomalies are injected so the board has
 * something to flag: the first community awards a project without a council vote, the second
 * awards one that takes it over its allocation, the third has a milestone three weeks overdue.
 * Deterministic: the same twin, seed and last day give the same projects.
 */
import type { DuckDbStore } from '../DuckDbStore.ts';
import { seededStream } from '../../model/random.ts';
import { PROJECT_ITEMS, dayOf, type ProjectCategory, type ProjectItem, type ProjectStage, type ProposerKind } from '../../model/microProjects/index.ts';

const DAY = 86_400_000;
const STAGE = '_micro_ratings_stage';

/** Who delivers each category. */
const ORGANISATIONS: Record<ProjectCategory, readonly string[]> = {
  works: ['深圳市安居建设工程有限公司', '粤鹏建筑装饰工程有限公司', '鹏城市政园林工程有限公司', '南粤照明工程有限公司'],
  services: ['深圳市幸福家园社工服务中心', '鹏城长者关爱协会', '邻里乐社区发展中心', '启航青少年服务社'],
  goods: ['康乐体育器材有限公司', '安心急救设备有限公司', '深圳市惠民商贸有限公司'],
};
/** Items with their weight, budget range (yuan) and title. */
const ITEMS: [item: ProjectItem, weight: number, min: number, max: number, title: (building: string, community: string) => string][] = [
  ['handrails', 3, 50_000, 150_000, (b) => `${b}加装电梯扶手`],
  ['stair_lighting', 3, 50_000, 120_000, (b) => `${b}楼道照明改造`],
  ['ageing_retrofit', 2, 150_000, 450_000, (b) => `${b}适老化改造`],
  ['pocket_park', 1, 250_000, 500_000, (_, c) => `${c}口袋公园`],
  ['ebike_shed', 2, 80_000, 250_000, (b) => `${b}电动自行车充电棚`],
  ['service_point', 1, 100_000, 300_000, (_, c) => `${c}便民服务点`],
  ['elderly_care', 2, 80_000, 300_000, (_, c) => `${c}长者助餐与探访服务`],
  ['after_school', 2, 50_000, 200_000, (_, c) => `${c}“四点半课堂”`],
  ['culture_sports', 1, 50_000, 150_000, (_, c) => `${c}邻里文化节`],
  ['fitness_equipment', 1, 50_000, 180_000, (_, c) => `${c}健身器材更新`],
  ['first_aid', 1, 50_000, 100_000, (_, c) => `${c}AED 及急救包配置`],
];
const MILESTONES: Record<ProjectCategory, [title: string, percent: number, days: number][]> = {
  works: [
    ['签订合同、进场施工', 10, 10],
    ['主体施工完成', 60, 35],
    ['完工自检', 100, 60],
  ],
  services: [
    ['启动活动', 20, 14],
    ['中期服务', 60, 60],
    ['服务结项', 100, 110],
  ],
  goods: [
    ['采购下单', 30, 10],
    ['到货安装', 100, 30],
  ],
};
const PROPOSERS: ProposerKind[] = ['council', 'council', 'petition', 'survey', 'survey', 'visit', 'online'];


interface Project {
  id: string;
  title: string;
  item: ProjectItem;
  category: ProjectCategory;
  proposer: ProposerKind;
  proposedMs: number;
  stage: ProjectStage;
  budget: number;
  spent: number;
  organisation: string | null;
  building: number | null;
  lon: number;
  lat: number;
  vote: [number, number, number] | null;
  votedMs: number | null;
  awardedMs: number | null;
  acceptedMs: number | null;
  milestones: { title: string; due: string; done: string | null; percent: number; photo: string | null; recordedMs: number }[];
  ratings: { ms: number; score: number }[];
}

/** Writes the allocations and the year's projects; returns how many projects. A twin that has them already is left as it is. */
export async function seedMicroProjects(store: DuckDbStore, seed: number, endDay: string): Promise<number> {
  const existing = await store.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM micro_allocations');
  if ((existing?.n ?? 0) > 0) return 0;
  const communities = await store.all<{ id: number; name: string }>("SELECT id, name FROM areas WHERE level = 'community' ORDER BY id");
  const buildings = await store.all<{ id: number; community_id: number; address: string; lon: number; lat: number }>(/* sql */ `
    SELECT b.id, b.community_id, b.address, b.centroid_lon AS lon, b.centroid_lat AS lat FROM buildings b
    WHERE b.community_id IS NOT NULL AND EXISTS (SELECT 1 FROM households h WHERE h.building_id = b.id) ORDER BY b.id`);
  const byCommunity = new Map<number, typeof buildings>();
  for (const b of buildings) byCommunity.set(b.community_id, [...(byCommunity.get(b.community_id) ?? []), b]);
  const endMs = Date.parse(`${endDay}T00:00:00+08:00`) + DAY - 1;
  const year = Number(endDay.slice(0, 4));
  const startMs = endMs - 330 * DAY;
  const q = (s: string | null): string => (s === null ? 'NULL' : `'${s.replaceAll("'", "''")}'`);
  const ts = (ms: number | null): string => (ms === null ? 'NULL' : `make_timestamp(${Math.round(ms)}::BIGINT * 1000)`);
  const allocations: string[] = [];
  const projects: Project[] = [];
  const withBuildings = communities.filter((c) => (byCommunity.get(c.id) ?? []).length > 0);
  withBuildings.forEach((c, ci) => {
    const rnd = seededStream(seed * 6151 + c.id * 92_821);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)]!;
    const between = (a: number, b: number): number => a + rnd() * (b - a);
    const homes = byCommunity.get(c.id)!;
    const allocation = (200 + Math.floor(rnd() * 11) * 10) * 10_000 * 100;
    const members = pick([11, 13, 15, 17, 19]);
    allocations.push(`(${c.id}, ${year}, ${allocation}, ${members})`);
    const n = 10 + Math.floor(rnd() * 16);
    const weights = ITEMS.reduce((s, i) => s + i[1], 0);
    const mine: Project[] = [];
    for (let i = 0; i < n; i++) {
      let w = rnd() * weights;
      const spec = ITEMS.find((it) => (w -= it[1]) < 0) ?? ITEMS[0]!;
      const [item, , min, max, title] = spec;
      const category = PROJECT_ITEMS[item];
      const b = pick(homes);
      const label = b.address.split(' ').slice(-2).join('');
      const outdoor = item === 'pocket_park' || item === 'ebike_shed';
      mine.push({
        id: `MP-${c.id}-${String(i + 1).padStart(2, '0')}`,
        title: title(label, c.name),
        item,
        category,
        proposer: pick(PROPOSERS),
        // Spread over the year up to the last weeks, so the latest few are still before the council.
        proposedMs: Math.min(endMs - DAY, startMs + (i / (n - 1)) * 322 * DAY + rnd() * 6 * DAY),
        stage: 'proposed',
        budget: Math.round(between(min, max) / 100) * 100 * 100,
        spent: 0,
        organisation: null,
        building: outdoor ? null : b.id,
        lon: b.lon + (outdoor ? (rnd() - 0.5) * 0.0008 : 0),
        lat: b.lat + (outdoor ? (rnd() - 0.5) * 0.0008 : 0),
        vote: null,
        votedMs: null,
        awardedMs: null,
        acceptedMs: null,
        milestones: [],
        ratings: [],
      });
    }
    // The council keeps the year within about 90 % of the allocation: budgets are scaled down if they would not fit.
    const total = mine.reduce((s, p) => s + p.budget, 0);
    if (total > allocation * 0.9) for (const p of mine) p.budget = Math.max(5_000_000, Math.round((p.budget * allocation * 0.9) / total / 10_000) * 10_000);
    for (const p of mine) {
      const votedMs = p.proposedMs + between(14, 30) * DAY;
      if (votedMs > endMs) {
        p.stage = endMs - p.proposedMs > 7 * DAY ? 'voting' : 'proposed';
        continue;
      }
      const down = rnd() < 0.08;
      const cast = members - Math.floor(rnd() * 3);
      const against = down ? Math.ceil(cast / 2) + Math.floor(rnd() * 2) : Math.floor(rnd() * 3);
      const abstain = down ? 0 : Math.floor(rnd() * 2);
      p.vote = [cast - against - abstain, against, abstain];
      p.votedMs = votedMs;
      p.stage = 'voting';
      if (down) {
        p.stage = 'rejected';
        continue;
      }
      const awardedMs = votedMs + between(10, 21) * DAY;
      if (awardedMs > endMs) continue;
      p.awardedMs = awardedMs;
      p.organisation = pick(ORGANISATIONS[p.category]);
      p.stage = 'awarded';
      p.spent = Math.round(p.budget * 0.3);
      // Milestones still ahead are due a month or more after the last day, so a demo twin opened in the weeks after it shows no overdue but the injected one.
      let ahead = endMs + 30 * DAY;
      for (const [seq, [title, percent, days]] of MILESTONES[p.category].entries()) {
        let dueMs = awardedMs + days * DAY * between(0.9, 1.2);
        const doneMs = Math.min(endMs, dueMs - between(-2, 5) * DAY);
        const done = dueMs <= endMs;
        if (!done) {
          dueMs = Math.max(dueMs, ahead);
          ahead = dueMs + 20 * DAY;
        }
        p.milestones.push({ title, due: dayOf(dueMs), done: done ? dayOf(doneMs) : null, percent, photo: done ? `micro/${p.id}/${seq + 1}.jpg` : null, recordedMs: done ? doneMs : awardedMs });
        if (done) p.stage = 'in_progress';
      }
      const last = p.milestones.at(-1)!;
      if (last.done === null) continue;
      const acceptedMs = Date.parse(`${last.done}T10:00:00+08:00`) + between(5, 12) * DAY;
      if (acceptedMs > endMs) continue;
      p.stage = 'accepted';
      p.acceptedMs = acceptedMs;
      p.spent = Math.round((p.budget * between(0.92, 1)) / 100) * 100;
      const raters = 20 + Math.floor(rnd() * 41);
      for (let k = 0; k < raters; k++) {
        const ms = Math.min(endMs, acceptedMs + between(1, 25) * DAY);
        const satisfied = rnd() < 0.955;
        p.ratings.push({ ms, score: satisfied ? (rnd() < 0.7 ? 5 : 4) : pick([3, 3, 3, 2, 1]) });
      }
    }
    // The injected anomalies, in the first three communities.
    const underway = mine.filter((p) => p.stage === 'in_progress' || p.stage === 'accepted');
    if (ci === 0 && underway.length > 0) {
      const p = underway[Math.floor(underway.length / 2)]!;
      p.vote = null;
      p.votedMs = null;
      p.proposer = 'visit';
    }
    if (ci === 1) {
      const used = mine.reduce((s, p) => s + (['awarded', 'in_progress', 'accepted'].includes(p.stage) ? Math.max(p.budget, p.spent) : 0), 0);
      const b = homes[0]!;
      const label = b.address.split(' ').slice(-2).join('');
      // The year's last award: the one that takes spent + committed over the allocation.
      const awardedMs = Math.min(endMs - DAY, Math.max(endMs - 20 * DAY, ...mine.map((p) => (p.awardedMs ?? 0) + DAY)));
      const budget = Math.max(allocation - used + 80_000_00, 150_000_00);
      mine.push({
        id: `MP-${c.id}-${String(mine.length + 1).padStart(2, '0')}`,
        title: `${label}适老化改造（二期）`,
        item: 'ageing_retrofit',
        category: 'works',
        proposer: 'council',
        proposedMs: awardedMs - 40 * DAY,
        stage: 'awarded',
        budget,
        spent: Math.round(budget * 0.3),
        organisation: ORGANISATIONS.works[0]!,
        building: b.id,
        lon: b.lon,
        lat: b.lat,
        vote: [members - 2, 1, 1],
        votedMs: awardedMs - 15 * DAY,
        awardedMs,
        acceptedMs: null,
        milestones: MILESTONES.works.map(([title, percent, days]) => ({ title, due: dayOf(endMs + (20 + days) * DAY), done: null, percent, photo: null, recordedMs: awardedMs })),
        ratings: [],
      });
    }
    if (ci === 2) {
      const b = homes[homes.length - 1]!;
      const label = b.address.split(' ').slice(-2).join('');
      const awardedMs = endMs - 75 * DAY;
      mine.push({
        id: `MP-${c.id}-${String(mine.length + 1).padStart(2, '0')}`,
        title: `${label}楼道照明改造（二期）`,
        item: 'stair_lighting',
        category: 'works',
        proposer: 'petition',
        proposedMs: awardedMs - 45 * DAY,
        stage: 'in_progress',
        budget: 9_800_000,
        spent: 2_940_000,
        organisation: ORGANISATIONS.works[3]!,
        building: b.id,
        lon: b.lon,
        lat: b.lat,
        vote: [members - 1, 1, 0],
        votedMs: awardedMs - 20 * DAY,
        awardedMs,
        acceptedMs: null,
        milestones: [
          { title: '签订合同、进场施工', due: dayOf(awardedMs + 10 * DAY), done: dayOf(awardedMs + 9 * DAY), percent: 10, photo: `micro/MP-${c.id}-x/1.jpg`, recordedMs: awardedMs + 9 * DAY },
          { title: '主体施工完成', due: dayOf(endMs - 21 * DAY), done: null, percent: 60, photo: null, recordedMs: awardedMs },
          { title: '完工自检', due: dayOf(endMs + 20 * DAY), done: null, percent: 100, photo: null, recordedMs: awardedMs },
        ],
        ratings: [],
      });
      mine.at(-1)!.milestones[0]!.photo = `micro/${mine.at(-1)!.id}/1.jpg`;
    }
    projects.push(...mine);
  });
  if (allocations.length === 0) return 0;
  return store.transaction(async () => {
    for (let i = 0; i < allocations.length; i += 500) await store.run(`INSERT INTO micro_allocations VALUES ${allocations.slice(i, i + 500).join(',')}`);
    const rows = projects.map(
      (p) =>
        `(${q(p.id)}, ${Number(p.id.split('-')[1])}, ${year}, ${q(p.title)}, NULL, ${q(p.category)}, ${q(p.item)}, ${q(p.proposer)}, ${ts(p.proposedMs)}, ${q(p.stage)}, ${p.budget}, ${p.spent}, ${q(p.organisation)}, ${p.building ?? 'NULL'}, ${p.lon}, ${p.lat}, ${p.vote?.[0] ?? 'NULL'}, ${p.vote?.[1] ?? 'NULL'}, ${p.vote?.[2] ?? 'NULL'}, ${ts(p.votedMs)}, ${ts(p.awardedMs)}, ${ts(p.acceptedMs)}, 'demo')`,
    );
    for (let i = 0; i < rows.length; i += 500) await store.run(`INSERT INTO micro_projects VALUES ${rows.slice(i, i + 500).join(',')}`);
    const ms = projects.flatMap((p) => p.milestones.map((m, k) => `(${q(p.id)}, ${k + 1}, ${q(m.title)}, '${m.due}', ${m.done ? `'${m.done}'` : 'NULL'}, ${m.percent}, ${q(m.photo)}, ${ts(m.recordedMs)}, 'demo')`));
    for (let i = 0; i < ms.length; i += 1000) await store.run(`INSERT INTO micro_milestones VALUES ${ms.slice(i, i + 1000).join(',')}`);
    await store.run(`CREATE TEMP TABLE ${STAGE} (project VARCHAR, at_ms DOUBLE, score INTEGER)`);
    const a = await store.appender(STAGE);
    for (const p of projects)
      for (const r of p.ratings) {
        a.appendVarchar(p.id);
        a.appendDouble(r.ms);
        a.appendInteger(r.score);
        a.endRow();
      }
    a.closeSync();
    await store.run(`INSERT INTO micro_ratings SELECT project, make_timestamp(at_ms::BIGINT * 1000), score, 'demo' FROM ${STAGE}`);
    await store.run(`DROP TABLE ${STAGE}`);
    return projects.length;
  });
}
