/** The data attribution line (ODbL etc.): always on screen. */
import { useTranslation } from 'react-i18next';
import { useTwinStore } from '../state/twinStore.ts';

export function AttributionBar(): React.JSX.Element {
  const { t } = useTranslation();
  const attribution = useTwinStore((s) => s.info?.attribution ?? []);
  return (
    <footer className="attribution" data-testid="attribution">
      <span className="attribution-label">{t('footer.attribution')}</span>
      <span className="attribution-text">{attribution.join(' · ')}</span>
      <span className="attribution-app">CivicTwin</span>
    </footer>
  );
}
