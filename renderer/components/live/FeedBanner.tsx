/**
 * The banner a wall cannot miss when the live feed stops: no event on any live layer for more
 * than 30 s (live mode only). It also pushes the toasts down so they never cover it. A twin with
 * no live feed set up (built from imports only) gets a quiet note instead: its silence is normal.
 */
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { lastFeedEventMs, serverNow, useLivePanels } from '../../state/liveStore.ts';
import { formatAgo } from '../../i18n/format.ts';
import { useFeedNow } from './useClock.ts';

/** Silence after which the feed counts as stopped. */
export const FEED_STOPPED_MS = 30_000;

export function FeedBanner(): React.JSX.Element | null {
  const { t } = useTranslation();
  const feed = useLivePanels((s) => s.feed);
  const mode = useLivePanels((s) => s.mode);
  const status = useLivePanels((s) => s.status);
  useFeedNow(1000);
  const last = lastFeedEventMs(feed);
  const now = serverNow();
  const silent = mode === 'live' && status === 'ready' && (last === null || now - last > FEED_STOPPED_MS);
  const notConfigured = silent && feed !== null && !feed.configured;
  const stopped = silent && !notConfigured;
  useEffect(() => {
    document.documentElement.classList.toggle('has-feed-banner', silent);
    return () => document.documentElement.classList.remove('has-feed-banner');
  }, [silent]);
  if (notConfigured) {
    return (
      <div className="feed-banner feed-banner-idle" role="status" data-testid="feed-not-configured">
        <span className="feed-banner-icon" aria-hidden>
          i
        </span>
        <span className="feed-banner-title">{t('feed.notConfigured')}</span>
        <span className="feed-banner-detail">{last === null ? t('feed.importedOnly') : t('feed.lastData', { ago: formatAgo(now - last) })}</span>
      </div>
    );
  }
  if (!stopped) return null;
  return (
    <div className="feed-banner" role="alert" data-testid="feed-banner">
      <span className="feed-banner-icon" aria-hidden>
        !
      </span>
      <span className="feed-banner-title">{t('feed.stopped')}</span>
      <span className="feed-banner-detail">{last === null ? t('feed.noData') : t('feed.lastData', { ago: formatAgo(now - last) })}</span>
    </div>
  );
}
