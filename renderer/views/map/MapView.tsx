/**
 * Hosts the map controller in a div. Mounted once the twin is loaded and remounted (new `key`)
 * only when its WebGL context was lost for good; everything it draws comes from the stores.
 */
import { useEffect, useRef } from 'react';
import 'maplibre-gl/dist/maplibre-gl.css';
import { useTwinStore } from '../../state/twinStore.ts';
import { MapController } from './MapController.ts';

export function MapView(): React.JSX.Element {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const { info, buildings, geometry, basemap, facilities } = useTwinStore.getState();
    if (!ref.current || !info || !buildings || !geometry || !basemap) return undefined;
    const controller = new MapController(ref.current, { info, columns: buildings, geometry, basemap, facilities });
    return () => controller.dispose();
  }, []);
  return <div ref={ref} className="map-view" data-testid="map" />;
}
