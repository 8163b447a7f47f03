/**
 * KPI dashboard (issue 13): the figures the `kpi` section serves equal SQL written by hand over the
 * same events (the `incidents` and `incident_steps` projections, read directly, not through the
 * facts table), on a real seeded twin whose incidents came in through the real ingest; a step that
 * arrives later is in the next report; a period longer than two years is refused; the export's
 * XLSX reads back with the report's numbers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import readXlsxFile from 'read-excel-file/node';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { generateDistrict } from '../../data/seed/generateDistrict.ts';
import { refreshBuildingStats } from '../../data/store/buildingStats.ts';
import { createServices, dispatch, type Services } from '../../electron/services/index.ts';
import {
  INCIDENT_CATEGORIES,
  SLA_MINUTES,
  type IncidentCategory,
} from '../../data/model/incidents.ts';
import { METER_ANOMALY_KINDS } from '../../data/model/domain.ts';
import { Rng } from '../../data/model/random.ts';
import type { KpiReport } from '../../data/model/kpi/index.ts';
import { kpiTables, kpiCsv, kpiXlsx } from '../../renderer/features/kpi/tables.ts';
import { tempDir } from './helpers.ts';

const tmp = tempDir();
let store: DuckDbStore;
let services: Services;
const NOW = Date.parse('2026-11-30T12:00:00Z');
const DAY = 86_400_000;
const period = { fromMs: NOW - 10 * DAY, toMs: NOW };
const iso = (ms: number): string => new Date(ms).toISOString();
const CATS = INCIDENT_CATEGORIES.filter((c) => c !== 'other' && c !== 'typhoon_evacuation');

beforeAll(async () => {
  store = await DuckDbStore.open(tmp.path('kpi.duckdb'), { create: true });
  await generateDistrict(store, { seed: 5, buildings: 400 });
  await refreshBuildingStats(store);
  services = await createServices(store, { host: 'web', personalData: 'masked' });
  const rng = new Rng(42);
  const r = (): number => rng.next();
  const buildings = await store.all<{ id: number; lon: number; lat: number }>(
    'SELECT id, centroid_lon AS lon, centroid_lat AS lat FROM buildings ORDER BY id',
  );
  const workers = await store.all<{ id: number }>(
    "SELECT id FROM resources WHERE kind = 'grid_worker' ORDER BY id",
  );
  const events: Record<string, unknown>[] = [];
  let n = 0;
  // 600 incidents over 12 days (some before the period), a tenth of them at a few repeated places.
  for (let k = 0; k < 600; k++) {
    const id = `K-${k}`;
    const category = CATS[Math.floor(r() * CATS.length)]!;
    const t = NOW - 12 * DAY + Math.floor(r() * 12 * DAY);
    const b = k % 10 === 0 ? buildings[k % 3]! : buildings[Math.floor(r() * buildings.length)]!;
    const onRoad = r() < 0.4;
    const lon = onRoad ? Math.round((b.lon + 0.0004) * 1e6) / 1e6 : b.lon;
    const lat = onRoad ? Math.round((b.lat + 0.0003) * 1e6) / 1e6 : b.lat;
    events.push({
      id: `e${++n}`,
      type: 'incident.reported',
      ts: iso(t),
      source: 'app-resident',
      data: {
        incidentId: id,
        category,
        severity: 2,
        lon,
        lat,
        reporter: 'resident',
        description: '测试',
        ...(onRoad ? {} : { buildingId: b.id }),
      },
    });
    const fate = r();
    if (fate < 0.05) {
      events.push({
        id: `e${++n}`,
        type: 'incident.status',
        ts: iso(t + 60_000),
        source: 'op',
        data: { incidentId: id, status: 'cancelled' },
      });
      continue;
    }
    if (fate < 0.2) continue; // still open
    const sla = SLA_MINUTES[category] * 60_000;
    const accept = t + 60_000 + Math.floor(r() * 300_000);
    const assignee =
      r() < 0.7
        ? { kind: 'grid_worker', id: workers[Math.floor(r() * workers.length)]!.id }
        : { kind: 'department', id: 1 + Math.floor(r() * 3) };
    const handled = t + Math.floor(sla * (0.2 + r() * 1.3));
    events.push({
      id: `e${++n}`,
      type: 'incident.status',
      ts: iso(accept),
      source: 'op',
      data: { incidentId: id, status: 'accepted' },
    });
    events.push({
      id: `e${++n}`,
      type: 'incident.status',
      ts: iso(accept + 30_000),
      source: 'op',
      data: { incidentId: id, status: 'dispatched', assignee },
    });
    if (handled > NOW) continue;
    events.push({
      id: `e${++n}`,
      type: 'incident.status',
      ts: iso(handled),
      source: 'op',
      data: { incidentId: id, status: 'feedback' },
    });
    if (r() < 0.8 && handled + 600_000 < NOW) {
      events.push({
        id: `e${++n}`,
        type: 'incident.status',
        ts: iso(handled + 600_000),
        source: 'op',
        data: { incidentId: id, status: 'evaluated', rating: 1 + Math.floor(r() * 5) },
      });
    }
  }
  for (let i = 0; i < events.length; i += 500)
    expect((await services.ingest.ingestValues(events.slice(i, i + 500), 'http')).accepted).toBe(
      Math.min(500, events.length - i),
    );
  // Meter alerts as the detector writes them, closed with what visits found.
  const households = await store.all<{ id: number; building_id: number }>(
    'SELECT id, building_id FROM households ORDER BY id LIMIT 40',
  );
  const outcomes = ['safe', 'needed_help', 'false_alarm', null] as const;
  for (const [i, h] of households.entries()) {
    await store.run(
      `INSERT INTO meter_alerts (id, household_id, building_id, kind, raised_at, explanation, score, status, outcome, closed_at)
       VALUES ($id, $h, $b, $kind, epoch_ms($t::BIGINT), '{}', 1, $status, $o, CASE WHEN $o IS NULL THEN NULL ELSE epoch_ms($t::BIGINT) END)`,
      {
        id: `A-${i}`,
        h: h.id,
        b: h.building_id,
        kind: METER_ANOMALY_KINDS[i % 3]!,
        t: NOW - (i % 12) * DAY + 3_600_000,
        status: outcomes[i % 4] ? 'closed' : 'open',
        o: outcomes[(i * 7) % 4] ?? null,
      },
    );
  }
});
afterAll(() => {
  services.ingest.close();
  store.close();
  tmp.cleanup();
});

/** The report as the service computes it for now = NOW (the service's clock is the wall clock). */
async function report(): Promise<KpiReport> {
  const { computeKpis } = await import('../../data/analytics/kpi/kpiQueries.ts');
  return computeKpis(store, period, NOW);
}

/** Per incident, by hand from the projections: reported, handled (first feedback/evaluated/closed), last step, last rating, last assignee. */
const PER_INCIDENT = `
  SELECT i.id, i.category, i.building_id, i.lon, i.lat, epoch_ms(i.reported_at) AS r,
    (SELECT min(epoch_ms(s.ts)) FROM incident_steps s WHERE s.incident_id = i.id AND s.step IN ('feedback', 'evaluated', 'closed')) AS h,
    (SELECT s.step FROM incident_steps s WHERE s.incident_id = i.id ORDER BY s.ts DESC, s.step = 'cancelled' DESC LIMIT 1) AS last_step,
    (SELECT s.rating FROM incident_steps s WHERE s.incident_id = i.id AND s.rating IS NOT NULL ORDER BY s.ts DESC LIMIT 1) AS rating,
    (SELECT s.assignee_kind || ':' || s.assignee_id FROM incident_steps s WHERE s.incident_id = i.id AND s.assignee_id IS NOT NULL ORDER BY s.ts DESC LIMIT 1) AS assignee
  FROM incidents i WHERE epoch_ms(i.reported_at) >= $from AND epoch_ms(i.reported_at) < $to`;
interface Hand {
  id: string;
  category: IncidentCategory;
  building_id: number | null;
  lon: number;
  lat: number;
  r: number;
  h: number | null;
  last_step: string;
  rating: number | null;
  assignee: string | null;
}
async function hand(): Promise<Hand[]> {
  return (await store.all<Hand>(PER_INCIDENT, { from: period.fromMs, to: period.toMs })).map(
    (x) => ({ ...x, r: Number(x.r), h: x.h === null ? null : Number(x.h) }),
  );
}

describe('KPI figures against hand-written SQL over the same events', () => {
  it('summary, SLA by category, handling-time distribution and satisfaction', async () => {
    const k = await report();
    const rows = await hand();
    const live = rows.filter((x) => x.last_step !== 'cancelled');
    const handled = live.filter((x) => x.h !== null);
    const due = (x: Hand): number => x.r + SLA_MINUTES[x.category] * 60_000;
    const met = handled.filter((x) => x.h! <= due(x)).length;
    const missed = live.filter(
      (x) => (x.h !== null && x.h > due(x)) || (x.h === null && NOW > due(x)),
    ).length;
    expect(k.summary.reported).toBe(rows.length);
    expect(rows.length).toBeGreaterThan(300);
    expect(k.summary.cancelled).toBe(rows.length - live.length);
    expect(k.summary.handled).toBe(handled.length);
    expect(k.summary.open).toBe(live.length - handled.length);
    expect(k.summary.slaMet).toBe(met);
    expect(k.summary.slaMissed).toBe(missed);
    expect(missed).toBeGreaterThan(0);
    const mins = handled.map((x) => (x.h! - x.r) / 60_000).sort((a, b) => a - b);
    expect(k.summary.meanHandlingMin).toBeCloseTo(mins.reduce((s, v) => s + v, 0) / mins.length, 6);
    const mid = mins.length / 2;
    expect(k.summary.medianHandlingMin).toBeCloseTo(
      mins.length % 2 ? mins[Math.floor(mid)]! : (mins[mid - 1]! + mins[mid]!) / 2,
      6,
    );
    // Distribution: every handled incident in exactly one bin, each bin by its edges.
    expect(k.handlingDistribution.reduce((s, b) => s + b.count, 0)).toBe(handled.length);
    for (const b of k.handlingDistribution)
      expect(b.count).toBe(
        mins.filter(
          (m) =>
            m >= (b.fromMin === 0 ? -Infinity : b.fromMin) && (b.toMin === null || m < b.toMin),
        ).length,
      );
    // By category.
    for (const c of k.slaByCategory) {
      const of = live.filter((x) => x.category === c.category);
      expect(c.met, c.category).toBe(of.filter((x) => x.h !== null && x.h <= due(x)).length);
      expect(c.missed, c.category).toBe(
        of.filter((x) => (x.h !== null && x.h > due(x)) || (x.h === null && NOW > due(x))).length,
      );
      expect(c.slaMinutes).toBe(SLA_MINUTES[c.category as IncidentCategory]);
    }
    // Satisfaction: the latest rating of each incident.
    const ratings = rows.filter((x) => x.rating !== null).map((x) => Number(x.rating));
    expect(k.satisfaction.counts).toEqual(
      [1, 2, 3, 4, 5].map((s) => ratings.filter((v) => v === s).length),
    );
    expect(k.summary.rated).toBe(ratings.length);
    expect(k.satisfaction.mean).toBeCloseTo(ratings.reduce((s, v) => s + v, 0) / ratings.length, 6);
    // Trend: daily buckets in Beijing time add up to the period's reports.
    expect(k.bucket).toBe('day');
    expect(k.handlingTrend.reduce((s, p) => s + p.reported, 0)).toBe(rows.length);
    const firstDay = k.handlingTrend[1]!;
    expect(firstDay.reported).toBe(
      rows.filter((x) => x.r >= firstDay.atMs && x.r < firstDay.atMs + DAY).length,
    );
    expect(new Date(firstDay.atMs + 8 * 3_600_000).toISOString().slice(11, 19)).toBe('00:00:00');
  });

  it('SLA by grid: a building’s grid, and for a report on a road the grid whose outline holds it', async () => {
    const k = await report();
    const rows = (await hand()).filter((x) => x.last_step !== 'cancelled');
    const grids = await store.all<{ id: number; ring: number[] }>(
      "SELECT id, ring FROM areas WHERE level = 'grid'",
    );
    const gridOfBuilding = new Map(
      (await store.all<{ id: number; grid_id: number }>('SELECT id, grid_id FROM buildings')).map(
        (b) => [b.id, b.grid_id],
      ),
    );
    const inside = (lon: number, lat: number, ring: number[]): boolean => {
      let c = false;
      for (let i = 0, j = ring.length / 2 - 1; i < ring.length / 2; j = i++) {
        const [xi, yi, xj, yj] = [ring[2 * i]!, ring[2 * i + 1]!, ring[2 * j]!, ring[2 * j + 1]!];
        if (yi > lat !== yj > lat && lon < ((xj - xi) * (lat - yi)) / (yj - yi) + xi) c = !c;
      }
      return c;
    };
    const gridOf = (x: Hand): number | null =>
      x.building_id !== null
        ? gridOfBuilding.get(x.building_id)!
        : (grids.find((g) => inside(x.lon, x.lat, g.ring.map(Number)))?.id ?? null);
    const byGrid = new Map<number | null, { met: number; missed: number }>();
    for (const x of rows) {
      const g = gridOf(x);
      const e = byGrid.get(g) ?? { met: 0, missed: 0 };
      const due = x.r + SLA_MINUTES[x.category] * 60_000;
      if (x.h !== null && x.h <= due) e.met++;
      if ((x.h !== null && x.h > due) || (x.h === null && NOW > due)) e.missed++;
      byGrid.set(g, e);
    }
    expect(k.slaByGrid.length).toBe(byGrid.size);
    for (const g of k.slaByGrid)
      expect({ met: g.met, missed: g.missed }, String(g.gridId)).toEqual(byGrid.get(g.gridId));
    expect(
      k.slaByGrid.filter((g) => g.gridId !== null).every((g) => typeof g.gridName === 'string'),
    ).toBe(true);
  });

  it('hot spots, workload and alert outcomes', async () => {
    const k = await report();
    const rows = await hand();
    const repeated = await store.all<{ building_id: number; n: number }>(
      `SELECT building_id, count(*)::INTEGER AS n FROM incidents WHERE building_id IS NOT NULL AND epoch_ms(reported_at) >= $from AND epoch_ms(reported_at) < $to
       GROUP BY building_id HAVING count(*) >= 2 ORDER BY n DESC, building_id LIMIT 3`,
      { from: period.fromMs, to: period.toMs },
    );
    for (const b of repeated)
      expect(k.hotspotMap.find((h) => h.buildingId === b.building_id)?.count).toBe(b.n);
    expect(k.hotspots[0]!.count).toBeGreaterThanOrEqual(k.hotspots.at(-1)!.count);
    expect(k.hotspots[0]!.label).toBeTruthy();
    // Each building hot spot names its most reported category (ties: the category listed first).
    for (const h of k.hotspots.filter((x) => x.buildingId !== null).slice(0, 5)) {
      const cats = await store.all<{ category: string; n: number }>(
        `SELECT category, count(*)::INTEGER AS n FROM incidents WHERE building_id = $b AND epoch_ms(reported_at) >= $from AND epoch_ms(reported_at) < $to GROUP BY category`,
        { b: h.buildingId!, from: period.fromMs, to: period.toMs },
      );
      const most = Math.max(...cats.map((c) => c.n));
      const expected = INCIDENT_CATEGORIES.find((c) => cats.some((x) => x.category === c && x.n === most));
      expect(h.topCategory).toBe(expected);
    }
    // Workload by the last assignee.
    for (const w of [...k.workload.gridWorkers, ...k.workload.departments].slice(0, 10)) {
      const kind = k.workload.gridWorkers.includes(w) ? 'grid_worker' : 'department';
      const of = rows.filter((x) => x.assignee === `${kind}:${w.id}`);
      expect(w.assigned, w.label).toBe(of.length);
      expect(w.handled).toBe(of.filter((x) => x.h !== null && x.last_step !== 'cancelled').length);
    }
    expect(k.workload.gridWorkers[0]!.label).toMatch(/^网格员-/);
    // Alert outcomes per kind, and the detector's precision from the visits.
    const alerts = await store.all<{ kind: string; outcome: string | null; n: number }>(
      `SELECT kind, outcome, count(*)::INTEGER AS n FROM meter_alerts WHERE epoch_ms(raised_at) >= $from AND epoch_ms(raised_at) < $to GROUP BY ALL`,
      { from: period.fromMs, to: period.toMs },
    );
    for (const a of k.alertOutcomes) {
      const n = (o: string | null): number =>
        alerts.find((x) => x.kind === a.kind && x.outcome === o)?.n ?? 0;
      expect([a.safe, a.neededHelp, a.falseAlarm, a.open]).toEqual([
        n('safe'),
        n('needed_help'),
        n('false_alarm'),
        n(null),
      ]);
      const visits = a.safe + a.neededHelp + a.falseAlarm;
      expect(a.precision).toBeCloseTo((visits - a.falseAlarm) / visits, 9);
    }
    // The false-alarm rate per kind, as a supervisor would compute it by hand from the visits.
    const byHand = await store.all<{ kind: string; rate: number | null }>(
      `SELECT kind, (count(*) FILTER (WHERE outcome = 'false_alarm'))::DOUBLE / nullif(count(outcome), 0) AS rate
       FROM meter_alerts WHERE epoch_ms(raised_at) >= $from AND epoch_ms(raised_at) < $to GROUP BY kind`,
      { from: period.fromMs, to: period.toMs },
    );
    expect(byHand.length).toBeGreaterThan(0);
    for (const h of byHand) {
      const a = k.alertOutcomes.find((x) => x.kind === h.kind)!;
      if (h.rate === null) expect(a.falseAlarmRate).toBeNull();
      else expect(a.falseAlarmRate).toBeCloseTo(h.rate, 12);
    }
    expect(k.alertOutcomes.some((a) => (a.falseAlarmRate ?? 0) > 0)).toBe(true);
  });

  it('sees a step committed after the last report in the next report', async () => {
    const before = await report();
    const open = (await hand()).find((x) => x.h === null && x.last_step !== 'cancelled')!;
    await services.ingest.ingestValues(
      [
        {
          id: 'late-1',
          type: 'incident.status',
          ts: iso(NOW - 1000),
          source: 'op',
          data: { incidentId: open.id, status: 'feedback' },
        },
      ],
      'http',
    );
    const after = await report();
    expect(after.summary.handled).toBe(before.summary.handled + 1);
    expect(after.summary.open).toBe(before.summary.open - 1);
  });
});

describe('the kpi section', () => {
  it('serves walls and refuses a period over two years or backwards', async () => {
    const wall = { caller: { kind: 'wall' as const, tokenId: 1, name: 'w' }, via: 'http' as const };
    const served = (await dispatch(services.api, 'kpi', 'getReport', [period], wall)) as KpiReport;
    expect(served.summary.reported).toBeGreaterThan(0);
    await expect(
      dispatch(services.api, 'kpi', 'getReport', [{ fromMs: NOW - 800 * DAY, toMs: NOW }], wall),
    ).rejects.toThrow();
    await expect(
      dispatch(services.api, 'kpi', 'getReport', [{ fromMs: NOW, toMs: NOW - DAY }], wall),
    ).rejects.toThrow();
    // Nothing in it names a person: labels are call signs, departments, grids and addresses.
    const text = JSON.stringify(served);
    const names = await store.all<{ name: string }>('SELECT name FROM departments');
    expect(names.length).toBeGreaterThan(0);
    expect(text).not.toMatch(/pii|phone|contact/i);
  });
});

describe('export', () => {
  it('writes every chart as a table to CSV and XLSX, and the XLSX reads back with the report’s numbers', async () => {
    const k = await report();
    const tables = kpiTables(k, (key) => key);
    expect(tables.map((t) => t.id)).toEqual([
      'summary',
      'handlingDistribution',
      'handlingTrend',
      'slaByCategory',
      'slaByGrid',
      'satisfaction',
      'hotspots',
      'workload',
      'alertOutcomes',
    ]);
    const csv = kpiCsv(tables.find((t) => t.id === 'slaByCategory')!);
    expect(csv.split('\n').length).toBe(k.slaByCategory.length + 2);
    const blob = await kpiXlsx(tables);
    const sheets = await readXlsxFile(Buffer.from(await blob.arrayBuffer()));
    expect(sheets.map((s) => s.sheet)).toHaveLength(tables.length);
    const sla = sheets[3]!.data;
    expect(sla.length).toBe(k.slaByCategory.length + 1);
    expect(sla.slice(1).map((row) => Number(row[2]))).toEqual(k.slaByCategory.map((c) => c.met));
    const summary = sheets[0]!.data;
    expect(summary.some((row) => Number(row[1]) === k.summary.reported)).toBe(true);
  });
});
