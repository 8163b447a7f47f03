/**
 * The bottom time bar: LIVE or REPLAY, the moment shown (Beijing time), a scrubber over the last
 * 24 h, play at 1×/5×/15×/60× and "back to live". Replayed states come from the host
 * (`getStateAt`), through the replay controller.
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { REPLAY_SPEEDS, playerNow, serverNow, useLivePanels } from '../../state/liveStore.ts';
import { backToLive, pause, play, seekTo, setSpeed } from '../../sources/replay.ts';
import { usePanelTick } from '../../state/panelClock.ts';
import { formatAge, formatClock, formatDateTime, formatShortTime } from '../../i18n/format.ts';
import { futureUntil, usePlayerStore } from '../../state/player.ts';
import { useTimelineRows } from './TimelineTracks.tsx';

/**
 * Re-renders on the panels' shared clock, and four times a second while replay plays, so the
 * replayed clock runs visibly (a replay is watched, not a wall left running).
 */
function useTicker(playing: boolean): void {
  usePanelTick();
  const [, setTick] = useState(0);
  useEffect(() => {
    if (!playing) return undefined;
    const id = setInterval(() => setTick((n) => n + 1), 250);
    return () => clearInterval(id);
  }, [playing]);
}

export function Timeline(): React.JSX.Element {
  const { t } = useTranslation();
  const mode = useLivePanels((s) => s.mode);
  const replay = useLivePanels((s) => s.replay);
  const range = useLivePanels((s) => s.range);
  const status = useLivePanels((s) => s.status);
  useTicker(mode === 'replay' && replay.playing);
  const horizons = usePlayerStore((s) => s.horizons);
  const now = serverNow();
  const shown = playerNow();
  const fromMs = range?.fromMs ?? now - 24 * 3600_000;
  const isReplay = mode === 'replay';
  // With a forecast (a typhoon's track), the scrubber runs on past now into a shaded future.
  const toMs = futureUntil(now, horizons) ?? now;
  const inForecast = isReplay && shown > now + 1000;
  const span = Math.max(1, toMs - fromMs);
  const nowPct = (100 * (now - fromMs)) / span;
  // Past marks where the past has room; in the forecast, one mark a day ahead.
  const pastMarks = nowPct > 45 ? [0, 1 / 3, 2 / 3] : nowPct > 20 ? [0] : [];
  const marks = pastMarks.map((f) => fromMs + f * (now - fromMs));
  const futureMarks: number[] = [];
  for (let d = 24; now + d * 3600_000 < toMs - 12 * 3600_000; d += 24) futureMarks.push(d);
  // The feature modules' rows under the scrubber (incidents per hour, a storm's warning signal).
  const tracks = useTimelineRows(fromMs, toMs, now);

  return (
    <section className={`timeline panel${isReplay ? ' is-replay' : ''}`} data-testid="timeline" aria-label={t('timeline.slider')}>
      <div className="timeline-mode">
        <span
          className={`mode-badge ${inForecast ? 'mode-forecast' : isReplay ? 'mode-replay' : 'mode-live'}`}
          data-testid="timeline-mode"
          data-mode={inForecast ? 'forecast' : mode}
        >
          <span className="mode-dot" aria-hidden />
          {t(inForecast ? 'timeline.forecast' : isReplay ? 'timeline.replay' : 'timeline.live')}
        </span>
        <span className="timeline-clock mono" data-testid="timeline-clock">
          {isReplay && now - shown > 20 * 3600_000 ? formatDateTime(shown) : formatClock(shown)}
        </span>
        {isReplay && !inForecast && <span className="timeline-behind">{t('timeline.behind', { ago: formatAge(now - shown) })}</span>}
        {inForecast && <span className="timeline-behind">{t('timeline.ahead', { ahead: formatAge(shown - now) })}</span>}
      </div>
      <div className={`timeline-track${tracks.rows ? ' has-rows' : ''}`} style={{ ['--rows-h' as string]: `${tracks.height}px` }}>
        <input
          type="range"
          className="scrubber"
          data-testid="timeline-scrubber"
          aria-label={t('timeline.slider')}
          min={fromMs}
          max={toMs}
          step={1000}
          value={Math.min(toMs, Math.max(fromMs, shown))}
          disabled={status !== 'ready'}
          style={{ ['--pos' as string]: `${(100 * (Math.min(toMs, shown) - fromMs)) / span}%`, ['--now' as string]: `${nowPct}%` }}
          onChange={(e) => {
            const v = Number(e.target.value);
            // At the live edge a live view stays live; past it is the forecast.
            if (mode === 'live' && Math.abs(v - now) < 1000) return;
            void seekTo(v);
          }}
        />
        {tracks.rows}
        <div className="track-marks" aria-hidden>
          {marks.map((m) => (
            <span key={m} style={{ left: `${(100 * (m - fromMs)) / span}%` }}>
              {span < 2 * 3600_000 ? formatClock(m) : formatShortTime(m)}
            </span>
          ))}
          <span className="mark-now" style={{ left: `${nowPct}%` }}>
            {t('timeline.now')}
          </span>
          {futureMarks.map((d) => (
            <span key={`f${d}`} className="mark-forecast" style={{ left: `${(100 * (now + d * 3600_000 - fromMs)) / span}%` }}>
              +{d} h
            </span>
          ))}
          {toMs > now && (
            <>
              <span className="forecast-zone" data-testid="timeline-forecast-zone" style={{ left: `${nowPct}%`, right: 0 }} />
              <span className="mark-forecast-end" style={{ left: '100%' }}>
                +{Math.round((toMs - now) / 3600_000)} h
              </span>
            </>
          )}
        </div>
      </div>
      <div className="timeline-controls">
        <button
          type="button"
          className="play-btn"
          data-testid="timeline-play"
          aria-label={t(replay.playing && isReplay ? 'timeline.pause' : 'timeline.play')}
          title={t(replay.playing && isReplay ? 'timeline.pause' : 'timeline.play')}
          disabled={!isReplay}
          onClick={() => (replay.playing ? pause() : play())}
        >
          {replay.playing && isReplay ? '❚❚' : '▶'}
        </button>
        <div className="speed-group" role="group" aria-label={t('timeline.speed')}>
          {REPLAY_SPEEDS.map((s) => (
            <button
              key={s}
              type="button"
              className={`speed-btn${replay.speed === s ? ' is-on' : ''}`}
              data-testid={`timeline-speed-${s}`}
              aria-pressed={replay.speed === s}
              onClick={() => (isReplay && !replay.playing ? play(s) : setSpeed(s))}
            >
              {s}×
            </button>
          ))}
        </div>
        <button type="button" className="btn live-btn" data-testid="timeline-live" disabled={!isReplay} onClick={backToLive}>
          {t('timeline.backToLive')}
        </button>
      </div>
    </section>
  );
}
