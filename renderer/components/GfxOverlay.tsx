/** Covers a view whose WebGL context is lost until it is back or rebuilt. */
import { useTranslation } from 'react-i18next';
import { useGfxStore, type GfxView } from '../state/gfxStore.ts';

export function GfxOverlay({ view }: { view: GfxView }): React.JSX.Element | null {
  const { t } = useTranslation();
  const lost = useGfxStore((s) => s[view].lost);
  if (!lost) return null;
  return (
    <div className="gfx-overlay" role="alert" data-testid={`gfx-lost-${view}`}>
      <div className="spinner" aria-hidden />
      <span>{t('gfx.lost')}</span>
    </div>
  );
}
