/**
 * 民生微实事's figures from DuckDB: each community's year (allocation, projects by stage, spent and
 * committed, satisfaction), the board of one community or all (budget against the allocation,
 * projects by stage and category, satisfaction by month, the projects with their progress) and a
 * project in full. Budget sums and satisfaction are computed in SQL; the flags are the model's
 * rules (data/model/microProjects) applied to the projects read. A community id of null means
 * every community together.
 */
import type { DuckDbStore } from '../DuckDbStore.ts';
import {
  COMMITTED_STAGES,
  SATISFIED_SCORE,
  budgetOf,
  councilPassed,
  emptyStages,
  microAnomaliesOf,
  type BudgetBalance,
  type CouncilVote,
  type MicroAnomaly,
  type MicroBoard,
  type MicroCommunitySummary,
  type MicroProjectDetail,
  type MicroProjectRow,
  type MilestoneFacts,
  type ProjectCategory,
  type ProjectFacts,
  type ProjectItem,
  type ProjectStage,
  type ProposerKind,
} from '../../model/microProjects/index.ts';

/** `p.community_id = 12`, or TRUE for every community (ids are validated integers; never text). */
const only = (communityId: number | null, column = 'p.community_id'): string => {
  if (communityId === null) return 'TRUE';
  if (!Number.isInteger(communityId)) throw new RangeError('A community id is an integer.');
  return `${column} = ${communityId}`;
};
const COMMITTED_SQL = `(${COMMITTED_STAGES.map((s) => `'${s}'`).join(', ')})`;

/** The latest year with allocations, or null for a twin without 民生微实事. */
export async function microYear(store: DuckDbStore): Promise<number | null> {
  const r = await store.one<{ y: number | null }>('SELECT max(year)::INTEGER AS y FROM micro_allocations');
  return r?.y ?? null;
}

interface ProjectRowSql {
  id: string;
  community_id: number;
  community_name: string;
  year: number;
  title: string;
  description: string | null;
  category: ProjectCategory;
  item: ProjectItem;
  proposer_kind: ProposerKind;
  proposed_at: number;
  stage: ProjectStage;
  budget: number;
  spent: number;
  organisation: string | null;
  building_id: number | null;
  lon: number;
  lat: number;
  votes_for: number | null;
  votes_against: number | null;
  votes_abstain: number | null;
  awarded_at: number | null;
  accepted_at: number | null;
  members: number;
  allocation: number;
  ratings: number;
  satisfied: number;
}

const PROJECTS_SQL = (where: string): string => /* sql */ `
  WITH r AS (SELECT project_id, count(*)::INTEGER AS ratings, count(*) FILTER (WHERE score >= ${SATISFIED_SCORE})::INTEGER AS satisfied FROM micro_ratings GROUP BY project_id)
  SELECT p.id, p.community_id, coalesce(a.name, '') AS community_name, p.year, p.title, p.description, p.category, p.item, p.proposer_kind,
    epoch_ms(p.proposed_at)::DOUBLE AS proposed_at, p.stage, p.budget_fen::DOUBLE AS budget, p.spent_fen::DOUBLE AS spent, p.organisation,
    p.building_id, p.lon, p.lat, p.votes_for::INTEGER AS votes_for, p.votes_against::INTEGER AS votes_against, p.votes_abstain::INTEGER AS votes_abstain,
    epoch_ms(p.awarded_at)::DOUBLE AS awarded_at, epoch_ms(p.accepted_at)::DOUBLE AS accepted_at,
    coalesce(al.council_members, 0)::INTEGER AS members, coalesce(al.allocation_fen, 0)::DOUBLE AS allocation,
    coalesce(r.ratings, 0) AS ratings, coalesce(r.satisfied, 0) AS satisfied
  FROM micro_projects p LEFT JOIN areas a ON a.id = p.community_id
  LEFT JOIN micro_allocations al ON al.community_id = p.community_id AND al.year = p.year
  LEFT JOIN r ON r.project_id = p.id
  WHERE ${where}
  ORDER BY p.community_id, p.proposed_at, p.id`;

interface MilestoneRowSql {
  project_id: string;
  seq: number;
  title: string;
  due: string;
  done: string | null;
  percent: number;
  photo: string | null;
  recorded_at: number;
}

const milestoneRows = (store: DuckDbStore, where: string): Promise<MilestoneRowSql[]> =>
  store.all<MilestoneRowSql>(/* sql */ `
    SELECT m.project_id, m.seq, m.title, strftime(m.due, '%Y-%m-%d') AS due, strftime(m.done, '%Y-%m-%d') AS done, m.percent::INTEGER AS percent, m.photo,
      epoch_ms(m.recorded_at)::DOUBLE AS recorded_at
    FROM micro_milestones m JOIN micro_projects p ON p.id = m.project_id WHERE ${where} ORDER BY m.project_id, m.seq`);

const voteOf = (r: ProjectRowSql): CouncilVote | null => (r.votes_for === null ? null : { for: r.votes_for, against: r.votes_against ?? 0, abstain: r.votes_abstain ?? 0 });

interface Loaded {
  rows: ProjectRowSql[];
  milestones: Map<string, MilestoneRowSql[]>;
  facts: ProjectFacts[];
  anomalies: MicroAnomaly[];
}

/** The projects of `where` with their milestones, and the rules' flags as of `today`. */
async function load(store: DuckDbStore, where: string, today: string): Promise<Loaded> {
  const rows = await store.all<ProjectRowSql>(PROJECTS_SQL(where));
  const milestones = new Map<string, MilestoneRowSql[]>();
  for (const m of await milestoneRows(store, where)) {
    const list = milestones.get(m.project_id);
    if (list) list.push(m);
    else milestones.set(m.project_id, [m]);
  }
  const facts: ProjectFacts[] = rows.map((r) => ({
    id: r.id,
    communityId: r.community_id,
    year: r.year,
    category: r.category,
    stage: r.stage,
    budgetFen: r.budget,
    spentFen: r.spent,
    vote: voteOf(r),
    awardedAt: r.awarded_at,
    milestones: (milestones.get(r.id) ?? []).map((m) => ({ seq: m.seq, title: m.title, due: m.due, done: m.done, percent: m.percent, photo: m.photo })),
  }));
  const allocations = new Map(rows.map((r) => [`${r.community_id}:${r.year}`, { allocationFen: r.allocation, members: r.members }]));
  return { rows, milestones, facts, anomalies: microAnomaliesOf(facts, allocations, today) };
}

function toRow(r: ProjectRowSql, ms: readonly MilestoneFacts[], anomalies: readonly MicroAnomaly[]): MicroProjectRow {
  const vote = voteOf(r);
  const done = ms.filter((m) => m.done !== null);
  const next = ms.find((m) => m.done === null) ?? null;
  return {
    id: r.id,
    communityId: r.community_id,
    communityName: r.community_name,
    title: r.title,
    category: r.category,
    item: r.item,
    proposerKind: r.proposer_kind,
    stage: r.stage,
    proposedAt: r.proposed_at,
    budgetFen: r.budget,
    spentFen: r.spent,
    organisation: r.organisation,
    lon: r.lon,
    lat: r.lat,
    buildingId: r.building_id,
    vote,
    votePassed: councilPassed(vote, r.members),
    milestonesDone: done.length,
    milestonesTotal: ms.length,
    progress: r.stage === 'accepted' ? 100 : done.reduce((p, m) => Math.max(p, m.percent), 0),
    next: next ? { title: next.title, due: next.due } : null,
    satisfaction: r.ratings > 0 ? r.satisfied / r.ratings : null,
    ratings: r.ratings,
    flags: anomalies.filter((a) => a.projectId === r.id).map((a) => a.kind),
  };
}

/** Every community with an allocation in `year` (or one), with its year's figures. */
export async function microCommunities(store: DuckDbStore, today: string, communityId: number | null = null, year?: number | null): Promise<MicroCommunitySummary[]> {
  const y = year ?? (await microYear(store));
  if (y === null) return [];
  const where = `${only(communityId)} AND p.year = ${y}`;
  const communities = await store.all<{ id: number; name: string; allocation: number; members: number; lon: number | null; lat: number | null }>(/* sql */ `
    SELECT al.community_id AS id, coalesce(a.name, '') AS name, al.allocation_fen::DOUBLE AS allocation, al.council_members::INTEGER AS members,
      (SELECT avg(centroid_lon) FROM buildings b WHERE b.community_id = al.community_id) AS lon,
      (SELECT avg(centroid_lat) FROM buildings b WHERE b.community_id = al.community_id) AS lat
    FROM micro_allocations al LEFT JOIN areas a ON a.id = al.community_id
    WHERE al.year = ${y} AND ${only(communityId, 'al.community_id')} ORDER BY al.community_id`);
  const sums = new Map(
    (
      await store.all<{ id: number; stage: ProjectStage; n: number; spent: number; held: number; ratings: number; satisfied: number }>(/* sql */ `
        WITH r AS (SELECT project_id, count(*) AS n, count(*) FILTER (WHERE score >= ${SATISFIED_SCORE}) AS ok FROM micro_ratings GROUP BY project_id)
        SELECT p.community_id AS id, p.stage, count(*)::INTEGER AS n,
          coalesce(sum(p.spent_fen) FILTER (WHERE p.stage IN ${COMMITTED_SQL}), 0)::DOUBLE AS spent,
          coalesce(sum(greatest(p.budget_fen, p.spent_fen) - p.spent_fen) FILTER (WHERE p.stage IN ${COMMITTED_SQL}), 0)::DOUBLE AS held,
          coalesce(sum(r.n), 0)::INTEGER AS ratings, coalesce(sum(r.ok), 0)::INTEGER AS satisfied
        FROM micro_projects p LEFT JOIN r ON r.project_id = p.id WHERE ${where} GROUP BY ALL`)
    ).reduce((m, r) => m.set(r.id, [...(m.get(r.id) ?? []), r]), new Map<number, { stage: ProjectStage; n: number; spent: number; held: number; ratings: number; satisfied: number }[]>()),
  );
  const { anomalies } = await load(store, where, today);
  return communities.map((c) => {
    const byStage = emptyStages();
    let spent = 0;
    let held = 0;
    let ratings = 0;
    let satisfied = 0;
    for (const s of sums.get(c.id) ?? []) {
      byStage[s.stage] = s.n;
      spent += s.spent;
      held += s.held;
      ratings += s.ratings;
      satisfied += s.satisfied;
    }
    return {
      id: c.id,
      name: c.name,
      lon: c.lon ?? 0,
      lat: c.lat ?? 0,
      year: y,
      allocationFen: c.allocation,
      councilMembers: c.members,
      projects: Object.values(byStage).reduce((a, b) => a + b, 0),
      byStage,
      spentFen: spent,
      committedFen: held,
      satisfaction: ratings > 0 ? satisfied / ratings : null,
      ratings,
      anomalies: anomalies.filter((a) => a.communityId === c.id).length,
    };
  });
}

/** A community's board of the latest year (null: every community together). */
export async function microBoard(store: DuckDbStore, communityId: number | null, today: string): Promise<MicroBoard> {
  const started = performance.now();
  const y = (await microYear(store)) ?? Number(today.slice(0, 4));
  const communities = await microCommunities(store, today, communityId, y);
  if (communityId !== null && communities.length === 0) throw new RangeError(`No community has 民生微实事 with id ${communityId}.`);
  const where = `${only(communityId)} AND p.year = ${y}`;
  const { rows, facts, anomalies } = await load(store, where, today);
  const msOf = new Map(facts.map((f) => [f.id, f.milestones]));
  const projects = rows.map((r) => toRow(r, msOf.get(r.id) ?? [], anomalies));
  const budgets = communities.map((c) => ({ communityId: c.id, name: c.name, budget: budgetOf(c.allocationFen, facts.filter((f) => f.communityId === c.id)) }));
  const budget: BudgetBalance = budgets.reduce<BudgetBalance>(
    (s, b) => ({ allocationFen: s.allocationFen + b.budget.allocationFen, spentFen: s.spentFen + b.budget.spentFen, committedFen: s.committedFen + b.budget.committedFen, remainingFen: s.remainingFen + b.budget.remainingFen }),
    { allocationFen: 0, spentFen: 0, committedFen: 0, remainingFen: 0 },
  );
  const byStage = emptyStages();
  for (const p of projects) byStage[p.stage]++;
  const byCategory = await store.all<{ category: ProjectCategory; projects: number; budgetFen: number }>(
    `SELECT p.category, count(*)::INTEGER AS projects, sum(p.budget_fen) FILTER (WHERE p.stage <> 'rejected')::DOUBLE AS "budgetFen" FROM micro_projects p WHERE ${where} GROUP BY ALL ORDER BY p.category`,
  );
  const satisfaction = await store.all<{ period: string; satisfaction: number | null; ratings: number }>(/* sql */ `
    SELECT strftime(r.rated_at + INTERVAL 8 HOUR, '%Y-%m') AS period, (count(*) FILTER (WHERE r.score >= ${SATISFIED_SCORE}))::DOUBLE / count(*) AS satisfaction, count(*)::INTEGER AS ratings
    FROM micro_ratings r JOIN micro_projects p ON p.id = r.project_id WHERE ${where} GROUP BY period ORDER BY period`);
  const names = new Map(rows.map((r) => [r.id, { title: r.title, community: r.community_name }]));
  return {
    community: communityId === null ? null : communities[0]!,
    year: y,
    budget,
    budgets,
    byStage,
    byCategory: byCategory.map((c) => ({ ...c, budgetFen: c.budgetFen ?? 0 })),
    satisfaction,
    projects,
    anomalies: anomalies.map((a) => ({ ...a, communityName: names.get(a.projectId)?.community ?? '', title: names.get(a.projectId)?.title ?? '' })),
    queryMs: performance.now() - started,
  };
}

/** One project in full: its milestones with photos, the vote, how its ratings are spread. Null when there is none. */
export async function microProject(store: DuckDbStore, projectId: string, today: string): Promise<MicroProjectDetail | null> {
  const head = await store.one<{ community_id: number; year: number }>('SELECT community_id, year FROM micro_projects WHERE id = $1', [projectId]);
  if (!head) return null;
  // The flags need the community's whole year (the allocation is overrun by the year's awards together).
  const { rows, milestones, facts, anomalies } = await load(store, `p.community_id = ${head.community_id} AND p.year = ${head.year}`, today);
  const r = rows.find((x) => x.id === projectId)!;
  const ms = milestones.get(projectId) ?? [];
  const scores = await store.all<{ score: number; n: number }>('SELECT score::INTEGER AS score, count(*)::INTEGER AS n FROM micro_ratings WHERE project_id = $1 GROUP BY score', [projectId]);
  const dist: [number, number, number, number, number] = [0, 0, 0, 0, 0];
  for (const s of scores) if (s.score >= 1 && s.score <= 5) dist[s.score - 1] = s.n;
  return {
    ...toRow(r, facts.find((f) => f.id === projectId)!.milestones, anomalies),
    description: r.description,
    awardedAt: r.awarded_at,
    acceptedAt: r.accepted_at,
    councilMembers: r.members,
    milestones: ms.map((m) => ({ seq: m.seq, title: m.title, due: m.due, done: m.done, percent: m.percent, photo: m.photo, recordedAt: m.recorded_at })),
    scores: dist,
  };
}
