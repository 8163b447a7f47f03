/**
 * The demo's presenter bar, over the map above the timeline: which step of the story is on
 * (title and dots), back / next / autoplay for a console that may drive it, and the presenter's
 * notes, which the host sends to consoles only (a wall gets the title).
 */
import { useTranslation } from 'react-i18next';
import { useCan } from '../../state/sessionStore.ts';
import { goToStep, setAutoplay, useDemoStore } from './store.ts';

export function PresenterBar(): React.JSX.Element | null {
  const { t, i18n } = useTranslation();
  const story = useDemoStore((s) => s.story);
  const busy = useDemoStore((s) => s.busy);
  const mayDrive = useCan('operator');
  if (!story) return null;
  const en = i18n.language === 'en';
  const step = story.steps[story.current];
  const last = story.steps.length - 1;
  return (
    <section className="presenter-bar" data-testid="presenter-bar" aria-label={t('demo.story')}>
      <div className="presenter-head">
        <span className="presenter-badge">{t('demo.story')}</span>
        <span className="presenter-count mono" data-testid="presenter-step">
          {story.current + 1}/{story.steps.length}
        </span>
        <span className="presenter-title" data-testid="presenter-title">
          {step ? (en ? step.title.en : step.title.zh) : t('demo.notStarted')}
        </span>
        <span className="presenter-dots" aria-hidden>
          {story.steps.map((s, i) => (
            <span key={s.id} className={`presenter-dot${i === story.current ? ' is-current' : i < story.current ? ' is-done' : ''}`} />
          ))}
        </span>
        {mayDrive && (
          <span className="presenter-controls">
            <button type="button" className="btn" disabled={busy || story.current < 0} onClick={() => void goToStep(story.current - 1)} title="PageUp">
              {t('demo.back')}
            </button>
            <button type="button" className="btn btn-primary" data-testid="presenter-next" disabled={busy || story.current >= last} onClick={() => void goToStep(story.current + 1)} title="PageDown">
              {t('demo.next')}
            </button>
            <button type="button" className={`btn${story.autoplay ? ' is-active' : ''}`} aria-pressed={story.autoplay} onClick={() => void setAutoplay(!story.autoplay)}>
              {story.autoplay ? t('demo.pause') : t('demo.autoplay')}
            </button>
          </span>
        )}
      </div>
      {story.notes && (
        <p className="presenter-notes" data-testid="presenter-notes">
          {en ? story.notes.en : story.notes.zh}
        </p>
      )}
      {story.problem && <p className="presenter-problem">{story.problem}</p>}
    </section>
  );
}
