/**
 * The right-hand column: the incident queue (or one incident), the meter alerts, or the selected
 * building's record, switched by tabs. Switching never touches the map or the inspector, which
 * stay mounted underneath.
 */
import { useTranslation } from 'react-i18next';
import { isOpenStatus } from '../../data/model/incidents.ts';
import { openAlertTotal, useLivePanels } from '../state/liveStore.ts';
import { RIGHT_PANELS, setRightPanel, useUiStore } from '../state/uiStore.ts';
import { ErrorBoundary } from '../app/ErrorBoundary.tsx';
import { BuildingPanel } from './BuildingPanel.tsx';
import { IncidentQueue } from './live/IncidentQueue.tsx';
import { IncidentDetail } from './live/IncidentDetail.tsx';
import { AlertList } from './live/AlertList.tsx';

export function RightColumn(): React.JSX.Element {
  const { t } = useTranslation();
  const panel = useUiStore((s) => s.rightPanel);
  const buildingId = useUiStore((s) => s.selectedBuildingId);
  const incidentId = useUiStore((s) => s.selectedIncidentId);
  const openIncidents = useLivePanels(
    (s) => Object.values(s.incidents).filter((i) => isOpenStatus(i.status)).length + (s.incidentOverflow?.summarised ?? 0),
  );
  const alerts = useLivePanels(openAlertTotal);
  const counts: Record<string, number | null> = { incidents: openIncidents, alerts, building: null };
  return (
    <aside className="right-column" data-testid="right-column">
      <div className="right-tabs" role="tablist" aria-label={t('right.tabsLabel')}>
        {RIGHT_PANELS.map((p) => (
          <button
            key={p}
            type="button"
            role="tab"
            aria-selected={panel === p}
            className={`right-tab${panel === p ? ' is-active' : ''}`}
            data-testid={`tab-${p}`}
            disabled={p === 'building' && buildingId === null}
            onClick={() => setRightPanel(p)}
          >
            {t(`right.${p}`)}
            {counts[p] !== null && <span className="tab-count mono">{counts[p]}</span>}
          </button>
        ))}
      </div>
      <div className="right-body panel">
        <ErrorBoundary name={`right-${panel}`} key={panel}>
          {panel === 'incidents' && (incidentId ? <IncidentDetail key={incidentId} id={incidentId} /> : <IncidentQueue />)}
          {panel === 'alerts' && <AlertList />}
          {panel === 'building' && <BuildingPanel />}
        </ErrorBoundary>
      </div>
    </aside>
  );
}
