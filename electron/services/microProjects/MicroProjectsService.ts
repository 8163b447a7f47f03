/**
 * `MicroProjectsApi`: 民生微实事. The figures come from DuckDB (data/store/microProjects/queries.ts)
 * with the model's flags as of today. A wall gets the list and the board, which are aggregates and
 * name no resident (a project's title and milestone, typed at a console, pass the free-text filter
 * for it), and is refused a project in full. Each step an operator records (proposal, council vote,
 * award, milestone, acceptance, ratings) is written with its audit row in one transaction; the
 * stages only move forward (proposed → voting → awarded → in_progress → accepted | rejected).
 */
import { randomUUID } from 'node:crypto';
import type { DuckDbStore } from '../../../data/store/DuckDbStore.ts';
import { redactFreeText } from '../../../data/model/redact.ts';
import { PROJECT_ITEMS, councilPassed, dayOf, type MicroBoard, type MicroCommunitySummary, type MicroProjectDetail, type ProjectStage } from '../../../data/model/microProjects/index.ts';
import { microBoard, microCommunities, microProject, microYear } from '../../../data/store/microProjects/queries.ts';
import type { MicroAcceptInput, MicroAwardInput, MicroMilestoneInput, MicroProjectsApi, MicroProposalInput, MicroRatingsInput, MicroVoteInput } from '../../common/microProjects/contract.ts';
import { appendAudit, currentActor } from '../audit.ts';
import { servingWall } from '../wallView.ts';

export interface MicroProjectsOptions {
  personalData: 'masked' | 'none';
  now?: () => number;
}

const ts = 'make_timestamp($2::BIGINT * 1000)';

export class MicroProjectsService implements MicroProjectsApi {
  public constructor(
    private readonly store: DuckDbStore,
    private readonly options: MicroProjectsOptions,
  ) {}

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private today(): string {
    return dayOf(this.now());
  }

  public listCommunities(): Promise<MicroCommunitySummary[]> {
    return microCommunities(this.store, this.today());
  }

  public async getBoard(communityId: number | null): Promise<MicroBoard> {
    const board = await microBoard(this.store, communityId, this.today());
    if (!servingWall(this.options.personalData)) return board;
    return {
      ...board,
      projects: board.projects.map((p) => ({ ...p, title: redactFreeText(p.title), next: p.next ? { ...p.next, title: redactFreeText(p.next.title) } : null })),
      anomalies: board.anomalies.map((a) => ({ ...a, title: redactFreeText(a.title), milestone: redactFreeText(a.milestone) })),
    };
  }

  public async getProject(projectId: string): Promise<MicroProjectDetail> {
    if (servingWall(this.options.personalData)) throw new Error('A wall view shows no one: a project in full is not sent to a wall. Open it at a console; the wall shows the board.');
    const p = await microProject(this.store, projectId, this.today());
    if (!p) throw new RangeError(`No micro-project has id ${projectId}.`);
    return p;
  }

  public async propose(input: MicroProposalInput): Promise<MicroProjectDetail> {
    if (PROJECT_ITEMS[input.item] !== input.category) throw new RangeError(`A ${input.item} project is of the ${PROJECT_ITEMS[input.item]} category, not ${input.category}.`);
    const year = await microYear(this.store);
    const alloc = year === null ? null : await this.store.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM micro_allocations WHERE community_id = $1 AND year = $2', [input.communityId, year]);
    if (year === null || !alloc?.n) throw new RangeError(`Community ${input.communityId} has no 民生微实事 allocation this year.`);
    let building: number | null = null;
    let lon: number;
    let lat: number;
    if ('buildingId' in input.place) {
      const b = await this.store.one<{ lon: number; lat: number }>('SELECT centroid_lon AS lon, centroid_lat AS lat FROM buildings WHERE id = $1 AND community_id = $2', [input.place.buildingId, input.communityId]);
      if (!b) throw new RangeError(`Building ${input.place.buildingId} is not in community ${input.communityId}.`);
      building = input.place.buildingId;
      ({ lon, lat } = b);
    } else ({ lon, lat } = input.place);
    const actor = currentActor();
    const at = this.now();
    const id = `MP-${input.communityId}-${randomUUID().slice(0, 8)}`;
    await this.store.transaction(async () => {
      await this.store.run(
        `INSERT INTO micro_projects (id, community_id, year, title, description, category, item, proposer_kind, proposed_at, stage, budget_fen, spent_fen, building_id, lon, lat, actor)
         VALUES ($1, $3, $4, $5, $6, $7, $8, $9, ${ts}, 'proposed', $10::BIGINT, 0, $11, $12, $13, $14)`,
        [id, at, input.communityId, year, input.title, input.description ?? null, input.category, input.item, input.proposerKind, input.budgetFen, building, lon, lat, actor],
      );
      await appendAudit(this.store, { actor, action: 'microProjects.propose', subject: `micro-project:${id}`, reason: `${input.category} ${input.item} ${(input.budgetFen / 100).toFixed(2)} 元; ${input.proposerKind}`, atMs: at });
    });
    return this.getProject(id);
  }

  public async recordVote(input: MicroVoteInput): Promise<MicroProjectDetail> {
    const p = await this.projectIn(input.projectId, ['proposed', 'voting']);
    const v = { for: input.for, against: input.against, abstain: input.abstain };
    if (v.for + v.against + v.abstain > p.councilMembers) throw new RangeError(`The council has ${p.councilMembers} members; ${v.for + v.against + v.abstain} votes were recorded.`);
    const passed = councilPassed(v, p.councilMembers);
    await this.step(input.projectId, 'microProjects.recordVote', `${v.for}/${v.against}/${v.abstain} of ${p.councilMembers}: ${passed ? 'passed' : 'failed'}`, (at) =>
      this.store.run(`UPDATE micro_projects SET votes_for = $3, votes_against = $4, votes_abstain = $5, voted_at = ${ts}, stage = $6 WHERE id = $1`, [input.projectId, at, v.for, v.against, v.abstain, passed ? 'voting' : 'rejected']),
    );
    return this.getProject(input.projectId);
  }

  public async award(input: MicroAwardInput): Promise<MicroProjectDetail> {
    const p = await this.projectIn(input.projectId, ['proposed', 'voting']);
    await this.step(input.projectId, 'microProjects.award', `${input.organisation}; ${(input.budgetFen / 100).toFixed(2)} 元${p.votePassed ? '' : '; without a passed council vote'}`, (at) =>
      this.store.run(`UPDATE micro_projects SET organisation = $3, budget_fen = $4::BIGINT, awarded_at = ${ts}, stage = 'awarded' WHERE id = $1`, [input.projectId, at, input.organisation, input.budgetFen]),
    );
    return this.getProject(input.projectId);
  }

  public async recordMilestone(input: MicroMilestoneInput): Promise<MicroProjectDetail> {
    const p = await this.projectIn(input.projectId, ['awarded', 'in_progress']);
    if (input.done !== null && input.done > this.today()) throw new RangeError('A milestone cannot be reached on a day that has not come.');
    if (p.milestones.length >= 12) throw new RangeError('A project has at most 12 milestones.');
    const seq = p.milestones.reduce((s, m) => Math.max(s, m.seq), 0) + 1;
    const stage: ProjectStage = input.done !== null ? 'in_progress' : p.stage;
    await this.step(input.projectId, 'microProjects.recordMilestone', `#${seq} ${input.percent}%${input.done ? ` reached ${input.done}` : ` due ${input.due}`}${input.photo ? `; photo ${input.photo}` : ''}`, async (at) => {
      await this.store.run(`INSERT INTO micro_milestones VALUES ($1, $3, $4, $5::DATE, $6::DATE, $7, $8, ${ts}, $9)`, [input.projectId, at, seq, input.title, input.due, input.done, input.percent, input.photo, currentActor()]);
      await this.store.run('UPDATE micro_projects SET stage = $2 WHERE id = $1', [input.projectId, stage]);
    });
    return this.getProject(input.projectId);
  }

  public async accept(input: MicroAcceptInput): Promise<MicroProjectDetail> {
    await this.projectIn(input.projectId, ['awarded', 'in_progress']);
    await this.step(input.projectId, 'microProjects.accept', `spent ${(input.spentFen / 100).toFixed(2)} 元`, (at) =>
      this.store.run(`UPDATE micro_projects SET stage = 'accepted', accepted_at = ${ts}, spent_fen = $3::BIGINT WHERE id = $1`, [input.projectId, at, input.spentFen]),
    );
    return this.getProject(input.projectId);
  }

  public async rate(input: MicroRatingsInput): Promise<MicroProjectDetail> {
    await this.projectIn(input.projectId, ['accepted']);
    const values = input.scores.map((_, i) => `($1, ${ts}, $${i + 3}, $${input.scores.length + 3})`).join(', ');
    await this.step(input.projectId, 'microProjects.rate', `${input.scores.length} ratings`, (at) => this.store.run(`INSERT INTO micro_ratings VALUES ${values}`, [input.projectId, at, ...input.scores, currentActor()]));
    return this.getProject(input.projectId);
  }

  /** The project, if it is in one of `stages` (the steps only move forward). */
  private async projectIn(projectId: string, stages: readonly ProjectStage[]): Promise<MicroProjectDetail> {
    const p = await microProject(this.store, projectId, this.today());
    if (!p) throw new RangeError(`No micro-project has id ${projectId}.`);
    if (!stages.includes(p.stage)) throw new RangeError(`Project ${projectId} is ${p.stage}: this step needs it ${stages.join(' or ')}.`);
    return p;
  }

  /** One step and its audit row, in one transaction. */
  private async step(projectId: string, action: string, reason: string, work: (at: number) => Promise<unknown>): Promise<void> {
    const actor = currentActor();
    const at = this.now();
    await this.store.transaction(async () => {
      await work(at);
      await appendAudit(this.store, { actor, action, subject: `micro-project:${projectId}`, reason, atMs: at });
    });
  }
}
