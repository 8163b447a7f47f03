/**
 * 出行报备 (announced absence) at a console, on a real seeded twin: an elderly resident living
 * alone goes silent for the last five days and the no-usage alert opens; the operator records the
 * trip, the alert leaves the list closed as an announced absence and the detector no longer flags
 * those days; cancelling the notice brings the flagging back. Who may do it (a viewer lists, only an
 * operator records; a wall sees nothing of it) and the limits on the days.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { seedTwin } from '../../electron/cli/twinFiles.ts';
import { DuckDbStore } from '../../data/store/DuckDbStore.ts';
import { createServices, dispatch, type Services } from '../../electron/services/index.ts';
import type { CallContext } from '../../electron/services/callContext.ts';
import { MeterAlertService } from '../../electron/services/alerts/MeterAlertService.ts';
import { dayAt, detectEpisodes, forEachMeterSlice } from '../../data/analytics/meterDetector.ts';
import type { AddAwayNoticeResult, AwayNotice } from '../../electron/common/alerts/contract.ts';
import type { MeterAlert } from '../../electron/common/dto.ts';
import { silenceElderlyHome, tempDir } from './helpers.ts';

const tmp = tempDir();
let store: DuckDbStore;
let services: Services;
/** The meter history ends yesterday, so "today" in the twin is today. */
const LAST = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
const SILENT_FROM = dayAt(LAST, -4);
let home = 0;

const person = (role: 'viewer' | 'operator', username: string): CallContext => ({ caller: { kind: 'person', userId: role === 'viewer' ? 2 : 1, username, displayName: username, role }, via: 'http' });
const operator = person('operator', 'duty1');
const viewer = person('viewer', 'look1');
const wall: CallContext = { caller: { kind: 'wall', tokenId: 3, name: 'hall' }, via: 'http' };
const call = <T>(method: string, arg: unknown, ctx = operator): Promise<T> => dispatch(services.api, 'alerts', method, [arg], ctx) as Promise<T>;

/** Days the detector flags no_usage for the home over the last 43 days (the alert service's window). */
async function flaggedDays(): Promise<string[]> {
  const days: string[] = [];
  await forEachMeterSlice(store, dayAt(LAST, -42), LAST, 25_000, (m) => {
    for (const e of detectEpisodes(m, 'civictwin', dayAt(LAST, -7)))
      if (e.householdId === home && e.kind === 'no_usage') for (let d = 0; d < e.days; d++) days.push(dayAt(e.startDay, d));
  });
  return days;
}
const openAlerts = async (): Promise<string[]> =>
  (await store.all<{ id: string }>("SELECT id FROM meter_alerts WHERE household_id = $h AND kind = 'no_usage' AND status <> 'closed'", { h: home })).map((r) => r.id);

beforeAll(async () => {
  const db = tmp.path('away.duckdb');
  await seedTwin(db, 5, 200, undefined, () => undefined, LAST);
  store = await DuckDbStore.open(db);
  home = await silenceElderlyHome(store, SILENT_FROM);
  // The alerts service raises the history's open alerts at start.
  services = await createServices(store, { host: 'web', personalData: 'masked' });
}, 240_000);
afterAll(() => {
  services?.stop();
  store?.close();
  tmp.cleanup();
});

describe('an announced absence (出行报备)', () => {
  let notice: AwayNotice;

  it('silences the no-usage alert on its days and closes the open alert as an announced absence', async () => {
    expect(await flaggedDays()).toContain(LAST);
    const open = await openAlerts();
    expect(open).toHaveLength(1);

    const added = await call<AddAwayNoticeResult>('addAwayNotice', { householdId: home, startDay: SILENT_FROM, endDay: dayAt(LAST, 10), note: '去女儿家住两周' });
    notice = added.notice;
    expect(notice).toMatchObject({ householdId: home, startDay: SILENT_FROM, endDay: dayAt(LAST, 10), note: '去女儿家住两周', recordedBy: 'duty1', cancelled: false });
    expect(added.closedAlerts).toEqual(open);
    // The alert leaves the list: closed, with the reason the operator will read.
    expect(await openAlerts()).toEqual([]);
    const live = (await dispatch(services.api, 'live', 'getLiveSnapshot', [], operator)) as { alerts: MeterAlert[] };
    expect(live.alerts.map((a) => a.id)).not.toContain(open[0]);
    const closed = await store.one<{ outcome: string; outcome_reason: string }>('SELECT outcome, outcome_reason FROM meter_alerts WHERE id = $id', { id: open[0]! });
    expect(closed).toMatchObject({ outcome: 'false_alarm' });
    expect(closed!.outcome_reason).toContain('出行报备');

    // The detector skips the announced days, and raising again brings no new alert.
    expect(await flaggedDays()).toEqual([]);
    expect(await new MeterAlertService(store).raiseFromHistory()).toEqual([]);
    expect(await openAlerts()).toEqual([]);

    // Listed for the household, to a viewer as well; audited under the operator.
    const listed = await call<AwayNotice[]>('listAwayNotices', { householdId: home }, viewer);
    expect(listed.map((n) => n.id)).toContain(notice.id);
    const audit = await store.all<{ action: string; subject: string }>("SELECT action, subject FROM audit_log WHERE actor = 'duty1' ORDER BY id");
    expect(audit.map((a) => a.action)).toEqual(['away.add', 'alert.outcome']);
    expect(audit[0]!.subject).toBe(`household:${home}`);
  });

  it('brings the flagging back when the notice is cancelled', async () => {
    const cancelled = await call<AwayNotice>('cancelAwayNotice', { id: notice.id });
    expect(cancelled.cancelled).toBe(true);
    expect(await call<AwayNotice[]>('listAwayNotices', { householdId: home })).toEqual([]);
    expect(await flaggedDays()).toContain(LAST);
    expect((await store.one<{ action: string }>("SELECT action FROM audit_log WHERE actor = 'duty1' ORDER BY id DESC LIMIT 1"))!.action).toBe('away.cancel');
    await expect(call('cancelAwayNotice', { id: notice.id })).rejects.toThrow(/cancelled before/);
  });

  it('is recorded by operators only; a wall cannot even list', async () => {
    const days = { householdId: home, startDay: LAST, endDay: dayAt(LAST, 3) };
    await expect(call('addAwayNotice', days, viewer)).rejects.toThrow(/needs operator/);
    await expect(call('cancelAwayNotice', { id: notice.id }, viewer)).rejects.toThrow(/needs operator/);
    await expect(call('listAwayNotices', { householdId: home }, wall)).rejects.toThrow(/may not/);
    await expect(call('addAwayNotice', days, wall)).rejects.toThrow(/may not/);
    const n = await store.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM meter_away_notices WHERE recorded_by = $who', { who: 'duty1' });
    expect(n!.n).toBe(1);
  });

  it('keeps the demo’s notices (from before migration 23’s columns) valid: an id each, its grid worker as recorder, none cancelled', async () => {
    const r = await store.one<{ n: number; ids: number; recorded: number; cancelled: number }>(
      `SELECT count(*)::INTEGER AS n, count(DISTINCT id)::INTEGER AS ids, count(recorded_by)::INTEGER AS recorded, count(*) FILTER (WHERE cancelled IS NOT FALSE)::INTEGER AS cancelled
       FROM meter_away_notices WHERE recorded_by IS DISTINCT FROM 'duty1'`,
    );
    expect(r!.n).toBeGreaterThan(0);
    expect(r!.ids).toBe(r!.n);
    expect(r!.recorded).toBe(r!.n);
    expect(r!.cancelled).toBe(0);
  });

  it('refuses days that make no sense, saying why', async () => {
    await expect(call('addAwayNotice', { householdId: home, startDay: dayAt(LAST, 5), endDay: LAST })).rejects.toThrow(/before the first/);
    await expect(call('addAwayNotice', { householdId: home, startDay: LAST, endDay: dayAt(LAST, 119) })).rejects.toThrow(/at most 90 days.*is 120/);
    await expect(call('addAwayNotice', { householdId: home, startDay: dayAt(LAST, -40), endDay: LAST })).rejects.toThrow(/at most 30 days ago/);
    await expect(call('addAwayNotice', { householdId: home, startDay: '2026-02-30', endDay: LAST })).rejects.toThrow(/YYYY-MM-DD/);
    await expect(call('addAwayNotice', { householdId: home, startDay: LAST, endDay: LAST, note: 'x'.repeat(201) })).rejects.toThrow(/note/);
    expect((await store.one<{ n: number }>('SELECT count(*)::INTEGER AS n FROM meter_away_notices WHERE recorded_by = $who', { who: 'duty1' }))!.n).toBe(1);
  });
});
