/**
 * Bottom dock: the building inspector (exploded floors and dwellings) and the household card.
 * Always mounted; hidden with CSS when no building is selected, so the R3F canvas and its WebGL
 * context live as long as the shell.
 */
import { useTranslation } from 'react-i18next';
import { useDetailStore } from '../../state/detailStore.ts';
import { useUiStore } from '../../state/uiStore.ts';
import { useGfxStore, remountView } from '../../state/gfxStore.ts';
import { ErrorBoundary } from '../../app/ErrorBoundary.tsx';
import { GfxOverlay } from '../../components/GfxOverlay.tsx';
import { HouseholdCard } from '../../components/HouseholdCard.tsx';
import { InspectorCanvas } from './InspectorCanvas.tsx';
import { CARE_CLASSES, CARE_COLOURS } from './careColours.ts';
import { useSeesNoOne } from '../../state/wallView.ts';

export function InspectorDock(): React.JSX.Element {
  const { t } = useTranslation();
  const selectedId = useUiStore((s) => s.selectedBuildingId);
  const householdId = useUiStore((s) => s.selectedHouseholdId);
  const glowHouseholdId = useUiStore((s) => s.glowHouseholdId);
  const slot = useDetailStore((s) => s.units);
  const building = useDetailStore((s) => s.building);
  const key = useGfxStore((s) => s.inspector.key);
  const units = slot.id === selectedId ? slot.value : null;
  const visible = selectedId !== null;
  const title = building.id === selectedId && building.value ? (building.value.name ?? building.value.address) : '';
  // A wall is sent no dwellings and no households: no stack of flats, no household card.
  const seesNoOne = useSeesNoOne();
  if (seesNoOne) return <section className="inspector-dock panel is-hidden" data-testid="inspector" aria-hidden />;
  return (
    <section className={`inspector-dock panel${visible ? '' : ' is-hidden'}`} data-testid="inspector" aria-hidden={!visible}>
      <div className="inspector-main">
        <header className="inspector-head">
          <div>
            <span className="eyebrow">{t('inspector.title')}</span>
            <h2 className="panel-heading small">{title}</h2>
          </div>
          {units && (
            <span className="inspector-summary" data-testid="inspector-summary">
              {t('inspector.summary', { floors: units.floors, units: units.unitsPerFloor })}
            </span>
          )}
        </header>
        <div className="inspector-stage">
          <ErrorBoundary name="inspector" onReset={() => remountView('inspector')}>
            <InspectorCanvas key={key} units={units} selectedHouseholdId={householdId} glowHouseholdId={glowHouseholdId} />
          </ErrorBoundary>
          <GfxOverlay view="inspector" />
          {units && units.units.length === 0 && <div className="inspector-empty">{t('inspector.noUnits')}</div>}
          <ul className="care-legend" data-testid="inspector-legend">
            {CARE_CLASSES.map((c) => (
              <li key={c}>
                <span className="swatch" style={{ background: CARE_COLOURS[c] }} />
                {t(`inspector.care.${c}`)}
              </li>
            ))}
          </ul>
        </div>
      </div>
      <div className="inspector-side">
        {householdId !== null ? <HouseholdCard /> : <p className="inspector-hint">{t('inspector.hint')}</p>}
      </div>
    </section>
  );
}
