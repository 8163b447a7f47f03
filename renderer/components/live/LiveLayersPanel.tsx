/**
 * 实时图层: each live layer with a show/hide switch, how much it holds and how fresh its data is
 * (time since the host last received an event for it), plus the marker colours.
 */
import { useTranslation } from 'react-i18next';
import { RESOURCE_STATUSES } from '../../../data/model/domain.ts';
import { isOpenStatus } from '../../../data/model/incidents.ts';
import { openAlertTotal, serverNow, useLivePanels } from '../../state/liveStore.ts';
import { toggleLiveLayer, useUiStore, type LiveLayer } from '../../state/uiStore.ts';
import { formatAgo } from '../../i18n/format.ts';
import { rgbCss } from '../../views/map/layers/buildingColours.ts';
import { RESOURCE_STATUS_COLOURS, SEVERITIES, SEVERITY_COLOURS } from '../../views/map/layers/liveIcons.ts';
import { useFeedNow } from './useClock.ts';
import { FEED_STOPPED_MS } from './FeedBanner.tsx';
import { positions } from '../../sources/positionBuffer.ts';

/**
 * Resources whose last fix is overdue (drawn faded on the map, see `PositionBuffer.isOverdue`),
 * and the oldest such fix: the operator sees who went quiet without hovering each marker.
 */
function staleResources(nowMs: number): { count: number; oldestMs: number } {
  let count = 0;
  let oldestMs = 0;
  for (let s = 0; s < positions.count; s++) {
    if (!positions.isOverdue(s, nowMs)) continue;
    count++;
    oldestMs = Math.max(oldestMs, nowMs - positions.fixMs[s]!);
  }
  return { count, oldestMs };
}

const FEED_OF: Record<LiveLayer, 'incidents' | 'resources' | 'meters'> = { incidents: 'incidents', resources: 'resources', alerts: 'meters' };
const LABEL_OF: Record<LiveLayer, string> = { incidents: 'feed.incidents', resources: 'feed.resources', alerts: 'feed.meters' };
/**
 * Silence after which a layer's data counts as stale: fleets report every few seconds, incidents
 * come a few an hour per district, meters report hourly.
 */
const STALE_AFTER_MS: Record<LiveLayer, number> = { resources: FEED_STOPPED_MS, incidents: 15 * 60_000, alerts: 2 * 3600_000 };

export function LiveLayersPanel(): React.JSX.Element {
  const { t } = useTranslation();
  const visible = useUiStore((s) => s.liveLayers);
  const feed = useLivePanels((s) => s.feed);
  const openIncidents = useLivePanels((s) => Object.values(s.incidents).filter((i) => isOpenStatus(i.status)).length);
  const resources = useLivePanels((s) => s.resources.length);
  const alerts = useLivePanels(openAlertTotal);
  const feedNowMs = useFeedNow(1000);
  const now = serverNow();
  const stale = staleResources(feedNowMs);
  const counts: Record<LiveLayer, number> = { incidents: openIncidents, resources, alerts };
  return (
    <div data-testid="live-layers">
      <h2 className="panel-title">{t('feed.layers')}</h2>
      <ul className="live-layers">
        {(['incidents', 'resources', 'alerts'] as const).map((layer) => {
          const last = feed?.lastEventMs[FEED_OF[layer]] ?? null;
          const age = last === null ? null : now - last;
          const tone = age === null ? 'none' : age > STALE_AFTER_MS[layer] ? 'stale' : 'fresh';
          return (
            <li key={layer}>
              <label className="layer-switch">
                <input type="checkbox" checked={visible[layer]} onChange={() => toggleLiveLayer(layer)} data-testid={`layer-toggle-${layer}`} />
                <span className="switch" aria-hidden />
                <span className="layer-name">{t(LABEL_OF[layer])}</span>
              </label>
              <span className="layer-count mono">{counts[layer]}</span>
              {/* Units gone silent take the fleet's freshness cell (amber, the sentence as its title)
                  rather than a line of their own, which pushed the left column into scrolling at 1366×768. */}
              {layer === 'resources' && stale.count > 0 ? (
                <span
                  className="freshness fresh-stale layer-note"
                  data-testid="stale-resources"
                  title={`${t('feed.staleResources', { count: stale.count, ago: formatAgo(stale.oldestMs) })} · ${age === null ? t('feed.never') : formatAgo(age)}`}
                  aria-label={t('feed.staleResources', { count: stale.count, ago: formatAgo(stale.oldestMs) })}
                >
                  <span className="fresh-dot" aria-hidden />
                  {t('feed.staleBadge', { count: stale.count })}
                </span>
              ) : (
                <span className={`freshness fresh-${tone}`} data-testid={`freshness-${FEED_OF[layer]}`}>
                  <span className="fresh-dot" aria-hidden />
                  {age === null ? t('feed.never') : formatAgo(age)}
                </span>
              )}
            </li>
          );
        })}
      </ul>
      <div className="live-legend">
        <span className="legend-label">{t('feed.severity')}</span>
        {SEVERITIES.map((s) => (
          <span key={s} className="legend-chip">
            <span className="dot" style={{ background: rgbCss(SEVERITY_COLOURS[s]) }} />
            {t(`severity.${s}`)}
          </span>
        ))}
      </div>
      <div className="live-legend">
        <span className="legend-label">{t('feed.resourceStatus')}</span>
        {RESOURCE_STATUSES.map((s) => (
          <span key={s} className="legend-chip">
            <span className="dot" style={{ background: rgbCss(RESOURCE_STATUS_COLOURS[s]) }} />
            {t(`resourceStatus.${s}`)}
          </span>
        ))}
      </div>
    </div>
  );
}
