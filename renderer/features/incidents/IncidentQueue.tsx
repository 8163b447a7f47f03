/**
 * 事件工单: open incidents, most urgent first (SLA overdue, then nearly due, then severity), each
 * with its category symbol, what and where, who reported it, its age and an SLA clock that
 * ticks every second and turns amber at 75 % of the allowance and red when overdue.
 *
 * The list is virtualised: only the rows in view (and a few either side) exist in the page. On a
 * typhoon night the queue holds hundreds of open incidents, and since every row's SLA clock ticks,
 * rendering all of them re-rendered, re-laid-out and re-rasterised the whole list once a second;
 * without a GPU that raster ran in the thread that draws the map's markers (measured with 900
 * open incidents: the page's event-to-pixel p99 rose from ~250 to ~380 ms over 30 s).
 */
import { memo, useEffect, useMemo, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { useTranslation } from 'react-i18next';
import type { Incident } from '../../../electron/common/dto.ts';
import { ACCEPT_SLA_MINUTES, acceptOverdue, isOpenStatus, slaState, type SlaState } from '../../../data/model/incidents.ts';
import { useLivePanels } from '../../state/liveStore.ts';
import { selectIncident } from '../../actions/incidents.ts';
import { formatAge, formatDuration } from '../../i18n/format.ts';
import { incidentIconKey, liveIconDataUrl } from '../../views/map/layers/liveIcons.ts';
import { useFeedNow, useLiveIconsReady } from '../../components/live/useClock.ts';
import { setCursor, useListCursor } from '../../state/listCursor.ts';
import { ListTools } from '../../components/ListTools.tsx';
import { formatDateTime } from '../../i18n/format.ts';
import { t as translate } from '../../i18n/index.ts';
import type { ListExport } from '../../actions/exportList.ts';
import { incidentPlace } from './roadAddress.ts';

const SLA_RANK: Record<SlaState, number> = { red: 0, amber: 1, ok: 2, missed: 3, met: 3 };

export const incidentSla = (inc: Incident, nowMs: number): SlaState =>
  slaState(inc.category, inc.reportedAt, inc.handledAt, nowMs);

/** Open incidents in queue order. */
export function queueOrder(
  incidents: Record<string, Incident>,
  nowMs: number,
): { incident: Incident; sla: SlaState }[] {
  return Object.values(incidents)
    .filter((i) => isOpenStatus(i.status) && i.reportedAt <= nowMs)
    .map((incident) => ({ incident, sla: incidentSla(incident, nowMs) }))
    .sort(
      (a, b) =>
        SLA_RANK[a.sla] - SLA_RANK[b.sla] ||
        b.incident.severity - a.incident.severity ||
        a.incident.slaDueAt - b.incident.slaDueAt ||
        a.incident.id.localeCompare(b.incident.id),
    );
}

/** An open incident as a queue row shows it, at the panel clock's `nowMs`. */
interface QueuedIncidentProps {
  incident: Incident;
  sla: SlaState;
  nowMs: number;
}

/** The SLA clock: time left, or time overdue, coloured by state. */
export function SlaTimer({ incident, sla, nowMs }: QueuedIncidentProps): React.JSX.Element {
  const { t } = useTranslation();
  if (sla === 'met' || sla === 'missed') {
    return (
      <span className={`sla sla-${sla === 'met' ? 'ok' : 'red'}`}>
        {t(sla === 'met' ? 'queue.slaMet' : 'queue.slaMissed')}
      </span>
    );
  }
  const over = sla === 'red';
  return (
    <span className={`sla sla-${sla}`} data-testid="sla-timer" data-sla={sla}>
      <span className="sla-label">{t(over ? 'queue.slaOver' : 'queue.slaLeft')}</span>
      <span className="sla-time mono">
        {formatDuration(over ? nowMs - incident.slaDueAt : incident.slaDueAt - nowMs)}
      </span>
    </span>
  );
}

export function CategoryIcon({
  incident,
  size = 44,
}: {
  incident: Incident;
  size?: number;
}): React.JSX.Element {
  const ready = useLiveIconsReady();
  if (!ready)
    return <span className="cat-icon placeholder" style={{ width: size, height: size }} />;
  return (
    <img
      className="cat-icon"
      src={liveIconDataUrl(incidentIconKey(incident.category, incident.severity))}
      alt=""
      width={size}
      height={size}
    />
  );
}

/** A row's estimated height (rows are measured once drawn) and the gap between rows, px. */
const ROW_PX = 74;
const ROW_GAP_PX = 6;

const Row = memo(function Row({ incident, sla, nowMs, cursor }: QueuedIncidentProps & { cursor: boolean }): React.JSX.Element {
  const { t } = useTranslation();
  // Where first (an operator dispatches to an address; on a road, the road and the nearest
  // crossing), then what the reporter said.
  const place =
    incidentPlace(incident) ??
    (incident.buildingId !== null ? t('queue.location', { id: incident.buildingId }) : null);
  const where = [place, incident.description].filter((x) => x).join(' · ');
  return (
    <button
      type="button"
      className={`incident-row sla-row-${sla}${cursor ? ' is-cursor' : ''}`}
      data-testid="incident-row"
      data-incident-id={incident.id}
      data-cursor={cursor || undefined}
      aria-current={cursor || undefined}
      onClick={() => {
        setCursor('incidents', incident.id);
        selectIncident(incident.id);
      }}
    >
      <CategoryIcon incident={incident} />
      <span className="incident-main">
        <span className="incident-title">
          <span className="incident-cat">{t(`category.${incident.category}`)}</span>
          <span className={`sev-chip sev-${incident.severity}`}>
            {t(`severity.${incident.severity}`)}
          </span>
        </span>
        <span className="incident-where">{where}</span>
        <span className="incident-meta">
          {t(`reporter.${incident.reporter}`)} ·{' '}
          {t('queue.age', { age: formatAge(nowMs - incident.reportedAt) })} ·{' '}
          <span className={`status-text status-${incident.status}`}>
            {t(`incidentStatus.${incident.status}`)}
          </span>
          {acceptOverdue(incident.status, incident.reportedAt, nowMs) && <span className="count-chip chip-red" data-testid="accept-late">{t('queue.acceptLate')}</span>}
        </span>
      </span>
      <SlaTimer incident={incident} sla={sla} nowMs={nowMs} />
    </button>
  );
});

export function IncidentQueue(): React.JSX.Element {
  const { t } = useTranslation();
  const incidents = useLivePanels((s) => s.incidents);
  const status = useLivePanels((s) => s.status);
  const overflow = useLivePanels((s) => s.incidentOverflow);
  const nowMs = useFeedNow(1000);
  const rows = useMemo(() => queueOrder(incidents, nowMs), [incidents, nowMs]);
  const red = rows.filter((r) => r.sla === 'red').length;
  const amber = rows.filter((r) => r.sla === 'amber').length;
  // Not accepted (受理) within ACCEPT_SLA_MINUTES of the report.
  const notAccepted = rows.filter((r) => acceptOverdue(r.incident.status, r.incident.reportedAt, nowMs)).length;
  return (
    <section className="live-panel" data-testid="incident-queue">
      <header className="live-panel-head">
        <h2 className="panel-title">{t('queue.title')}</h2>
        <div className="queue-summary">
          <span className="count-chip">{t('queue.summary', { open: rows.length })}</span>
          {red > 0 && (
            <span className="count-chip chip-red">{t('queue.overdue', { count: red })}</span>
          )}
          {amber > 0 && (
            <span className="count-chip chip-amber">{t('queue.dueSoon', { count: amber })}</span>
          )}
          {notAccepted > 0 && <span className="count-chip chip-red" data-testid="accept-overdue">{t('queue.acceptOverdue', { count: notAccepted, min: ACCEPT_SLA_MINUTES })}</span>}
          {rows.length > 0 && <ListTools id="incidents" build={() => queueExport(rows, nowMs)} />}
          {overflow && overflow.summarised > 0 && (
            // Beyond the snapshot's bound the host sends counts by grid, not rows (LiveSnapshot).
            <span
              className="count-chip"
              data-testid="queue-summarised"
              title={overflow.byGrid
                .slice(0, 8)
                .map((g) =>
                  t('queue.summarisedGrid', { grid: g.gridName ?? t('queue.noGrid'), count: g.count }),
                )
                .join(' · ')}
            >
              {t('queue.summarised', { count: overflow.summarised })}
            </span>
          )}
        </div>
      </header>
      {rows.length === 0 ? (
        <p className="live-empty">
          {status === 'ready'
            ? t('queue.empty')
            : status === 'error'
              ? t('queue.unavailable')
              : t('queue.loading')}
        </p>
      ) : (
        <QueueRows rows={rows} nowMs={nowMs} />
      )}
    </section>
  );
}

function QueueRows({
  rows,
  nowMs,
}: {
  rows: { incident: Incident; sla: SlaState }[];
  nowMs: number;
}): React.JSX.Element {
  const scroller = useRef<HTMLDivElement>(null);
  const cursor = useListCursor((s) => s.incidents);
  const virtualizer = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_PX,
    gap: ROW_GAP_PX,
    overscan: 4,
    getItemKey: (i) => rows[i]!.incident.id,
  });
  // The keyboard's row stays in view (the list is virtual: the row may not exist yet).
  const cursorIndex = cursor === null ? -1 : rows.findIndex((r) => r.incident.id === cursor);
  useEffect(() => {
    if (cursorIndex >= 0) virtualizer.scrollToIndex(cursorIndex, { align: 'auto' });
  }, [cursorIndex, virtualizer]);
  return (
    <div
      className="incident-list virtual-list"
      ref={scroller}
      role="list"
      data-testid="incident-list"
      data-rows={rows.length}
    >
      <div className="virtual-list-body" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((item) => {
          const r = rows[item.index]!;
          return (
            <div
              key={item.key}
              role="listitem"
              className="virtual-list-item"
              data-index={item.index}
              ref={virtualizer.measureElement}
              style={{ transform: `translateY(${item.start}px)` }}
            >
              <Row incident={r.incident} sla={r.sla} nowMs={nowMs} cursor={r.incident.id === cursor} />
            </div>
          );
        })}
      </div>
    </div>
  );
}

/** The queue as a table (CSV, print): what the rows show, in their order. */
export function queueExport(rows: { incident: Incident; sla: SlaState }[], nowMs: number): ListExport {
  const h = (k: string): string => translate(`incidents.export.${k}`);
  return {
    title: h('title'),
    columns: ['id', 'category', 'severity', 'status', 'place', 'description', 'reporter', 'reportedAt', 'slaDueAt', 'sla', 'assignee'].map(h),
    rows: rows.map(({ incident: i, sla }) => [
      i.id,
      translate(`category.${i.category}`),
      translate(`severity.${i.severity}`),
      translate(`incidentStatus.${i.status}`),
      incidentPlace(i) ?? `${i.lon.toFixed(5)}, ${i.lat.toFixed(5)}`,
      i.description,
      translate(`reporter.${i.reporter}`),
      formatDateTime(i.reportedAt),
      formatDateTime(i.slaDueAt),
      sla === 'red' ? `${translate('queue.slaOver')} ${formatDuration(nowMs - i.slaDueAt)}` : sla === 'amber' || sla === 'ok' ? `${translate('queue.slaLeft')} ${formatDuration(i.slaDueAt - nowMs)}` : translate(sla === 'met' ? 'queue.slaMet' : 'queue.slaMissed'),
      i.assignee?.label ?? '',
    ]),
  };
}
