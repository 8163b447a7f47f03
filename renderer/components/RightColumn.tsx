/**
 * The right-hand column: one tab per panel the feature modules bring (renderer/features/registry.ts:
 * the incident queue, the meter alerts, the selected building's record, …). Switching never
 * touches the map or the inspector, which stay mounted underneath.
 */
import { useTranslation } from 'react-i18next';
import { setRightPanel, useUiStore } from '../state/uiStore.ts';
import { ErrorBoundary } from '../app/ErrorBoundary.tsx';
import { RIGHT_PANEL_DEFS } from '../features/registry.ts';
import type { RightPanelDef } from '../features/feature.ts';

const none = (): null => null;
const enabled = (): boolean => false;

function PanelTab({ def, active }: { def: RightPanelDef; active: boolean }): React.JSX.Element {
  const { t } = useTranslation();
  const count = (def.useCount ?? none)();
  const disabled = (def.useDisabled ?? enabled)();
  return (
    <button
      type="button"
      role="tab"
      aria-selected={active}
      className={`right-tab${active ? ' is-active' : ''}`}
      data-testid={`tab-${def.id}`}
      disabled={disabled}
      onClick={() => setRightPanel(def.id)}
    >
      {t(`right.${def.id}`)}
      {count !== null && <span className="tab-count mono">{count}</span>}
    </button>
  );
}

export function RightColumn(): React.JSX.Element {
  const { t } = useTranslation();
  const panel = useUiStore((s) => s.rightPanel);
  const Active = (RIGHT_PANEL_DEFS.find((p) => p.id === panel) ?? RIGHT_PANEL_DEFS[0]!).component;
  return (
    <aside className="right-column" data-testid="right-column">
      <div className="right-tabs" role="tablist" aria-label={t('right.tabsLabel')}>
        {RIGHT_PANEL_DEFS.map((def) => (
          <PanelTab key={def.id} def={def} active={panel === def.id} />
        ))}
      </div>
      <div className="right-body panel">
        <ErrorBoundary name={`right-${panel}`} key={panel}>
          <Active />
        </ErrorBoundary>
      </div>
    </aside>
  );
}
