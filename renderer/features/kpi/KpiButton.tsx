/**
 * The console's way in: a button that opens the dashboard in a new window (`#kpi=7d`; in the same
 * window where a new one cannot open), and the switch for the hot-spot layer on the map. Not on a
 * wall (a wall shows the figures in its KPI cell).
 */
import { useTranslation } from 'react-i18next';
import { useLayoutStore } from '../../layout/store.ts';
import { showHotspotsOnMap, useKpiStore } from './store.ts';

export function openDashboard(value = '7d'): void {
  const url = `${window.location.pathname}${window.location.search}#kpi=${value}`;
  const win = window.open(url, '_blank');
  if (!win) {
    window.location.hash = `kpi=${value}`;
    window.location.reload();
  }
}

export function KpiButton(): React.JSX.Element | null {
  const { t } = useTranslation();
  const arrangement = useLayoutStore((s) => s.layout.def.arrangement);
  const mapVisible = useKpiStore((s) => s.mapVisible);
  const count = useKpiStore((s) => s.mapHotspots.length);
  if (arrangement === 'cells') return null;
  return (
    <div className="kpi-launcher" data-testid="kpi-launcher">
      <button
        type="button"
        className="kpi-open"
        title={t('kpi.openTitle')}
        onClick={() => openDashboard()}
        data-testid="kpi-open"
      >
        {t('kpi.open')}
      </button>
      <label className="kpi-hotspot-toggle" title={t('kpi.hotspotLegend')}>
        <input
          type="checkbox"
          checked={mapVisible}
          onChange={(e) => void showHotspotsOnMap(e.target.checked)}
          data-testid="kpi-hotspot-toggle"
        />
        {mapVisible && count > 0 ? `${t('kpi.hotspotLayer')} (${count})` : t('kpi.hotspotLayer')}
      </label>
    </div>
  );
}
