/** District name, key counts, data status, the Beijing-time clock and the language switch. */
import { useTranslation } from 'react-i18next';
import { useTwinStore } from '../state/twinStore.ts';
import { useUiStore } from '../state/uiStore.ts';
import { setLanguage } from '../i18n/index.ts';
import { openAlertTotal, useLivePanels } from '../state/liveStore.ts';
import { useSeesNoOne } from '../state/wallView.ts';
import { isOpenStatus, slaState } from '../../data/model/incidents.ts';
import { useFeedNow } from './live/useClock.ts';
import { useSessionStore } from '../state/sessionStore.ts';
import { signOut } from '../actions/session.ts';
import { usePanelTick } from '../state/panelClock.ts';
import { AuditButton } from './audit/AuditButton.tsx';
import { TwinName } from './TwinName.tsx';

/** Open incidents and how many are overdue, and open meter alerts: the live figures of the bar. */
export function LiveKpis(): React.JSX.Element | null {
  const { t, i18n } = useTranslation();
  const incidents = useLivePanels((s) => s.incidents);
  const alerts = useLivePanels(openAlertTotal);
  const status = useLivePanels((s) => s.status);
  // Open incidents beyond the snapshot's bound arrive as counts by grid (overdue as of the snapshot).
  const overflow = useLivePanels((s) => s.incidentOverflow);
  const now = useFeedNow(1000);
  if (status !== 'ready') return null;
  const open = Object.values(incidents).filter((i) => isOpenStatus(i.status) && i.reportedAt <= now);
  const overdue =
    open.filter((i) => slaState(i.category, i.reportedAt, i.handledAt, now) === 'red').length +
    (overflow?.byGrid.reduce((sum, g) => sum + g.overdue, 0) ?? 0);
  return (
    <>
      <div className="kpi kpi-live" data-testid="kpi-open-incidents">
        <span className="kpi-value">
          {fmt(open.length + (overflow?.summarised ?? 0), i18n.language)}
          {overdue > 0 && <span className="kpi-overdue"> · {t('top.overdueIncidents')} {overdue}</span>}
        </span>
        <span className="kpi-label">{t('top.openIncidents')}</span>
      </div>
      <div className="kpi kpi-live kpi-alerts">
        <span className="kpi-value">{fmt(alerts, i18n.language)}</span>
        <span className="kpi-label">{t('top.openAlerts')}</span>
      </div>
    </>
  );
}

export const fmt = (n: number, lng: string): string => n.toLocaleString(lng === 'en' ? 'en-US' : 'zh-CN');

export function Clock(): React.JSX.Element {
  const { t, i18n } = useTranslation();
  const now = new Date(usePanelTick());
  const locale = i18n.language === 'en' ? 'en-GB' : 'zh-CN';
  const time = new Intl.DateTimeFormat(locale, { timeZone: 'Asia/Shanghai', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false }).format(now);
  const date = new Intl.DateTimeFormat(locale, { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', weekday: 'short' }).format(now);
  return (
    <div className="clock" data-testid="clock">
      <span className="clock-time">{time}</span>
      <span className="clock-date">
        {date} · {t('top.zone')}
      </span>
    </div>
  );
}

export function TopBar(): React.JSX.Element {
  const { t, i18n } = useTranslation();
  const info = useTwinStore((s) => s.info);
  const host = useTwinStore((s) => s.host);
  // A wall's session is sent no personal data on any host: the badge says what it gets.
  const seesNoOne = useSeesNoOne();
  const simulated = useLivePanels((s) => s.feed?.simulated ?? false);
  const language = useUiStore((s) => s.language);
  const counts = info?.counts;
  const kpis: [string, number][] = counts
    ? [
        [t('top.buildings'), counts.buildings],
        [t('top.households'), counts.households],
        [t('top.persons'), counts.persons],
      ]
    : [];
  return (
    <header className="top-bar" data-testid="top-bar">
      <div className="brand">
        <span className="brand-mark" aria-hidden />
        <div className="brand-text">
          <TwinName />
          <span className="product">{t('app.product')}</span>
        </div>
      </div>
      <div className="kpis">
        {kpis.map(([label, value]) => (
          <div className="kpi" key={label}>
            <span className="kpi-value">{fmt(value, i18n.language)}</span>
            <span className="kpi-label">{label}</span>
          </div>
        ))}
        <LiveKpis />
      </div>
      <div className="top-right">
        {simulated && (
          <span className="simulated-badge" data-testid="simulated-badge" title={t('feed.simulatedTitle')}>
            {t('feed.simulated')}
          </span>
        )}
        <div className="badges">
          {info && <span className={`badge ${info.source === 'demo' ? 'badge-amber' : 'badge-cyan'}`}>{t(`top.source.${info.source}`)}</span>}
          {host && (
            <span className="badge" data-testid="personal-data-badge">
              {t(`top.personal.${seesNoOne ? 'none' : host.personalData}`)}
            </span>
          )}
        </div>
        <Clock />
        <AuditButton />
        <UserChip />
        <button
          type="button"
          className="lang-toggle"
          data-testid="lang-toggle"
          title={t('top.langToggleTitle')}
          onClick={() => setLanguage(language === 'en' ? 'zh-CN' : 'en')}
        >
          {t('top.langToggle')}
        </button>
      </div>
    </header>
  );
}

/** Who is signed in here, their role, and signing out (a wall shows its name and cannot sign out from the screen). */
function UserChip(): React.JSX.Element | null {
  const { t } = useTranslation();
  const session = useSessionStore((s) => s.session);
  if (!session) return null;
  return (
    <div className="user-chip" data-testid="user-chip">
      <span className="user-name">{session.displayName}</span>
      <span className="user-role">{t(`signIn.roles.${session.role}`)}</span>
      {session.kind === 'person' && (
        <button type="button" className="user-sign-out" data-testid="sign-out" onClick={() => void signOut()}>
          {t('signIn.signOut')}
        </button>
      )}
    </div>
  );
}
