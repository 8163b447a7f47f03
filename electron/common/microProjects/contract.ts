/**
 * 民生微实事's contract section (feature module, issue 13): each community's micro-projects. The list
 * and the board are aggregates (budget against the allocation, projects by stage and category,
 * satisfaction by month, each project's stage, progress and flags; no resident is named, and a
 * wall gets the titles through the free-text filter): a wall may be shown them. A project in full
 * (its milestones with their photos, the council's vote, the spread of ratings) is for people at
 * a console. An operator proposes a project, records the council's vote, awards it, records a
 * milestone, accepts it and records the residents' ratings; each is audited.
 */
import { z } from 'zod';
import {
  DAY_RE,
  MICRO_LIMITS,
  PHOTO_RE,
  PROJECT_CATEGORIES,
  PROJECT_ITEM_IDS,
  PROPOSER_KINDS,
  type MicroBoard,
  type MicroCommunitySummary,
  type MicroProjectDetail,
  type ProjectCategory,
  type ProjectItem,
  type ProposerKind,
} from '../../../data/model/microProjects/index.ts';
import { idText, m, NO_ARGS, recordId, type MemberSpec } from '../sections.ts';

export interface MicroProposalInput {
  communityId: number;
  title: string;
  category: ProjectCategory;
  item: ProjectItem;
  proposerKind: ProposerKind;
  /** The budget asked for (fen). */
  budgetFen: number;
  /** Where: a building of the community, or a point (a pocket park). */
  place: { buildingId: number } | { lon: number; lat: number };
  description?: string;
}

export interface MicroVoteInput {
  projectId: string;
  for: number;
  against: number;
  abstain: number;
}

export interface MicroAwardInput {
  projectId: string;
  organisation: string;
  /** The budget approved (fen). */
  budgetFen: number;
}

export interface MicroMilestoneInput {
  projectId: string;
  title: string;
  /** `YYYY-MM-DD`. */
  due: string;
  /** The day it was reached, or null (planned). */
  done: string | null;
  percent: number;
  /** A photo reference (`micro/MP-3-07/2.jpg`), or null. */
  photo: string | null;
}

export interface MicroAcceptInput {
  projectId: string;
  /** What it cost in the end (fen). */
  spentFen: number;
}

export interface MicroRatingsInput {
  projectId: string;
  /** Residents' ratings, 1–5 each, from a questionnaire (no one named). */
  scores: number[];
}

export interface MicroProjectsApi {
  /** Every community's year of 民生微实事 with its figures. */
  listCommunities(): Promise<MicroCommunitySummary[]>;
  /** A community's board (null: all communities together). */
  getBoard(communityId: number | null): Promise<MicroBoard>;
  /** A project in full: milestones with photos, the vote, ratings. Not on a wall. */
  getProject(projectId: string): Promise<MicroProjectDetail>;
  propose(input: MicroProposalInput): Promise<MicroProjectDetail>;
  /** The residents' council's vote: passed, the project waits for its award; failed, it is rejected. */
  recordVote(input: MicroVoteInput): Promise<MicroProjectDetail>;
  award(input: MicroAwardInput): Promise<MicroProjectDetail>;
  recordMilestone(input: MicroMilestoneInput): Promise<MicroProjectDetail>;
  accept(input: MicroAcceptInput): Promise<MicroProjectDetail>;
  rate(input: MicroRatingsInput): Promise<MicroProjectDetail>;
}

const text = z.string().trim().min(1).max(MICRO_LIMITS.textMax);
const fen = z.number().int().min(0).max(MICRO_LIMITS.amountFenMax);
const voters = z.number().int().min(0).max(MICRO_LIMITS.votersMax);
const day = z.string().regex(DAY_RE);

const proposal = z.strictObject({
  communityId: recordId,
  title: text,
  category: z.enum(PROJECT_CATEGORIES),
  item: z.enum(PROJECT_ITEM_IDS as [ProjectItem, ...ProjectItem[]]),
  proposerKind: z.enum(PROPOSER_KINDS),
  budgetFen: fen.min(100),
  place: z.union([z.strictObject({ buildingId: recordId }), z.strictObject({ lon: z.number().min(-180).max(180), lat: z.number().min(-90).max(90) })]),
  description: z.string().max(MICRO_LIMITS.textMax).optional(),
});
const vote = z
  .strictObject({ projectId: idText, for: voters, against: voters, abstain: voters })
  .refine((v) => v.for + v.against + v.abstain > 0, { message: 'A vote needs at least one council member voting.' });
const awardInput = z.strictObject({ projectId: idText, organisation: text, budgetFen: fen.min(100) });
const milestone = z
  .strictObject({ projectId: idText, title: text, due: day, done: day.nullable(), percent: z.number().int().min(0).max(100), photo: z.string().regex(PHOTO_RE).nullable() })
  .refine((v) => v.done !== null || v.photo === null, { message: 'A photo belongs to a milestone reached.' });
const acceptInput = z.strictObject({ projectId: idText, spentFen: fen });
const ratings = z.strictObject({ projectId: idText, scores: z.array(z.number().int().min(1).max(5)).min(1).max(MICRO_LIMITS.ratingsMax) });

export const MICRO_PROJECTS_SECTION = {
  listCommunities: NO_ARGS('view'),
  getBoard: m('view', recordId.nullable()),
  getProject: m('viewer', idText),
  propose: m('operator', proposal),
  recordVote: m('operator', vote),
  award: m('operator', awardInput),
  recordMilestone: m('operator', milestone),
  accept: m('operator', acceptInput),
  rate: m('operator', ratings),
} as const satisfies Record<keyof MicroProjectsApi, MemberSpec>;
