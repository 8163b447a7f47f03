/**
 * The typhoon tab's waterlogging part: which rain (150 / 300 mm presets, a custom total, or the
 * rain gauges), whether the water is on the map, what is flooded at the player's moment, the
 * totals over the storm, the roads the water closes with each one's reason, and "no terrain
 * model" when the twin has none.
 */
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { FloodView, FloodWhy } from '../../../electron/common/typhoon/flood.ts';
import { formatDateTime } from '../../i18n/format.ts';
import { seekTo } from '../../sources/replay.ts';
import { playerNow, useLivePanels } from '../../state/liveStore.ts';
import { usePanelTick } from '../../state/panelClock.ts';
import { DEFAULT_RAIN_HOURS, floodMoment, floodStepTime, RAIN_PRESETS_MM, setFloodVisible, setRain, useFloodStore } from './floodStore.ts';
import { useTyphoonStore } from './store.ts';
import { flyToPoint } from '../../actions/camera.ts';
import { selectBuilding } from '../../state/uiStore.ts';
import './flood.css';

const GAUGE_HOURS = 24;
/** Flooded roads and buildings listed in the tab (the map draws every one). */
const LISTED_ROADS = 8;
const LISTED_BUILDINGS = 6;

export function FloodSection(): React.JSX.Element {
  const { t } = useTranslation();
  usePanelTick();
  useLivePanels((s) => s.replay);
  const { visible, rain, flood, unavailable, loading } = useFloodStore();
  const shiftMs = useTyphoonStore((s) => s.shiftMs);
  const [custom, setCustom] = useState('');
  const customMm = Number(custom);
  const customValid = custom.trim() !== '' && Number.isFinite(customMm) && customMm >= 0 && customMm <= 2000;

  return (
    <section className="flood-section" data-testid="flood-section">
      <header className="flood-head">
        <span className="eyebrow">{t('typhoon.flood.title')}</span>
        <label className="typhoon-toggle">
          <input type="checkbox" checked={visible} onChange={(e) => setFloodVisible(e.target.checked)} data-testid="flood-visible" />
          {t('typhoon.flood.onMap')}
        </label>
      </header>
      <div className="flood-rain" role="group" aria-label={t('typhoon.flood.rain')}>
        {RAIN_PRESETS_MM.map((mm) => (
          <button
            key={mm}
            type="button"
            className={`btn${rain.source === 'design' && rain.totalMm === mm ? ' btn-primary' : ''}`}
            data-testid={`flood-preset-${mm}`}
            onClick={() => setRain({ source: 'design', totalMm: mm, hours: DEFAULT_RAIN_HOURS })}
          >
            {t('typhoon.flood.presetMm', { mm })}
          </button>
        ))}
        <form
          className="flood-custom"
          onSubmit={(e) => {
            e.preventDefault();
            if (customValid) setRain({ source: 'design', totalMm: customMm, hours: DEFAULT_RAIN_HOURS });
          }}
        >
          <input
            className="flood-number"
            type="number"
            min={0}
            max={2000}
            step={10}
            inputMode="numeric"
            placeholder={t('typhoon.flood.customMm')}
            aria-label={t('typhoon.flood.customMmLabel')}
            value={custom}
            onChange={(e) => setCustom(e.target.value)}
            data-testid="flood-custom-mm"
          />
          <button type="submit" className="btn" disabled={!customValid} data-testid="flood-custom-apply">
            {t('typhoon.flood.apply')}
          </button>
        </form>
        <button
          type="button"
          className={`btn${rain.source === 'gauges' ? ' btn-primary' : ''}`}
          title={t('typhoon.flood.gaugesHint', { hours: GAUGE_HOURS })}
          data-testid="flood-gauges"
          onClick={() => setRain({ source: 'gauges', hours: GAUGE_HOURS })}
        >
          {t('typhoon.flood.gauges')}
        </button>
      </div>
      {loading && <p className="muted">{t('typhoon.flood.loading')}</p>}
      {unavailable && (
        <p className="flood-notice" data-testid={unavailable.unavailable === 'no_terrain' ? 'flood-no-terrain' : 'flood-no-gauges'}>
          {unavailable.unavailable === 'no_terrain' ? t('typhoon.flood.noTerrain') : t('typhoon.flood.noGauges', { hours: rain.hours })}
        </p>
      )}
      {flood && !unavailable && <FloodFigures flood={flood} shiftMs={shiftMs} />}
    </section>
  );
}

function FloodFigures({ flood, shiftMs }: { flood: FloodView; shiftMs: number }): React.JSX.Element {
  const { t } = useTranslation();
  const moment = floodMoment(flood, playerNow(), shiftMs);
  const step = moment === null ? -1 : moment.mix >= 0.5 ? moment.to : moment.from;
  const now = step >= 0 ? flood.perStep[step]! : null;
  const peak = flood.perStep.reduce((best, p, s) => (p.pondedM3 > flood.perStep[best]!.pondedM3 ? s : best), 0);
  const rainMm = Math.round(flood.totalMm);
  const roadName = (r: FloodView['roads'][number]): string => (r.underpass ? t('typhoon.flood.underpass', { name: r.underpass }) : (r.name ?? t('typhoon.flood.unnamed')));
  const closed = closedRoads(flood).slice(0, LISTED_ROADS);
  // Buildings with water inside (above the sill or in the basement), deepest first.
  const homes = flood.buildings.filter((b) => b.groundFloorFromStep !== null || b.basementFromStep !== null).slice(0, LISTED_BUILDINGS);
  return (
    <>
      <p className="muted flood-scenario" data-testid="flood-scenario">
        {flood.source === 'design'
          ? t('typhoon.flood.scenarioDesign', { mm: rainMm, hours: rainHours(flood) })
          : t('typhoon.flood.scenarioGauges', { mm: rainMm, hours: useFloodStore.getState().rain.hours })}
      </p>
      <div className="flood-now" data-testid="flood-now">
        <span className="flood-now-label">{t('typhoon.flood.now')}</span>
        {now
          ? t('typhoon.flood.nowFigures', { households: now.householdsFlooded, cars: now.roadsClosedToCars, foot: now.roadsClosedOnFoot })
          : t('typhoon.flood.beforeRain')}
      </div>
      <dl className="fields flood-totals">
        <div className="field">
          <dt>{t('typhoon.flood.peak')}</dt>
          <dd>
            {formatDateTime(floodStepTime(flood, peak, shiftMs))}{' '}
            <button type="button" className="btn flood-jump" data-testid="flood-jump-peak" onClick={() => void seekTo(floodStepTime(flood, peak, shiftMs))}>
              {t('typhoon.flood.jumpPeak')}
            </button>
          </dd>
        </div>
        <div className="field">
          <dt>{t('typhoon.flood.buildingsFlooded')}</dt>
          <dd data-testid="flood-buildings">{flood.totals.floodedBuildings}</dd>
        </div>
        <div className="field">
          <dt>{t('typhoon.flood.groundFloor')}</dt>
          <dd data-testid="flood-ground-households">{flood.totals.groundFloorHouseholds}</dd>
        </div>
        <div className="field">
          <dt>{t('typhoon.flood.basement')}</dt>
          <dd>{flood.totals.basementHouseholds}</dd>
        </div>
        <div className="field">
          <dt>{t('typhoon.flood.roadsCars')}</dt>
          <dd data-testid="flood-roads-cars">{flood.totals.roadsClosedToCars}</dd>
        </div>
        <div className="field">
          <dt>{t('typhoon.flood.roadsFoot')}</dt>
          <dd>{flood.totals.roadsClosedOnFoot}</dd>
        </div>
      </dl>
      {closed.length > 0 && (
        <table className="typhoon-grids flood-roads" data-testid="flood-roads">
          <thead>
            <tr>
              <th>{t('typhoon.flood.road')}</th>
              <th>{t('typhoon.flood.maxDepth')}</th>
              <th>{t('typhoon.flood.closedFrom')}</th>
            </tr>
          </thead>
          <tbody>
            {closed.map((r) => (
              <tr key={r.id} title={whyText(t, r.why)}>
                <td>
                  {roadName(r)}
                  <div className="flood-why">{whyText(t, r.why)}</div>
                </td>
                <td className="mono">{t('typhoon.flood.depthM', { m: r.maxDepthM.toFixed(2) })}</td>
                <td className="mono">{formatDateTime(floodStepTime(flood, r.closedToCarsFromStep!, shiftMs))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {homes.length > 0 && (
        <table className="typhoon-grids flood-homes" data-testid="flood-homes">
          <thead>
            <tr>
              <th>{t('typhoon.flood.building')}</th>
              <th>{t('typhoon.flood.maxDepth')}</th>
              <th>{t('typhoon.flood.households')}</th>
            </tr>
          </thead>
          <tbody>
            {homes.map((b) => (
              <tr
                key={b.buildingId}
                className="flood-home"
                title={whyText(t, b.why)}
                onClick={() => {
                  selectBuilding(b.buildingId);
                  flyToPoint(b.lon, b.lat);
                }}
              >
                <td>{b.address ?? t('typhoon.flood.buildingNo', { id: b.buildingId })}</td>
                <td className="mono">{t('typhoon.flood.depthM', { m: b.maxDepthM.toFixed(2) })}</td>
                <td className="mono">
                  {b.groundFloorHouseholds === null
                    ? '—'
                    : t('typhoon.flood.homeCounts', { ground: b.groundFloorHouseholds, basement: b.basementHouseholds ?? 0 })}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="muted flood-legend">{t('typhoon.flood.legend')}</p>
      <p className="muted flood-settings">
        {t('typhoon.flood.settings', { sewer: flood.settings.sewerMmPerHour, runoff: flood.settings.runoffCoefficient, pumps: flood.settings.pumps })}
      </p>
    </>
  );
}

/**
 * Roads closed to cars, one row per road (or underpass): the host reports 250 m stretches, and a
 * planner thinks in roads. Each keeps its deepest stretch's figures and the earliest closing.
 */
function closedRoads(flood: FloodView): FloodView['roads'] {
  const byRoad = new Map<string, FloodView['roads'][number]>();
  for (const r of flood.roads) {
    if (r.closedToCarsFromStep === null) continue;
    const key = r.underpass ?? r.name ?? r.id;
    const seen = byRoad.get(key);
    if (!seen) byRoad.set(key, r);
    else if (r.closedToCarsFromStep < seen.closedToCarsFromStep!) byRoad.set(key, { ...seen, closedToCarsFromStep: r.closedToCarsFromStep });
  }
  // The host lists stretches deepest first, so the first of each road is its deepest.
  return [...byRoad.values()];
}

/** Hours of rain in a design scenario (the flood's last steps are the dry hours after it). */
function rainHours(flood: FloodView): number {
  let last = flood.hourlyMm.length - 1;
  while (last > 0 && flood.hourlyMm[last] === 0) last--;
  return last + 1;
}

/** A place's reason in the reader's language, from the figures. */
export function whyText(t: (key: string, options?: Record<string, unknown>) => string, why: FloodWhy): string {
  return t('typhoon.flood.why', {
    rain: why.rainMm,
    hour: why.step + 1,
    soaked: why.soakedMm,
    drainage: why.pumpStation ?? t('typhoon.flood.sewers'),
    drained: why.drainedMm,
    rate: why.drainageMmPerHour,
    ha: why.catchmentHa,
    low: why.lowPointElevM,
    level: why.waterLevelM,
    depth: why.depthM,
  });
}
