/**
 * Times and durations as the UI shows them: Beijing time (Asia/Shanghai) whatever the machine's
 * zone, ages as "12 秒前 / 12 s ago", SLA clocks as h:mm:ss. Usable inside and outside React.
 */
import { i18n, t } from './index.ts';

const locale = (): string => (i18n.language === 'en' ? 'en-GB' : 'zh-CN');
const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(kind: 'clock' | 'short' | 'date'): Intl.DateTimeFormat {
  const key = `${locale()}|${kind}`;
  let f = formatters.get(key);
  if (!f) {
    const opts: Intl.DateTimeFormatOptions =
      kind === 'clock'
        ? { hour: '2-digit', minute: '2-digit', second: '2-digit' }
        : kind === 'short'
          ? { hour: '2-digit', minute: '2-digit' }
          : { month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' };
    f = new Intl.DateTimeFormat(locale(), { timeZone: 'Asia/Shanghai', hour12: false, ...opts });
    formatters.set(key, f);
  }
  return f;
}

/** 14:03:27 (Beijing time). */
export const formatClock = (ms: number): string => formatter('clock').format(ms);
/** 14:03 (Beijing time). */
export const formatShortTime = (ms: number): string => formatter('short').format(ms);
/** 11-25 14:03 (Beijing time). */
export const formatDateTime = (ms: number): string => formatter('date').format(ms);

const shanghaiDay = (ms: number): string => new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai' }).format(ms);
/** Time of day if `ms` is on the same Beijing day as `nowMs`, else date and time. */
export const formatWhen = (ms: number, nowMs: number): string => (shanghaiDay(ms) === shanghaiDay(nowMs) ? formatClock(ms) : formatDateTime(ms));

/** "12 秒前", "3 分钟前", "2 小时前", "3 天前" (and English equivalents). */
export function formatAgo(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return t('time.secondsAgo', { count: s });
  const m = Math.floor(s / 60);
  if (m < 60) return t('time.minutesAgo', { count: m });
  const h = Math.floor(m / 60);
  if (h < 48) return t('time.hoursAgo', { count: h });
  return t('time.daysAgo', { count: Math.floor(h / 24) });
}

/** A compact age for lists: "45 秒", "12 分", "3 时 05 分" / "45 s", "12 min", "3 h 05". */
export function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return t('time.ageSeconds', { count: s });
  const m = Math.floor(s / 60);
  if (m < 60) return t('time.ageMinutes', { count: m });
  const h = Math.floor(m / 60);
  if (h < 48) return t('time.ageHours', { h, m: String(m % 60).padStart(2, '0') });
  return t('time.ageDays', { count: Math.floor(h / 24) });
}

/** h:mm:ss, or mm:ss under an hour; days as "2 天 03:04:05" / "2 d 03:04:05". */
export function formatDuration(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const d = Math.floor(total / 86400);
  const h = Math.floor((total % 86400) / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const mmss = `${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}`;
  if (d > 0) return t('time.durationDays', { count: d, rest: `${String(h).padStart(2, '0')}:${mmss}` });
  return h > 0 ? `${h}:${mmss}` : mmss;
}

/** A number with at most one decimal, in the UI's locale. */
export const formatNumber = (v: number, digits = 1): string =>
  v.toLocaleString(i18n.language === 'en' ? 'en-US' : 'zh-CN', { maximumFractionDigits: digits });

/** 850 m · 1.2 km. */
export const formatDistance = (m: number): string =>
  m < 1000 ? t('units.metres', { value: Math.round(m) }) : t('units.km', { value: formatNumber(m / 1000) });
