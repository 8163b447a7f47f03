/**
 * 民生微实事 (residents' micro-projects, Shenzhen; issue 13): "居民点菜、政府配菜" — residents order,
 * the government cooks. Needs are collected (the residents' council, a petition, questionnaires,
 * visits, online); the residents' council (居民议事会) reviews and votes; a passed project is
 * awarded to a social organisation or contractor; it is delivered in milestones (each with a date,
 * its progress and a photo), accepted, and rated by the residents. Each community spends against a
 * yearly allocation; one street's caps: services and goods at most ¥500,000 a project, works at
 * most ¥1,000,000. Satisfaction, as officials quote it (≥ 95 %), is the share of ratings of 4 or 5.
 *
 * The kinds, stages and the rules that flag a project; pure (the store sums the budgets in DuckDB,
 * data/store/microProjects/queries.ts, and applies these rules to what it reads). Amounts are
 * integer fen (分), days `YYYY-MM-DD` and months `YYYY-MM` in Beijing time.
 */

/** 工程类 works, 服务类 services, 货物类 goods. */
export const PROJECT_CATEGORIES = ['works', 'services', 'goods'] as const;
export type ProjectCategory = (typeof PROJECT_CATEGORIES)[number];

/** Most one project may cost, by category (one Shenzhen street's caps). */
export const CATEGORY_CAP_FEN: Readonly<Record<ProjectCategory, number>> = { works: 1_000_000_00, services: 500_000_00, goods: 500_000_00 };

/** The typical items, each with its category. */
export const PROJECT_ITEMS = {
  handrails: 'works',
  stair_lighting: 'works',
  ageing_retrofit: 'works',
  pocket_park: 'works',
  ebike_shed: 'works',
  service_point: 'works',
  elderly_care: 'services',
  after_school: 'services',
  culture_sports: 'services',
  fitness_equipment: 'goods',
  first_aid: 'goods',
} as const satisfies Record<string, ProjectCategory>;
export type ProjectItem = keyof typeof PROJECT_ITEMS;
export const PROJECT_ITEM_IDS = Object.keys(PROJECT_ITEMS) as ProjectItem[];

/** Where a need came from: the residents' council, a residents' petition, a questionnaire, a door-to-door visit, online. */
export const PROPOSER_KINDS = ['council', 'petition', 'survey', 'visit', 'online'] as const;
export type ProposerKind = (typeof PROPOSER_KINDS)[number];

/** A project's stages; accepted and rejected are final. */
export const PROJECT_STAGES = ['proposed', 'voting', 'awarded', 'in_progress', 'accepted', 'rejected'] as const;
export type ProjectStage = (typeof PROJECT_STAGES)[number];
/** Stages in which a project holds (or has spent) its budget. */
export const COMMITTED_STAGES: readonly ProjectStage[] = ['awarded', 'in_progress', 'accepted'];

/** Limits of what a console may record. */
export const MICRO_LIMITS = { amountFenMax: 1_000_000_00, textMax: 200, votersMax: 99, ratingsMax: 500, milestonesMax: 12 } as const;
/** A rating of this or more (of 5) counts as satisfied. */
export const SATISFIED_SCORE = 4;
/** What officials quote for 民生微实事. */
export const SATISFACTION_TARGET = 0.95;
/** A milestone photo reference: a relative path to an image, no `..`. */
export const PHOTO_RE = /^(?!.*\.\.)[\w\-/]{1,150}\.(jpg|jpeg|png|webp)$/;
export const DAY_RE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export interface CouncilVote {
  for: number;
  against: number;
  abstain: number;
}

/**
 * The residents' council passes a project when at least two thirds of its members take part and
 * more than half of those voting vote for it.
 */
export function councilPassed(v: CouncilVote | null, members: number): boolean {
  if (!v) return false;
  const cast = v.for + v.against + v.abstain;
  return cast * 3 >= members * 2 && v.for * 2 > cast;
}

export interface MilestoneFacts {
  seq: number;
  title: string;
  /** Day it is due (`YYYY-MM-DD`). */
  due: string;
  /** Day it was reached, or null. */
  done: string | null;
  /** The project's progress when reached (0–100). */
  percent: number;
  /** A photo of the site or the activity (a reference to the file), or null. */
  photo: string | null;
}

export interface ProjectFacts {
  id: string;
  communityId: number;
  year: number;
  category: ProjectCategory;
  stage: ProjectStage;
  /** The approved budget (fen). */
  budgetFen: number;
  /** Paid out so far (fen). */
  spentFen: number;
  vote: CouncilVote | null;
  /** When it was awarded (epoch ms), or null; the budget is committed in this order. */
  awardedAt: number | null;
  milestones: readonly MilestoneFacts[];
}

/** What a project takes from its community's allocation: its budget once awarded (or what it spent, if more). */
export const committedOf = (p: Pick<ProjectFacts, 'stage' | 'budgetFen' | 'spentFen'>): number => (COMMITTED_STAGES.includes(p.stage) ? Math.max(p.budgetFen, p.spentFen) : 0);

export interface BudgetBalance {
  allocationFen: number;
  spentFen: number;
  /** Held by awarded projects but not yet paid. */
  committedFen: number;
  /** Allocation − spent − committed (negative: overrun). */
  remainingFen: number;
}

export function budgetOf(allocationFen: number, projects: readonly Pick<ProjectFacts, 'stage' | 'budgetFen' | 'spentFen'>[]): BudgetBalance {
  let spent = 0;
  let held = 0;
  for (const p of projects) {
    const c = committedOf(p);
    if (c === 0) continue;
    spent += p.spentFen;
    held += c - p.spentFen;
  }
  return { allocationFen, spentFen: spent, committedFen: held, remainingFen: allocationFen - spent - held };
}

/** Share of ratings of 4 or 5 (of 5); null without ratings. */
export function satisfactionOf(scores: readonly number[]): number | null {
  if (scores.length === 0) return null;
  return scores.filter((s) => s >= SATISFIED_SCORE).length / scores.length;
}

export const MICRO_ANOMALY_KINDS = ['over_allocation', 'awarded_without_vote', 'milestone_overdue', 'over_cap'] as const;
export type MicroAnomalyKind = (typeof MICRO_ANOMALY_KINDS)[number];

export interface MicroAnomaly {
  kind: MicroAnomalyKind;
  projectId: string;
  communityId: number;
  /** over_allocation: how far the allocation is overrun with this project; over_cap: the budget. */
  amountFen: number | null;
  /** milestone_overdue: the milestone and the day it was due. */
  milestone: string | null;
  due: string | null;
}

/**
 * What a community's board flags: the project whose award took the year's spent + committed over
 * the allocation (in award order; every later one adds to the overrun, the first is flagged); a
 * project awarded (or further) without a passed council vote; a milestone past its day and not
 * reached on a project still under way; a budget above its category's cap.
 */
export function microAnomaliesOf(projects: readonly ProjectFacts[], allocations: ReadonlyMap<string, { allocationFen: number; members: number }>, today: string): MicroAnomaly[] {
  const out: MicroAnomaly[] = [];
  const groups = new Map<string, ProjectFacts[]>();
  for (const p of projects) {
    const k = `${p.communityId}:${p.year}`;
    const g = groups.get(k);
    if (g) g.push(p);
    else groups.set(k, [p]);
  }
  for (const [k, list] of groups) {
    const alloc = allocations.get(k);
    const members = alloc?.members ?? 0;
    const awarded = list.filter((p) => committedOf(p) > 0).sort((a, b) => (a.awardedAt ?? 0) - (b.awardedAt ?? 0) || a.id.localeCompare(b.id));
    let used = 0;
    let flagged = false;
    for (const p of awarded) {
      used += committedOf(p);
      if (!flagged && used > (alloc?.allocationFen ?? 0)) {
        flagged = true;
        out.push({ kind: 'over_allocation', projectId: p.id, communityId: p.communityId, amountFen: used - (alloc?.allocationFen ?? 0), milestone: null, due: null });
      }
      if (!councilPassed(p.vote, members)) out.push({ kind: 'awarded_without_vote', projectId: p.id, communityId: p.communityId, amountFen: null, milestone: null, due: null });
    }
    for (const p of list) {
      if (p.stage !== 'rejected' && p.budgetFen > CATEGORY_CAP_FEN[p.category]) out.push({ kind: 'over_cap', projectId: p.id, communityId: p.communityId, amountFen: p.budgetFen, milestone: null, due: null });
      if (p.stage !== 'awarded' && p.stage !== 'in_progress') continue;
      const late = p.milestones.find((m) => m.done === null && m.due < today);
      if (late) out.push({ kind: 'milestone_overdue', projectId: p.id, communityId: p.communityId, amountFen: null, milestone: late.title, due: late.due });
    }
  }
  return out.sort((a, b) => a.communityId - b.communityId || a.projectId.localeCompare(b.projectId) || a.kind.localeCompare(b.kind));
}

/** The stage after a milestone is recorded: the first one starts the work. */
export const stageAfterMilestone = (stage: ProjectStage): ProjectStage => (stage === 'awarded' ? 'in_progress' : stage);

/** A community on the list: its year's figures (aggregates only). */
export interface MicroCommunitySummary {
  id: number;
  name: string;
  lon: number;
  lat: number;
  year: number;
  allocationFen: number;
  councilMembers: number;
  projects: number;
  byStage: Record<ProjectStage, number>;
  spentFen: number;
  committedFen: number;
  /** Share of ratings ≥ 4 over the year's projects; null without ratings. */
  satisfaction: number | null;
  ratings: number;
  anomalies: number;
}

/** A project on a board: no milestone texts or photos (those are the detail), its progress and flags. */
export interface MicroProjectRow {
  id: string;
  communityId: number;
  communityName: string;
  title: string;
  category: ProjectCategory;
  item: ProjectItem;
  proposerKind: ProposerKind;
  stage: ProjectStage;
  proposedAt: number;
  budgetFen: number;
  spentFen: number;
  organisation: string | null;
  lon: number;
  lat: number;
  buildingId: number | null;
  vote: CouncilVote | null;
  votePassed: boolean;
  /** Milestones reached of all, and the latest progress (%). */
  milestonesDone: number;
  milestonesTotal: number;
  progress: number;
  /** The next milestone not reached (title and due day), or null. */
  next: { title: string; due: string } | null;
  satisfaction: number | null;
  ratings: number;
  flags: MicroAnomalyKind[];
}

export interface MicroAnomalyView extends MicroAnomaly {
  communityName: string;
  title: string;
}

export interface MicroBoard {
  /** null: every community together. */
  community: MicroCommunitySummary | null;
  year: number;
  budget: BudgetBalance;
  /** Each community's budget (one row for a single community's board). */
  budgets: { communityId: number; name: string; budget: BudgetBalance }[];
  byStage: Record<ProjectStage, number>;
  byCategory: { category: ProjectCategory; projects: number; budgetFen: number }[];
  /** Ratings by month: share ≥ 4 and how many. */
  satisfaction: { period: string; satisfaction: number | null; ratings: number }[];
  projects: MicroProjectRow[];
  anomalies: MicroAnomalyView[];
  queryMs: number;
}

export interface MilestoneView extends MilestoneFacts {
  recordedAt: number;
}

/** A project in full (consoles only): its milestones with their photos, the vote, the ratings' distribution. */
export interface MicroProjectDetail extends MicroProjectRow {
  description: string | null;
  awardedAt: number | null;
  acceptedAt: number | null;
  councilMembers: number;
  milestones: MilestoneView[];
  /** How many ratings of 1, 2, 3, 4, 5. */
  scores: [number, number, number, number, number];
}

export const emptyStages = (): Record<ProjectStage, number> => ({ proposed: 0, voting: 0, awarded: 0, in_progress: 0, accepted: 0, rejected: 0 });
/** `2026-03-05` from epoch ms, in Beijing time. */
export const dayOf = (ms: number): string => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 10);
