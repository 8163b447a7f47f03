/**
 * The command-centre screen: full-bleed map, a top bar, a left column of controls and live
 * layers, the right column (incident queue · meter alerts · building record), the inspector dock
 * and the timeline at the bottom, and the attribution line. Views stay mounted; the inspector is
 * hidden with CSS when nothing is selected (one R3F canvas for good).
 */
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
import { useGfxStore, remountView } from '../state/gfxStore.ts';

export function Shell(): React.JSX.Element {
  const mapKey = useGfxStore((s) => s.map.key);
  return (
    <div className="shell">
      <div className="map-layer">
        <ErrorBoundary name="map" onReset={() => remountView('map')}>
          <MapView key={mapKey} />
        </ErrorBoundary>
        <GfxOverlay view="map" />
        <div className="map-vignette" aria-hidden />
      </div>
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
