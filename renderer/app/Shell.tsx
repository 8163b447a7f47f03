/**
 * The command-centre screen, arranged by the layout in force (renderer/layout/):
 *  - overlay (console, single screen): full-bleed map, a top bar, a left column of controls and
 *    live layers, the right column (the modules' boards in tabs), the inspector dock and the
 *    timeline at the bottom, and the attribution line; the panels zoom by the layout's scale;
 *  - cells (walls): each cell of the layout holds one role — the 3D overview, a board — placed on
 *    the wall's panels and clear of the seams.
 * Views stay mounted; the inspector is hidden with CSS when nothing is selected (one R3F canvas
 * for good). The map is the same one view in both: only its box moves.
 */
import type { CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import { MapView } from '../views/map/MapView.tsx';
import { InspectorDock } from '../views/inspector/InspectorDock.tsx';
import { ErrorBoundary } from './ErrorBoundary.tsx';
import { TopBar } from '../components/TopBar.tsx';
import { AttributionBar } from '../components/AttributionBar.tsx';
import { ControlColumn } from '../components/ControlColumn.tsx';
import { RightColumn } from '../components/RightColumn.tsx';
import { Timeline } from '../components/live/Timeline.tsx';
import { FeedBanner } from '../components/live/FeedBanner.tsx';
import { GfxOverlay } from '../components/GfxOverlay.tsx';
import { CameraPlaceholder, KpiBoard, ResourceBoard } from '../components/WallBoards.tsx';
import { useGfxStore, remountView } from '../state/gfxStore.ts';
import { useLayoutStore } from '../layout/store.ts';
import type { PlacedCell, Rect } from '../layout/choose.ts';
import type { CellRole } from '../layout/model.ts';
import { RIGHT_PANEL_DEFS } from '../features/registry.ts';
import { WallKpiSections } from '../features/WallKpiSections.tsx';

function MapLayer({ box }: { box?: Rect }): React.JSX.Element {
  const mapKey = useGfxStore((s) => s.map.key);
  const style: CSSProperties | undefined = box && { left: box.x, top: box.y, width: box.w, height: box.h };
  return (
    <div className="map-layer" style={style} data-testid="map-layer">
      <ErrorBoundary name="map" onReset={() => remountView('map')}>
        <MapView key={mapKey} />
      </ErrorBoundary>
      <GfxOverlay view="map" />
      <div className="map-vignette" aria-hidden />
    </div>
  );
}

export function Shell(): React.JSX.Element {
  const arrangement = useLayoutStore((s) => s.layout.def.arrangement);
  return arrangement === 'cells' ? <CellsShell /> : <OverlayShell />;
}

function OverlayShell(): React.JSX.Element {
  return (
    <div className="shell shell-overlay">
      <MapLayer />
      <TopBar />
      <ControlColumn />
      <ErrorBoundary name="right-column">
        <RightColumn />
      </ErrorBoundary>
      <InspectorDock />
      <ErrorBoundary name="timeline">
        <Timeline />
      </ErrorBoundary>
      <FeedBanner />
      <AttributionBar />
    </div>
  );
}

/** A module's board by its panel id (renderer/features/registry.ts), as the right column shows it. */
function ModuleBoard({ id }: { id: string }): React.JSX.Element | null {
  const { t } = useTranslation();
  const def = RIGHT_PANEL_DEFS.find((p) => p.id === id);
  if (!def) return null;
  return (
    <div className="panel wall-board-body" aria-label={t(`right.${id}`)}>
      <def.component />
    </div>
  );
}

const BOARDS: Record<Exclude<CellRole, 'overview'>, () => React.JSX.Element | null> = {
  incidents: () => <ModuleBoard id="incidents" />,
  typhoon: () => <ModuleBoard id="typhoon" />,
  kpis: () => (
    <div className="panel">
      <KpiBoard>
        <WallKpiSections />
      </KpiBoard>
    </div>
  ),
  resources: () => (
    <div className="panel">
      <ResourceBoard />
    </div>
  ),
  camera: () => (
    <div className="panel">
      <CameraPlaceholder />
    </div>
  ),
};

/** A board in its cell: the cell zooms by the layout's scale, so its box is given unzoomed. */
function BoardCell({ cell, scale }: { cell: PlacedCell; scale: number }): React.JSX.Element {
  const Board = BOARDS[cell.role as Exclude<CellRole, 'overview'>];
  const { x, y, w, h } = cell.rect;
  return (
    <div className="wall-cell" data-role={cell.role} data-testid={`cell-${cell.role}`} style={{ left: x / scale, top: y / scale, width: w / scale, height: h / scale }}>
      <ErrorBoundary name={`cell-${cell.role}`}>
        <Board />
      </ErrorBoundary>
    </div>
  );
}

function CellsShell(): React.JSX.Element {
  const layout = useLayoutStore((s) => s.layout);
  const overview = layout.cells.find((c) => c.role === 'overview')?.rect;
  const s = layout.scale;
  return (
    <div className="shell shell-cells" data-layout={layout.def.id}>
      <MapLayer box={overview} />
      {overview && (
        <div className="wall-overview-chrome" style={{ left: overview.x / s, top: overview.y / s, width: overview.w / s, height: overview.h / s }}>
          <FeedBanner />
          <AttributionBar />
        </div>
      )}
      {layout.cells
        .filter((c) => c.role !== 'overview')
        .map((cell) => (
          <BoardCell key={`${cell.role}-${cell.rect.x}-${cell.rect.y}`} cell={cell} scale={s} />
        ))}
    </div>
  );
}
