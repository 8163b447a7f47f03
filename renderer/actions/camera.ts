/**
 * Camera commands. The map view registers its controller here while mounted; toolbar buttons,
 * the search box and the test hooks all call these same functions (one command, many triggers).
 */
export type CameraPreset = 'overview' | 'oblique' | 'street';
export const CAMERA_PRESETS: readonly CameraPreset[] = ['overview', 'oblique', 'street'];

export interface CameraTarget {
  flyToPreset(preset: CameraPreset): void;
  flyToPoint(lon: number, lat: number): void;
  /** Shows the whole of [west, south, east, north] from above (a storm's track with the district). */
  flyToBounds(bounds: [number, number, number, number]): void;
}

let target: CameraTarget | null = null;
let pending: CameraPreset | null = null;

export function registerCameraTarget(t: CameraTarget | null): void {
  target = t;
  if (t && pending) {
    t.flyToPreset(pending);
    pending = null;
  }
}
export function flyToPreset(preset: CameraPreset): void {
  if (target) target.flyToPreset(preset);
  else pending = preset;
}
export function flyToPoint(lon: number, lat: number): void {
  target?.flyToPoint(lon, lat);
}
export function flyToBounds(bounds: [number, number, number, number]): void {
  target?.flyToBounds(bounds);
}
