/** Hover text of the live map objects (HTML, escaped), in the UI language. */
import type { Incident, MeterAlert, ResourceInfo } from '../../../electron/common/dto.ts';
import { METER_ANOMALY_KINDS, RESOURCE_STATUSES } from '../../../data/model/domain.ts';
import { t } from '../../i18n/index.ts';
import { formatAge, formatAgo } from '../../i18n/format.ts';
import type { PositionBuffer } from '../../sources/positionBuffer.ts';
import type { AlertBeacon } from './layers/liveLayers.ts';

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
const line = (title: string, detail: string): string => `<b>${escapeHtml(title)}</b><span>${escapeHtml(detail)}</span>`;

export function incidentTooltip(inc: Incident, nowMs: number): string {
  const parts = [t(`severity.${inc.severity}`), t(`incidentStatus.${inc.status}`), t('queue.age', { age: formatAge(nowMs - inc.reportedAt) })];
  const title = `${t(`category.${inc.category}`)}${inc.description ? ` · ${inc.description}` : ''}`;
  return line(title, parts.join(' · '));
}

export function resourceTooltip(buf: PositionBuffer, slot: number, info: ResourceInfo | undefined, nowMs: number): string {
  const status = RESOURCE_STATUSES[buf.status[slot]!] ?? 'offline';
  const title = info ? `${info.callsign} · ${t(`resourceKind.${info.kind}`)}` : `#${buf.ids[slot]}`;
  const fix = buf.fixMs[slot]!;
  const stale = fix <= 0 || buf.isOverdue(slot, nowMs);
  const seen = fix <= 0 ? t('resource.noFix') : stale ? t('resource.lastSeen', { ago: formatAgo(nowMs - fix) }) : t('resource.fixAgo', { ago: formatAgo(nowMs - fix) });
  return `${line(title, t(`resourceStatus.${status}`))}<span class="${stale ? 'tooltip-stale' : 'tooltip-dim'}">${escapeHtml(seen)}</span>`;
}

export function beaconTooltip(beacon: AlertBeacon, alerts: Record<string, MeterAlert>): string {
  if (beacon.kinds) {
    // A wall: how many of each kind in this building, nothing of any household.
    const kinds = METER_ANOMALY_KINDS.filter((k) => (beacon.kinds![k] ?? 0) > 0).map((k) => t('alerts.kindCount', { kind: t(`alertKind.${k}`), count: beacon.kinds![k] }));
    return line(t('alerts.title'), kinds.join(' · '));
  }
  const list = beacon.alertIds.map((id) => alerts[id]).filter((a): a is MeterAlert => a !== undefined);
  const first = list[0];
  if (!first) return '';
  const kinds = list.map((a) => `${a.unit} · ${t(`alertKind.${a.kind}`)}${a.elderlyAlone ? ` · ${t('alerts.elderlyAlone')}` : ''}`);
  return line(first.address, kinds.slice(0, 3).join('\n') + (list.length > 3 ? ` …(+${list.length - 3})` : ''));
}
