/**
 * What a panel of a wall session draws over the console's screen: nothing for the 3D overview (the
 * shell is the panel), the board of its role full-size otherwise, and — while the director blanks
 * the wall — a neutral screen with the product's name and nothing else.
 */
import { useTranslation } from 'react-i18next';
import { useDirectorStore, PANEL } from './store.ts';
import { RIGHT_PANEL_DEFS } from '../registry.ts';
import { CameraPlaceholder, KpiBoard, ResourceBoard } from '../../components/WallBoards.tsx';
import { WallKpiSections } from '../WallKpiSections.tsx';
import { ErrorBoundary } from '../../app/ErrorBoundary.tsx';
import type { PanelRole } from '../../../data/model/wallScene.ts';

function RoleBoard({ role }: { role: Exclude<PanelRole, 'overview'> }): React.JSX.Element | null {
  const { t } = useTranslation();
  if (role === 'kpis')
    return (
      <KpiBoard>
        <WallKpiSections />
      </KpiBoard>
    );
  if (role === 'resources') return <ResourceBoard />;
  if (role === 'camera') return <CameraPlaceholder />;
  const def = RIGHT_PANEL_DEFS.find((p) => p.id === role);
  if (!def) return null;
  return (
    <div className="wall-board-body" aria-label={t(`right.${role}`)}>
      <def.component />
    </div>
  );
}

export function WallPanel(): React.JSX.Element | null {
  const { t } = useTranslation();
  const blanked = useDirectorStore((s) => s.wall?.blanked ?? false);
  const role = useDirectorStore((s) => s.role);
  if (!PANEL) return null;
  if (blanked) {
    return (
      <div className="director-blank" data-testid="wall-blank" role="status">
        <div className="director-blank-name">{t('app.title')}</div>
        <div className="director-blank-note">{t('director.standby')}</div>
      </div>
    );
  }
  if (role === 'overview') return null;
  return (
    <div className="director-role" data-testid={`wall-role-${role}`} data-role={role}>
      <div className="panel director-role-panel">
        <ErrorBoundary name={`wall-role-${role}`}>
          <RoleBoard role={role} />
        </ErrorBoundary>
      </div>
    </div>
  );
}
