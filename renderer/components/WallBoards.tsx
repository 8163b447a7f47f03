/**
 * The boards a wall's cells show besides the 3D overview and the modules' panels: the key
 * figures, the resources by kind and status, and the camera feed's slot (a placeholder until
 * video is connected). Aggregates only: nothing here names a person.
 */
import { useTranslation } from 'react-i18next';
import { RESOURCE_KINDS, RESOURCE_STATUSES, type ResourceKind, type ResourceStatus } from '../../data/model/domain.ts';
import { useTwinStore } from '../state/twinStore.ts';
import { useLivePanels } from '../state/liveStore.ts';
import { useSeesNoOne } from '../state/wallView.ts';
import { usePanelTick } from '../state/panelClock.ts';
import { positions } from '../sources/positionBuffer.ts';
import { Clock, LiveKpis, fmt } from './TopBar.tsx';

/** District, clock, what the data is, and the key figures, as tiles. */
/** The district's counts and live figures; `children` are the feature modules' sections under them. */
export function KpiBoard({ children }: { children?: React.ReactNode }): React.JSX.Element {
  const { t, i18n } = useTranslation();
  const info = useTwinStore((s) => s.info);
  const host = useTwinStore((s) => s.host);
  const seesNoOne = useSeesNoOne();
  const simulated = useLivePanels((s) => s.feed?.simulated ?? false);
  const counts = info?.counts;
  return (
    <section className="live-panel" data-testid="kpi-board">
      <div className="kpi-board-head">
        <h2 className="district" data-testid="district-name">
          {info?.name ?? 'CivicTwin'}
        </h2>
        <Clock />
      </div>
      <div className="kpi-board-badges">
        {simulated && (
          <span className="simulated-badge" data-testid="simulated-badge">
            {t('feed.simulated')}
          </span>
        )}
        {info && <span className={`badge ${info.source === 'demo' ? 'badge-amber' : 'badge-cyan'}`}>{t(`top.source.${info.source}`)}</span>}
        {host && (
          <span className="badge" data-testid="personal-data-badge">
            {t(`top.personal.${seesNoOne ? 'none' : host.personalData}`)}
          </span>
        )}
      </div>
      <div className="kpi-board">
        {counts &&
          (
            [
              [t('top.buildings'), counts.buildings],
              [t('top.households'), counts.households],
              [t('top.persons'), counts.persons],
            ] as const
          ).map(([label, value]) => (
            <div className="kpi" key={label}>
              <span className="kpi-value">{fmt(value, i18n.language)}</span>
              <span className="kpi-label">{label}</span>
            </div>
          ))}
        <LiveKpis />
      </div>
      {children}
    </section>
  );
}

/** Resources by kind and status, counted from the positions as the map draws them. */
export function ResourceBoard(): React.JSX.Element {
  const { t, i18n } = useTranslation();
  const resources = useLivePanels((s) => s.resources);
  usePanelTick();
  const kindOf = new Map<number, ResourceKind>(resources.map((r) => [r.id, r.kind]));
  const table = new Map<ResourceKind, number[]>();
  for (let slot = 0; slot < positions.count; slot++) {
    const kind = kindOf.get(positions.ids[slot]!);
    if (!kind) continue;
    const row = table.get(kind) ?? RESOURCE_STATUSES.map(() => 0);
    row[positions.status[slot] ?? 0]! += 1;
    table.set(kind, row);
  }
  const kinds = RESOURCE_KINDS.filter((k) => table.has(k));
  const n = (v: number): string => fmt(v, i18n.language);
  return (
    <section className="live-panel" data-testid="resource-board">
      <h2 className="panel-title">{t('layout.resources')}</h2>
      <table className="resource-board">
        <thead>
          <tr>
            <th>{t('layout.resourceKind')}</th>
            {RESOURCE_STATUSES.map((s: ResourceStatus) => (
              <th key={s}>{t(`resourceStatus.${s}`)}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {kinds.map((k) => (
            <tr key={k}>
              <td>{t(`resourceKind.${k}`)}</td>
              {table.get(k)!.map((v, i) => (
                <td key={RESOURCE_STATUSES[i]}>{n(v)}</td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

/** Where a camera's video will show; says plainly that none is connected. */
export function CameraPlaceholder(): React.JSX.Element {
  const { t } = useTranslation();
  return (
    <section className="live-panel" data-testid="camera-placeholder">
      <h2 className="panel-title">{t('layout.camera')}</h2>
      <div className="camera-placeholder">
        <span>{t('layout.cameraPlaceholder')}</span>
        <span>{t('layout.cameraNote')}</span>
      </div>
    </section>
  );
}
