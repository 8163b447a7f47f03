/**
 * The plan board (台风应急预案 · 一键调度), a section of the typhoon tab: make a plan for the storm
 * on screen (with a rain scenario), see who must move and where to (shelter load against
 * capacity, the optimal assignment against nearest-shelter), dispatch it in one click, and follow
 * progress per grid against the evacuation clock: done, left, refused, must start by, late. An
 * operator opens a grid to see who is still left and records a household's progress.
 */
import { useTranslation } from 'react-i18next';
import type { EvacuationClockView, PlanBoardGrid } from '../../../../electron/common/typhoon/evacuationContract.ts';
import { formatDateTime, formatNumber, formatShortTime } from '../../../i18n/format.ts';
import { serverNow } from '../../../state/liveStore.ts';
import { useCan } from '../../../state/sessionStore.ts';
import { usePanelTick } from '../../../state/panelClock.ts';
import { useTyphoonStore } from '../store.ts';
import { dispatchPlan, makePlan, recordProgress, setRain, toggleGrid, usePlanStore } from './planStore.ts';
import './plan.css';

const RAIN_CHOICES = [null, 150, 300] as const;

/** "3:20" hours:minutes of a span in minutes. */
const hm = (minutes: number): string => `${Math.floor(Math.abs(minutes) / 60)}:${String(Math.round(Math.abs(minutes) % 60)).padStart(2, '0')}`;

/** A time on the player's clock: hh:mm today, else the date too. */
function clockTime(ms: number): string {
  const day = (x: number): string => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(x);
  return day(ms) === day(serverNow()) ? formatShortTime(ms) : formatDateTime(ms);
}

function ClockCell({ clock, shiftMs }: { clock: EvacuationClockView; shiftMs: number }): React.JSX.Element {
  const { t } = useTranslation();
  const spare = clock.minutesToSpare;
  const text =
    clock.status === 'late' && spare !== null
      ? t('typhoon.plan.overdue', { h: hm(spare) })
      : clock.status === 'on-time' && spare !== null
        ? t('typhoon.plan.spare', { h: hm(spare) })
        : t(`typhoon.plan.status.${clock.status}`);
  return (
    <>
      <td className="mono">{clock.mustBeDoneByUtcMs === null ? '—' : clockTime(clock.mustBeDoneByUtcMs + shiftMs)}</td>
      <td>
        <span className={`clock-chip clock-${clock.status}`} data-testid="plan-clock" data-status={clock.status} title={clock.problem ?? t(`typhoon.plan.status.${clock.status}`)}>
          {text}
        </span>
      </td>
    </>
  );
}

/** 南屏社区第3网格 → 南屏·第3网格: the grid's number stays readable in a narrow column. */
const shortGridName = (name: string): string => name.replace(/^(.+?)社区(.+)$/, '$1·$2');

function GridRow({ grid, shiftMs, open }: { grid: PlanBoardGrid; shiftMs: number; open: boolean }): React.JSX.Element {
  const done = grid.households > 0 ? grid.moved / grid.households : 1;
  return (
    <tr className={`plan-grid-row${grid.clock.late ? ' is-late' : ''}${open ? ' is-open' : ''}`} data-testid="plan-grid" data-grid-id={grid.gridId} onClick={() => toggleGrid(grid.gridId)}>
      <td className="plan-grid-name" title={grid.name}>
        {shortGridName(grid.name)}
      </td>
      <td className="mono num col-total">{grid.households}</td>
      <td className="mono num" data-testid="plan-grid-moved">
        <span className="plan-bar" style={{ ['--done' as string]: `${Math.round(done * 100)}%` }}>{grid.moved}</span>
      </td>
      <td className="mono num" data-testid="plan-grid-left">{grid.left}</td>
      <td className="mono num">{grid.refused}</td>
      <ClockCell clock={grid.clock} shiftMs={shiftMs} />
    </tr>
  );
}

export function PlanBoard(): React.JSX.Element | null {
  const { t } = useTranslation();
  usePanelTick();
  const selectedId = useTyphoonStore((s) => s.selectedId);
  const { plan, board, rainMm, busy, openGridId } = usePlanStore();
  const mayPlan = useCan('operator');
  const mayDispatch = useCan('supervisor');
  if (!selectedId) return null;
  const shiftMs = plan?.shiftMs ?? 0;
  const openGrid = board?.grids.find((g) => g.gridId === openGridId) ?? null;
  const grids = board ? [...board.grids].sort((a, b) => Number(b.clock.late) - Number(a.clock.late) || (a.clock.mustBeDoneByUtcMs ?? Infinity) - (b.clock.mustBeDoneByUtcMs ?? Infinity) || a.gridId - b.gridId) : [];
  const pct = (n: number, of: number): string => `${of > 0 ? Math.round((n / of) * 100) : 0}%`;
  return (
    <section className="plan-board" data-testid="plan-board" data-plan-id={plan?.planId ?? ''}>
      <header className="plan-head">
        <span className="eyebrow">{t('typhoon.plan.title')}</span>
        {mayPlan && (
          <div className="plan-actions">
            <label className="plan-rain">
              {t('typhoon.plan.rain')}
              <select className="select" data-testid="plan-rain" value={rainMm ?? ''} onChange={(e) => setRain(e.target.value === '' ? null : Number(e.target.value))}>
                {RAIN_CHOICES.map((mm) => (
                  <option key={mm ?? 'none'} value={mm ?? ''}>
                    {mm === null ? t('typhoon.plan.noRain') : t('typhoon.plan.rainMm', { mm })}
                  </option>
                ))}
              </select>
            </label>
            <button type="button" className="btn" data-testid="plan-make" disabled={busy !== null} onClick={() => void makePlan()}>
              {busy === 'plan' ? t('typhoon.plan.making') : t('typhoon.plan.make')}
            </button>
            {mayDispatch && plan && (
              <button type="button" className="btn btn-primary" data-testid="plan-dispatch" disabled={busy !== null} onClick={() => void dispatchPlan()}>
                {busy === 'dispatch' ? t('typhoon.plan.dispatching') : plan.dispatchedAtMs !== null ? t('typhoon.plan.dispatchedAt', { when: formatDateTime(plan.dispatchedAtMs) }) : t('typhoon.plan.dispatch')}
              </button>
            )}
          </div>
        )}
      </header>
      {!plan && <p className="muted">{busy === 'plan' ? t('typhoon.plan.making') : t('typhoon.plan.none')}</p>}
      {plan && (
        <>
          <p className="plan-meta muted">
            {t('typhoon.plan.planMeta', { id: plan.planId, when: formatDateTime(plan.createdAtMs) })}
            {plan.createdBy && <> · {t('typhoon.plan.by', { who: plan.createdBy })}</>}
            {plan.dispatchedAtMs !== null && <> · {t('typhoon.plan.dispatchedAt', { when: formatDateTime(plan.dispatchedAtMs) })}</>}
          </p>
          <div className="plan-kpis" data-testid="plan-kpis">
            <div className="plan-kpi">
              <span className="plan-kpi-label">{t('typhoon.plan.toMove')}</span>
              <strong data-testid="plan-households">{t('typhoon.plan.households', { n: plan.totals.households })}</strong>
              <span className="muted">{t('typhoon.plan.people', { n: plan.totals.people })}</span>
            </div>
            <div className="plan-kpi kpi-moved">
              <span className="plan-kpi-label">{t('typhoon.plan.moved')}</span>
              <strong data-testid="plan-moved">{board?.totals.moved ?? 0}</strong>
              <span className="muted">{pct(board?.totals.moved ?? 0, plan.totals.households)}</span>
            </div>
            <div className="plan-kpi">
              <span className="plan-kpi-label">{t('typhoon.plan.left')}</span>
              <strong data-testid="plan-left">{board?.totals.left ?? plan.totals.households}</strong>
              <span className="muted">
                {t('typhoon.plan.refused')} {board?.totals.refused ?? 0}
              </span>
            </div>
            <div className={`plan-kpi${(board?.totals.lateGrids ?? plan.totals.lateGrids) > 0 ? ' kpi-late' : ''}`}>
              <span className="plan-kpi-label">{t('typhoon.plan.lateGrids')}</span>
              <strong data-testid="plan-late">{board?.totals.lateGrids ?? plan.totals.lateGrids}</strong>
              <span className="muted">/ {board?.grids.length ?? 0}</span>
            </div>
          </div>
          <ul className="plan-facts">
            <li>{t('typhoon.plan.vehicle', { n: plan.totals.vehicleHouseholds, trips: plan.totals.vehicleTrips })}</li>
            {plan.communities.length > 0 && (
              <li data-testid="plan-communities">
                {t('typhoon.plan.byCommunity')}: {plan.communities.map((c) => t('typhoon.plan.communityCount', { name: c.name, n: c.households, vulnerable: c.vulnerable })).join(' · ')}
              </li>
            )}
            {plan.totals.unplacedHouseholds > 0 && (
              <li className="plan-warn" data-testid="plan-unplaced">
                {t('typhoon.plan.unplaced', { n: plan.totals.unplacedHouseholds })}:{' '}
                {(['capacity_short', 'unreachable_by_road'] as const)
                  .map((r) => [r, plan.unplaced.filter((u) => u.reason === r).reduce((a, u) => a + u.households, 0)] as const)
                  .filter(([, n]) => n > 0)
                  .map(([r, n]) => `${t(`typhoon.plan.unplacedReason.${r}`)} ${n}`)
                  .join('；')}
              </li>
            )}
            <li>
              {t('typhoon.plan.optimal', { km: formatNumber(plan.comparison.optimalPersonMetres / 1000), nearest: formatNumber(plan.comparison.nearestPersonMetres / 1000) })} ·{' '}
              {plan.comparison.overflowedShelters > 0
                ? t('typhoon.plan.nearestOverflow', { n: plan.comparison.overflowedShelters, people: plan.comparison.excessPeople })
                : t('typhoon.plan.nearestOk')}{' '}
              <span className="muted">({t('typhoon.plan.solver', { status: plan.comparison.solverStatus, gap: plan.comparison.relativeGap.toExponential(1) })})</span>
            </li>
            {plan.flood && (
              <li>{t('typhoon.plan.flood', { label: plan.flood.label, households: plan.flood.householdsFlooded, roads: plan.flood.roadsClosedOnFoot })}</li>
            )}
          </ul>
          <h4 className="plan-sub">{t('typhoon.plan.board')}</h4>
          <table className="typhoon-grids plan-grids" data-testid="plan-grids">
            <thead>
              <tr>
                <th>{t('typhoon.plan.grid')}</th>
                <th className="num col-total">{t('typhoon.plan.toMove')}</th>
                <th className="num">{t('typhoon.plan.done')}</th>
                <th className="num">{t('typhoon.plan.left')}</th>
                <th className="num">{t('typhoon.plan.refused')}</th>
                <th>{t('typhoon.plan.mustStart')}</th>
                <th>{t('typhoon.plan.clock')}</th>
              </tr>
            </thead>
            <tbody>
              {grids.map((g) => (
                <GridRow key={g.gridId} grid={g} shiftMs={shiftMs} open={g.gridId === openGridId} />
              ))}
            </tbody>
          </table>
          {openGrid && (
            <div className="plan-left" data-testid="plan-left-list">
              <h4 className="plan-sub">{t('typhoon.plan.whoLeft', { grid: openGrid.name, n: openGrid.left })}</h4>
              {!board?.named && <p className="muted">{t('typhoon.plan.countsOnly')}</p>}
              <ol className="plan-left-rows">
                {openGrid.leftList.slice(0, 60).map((h) => (
                  <li key={h.householdId} data-testid="plan-left-row" data-household-id={h.householdId}>
                    <span className="mono plan-order">{h.order ?? '—'}</span>
                    <span className="plan-addr" title={h.shelterName ? t('typhoon.plan.toShelter', { name: h.shelterName }) : t('typhoon.plan.noShelter')}>
                      {h.needsVehicle && <span className="plan-vehicle">{t('typhoon.plan.vehicleTag')}</span>}
                      {h.address} {h.unit} · {h.contactName}
                      {h.status === 'contacted' && <span className="tag"> {t('typhoon.plan.contacted')}</span>}
                    </span>
                    {mayPlan && (
                      <span className="plan-marks">
                        <button type="button" className="btn btn-small" onClick={() => void recordProgress(h.householdId, 'contacted')}>
                          {t('typhoon.plan.markContacted')}
                        </button>
                        <button type="button" className="btn btn-small" data-testid="plan-mark-moved" onClick={() => void recordProgress(h.householdId, 'moved')}>
                          {t('typhoon.plan.markMoved')}
                        </button>
                        <button type="button" className="btn btn-small" onClick={() => void recordProgress(h.householdId, 'refused')}>
                          {t('typhoon.plan.markRefused')}
                        </button>
                      </span>
                    )}
                  </li>
                ))}
              </ol>
            </div>
          )}
          <h4 className="plan-sub">{t('typhoon.plan.shelters')}</h4>
          <table className="typhoon-grids plan-shelters" data-testid="plan-shelters">
            <thead>
              <tr>
                <th>{t('typhoon.plan.shelter')}</th>
                <th>{t('typhoon.plan.load')}</th>
                <th className="num">{t('typhoon.plan.nearestLoad')}</th>
              </tr>
            </thead>
            <tbody>
              {plan.shelters
                .filter((s) => s.planned > 0 || s.nearestShelterLoad > 0)
                .map((s) => (
                  <tr key={s.shelterId} title={s.wheelchairAccessible === null ? t('typhoon.plan.wheelchairUnknown') : undefined}>
                    <td className="plan-shelter-name">{s.name}</td>
                    <td>
                      <span className="plan-load">
                        <span className="plan-load-fill" style={{ width: pct(s.planned, s.capacity) }} />
                        <span className="mono plan-load-text">
                          {s.planned} / {s.capacity}
                        </span>
                      </span>
                    </td>
                    <td className={`mono num${s.nearestShelterLoad > s.capacity ? ' over' : ''}`}>{s.nearestShelterLoad}</td>
                  </tr>
                ))}
            </tbody>
          </table>
          {plan.prePositions.length > 0 && (
            <>
              <h4 className="plan-sub">{t('typhoon.plan.prePositions')}</h4>
              <ul className="plan-facts" data-testid="plan-prepositions">
                {plan.prePositions.map((p) => (
                  <li key={p.resourceId}>
                    <strong>{p.callsign}</strong> → {p.spotKind === 'homes' ? t('typhoon.plan.homesSpot', { n: p.households }) : p.label} · {t('typhoon.plan.depth', { m: formatNumber(p.depthM, 2) })}
                  </li>
                ))}
              </ul>
            </>
          )}
          {board?.lastReportAtMs != null && <p className="muted">{t('typhoon.plan.lastReport', { when: formatDateTime(board.lastReportAtMs) })}</p>}
        </>
      )}
    </section>
  );
}
