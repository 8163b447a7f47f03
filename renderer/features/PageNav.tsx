/**
 * The navigation between whole-window pages (statistics, and the governance boards that modules
 * add): one link per page whose FeaturePageDef has `nav`, from the registry, so a new module's page
 * is listed without an edit here. A page opens by its fragment, read once at start (pageRoute.ts).
 */
import { useTranslation } from 'react-i18next';
import { PAGE_DEFS } from './registry.ts';
import './pageNav.css';

export function openPage(key: string, value: string): void {
  window.location.hash = `${key}=${encodeURIComponent(value)}`;
  window.location.reload();
}

export function PageNav({ current }: { current: string }): React.JSX.Element | null {
  const { t } = useTranslation();
  const links = PAGE_DEFS.filter((d) => d.nav).sort((a, b) => (a.nav!.order ?? 100) - (b.nav!.order ?? 100));
  if (links.length < 2) return null;
  return (
    <nav className="page-nav" aria-label={t('pages.nav')} data-testid="page-nav">
      {links.map((d) => (
        <button
          key={d.key}
          type="button"
          className={d.key === current ? 'active' : undefined}
          aria-current={d.key === current ? 'page' : undefined}
          disabled={d.key === current}
          onClick={() => openPage(d.key, d.nav!.value)}
          data-testid={`page-nav-${d.key}`}
        >
          {t(d.nav!.labelKey)}
        </button>
      ))}
    </nav>
  );
}
