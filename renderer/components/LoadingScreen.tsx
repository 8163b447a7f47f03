/** Start screen: one line per loading step, and the host's message with a retry on failure. */
import { useTranslation } from 'react-i18next';
import { LOAD_STEPS, useTwinStore } from '../state/twinStore.ts';
import { loadTwin } from '../actions/loadTwin.ts';

export function LoadingScreen(): React.JSX.Element {
  const { t } = useTranslation();
  const { status, done, error, info } = useTwinStore();
  const progress = Math.round((100 * done.length) / LOAD_STEPS.length);
  return (
    <div className="loading-screen" data-testid="loading">
      <div className="loading-card">
        <div className="brand-mark big" aria-hidden />
        <h1>{info?.name ?? t('app.title')}</h1>
        <h2>{status === 'error' ? t('loading.failed') : t('loading.title')}</h2>
        <div className="progress" aria-valuenow={progress} aria-valuemin={0} aria-valuemax={100} role="progressbar">
          <div className="progress-bar" style={{ width: `${progress}%` }} />
        </div>
        <ul className="loading-steps">
          {LOAD_STEPS.map((step) => (
            <li key={step} className={done.includes(step) ? 'done' : ''}>
              <span className="dot" aria-hidden />
              {t(`loading.steps.${step}`)}
            </li>
          ))}
        </ul>
        {status === 'error' && (
          <>
            <p className="loading-error">{error}</p>
            <button type="button" className="btn btn-primary" onClick={() => void loadTwin()}>
              {t('loading.retry')}
            </button>
          </>
        )}
      </div>
    </div>
  );
}
