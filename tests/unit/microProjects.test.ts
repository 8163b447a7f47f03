/**
 * Issue 13, 民生微实事: residents' micro-projects. The rules (pure) flag the project whose award
 * takes a community over its yearly allocation, a project awarded without a passed council vote, a
 * milestone overdue and a budget above its category's cap; satisfaction is the share of ratings of
 * 4 or 5. Then a real seeded twin: every community has a believable year (10–25 projects, ¥50k–
 * ¥500k budgets, ~95 % satisfied) and its budget balances against the allocation, the three
 * injected anomalies are flagged, an operator takes a project from proposal to rating (each step
 * audited; a vote-less award is flagged), and a wall gets the aggregates and is refused a project.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTwin } from '../../electron/cli/twinFiles.ts';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { createServices, dispatch, AccessDeniedError, type Services } from '../../electron/services/index.ts';
import type { Principal } from '../../electron/common/access.ts';
import { MicroProjectsService } from '../../electron/services/microProjects/MicroProjectsService.ts';
import { runAs } from '../../electron/services/callContext.ts';
import { tempDir } from './helpers.ts';
import {
  budgetOf,
  councilPassed,
  microAnomaliesOf,
  satisfactionOf,
  type MicroBoard,
  type MicroCommunitySummary,
  type MicroProjectDetail,
  type ProjectFacts,
} from '../../data/model/microProjects/index.ts';
import { DEFAULT_END_DAY } from '../../data/seed/generateDistrict.ts';
import { microCharts } from '../../renderer/features/microProjects/charts.ts';

const p = (id: string, extra: Partial<ProjectFacts> = {}): ProjectFacts => ({
  id,
  communityId: 3,
  year: 2026,
  category: 'works',
  stage: 'accepted',
  budgetFen: 300_000_00,
  spentFen: 290_000_00,
  vote: { for: 10, against: 2, abstain: 1 },
  awardedAt: Number(id.replace(/\D/g, '')) * 1000,
  milestones: [],
  ...extra,
});
const ALLOC = new Map([['3:2026', { allocationFen: 1_000_000_00, members: 15 }]]);

describe('the micro-project rules', () => {
  it('passes a council vote with a two-thirds quorum and a majority of those voting', () => {
    expect(councilPassed({ for: 6, against: 3, abstain: 1 }, 15)).toBe(true);
    expect(councilPassed({ for: 6, against: 2, abstain: 1 }, 15)).toBe(false); // 9 of 15: no quorum
    expect(councilPassed({ for: 5, against: 5, abstain: 0 }, 15)).toBe(false); // a tie fails
    expect(councilPassed(null, 15)).toBe(false);
  });

  it('balances spent + committed against the allocation and flags the project that overran it', () => {
    const projects = [p('P1'), p('P2', { stage: 'in_progress', spentFen: 90_000_00 }), p('P3', { stage: 'voting', spentFen: 0, awardedAt: null }), p('P4', { stage: 'awarded', spentFen: 0, budgetFen: 450_000_00 }), p('P5', { stage: 'awarded', spentFen: 0, budgetFen: 50_000_00 })];
    const b = budgetOf(1_000_000_00, projects);
    expect(b).toEqual({ allocationFen: 1_000_000_00, spentFen: 380_000_00, committedFen: 10_000_00 + 210_000_00 + 500_000_00, remainingFen: 1_000_000_00 - 1_100_000_00 });
    const flags = microAnomaliesOf(projects, ALLOC, '2026-11-24');
    // P1 + P2 + P4 = 1,050,000: P4 overran it by ¥50,000; P5 adds to the overrun but is not flagged again.
    expect(flags).toEqual([{ kind: 'over_allocation', projectId: 'P4', communityId: 3, amountFen: 50_000_00, milestone: null, due: null }]);
  });

  it('flags a project awarded without a passed vote, an overdue milestone and a budget over its cap', () => {
    const projects = [
      p('P1', { vote: null, stage: 'in_progress' }),
      p('P2', { vote: { for: 3, against: 8, abstain: 0 }, stage: 'awarded', budgetFen: 100_000_00, spentFen: 0 }),
      p('P3', { stage: 'in_progress', budgetFen: 50_000_00, spentFen: 0, milestones: [{ seq: 1, title: '进场', due: '2026-10-01', done: '2026-10-01', percent: 10, photo: null }, { seq: 2, title: '主体完工', due: '2026-11-01', done: null, percent: 60, photo: null }] }),
      p('P4', { category: 'services', budgetFen: 60_000_000, stage: 'voting', awardedAt: null }),
      // A vote-less project not yet awarded, and a late milestone on an accepted one: nothing to flag.
      p('P5', { vote: null, stage: 'proposed', awardedAt: null }),
      p('P6', { budgetFen: 10_000_00, spentFen: 10_000_00, milestones: [{ seq: 1, title: 'x', due: '2026-01-01', done: null, percent: 50, photo: null }] }),
    ];
    expect(microAnomaliesOf(projects, ALLOC, '2026-11-24').map((a) => [a.kind, a.projectId, a.milestone])).toEqual([
      ['awarded_without_vote', 'P1', null],
      ['awarded_without_vote', 'P2', null],
      ['milestone_overdue', 'P3', '主体完工'],
      ['over_cap', 'P4', null],
    ]);
  });

  it('counts satisfaction as the share of ratings of 4 or 5', () => {
    expect(satisfactionOf([5, 5, 4, 4, 3, 5, 5, 5, 4, 1])).toBe(0.8);
    expect(satisfactionOf([])).toBeNull();
  });
});

const tmp = tempDir();
let store: DuckDbStore;
let services: Services;
const operator: Principal = { kind: 'person', userId: 1, username: 'duty1', displayName: '值班员', role: 'operator' };
const viewer: Principal = { kind: 'person', userId: 2, username: 'look1', displayName: '查看员', role: 'viewer' };
const wall: Principal = { kind: 'wall', tokenId: 3, name: 'hall' };
const call = (caller: Principal, method: string, args: unknown[]): Promise<unknown> => dispatch(services.api, 'microProjects', method, args, { caller, via: 'http' });
/** The seeded year as of its last day (the rules' "today"), whatever day the tests run. */
const atEnd = (): MicroProjectsService => new MicroProjectsService(store, { personalData: 'masked', now: () => Date.parse(`${DEFAULT_END_DAY}T12:00:00+08:00`) });

describe("a seeded twin's micro-projects", () => {
  let communities: MicroCommunitySummary[];
  beforeAll(async () => {
    const db = tmp.path('micro.duckdb');
    await seedTwin(db, 7, 200);
    store = await DuckDbStore.open(db);
    services = await createServices(store, { host: 'web', personalData: 'masked' });
    communities = await runAs({ caller: viewer, via: 'http' }, () => atEnd().listCommunities());
  }, 300_000);
  afterAll(() => {
    services?.stop();
    store?.close();
    tmp.cleanup();
  });

  it('gives every community a believable year: 10–25 projects, ¥50k–¥500k, most accepted, ~95 % satisfied', async () => {
    const areas = await store.one<{ n: number }>("SELECT count(*)::INTEGER AS n FROM areas WHERE level = 'community'");
    expect(communities.length).toBe(areas!.n);
    expect(communities.length).toBeGreaterThanOrEqual(4);
    for (const c of communities) {
      expect(c.projects).toBeGreaterThanOrEqual(10);
      expect(c.projects).toBeLessThanOrEqual(26);
      expect(c.byStage.accepted).toBeGreaterThan(c.projects / 3);
      expect(c.allocationFen).toBeGreaterThanOrEqual(2_000_000_00);
    }
    const budgets = await store.all<{ b: number }>("SELECT budget_fen::DOUBLE AS b FROM micro_projects WHERE actor = 'demo'");
    expect(budgets.filter((x) => x.b < 5_000_000 || x.b > 50_000_000).length).toBeLessThanOrEqual(2);
    const all = await runAs({ caller: viewer, via: 'http' }, () => atEnd().getBoard(null));
    const ratings = all.satisfaction.reduce((s, m) => s + m.ratings, 0);
    const share = all.satisfaction.reduce((s, m) => s + (m.satisfaction ?? 0) * m.ratings, 0) / ratings;
    expect(share).toBeGreaterThan(0.93);
    expect(share).toBeLessThan(0.98);
    // A pipeline, not only finished work: some before the council, some under way, a few voted down.
    expect(all.byStage.proposed + all.byStage.voting).toBeGreaterThan(0);
    expect(all.byStage.in_progress).toBeGreaterThan(0);
    expect(all.byStage.rejected).toBeGreaterThan(0);
    const titles = all.projects.map((x) => x.title).join(' ');
    for (const item of ['加装电梯扶手', '楼道照明', '适老化改造', '口袋公园', '充电棚', '便民服务点']) expect(titles).toContain(item);
  });

  it("balances each community's budget: spent + committed + remaining = allocation, as a hand-written SQL sums it", async () => {
    for (const c of communities) {
      const board = await runAs({ caller: viewer, via: 'http' }, () => atEnd().getBoard(c.id));
      const b = board.budget;
      expect(b.spentFen + b.committedFen + b.remainingFen).toBe(c.allocationFen);
      const hand = (await store.one<{ used: number }>(
        "SELECT sum(greatest(budget_fen, spent_fen))::DOUBLE AS used FROM micro_projects WHERE community_id = $1 AND stage IN ('awarded', 'in_progress', 'accepted')",
        [c.id],
      ))!;
      expect(b.spentFen + b.committedFen).toBe(hand.used);
      expect(board.projects).toHaveLength(c.projects);
      expect(Object.values(board.byStage).reduce((s, n) => s + n, 0)).toBe(c.projects);
      // Only the second community (the injected overrun) is over its allocation.
      expect(b.remainingFen < 0).toBe(c.id === communities[1]!.id);
    }
  });

  it('flags the three injected anomalies: a vote-less award, the overrun, the overdue milestone', async () => {
    const all = await runAs({ caller: viewer, via: 'http' }, () => atEnd().getBoard(null));
    const kinds = all.anomalies.map((a) => [a.kind, a.communityId]);
    expect(kinds).toEqual([
      ['awarded_without_vote', communities[0]!.id],
      ['over_allocation', communities[1]!.id],
      ['milestone_overdue', communities[2]!.id],
    ]);
    const overdue = all.anomalies.find((a) => a.kind === 'milestone_overdue')!;
    expect(overdue).toMatchObject({ milestone: '主体施工完成', title: expect.stringContaining('楼道照明改造') });
    expect(all.projects.find((x) => x.id === overdue.projectId)!.flags).toEqual(['milestone_overdue']);
    // The board of a community shows only its own.
    const second = await runAs({ caller: viewer, via: 'http' }, () => atEnd().getBoard(communities[1]!.id));
    expect(second.anomalies.map((a) => [a.kind, a.title])).toEqual([['over_allocation', expect.stringMatching(/适老化改造（二期）$/)]]);
    expect(second.community!.anomalies).toBe(1);
  });

  it("draws the overrun in red past the allocation, and satisfaction against the dashed 95 % line", async () => {
    const board = await runAs({ caller: viewer, via: 'http' }, () => atEnd().getBoard(communities[1]!.id));
    const charts = microCharts(board, (k) => k);
    const budget = charts.find((c) => c.id === 'budget')!.option as { series: { name: string; data: number[]; itemStyle: { color: string } }[] };
    const overrun = budget.series.find((x) => x.name === 'microProjects.series.overrun')!;
    expect(overrun.itemStyle.color).toBe('#ff4d4f');
    expect(overrun.data[0]).toBeCloseTo(-board.budget.remainingFen / 1_000_000, 1);
    expect(budget.series.find((x) => x.name === 'microProjects.series.remaining')!.data).toEqual([0]);
    const sat = charts.find((c) => c.id === 'satisfaction')!.option as { series: { data: unknown[]; lineStyle?: { type?: string } }[] };
    expect(sat.series[2]!.lineStyle!.type).toBe('dashed');
    expect(sat.series[2]!.data.every((v) => v === 95)).toBe(true);
    // The seeded board's other communities show nothing red.
    const calm = microCharts(await runAs({ caller: viewer, via: 'http' }, () => atEnd().getBoard(communities[3]!.id)), (k) => k).find((c) => c.id === 'budget')!.option as typeof budget;
    expect(calm.series.find((x) => x.name === 'microProjects.series.overrun')!.data).toEqual([0]);
  });

  it('lets an operator take a project from proposal to rating, each step audited; an award without the vote is flagged', async () => {
    const c = communities[3]!;
    const building = (await store.one<{ id: number }>('SELECT id FROM buildings WHERE community_id = $1 ORDER BY id LIMIT 1', [c.id]))!.id;
    const proposal = { communityId: c.id, title: '3幢楼道照明改造', category: 'works', item: 'stair_lighting', proposerKind: 'petition', budgetFen: 8_000_000, place: { buildingId: building } };
    await expect(call(viewer, 'propose', [proposal])).rejects.toBeInstanceOf(AccessDeniedError);
    await expect(call(operator, 'propose', [{ ...proposal, budgetFen: -1 }])).rejects.toThrow();
    await expect(call(operator, 'propose', [{ ...proposal, item: 'elderly_care' }])).rejects.toThrow(/category/);
    const proposed = (await call(operator, 'propose', [proposal])) as MicroProjectDetail;
    expect(proposed).toMatchObject({ stage: 'proposed', buildingId: building, flags: [] });
    const voted = (await call(operator, 'recordVote', [{ projectId: proposed.id, for: c.councilMembers - 2, against: 1, abstain: 1 }])) as MicroProjectDetail;
    expect(voted).toMatchObject({ stage: 'voting', votePassed: true });
    const awarded = (await call(operator, 'award', [{ projectId: proposed.id, organisation: '南粤照明工程有限公司', budgetFen: 7_800_000 }])) as MicroProjectDetail;
    expect(awarded).toMatchObject({ stage: 'awarded', flags: [] });
    const today = new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);
    const started = (await call(operator, 'recordMilestone', [{ projectId: proposed.id, title: '进场施工', due: today, done: today, percent: 10, photo: `micro/${proposed.id}/1.jpg` }])) as MicroProjectDetail;
    expect(started.stage).toBe('in_progress');
    expect(started.milestones[0]).toMatchObject({ percent: 10, photo: `micro/${proposed.id}/1.jpg` });
    await expect(call(operator, 'recordMilestone', [{ projectId: proposed.id, title: 'x', due: today, done: null, percent: 50, photo: '../../etc/passwd.jpg' }])).rejects.toThrow();
    await call(operator, 'accept', [{ projectId: proposed.id, spentFen: 7_650_000 }]);
    const rated = (await call(operator, 'rate', [{ projectId: proposed.id, scores: [5, 5, 4, 5, 3, 5, 4, 5, 5, 5] }])) as MicroProjectDetail;
    expect(rated).toMatchObject({ stage: 'accepted', satisfaction: 0.9, ratings: 10, scores: [0, 0, 1, 2, 7] });
    const audit = await store.one<{ n: number }>("SELECT count(*)::INTEGER AS n FROM audit_log WHERE actor = 'duty1' AND action LIKE 'microProjects.%'");
    expect(audit!.n).toBe(6);
    // Awarded without a council vote: done (and audited as such), and flagged on the board.
    const direct = (await call(operator, 'propose', [{ ...proposal, title: '长者助餐', category: 'services', item: 'elderly_care', place: { lon: c.lon, lat: c.lat } }])) as MicroProjectDetail;
    const flagged = (await call(operator, 'award', [{ projectId: direct.id, organisation: '鹏城长者关爱协会', budgetFen: 6_000_000 }])) as MicroProjectDetail;
    expect(flagged.flags).toEqual(['awarded_without_vote']);
    const board = (await call(viewer, 'getBoard', [c.id])) as MicroBoard;
    expect(board.anomalies.map((a) => [a.kind, a.projectId])).toContainEqual(['awarded_without_vote', direct.id]);
    expect((await store.one<{ reason: string }>("SELECT reason FROM audit_log WHERE action = 'microProjects.award' ORDER BY ts DESC LIMIT 1"))!.reason).toMatch(/without a passed council vote/);
    // Steps only move forward.
    await expect(call(operator, 'recordVote', [{ projectId: direct.id, for: 9, against: 0, abstain: 0 }])).rejects.toThrow(/is awarded/);
  });

  it('shows a wall the list and the board (aggregates, no one named) and refuses it a project', async () => {
    const list = (await call(wall, 'listCommunities', [])) as MicroCommunitySummary[];
    expect(list.length).toBe(communities.length);
    const board = (await call(wall, 'getBoard', [null])) as MicroBoard;
    expect(board.projects.length).toBeGreaterThan(40);
    expect(JSON.stringify(board)).not.toMatch(/household|resident|contact/i);
    const id = board.projects[0]!.id;
    await expect(call(wall, 'getProject', [id])).rejects.toBeInstanceOf(AccessDeniedError);
    expect(((await call(viewer, 'getProject', [id])) as MicroProjectDetail).milestones.length).toBeGreaterThan(0);
    const wallHost = new MicroProjectsService(store, { personalData: 'none' });
    await expect(runAs({ caller: viewer, via: 'http' }, () => wallHost.getProject(id))).rejects.toThrow(/wall view shows no one/);
    await expect(call(wall, 'rate', [{ projectId: id, scores: [5] }])).rejects.toBeInstanceOf(AccessDeniedError);
  });
});
