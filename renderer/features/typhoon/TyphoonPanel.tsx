/**
 * 台风 tab: the storm being planned for, where it is at the player's moment and how strong, the
 * warning signal the district is under, when force 7 and force 10 reach it and each grid, and
 * jumps along the timeline (gales arrive, landfall). A past storm is a rehearsal, and says so.
 */
import { useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { trackStateAt, distanceKm } from '../../../data/model/typhoon/track.ts';
import { beaufortForce, TC_GRADE_INFO } from '../../../data/model/typhoon/scales.ts';
import { playerNow, useLivePanels } from '../../state/liveStore.ts';
import { usePanelTick } from '../../state/panelClock.ts';
import { formatDateTime } from '../../i18n/format.ts';
import { seekTo } from '../../sources/replay.ts';
import { selectDefaultStorm, selectStorm, setTyphoonVisible, toPlayer, toStorm, useTyphoonStore } from './store.ts';
import { flyToBounds } from '../../actions/camera.ts';
import type { TrackPoint } from '../../../data/model/typhoon/types.ts';
import { BriefButton } from './brief/BriefButton.tsx';
import { FloodSection } from './FloodSection.tsx';
import { ScenarioCompare } from './ScenarioCompare.tsx';
import { PlanBoard } from './plan/PlanBoard.tsx';

const SIGNALS = ['none', 'blue', 'yellow', 'orange', 'red'] as const;

export function TyphoonPanel(): React.JSX.Element {
  const { t } = useTranslation();
  usePanelTick();
  useLivePanels((s) => s.replay);
  const { storms, selectedId, track, wind, shiftMs, visible, loading } = useTyphoonStore();
  useEffect(selectDefaultStorm, [storms]);
  const playerMs = playerNow();
  const stormMs = toStorm(playerMs, shiftMs);
  const all = useMemo(() => (track ? [...track.fixes, ...track.forecast] : []), [track]);
  const state = all.length > 0 ? trackStateAt(all, stormMs) : null;
  const centre = useMemo((): [number, number] | null => {
    if (!wind || wind.grids.length === 0) return null;
    const g = wind.grids.filter((x) => x.buildings > 0);
    return [g.reduce((a, x) => a + x.centroid[0], 0) / g.length, g.reduce((a, x) => a + x.centroid[1], 0) / g.length];
  }, [wind]);
  const step = wind ? Math.floor((stormMs - wind.startUtcMs) / wind.stepMs) : -1;
  const inRange = wind !== null && step >= 0 && step < wind.hours;
  const signal = inRange ? wind.signal[step]! : 0;
  const forceNow = inRange ? wind.force[step]! : 0;
  const when = (stormUtcMs: number | null): string => (stormUtcMs === null ? t('typhoon.never') : formatDateTime(toPlayer(stormUtcMs, shiftMs)));
  const grids = useMemo(
    () => (wind ? [...wind.grids].filter((g) => g.buildings > 0).sort((a, b) => (a.arrival7UtcMs ?? Infinity) - (b.arrival7UtcMs ?? Infinity)) : []),
    [wind],
  );
  const landfall = track?.landfalls[0] ?? null;

  if (storms.length === 0) {
    return (
      <div className="typhoon-panel" data-testid="typhoon-panel">
        <p className="muted">{t('typhoon.noStorms')}</p>
      </div>
    );
  }
  return (
    <div className="typhoon-panel" data-testid="typhoon-panel">
      <header className="panel-head">
        <div>
          <span className="eyebrow">{t('typhoon.title')}</span>
          <select className="select typhoon-select" data-testid="typhoon-storm" value={selectedId ?? ''} onChange={(e) => void selectStorm(e.target.value)}>
            {storms.map((s) => (
              <option key={s.id} value={s.id}>
                {s.number ?? ''} {s.nameZh ?? s.name} ({s.agency}, {s.year}){s.closestKm !== null ? ` · ${t('typhoon.closest', { km: s.closestKm })}` : ''}
              </option>
            ))}
          </select>
        </div>
        <label className="typhoon-toggle">
          <input type="checkbox" checked={visible} onChange={(e) => setTyphoonVisible(e.target.checked)} data-testid="typhoon-visible" />
          {t('typhoon.onMap')}
        </label>
      </header>
      {shiftMs !== 0 && (
        <p className="typhoon-rehearsal" data-testid="typhoon-rehearsal">
          {t('typhoon.rehearsal', { days: Math.round(shiftMs / 86_400_000) })}
        </p>
      )}
      {loading && <p className="muted">{t('typhoon.loading')}</p>}
      <div className="typhoon-now">
        <div className={`signal-chip signal-${SIGNALS[signal]}`} data-testid="typhoon-signal" data-signal={SIGNALS[signal]}>
          {t(`typhoon.signal.${SIGNALS[signal]}`)}
        </div>
        <div className="typhoon-figures">
          {state ? (
            <>
              <strong>{TC_GRADE_INFO[state.grade].zh}</strong>
              {state.maxWindMs !== null && (
                <span>
                  {' '}
                  · {t('typhoon.force', { force: beaufortForce(state.maxWindMs) })} {Math.round(state.maxWindMs)} m/s
                </span>
              )}
              {state.pressureHpa !== null && <span> · {Math.round(state.pressureHpa)} hPa</span>}
              {centre && <div className="muted">{t('typhoon.distance', { km: Math.round(distanceKm(state.lon, state.lat, centre[0], centre[1])) })}</div>}
            </>
          ) : (
            <span className="muted">{t('typhoon.notNow')}</span>
          )}
          <div className="muted">{t('typhoon.districtForce', { force: forceNow })}</div>
        </div>
      </div>
      {wind && (
        <dl className="fields">
          <div className="field">
            <dt>{t('typhoon.arrival7')}</dt>
            <dd data-testid="typhoon-arrival7">{when(wind.arrival7UtcMs)}</dd>
          </div>
          <div className="field">
            <dt>{t('typhoon.arrival10')}</dt>
            <dd data-testid="typhoon-arrival10">{when(wind.arrival10UtcMs)}</dd>
          </div>
          <div className="field">
            <dt>{t('typhoon.peak')}</dt>
            <dd>
              {t('typhoon.force', { force: wind.peakForce })} · {when(wind.peakUtcMs)}
            </dd>
          </div>
          {landfall && (
            <div className="field">
              <dt>{t('typhoon.landfall')}</dt>
              <dd>
                {when(landfall.timeUtcMs)} · {landfall.place ?? ''}
              </dd>
            </div>
          )}
          {track?.forecastIssuedUtcMs != null && (
            <div className="field">
              <dt>{t('typhoon.bulletin')}</dt>
              <dd>
                {track.forecastAgency} · {when(track.forecastIssuedUtcMs)}
              </dd>
            </div>
          )}
        </dl>
      )}
      <div className="typhoon-jumps">
        {all.length > 0 && (
          <button type="button" className="btn" data-testid="typhoon-fit" onClick={() => flyToBounds(trackBounds(all, centre))}>
            {t('typhoon.showWhole')}
          </button>
        )}
        {wind?.arrival7UtcMs != null && (
          <button type="button" className="btn" data-testid="typhoon-jump-gale" onClick={() => void seekTo(toPlayer(wind.arrival7UtcMs! - 6 * 3600_000, shiftMs))}>
            {t('typhoon.jumpGale')}
          </button>
        )}
        {landfall && (
          <button type="button" className="btn" data-testid="typhoon-jump-landfall" onClick={() => void seekTo(toPlayer(landfall.timeUtcMs, shiftMs))}>
            {t('typhoon.jumpLandfall')}
          </button>
        )}
        <BriefButton stormId={selectedId} />
      </div>
      <FloodSection />
      {grids.length > 0 && (
        <table className="typhoon-grids" data-testid="typhoon-grids">
          <thead>
            <tr>
              <th>{t('typhoon.grid')}</th>
              <th>{t('typhoon.gale7')}</th>
              <th>{t('typhoon.gale10')}</th>
              <th>{t('typhoon.maxForce')}</th>
            </tr>
          </thead>
          <tbody>
            {grids.map((g) => (
              <tr key={g.gridId} className={g.arrival7UtcMs !== null && toPlayer(g.arrival7UtcMs, shiftMs) <= playerMs ? 'is-reached' : ''}>
                <td>{g.name}</td>
                <td className="mono">{g.arrival7UtcMs === null ? '—' : formatDateTime(toPlayer(g.arrival7UtcMs, shiftMs))}</td>
                <td className="mono">{g.arrival10UtcMs === null ? '—' : formatDateTime(toPlayer(g.arrival10UtcMs, shiftMs))}</td>
                <td className="mono">{g.maxForce}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <PlanBoard />
      <ScenarioCompare />
    </div>
  );
}

/** The track's extent with the district in it, for "show the whole storm". */
function trackBounds(points: readonly TrackPoint[], centre: [number, number] | null): [number, number, number, number] {
  const lons = points.map((p) => p.lon).concat(centre ? [centre[0]] : []);
  const lats = points.map((p) => p.lat).concat(centre ? [centre[1]] : []);
  return [Math.min(...lons), Math.min(...lats), Math.max(...lons), Math.max(...lats)];
}
