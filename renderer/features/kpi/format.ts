/** Times and numbers of the KPI dashboard, in Beijing time (the district's) and the screen's language. */
import type { KpiBucket, KpiReport } from '../../../data/model/kpi/index.ts';

const formats = new Map<string, Intl.DateTimeFormat>();
function format(lang: string, bucket: KpiBucket): Intl.DateTimeFormat {
  const key = `${lang}|${bucket}`;
  let f = formats.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(lang, {
      timeZone: 'Asia/Shanghai',
      hour12: false,
      month: '2-digit',
      day: '2-digit',
      ...(bucket === 'hour' ? { hour: '2-digit', minute: '2-digit' } : { year: 'numeric' }),
    });
    formats.set(key, f);
  }
  return f;
}

/** "11/30 08:00" for an hour, "2026/11/30" for a day. */
export const bucketLabel = (ms: number, bucket: KpiBucket, lang: string): string =>
  format(lang, bucket).format(ms);

/** Minutes as a readable duration: "45 min", "3.5 h", "2.1 d" (units in the caller's language). */
export function duration(min: number | null, units: { min: string; h: string; d: string }): string {
  if (min === null || !Number.isFinite(min)) return '—';
  if (min < 90) return `${Math.round(min)} ${units.min}`;
  if (min < 48 * 60) return `${(min / 60).toFixed(1)} ${units.h}`;
  return `${(min / 1440).toFixed(1)} ${units.d}`;
}

export type KpiTileId = 'reported' | 'sla' | 'median' | 'rating' | 'precision';

/**
 * The summary figures of a report, formatted: what the dashboard's tiles and a wall's KPI cell show.
 * Precision is the share of visited alerts that were real (safe or needed help, not a false alarm).
 */
export function summaryTiles(
  k: KpiReport,
  t: (key: string) => string,
  lang: string,
): [KpiTileId, string][] {
  const units = { min: t('kpi.min'), h: t('kpi.h'), d: t('kpi.d') };
  const visits = k.alertOutcomes.reduce((s, a) => s + a.safe + a.neededHelp + a.falseAlarm, 0);
  const right = k.alertOutcomes.reduce((s, a) => s + a.safe + a.neededHelp, 0);
  const nf = new Intl.NumberFormat(lang);
  const pct = (v: number): string => `${(v * 100).toFixed(1)}%`;
  return [
    ['reported', nf.format(k.summary.reported)],
    ['sla', k.summary.slaCompliance === null ? '—' : pct(k.summary.slaCompliance)],
    ['median', duration(k.summary.medianHandlingMin, units)],
    ['rating', k.summary.meanRating === null ? '—' : `${k.summary.meanRating.toFixed(2)} ★`],
    ['precision', visits === 0 ? '—' : pct(right / visits)],
  ];
}
