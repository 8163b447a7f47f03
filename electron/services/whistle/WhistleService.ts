/**
 * `WhistleApi`: 吹哨报到. The street blows the whistle on an incident and summons departments with
 * a deadline to report on site (`whistle.blown`); each department's steps (`whistle.step`: on the
 * way with its position, reported in, its part done, rated) come from its own app over ingest or
 * from a console; a summons past its deadline without a report-in is escalated once by the
 * host itself (`whistle.step` escalated, level 1), which every console hears. The scoreboard
 * ranks departments by report-in on time, time to report in, and rating.
 */
import { randomUUID } from 'node:crypto';
import type { DuckDbStore } from '../../../data/store/DuckDbStore.ts';
import type { IngestService } from '../IngestService.ts';
import type { Summons, WhistleApi, WhistleCase, WhistleInput, WhistleScoreboard } from '../../common/whistle/contract.ts';
import { DEFAULT_REPORT_IN_MIN, rankDepartments, summonsState, type DepartmentScore, type PartOutcome, type WhistleKind } from '../../../data/model/whistle/index.ts';
import { appendAudit, currentActor } from '../audit.ts';

export interface WhistleServiceOptions {
  ingest: IngestService;
  personalData: 'masked' | 'none';
  log?: (line: string) => void;
  now?: () => number;
}

interface SummonsRow {
  whistle_id: string;
  department_id: number;
  name: string | null;
  dep_lon: number | null;
  dep_lat: number | null;
  due_at: number;
  en_route_at: number | null;
  reported_in_at: number | null;
  done_at: number | null;
  outcome: string | null;
  escalated_at: number | null;
  rating: number | null;
  pos_lon: number | null;
  pos_lat: number | null;
  eta_min: number | null;
}

const SUMMONS_SQL = (where: string): string => /* sql */ `
  WITH st AS (
    SELECT whistle_id, department_id,
      min(epoch_ms(ts)) FILTER (WHERE step = 'en_route') AS en_route_at,
      min(epoch_ms(ts)) FILTER (WHERE step = 'reported_in') AS reported_in_at,
      min(epoch_ms(ts)) FILTER (WHERE step = 'part_done') AS done_at,
      arg_min(outcome, ts) FILTER (WHERE step = 'part_done') AS outcome,
      min(epoch_ms(ts)) FILTER (WHERE step = 'escalated') AS escalated_at,
      arg_max(rating, ts) FILTER (WHERE step = 'rated') AS rating,
      arg_max(lon, ts) FILTER (WHERE lon IS NOT NULL AND step = 'en_route') AS pos_lon,
      arg_max(lat, ts) FILTER (WHERE lat IS NOT NULL AND step = 'en_route') AS pos_lat,
      arg_max(eta_min, ts) FILTER (WHERE step = 'en_route') AS eta_min
    FROM whistle_steps GROUP BY ALL
  )
  SELECT s.whistle_id, s.department_id, d.name, d.lon AS dep_lon, d.lat AS dep_lat, epoch_ms(min(s.due_at)) AS due_at,
    any_value(st.en_route_at) AS en_route_at, any_value(st.reported_in_at) AS reported_in_at, any_value(st.done_at) AS done_at,
    any_value(st.outcome) AS outcome, any_value(st.escalated_at) AS escalated_at, any_value(st.rating) AS rating,
    any_value(st.pos_lon) AS pos_lon, any_value(st.pos_lat) AS pos_lat, any_value(st.eta_min) AS eta_min
  FROM whistle_summons s LEFT JOIN st ON st.whistle_id = s.whistle_id AND st.department_id = s.department_id
  LEFT JOIN departments d ON d.id = s.department_id
  WHERE ${where}
  GROUP BY s.whistle_id, s.department_id, d.name, d.lon, d.lat
  ORDER BY s.whistle_id, s.department_id`;

const n = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

export class WhistleService implements WhistleApi {
  public constructor(
    private readonly store: DuckDbStore,
    private readonly options: WhistleServiceOptions,
  ) {}

  private now(): number {
    return this.options.now?.() ?? Date.now();
  }

  private async record(events: unknown[]): Promise<void> {
    const result = await this.options.ingest.ingestValues(events, 'console');
    if (result.rejected.length > 0) throw new RangeError(result.rejected.map((r) => r.reason).join('; '));
  }

  public async blowWhistle(input: WhistleInput): Promise<WhistleCase> {
    const incident = await this.store.one<{ id: string }>('SELECT id FROM incidents WHERE id = $id', { id: input.incidentId });
    if (!incident) throw new RangeError(`No incident "${input.incidentId}".`);
    const departmentIds = [...new Set(input.departmentIds)];
    if (departmentIds.length < 2) throw new RangeError('A whistle summons at least two departments (one department is an ordinary dispatch).');
    const known = await this.store.all<{ id: number }>(`SELECT id FROM departments WHERE id IN (${departmentIds.map(Number).join(',')})`);
    if (known.length !== departmentIds.length) throw new RangeError(`Unknown department: ${departmentIds.filter((d) => !known.some((k) => k.id === d)).join(', ')}.`);
    const open = await this.store.one<{ id: string }>(
      `SELECT w.id FROM whistles w WHERE w.incident_id = $id AND EXISTS (
         SELECT 1 FROM whistle_summons s WHERE s.whistle_id = w.id AND NOT EXISTS (
           SELECT 1 FROM whistle_steps t WHERE t.whistle_id = s.whistle_id AND t.department_id = s.department_id AND t.step = 'part_done'))`,
      { id: input.incidentId },
    );
    if (open) throw new RangeError(`The street already blew the whistle on this incident (${open.id}); it is open until every department's part is done.`);
    const at = this.now();
    const actor = currentActor();
    const whistleId = `W-${randomUUID()}`;
    const deadlineMin = input.deadlineMin ?? DEFAULT_REPORT_IN_MIN;
    await this.record([
      {
        id: `console-${whistleId}`,
        type: 'whistle.blown',
        ts: new Date(at).toISOString(),
        source: 'console',
        data: { whistleId, incidentId: input.incidentId, kind: input.kind, departmentIds, deadlineMin, actor, ...(input.note ? { note: input.note } : {}) },
      },
    ]);
    await appendAudit(this.store, { actor, action: 'whistle.blow', subject: `incident:${input.incidentId}`, reason: `${input.kind}; departments ${departmentIds.join(',')}; ${deadlineMin} min`, atMs: at });
    return (await this.caseById(whistleId))!;
  }

  public async recordSummonsStep(whistleId: string, departmentId: number, step: 'en_route' | 'reported_in' | 'part_done', outcome: PartOutcome | null, note: string): Promise<WhistleCase> {
    await this.summonsOrThrow(whistleId, departmentId);
    if (step === 'part_done' && !outcome) throw new RangeError('A part done needs its outcome (resolved, partial or referred).');
    const at = this.now();
    const actor = currentActor();
    await this.record([
      {
        id: `console-${randomUUID()}`,
        type: 'whistle.step',
        ts: new Date(at).toISOString(),
        source: 'console',
        data: { whistleId, departmentId, step, actor, ...(step === 'part_done' && outcome ? { outcome } : {}), ...(note ? { note } : {}) },
      },
    ]);
    await appendAudit(this.store, { actor, action: `whistle.${step}`, subject: `whistle:${whistleId}`, reason: `department ${departmentId}${outcome ? `; ${outcome}` : ''}${note ? `; ${note}` : ''}`, atMs: at });
    return (await this.caseById(whistleId))!;
  }

  public async rateDepartment(whistleId: string, departmentId: number, rating: number): Promise<WhistleCase> {
    await this.summonsOrThrow(whistleId, departmentId);
    const at = this.now();
    const actor = currentActor();
    await this.record([{ id: `console-${randomUUID()}`, type: 'whistle.step', ts: new Date(at).toISOString(), source: 'console', data: { whistleId, departmentId, step: 'rated', rating, actor } }]);
    await appendAudit(this.store, { actor, action: 'whistle.rate', subject: `whistle:${whistleId}`, reason: `department ${departmentId}: ${rating}`, atMs: at });
    return (await this.caseById(whistleId))!;
  }

  private async summonsOrThrow(whistleId: string, departmentId: number): Promise<void> {
    const s = await this.store.one('SELECT 1 FROM whistle_summons WHERE whistle_id = $w AND department_id = $d', { w: whistleId, d: departmentId });
    if (!s) throw new RangeError(`Department ${departmentId} was not summoned by whistle "${whistleId}".`);
  }

  private async cases(whereWhistle: string, params: Record<string, string | number>): Promise<WhistleCase[]> {
    const whistles = await this.store.all<{ id: string; incident_id: string; kind: string; blown_at: number; deadline_min: number; category: string | null; lon: number | null; lat: number | null; address: string | null }>(
      `SELECT w.id, w.incident_id, w.kind, epoch_ms(w.blown_at) AS blown_at, w.deadline_min, i.category, i.lon, i.lat, b.address
       FROM whistles w LEFT JOIN incidents i ON i.id = w.incident_id LEFT JOIN buildings b ON b.id = i.building_id
       WHERE ${whereWhistle} ORDER BY w.blown_at DESC LIMIT 200`,
      params,
    );
    if (whistles.length === 0) return [];
    const ids = whistles.map((w) => `'${w.id.replaceAll("'", "''")}'`).join(',');
    const rows = await this.store.all<SummonsRow>(SUMMONS_SQL(`s.whistle_id IN (${ids})`));
    const now = this.now();
    return whistles.map((w) => {
      const summons: Summons[] = rows
        .filter((r) => r.whistle_id === w.id)
        .map((r) => {
          const times = { dueAtMs: Number(r.due_at), enRouteAtMs: n(r.en_route_at), reportedInAtMs: n(r.reported_in_at), doneAtMs: n(r.done_at) };
          const onSite = times.reportedInAtMs !== null;
          return {
            departmentId: r.department_id,
            name: r.name ?? `#${r.department_id}`,
            dueAt: times.dueAtMs,
            state: summonsState(times, now),
            enRouteAt: times.enRouteAtMs,
            reportedInAt: times.reportedInAtMs,
            doneAt: times.doneAtMs,
            outcome: (r.outcome as PartOutcome | null) ?? null,
            escalatedAt: n(r.escalated_at),
            rating: n(r.rating),
            lon: onSite ? n(w.lon) : (n(r.pos_lon) ?? n(r.dep_lon)),
            lat: onSite ? n(w.lat) : (n(r.pos_lat) ?? n(r.dep_lat)),
            etaMin: onSite ? null : n(r.eta_min),
          };
        });
      const done = summons.length > 0 && summons.every((s) => s.doneAt !== null);
      return {
        id: w.id,
        incidentId: w.incident_id,
        category: w.category,
        lon: Number(w.lon ?? 0),
        lat: Number(w.lat ?? 0),
        address: w.address,
        kind: w.kind as WhistleKind,
        blownAt: Number(w.blown_at),
        deadlineMin: Number(w.deadline_min),
        done,
        doneAt: done ? Math.max(...summons.map((s) => s.doneAt!)) : null,
        summons,
      };
    });
  }

  private async caseById(id: string): Promise<WhistleCase | null> {
    return (await this.cases('w.id = $id', { id }))[0] ?? null;
  }

  public async listWhistles(sinceMs: number): Promise<WhistleCase[]> {
    const all = await this.cases('true', {});
    return all.filter((c) => !c.done || (c.doneAt ?? 0) >= sinceMs);
  }

  public async getScoreboard(fromMs: number, toMs: number): Promise<WhistleScoreboard> {
    const params = { from: Math.round(fromMs), to: Math.round(toMs) };
    const range = 'w.blown_at >= make_timestamp($from::BIGINT * 1000) AND w.blown_at < make_timestamp($to::BIGINT * 1000)';
    const rows = await this.store.all<SummonsRow & { blown_at: number }>(
      `SELECT x.*, epoch_ms(w.blown_at) AS blown_at FROM (${SUMMONS_SQL('true')}) x JOIN whistles w ON w.id = x.whistle_id WHERE ${range}`,
      params,
    );
    const counts = await this.store.one<{ whistles: number; incidents: number }>(
      `SELECT (SELECT count(*) FROM whistles w WHERE ${range})::INTEGER AS whistles,
              (SELECT count(*) FROM incidents i WHERE i.reported_at >= make_timestamp($from::BIGINT * 1000) AND i.reported_at < make_timestamp($to::BIGINT * 1000))::INTEGER AS incidents`,
      params,
    );
    const now = this.now();
    const byDep = new Map<number, DepartmentScore & { rin: number[]; hand: number[]; rates: number[] }>();
    const caseDone = new Map<string, { blown: number; done: number | null; open: boolean }>();
    for (const r of rows) {
      let d = byDep.get(r.department_id);
      if (!d) {
        d = { departmentId: r.department_id, name: r.name ?? `#${r.department_id}`, summoned: 0, reportedIn: 0, onTime: 0, late: 0, escalations: 0, partsDone: 0, avgReportInMin: null, avgHandlingMin: null, avgRating: null, rin: [], hand: [], rates: [] };
        byDep.set(r.department_id, d);
      }
      const blown = Number(r.blown_at);
      const due = Number(r.due_at);
      const rin = n(r.reported_in_at);
      const done = n(r.done_at);
      d.summoned++;
      if (rin !== null) {
        d.reportedIn++;
        d.rin.push((rin - blown) / 60_000);
        if (rin <= due) d.onTime++;
        else d.late++;
      } else if (now > due) d.late++;
      if (r.escalated_at !== null) d.escalations++;
      if (done !== null) {
        d.partsDone++;
        if (rin !== null) d.hand.push((done - rin) / 60_000);
      }
      if (r.rating !== null) d.rates.push(Number(r.rating));
      const c = caseDone.get(r.whistle_id) ?? { blown, done: null, open: false };
      if (done === null) c.open = true;
      else c.done = Math.max(c.done ?? 0, done);
      caseDone.set(r.whistle_id, c);
    }
    const avg = (xs: number[]): number | null => (xs.length === 0 ? null : Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 10) / 10);
    const departments = rankDepartments(
      [...byDep.values()].map(({ rin, hand, rates, ...d }) => ({ ...d, avgReportInMin: avg(rin), avgHandlingMin: avg(hand), avgRating: avg(rates) })),
    );
    const finished = [...caseDone.values()].filter((c) => !c.open && c.done !== null).map((c) => (c.done! - c.blown) / 3_600_000);
    const whistles = counts?.whistles ?? 0;
    const incidents = counts?.incidents ?? 0;
    return {
      fromMs,
      toMs,
      whistles,
      incidents,
      whistleRate: incidents > 0 ? Math.round((whistles / incidents) * 1000) / 1000 : null,
      avgCaseHours: avg(finished),
      departments,
    };
  }

  public async listDepartments(): Promise<{ id: number; name: string; kind: string }[]> {
    return this.store.all('SELECT id, name, kind FROM departments ORDER BY id');
  }

  /**
   * Escalates every summons past its deadline with no report-in and no escalation yet: one
   * `whistle.step` escalated event each (level 1: the street's leader is told). Returns how many.
   */
  public async escalateLate(): Promise<number> {
    const now = this.now();
    const late = await this.store.all<{ whistle_id: string; department_id: number; due_at: number }>(
      `SELECT s.whistle_id, s.department_id, epoch_ms(s.due_at) AS due_at FROM whistle_summons s
       WHERE s.due_at < make_timestamp($now::BIGINT * 1000)
         AND NOT EXISTS (SELECT 1 FROM whistle_steps t WHERE t.whistle_id = s.whistle_id AND t.department_id = s.department_id AND t.step IN ('reported_in', 'escalated', 'part_done'))`,
      { now },
    );
    if (late.length === 0) return 0;
    await this.record(
      late.map((l) => ({
        id: `whistle-escalated-${l.whistle_id}-${l.department_id}`,
        type: 'whistle.step',
        ts: new Date(now).toISOString(),
        source: 'host',
        data: { whistleId: l.whistle_id, departmentId: l.department_id, step: 'escalated', level: 1, actor: 'system', note: `not on site ${Math.round((now - Number(l.due_at)) / 60_000)} min after the deadline` },
      })),
    );
    this.options.log?.(`whistle: ${late.length} late report-in(s) escalated`);
    return late.length;
  }
}

