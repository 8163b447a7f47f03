/**
 * The director console (an operator's tab): which wall session it directs and what that wall
 * shows now, the scenes (the modules' and the saved ones) with a button to put one on the wall,
 * a timed tour of chosen scenes, blank/unblank, and "save this view as a scene".
 */
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useCan } from '../../state/sessionStore.ts';
import { usePanelTick } from '../../state/panelClock.ts';
import { deleteScene, loadDirector, pushScene, runTour, saveCurrentView, setBlank, setConsoleSession, stopTour, useDirectorStore, hostNow } from './store.ts';
import { WALL_SESSION_ID, TOUR_STEP_SECONDS } from '../../../data/model/wallScene.ts';
import type { Bilingual } from '../../../data/model/wallScene.ts';

const DEFAULT_SECONDS = 30;

export function DirectorConsole(): React.JSX.Element {
  const { t, i18n } = useTranslation();
  const may = useCan('operator');
  const mayDelete = useCan('supervisor');
  const sessionId = useDirectorStore((s) => s.sessionId);
  const scenes = useDirectorStore((s) => s.scenes);
  const walls = useDirectorStore((s) => s.walls);
  const busy = useDirectorStore((s) => s.busy);
  const [draft, setDraft] = useState(sessionId);
  const [tour, setTour] = useState<Record<string, number>>({});
  const [loop, setLoop] = useState(true);
  const [title, setTitle] = useState('');
  const [camera, setCamera] = useState<'overview' | 'oblique' | 'street'>('overview');
  usePanelTick();
  useEffect(() => {
    if (may) void loadDirector();
  }, [may]);
  if (!may) return <p className="muted">{t('director.needsOperator')}</p>;
  const en = i18n.language === 'en';
  const text = (b: Bilingual): string => (en ? b.en : b.zh);
  const wall = walls.find((w) => w.id === sessionId) ?? null;
  const onWall = wall?.scene ? scenes.find((s) => s.id === wall.scene!.id)?.title ?? wall.scene.title : null;
  const tourSteps = scenes.filter((s) => tour[s.id] !== undefined).map((s) => ({ sceneId: s.id, seconds: tour[s.id]! }));
  const nextIn = wall?.tour?.nextAtMs ? Math.max(0, Math.round((wall.tour.nextAtMs - hostNow()) / 1000)) : null;
  const validDraft = WALL_SESSION_ID.test(draft);
  return (
    <div className="director-console" data-testid="director-console">
      <header className="panel-head">
        <div>
          <span className="eyebrow">{t('director.title')}</span>
          <form
            className="director-session"
            onSubmit={(e) => {
              e.preventDefault();
              if (validDraft) setConsoleSession(draft);
            }}
          >
            <label className="muted" htmlFor="director-session">
              {t('director.session')}
            </label>
            <input id="director-session" className="input mono" value={draft} maxLength={32} list="director-walls" onChange={(e) => setDraft(e.target.value.toLowerCase())} onBlur={() => validDraft && setConsoleSession(draft)} data-testid="director-session" />
            <datalist id="director-walls">
              {walls.map((w) => (
                <option key={w.id} value={w.id} />
              ))}
            </datalist>
          </form>
        </div>
      </header>

      <section className="director-now" data-testid="director-now">
        <div className="director-now-line">
          <span className={`director-dot${wall?.blanked ? ' is-blank' : wall?.scene ? ' is-on' : ''}`} aria-hidden />
          <strong data-testid="director-on-wall">{wall?.blanked ? t('director.blanked') : onWall ? text(onWall) : t('director.nothing')}</strong>
        </div>
        <div className="muted">
          {t('director.panels', { count: wall?.panels.length ?? 0 })}
          {wall?.changedBy ? ` · ${t('director.by', { who: wall.changedBy })}` : ''}
        </div>
        {wall?.tour && (
          <div className="director-tour-state" data-testid="director-tour-state">
            {t('director.touring', { step: wall.tour.index + 1, of: wall.tour.steps.length })}
            {nextIn !== null ? ` · ${t('director.nextIn', { s: nextIn })}` : ''}
          </div>
        )}
        <div className="director-actions">
          <button type="button" className={`btn${wall?.blanked ? ' btn-primary' : ''}`} disabled={busy} data-testid="director-blank" onClick={() => void setBlank(!wall?.blanked)}>
            {wall?.blanked ? t('director.unblank') : t('director.blank')}
          </button>
          {wall?.tour && (
            <button type="button" className="btn" disabled={busy} data-testid="director-stop-tour" onClick={() => void stopTour()}>
              {t('director.stopTour')}
            </button>
          )}
        </div>
      </section>

      <h3 className="section-title">{t('director.scenes')}</h3>
      <ul className="director-scenes" data-testid="director-scenes">
        {scenes.map((s) => {
          const inTour = tour[s.id] !== undefined;
          const current = wall?.scene?.id === s.id;
          return (
            <li key={s.id} className={`director-scene${current ? ' is-current' : ''}`} data-scene={s.id}>
              <div className="director-scene-head">
                <span className="director-scene-title">{text(s.title)}</span>
                <span className="badge">{s.origin === 'saved' ? t('director.saved') : t(`director.origin.${s.origin}`, { defaultValue: s.origin })}</span>
              </div>
              <div className="director-scene-meta muted">
                {s.scene.time.kind === 'live' ? t('director.live') : t('director.replay', { speed: s.scene.time.speed })}
                {s.createdBy ? ` · ${s.createdBy}` : ''}
              </div>
              <div className="director-scene-actions">
                <button type="button" className="btn btn-primary" disabled={busy} data-testid={`director-push-${s.id}`} onClick={() => void pushScene(s.id)}>
                  {t('director.push')}
                </button>
                <label className="director-tour-pick">
                  <input
                    type="checkbox"
                    checked={inTour}
                    onChange={(e) =>
                      setTour((x) => {
                        const next = { ...x };
                        if (e.target.checked) next[s.id] = DEFAULT_SECONDS;
                        else delete next[s.id];
                        return next;
                      })
                    }
                  />
                  {t('director.inTour')}
                </label>
                {inTour && (
                  <input
                    type="number"
                    className="input director-seconds mono"
                    min={TOUR_STEP_SECONDS.min}
                    max={TOUR_STEP_SECONDS.max}
                    value={tour[s.id]}
                    aria-label={t('director.seconds')}
                    onChange={(e) => setTour((x) => ({ ...x, [s.id]: Math.max(TOUR_STEP_SECONDS.min, Math.min(TOUR_STEP_SECONDS.max, Math.round(Number(e.target.value) || DEFAULT_SECONDS))) }))}
                  />
                )}
                {s.origin === 'saved' && mayDelete && (
                  <button type="button" className="btn director-delete" onClick={() => void deleteScene(s.id)}>
                    {t('director.delete')}
                  </button>
                )}
              </div>
            </li>
          );
        })}
      </ul>

      <div className="director-tour">
        <label className="director-loop">
          <input type="checkbox" checked={loop} onChange={(e) => setLoop(e.target.checked)} />
          {t('director.loop')}
        </label>
        <button type="button" className="btn btn-primary" disabled={busy || tourSteps.length === 0} data-testid="director-run-tour" onClick={() => void runTour(tourSteps, loop)}>
          {t('director.runTour', { count: tourSteps.length })}
        </button>
      </div>

      <h3 className="section-title">{t('director.saveTitle')}</h3>
      <form
        className="director-save"
        onSubmit={(e) => {
          e.preventDefault();
          void saveCurrentView(title, camera).then(() => setTitle(''));
        }}
      >
        <input className="input" value={title} maxLength={60} placeholder={t('director.sceneName')} aria-label={t('director.sceneName')} onChange={(e) => setTitle(e.target.value)} data-testid="director-save-title" />
        <select className="select" value={camera} aria-label={t('director.camera')} onChange={(e) => setCamera(e.target.value as typeof camera)}>
          {(['overview', 'oblique', 'street'] as const).map((c) => (
            <option key={c} value={c}>
              {t(`director.cameraPreset.${c}`)}
            </option>
          ))}
        </select>
        <button type="submit" className="btn" disabled={!title.trim()}>
          {t('director.save')}
        </button>
      </form>
      <p className="muted director-hint">{t('director.hint', { session: sessionId })}</p>
    </div>
  );
}
