/** One facility icon atlas per page, created on first use (after the font has loaded). */
import { createFacilityAtlas, facilityIconDataUrl, type IconAtlas } from './facilityIcons.ts';
import { FACILITY_KINDS, type FacilityKind } from '../../../../data/model/domain.ts';

let atlas: IconAtlas | null = null;
let swatches: Record<FacilityKind, string> | null = null;

export function getFacilityAtlas(): IconAtlas {
  atlas ??= createFacilityAtlas();
  return atlas;
}

/** Legend images of the markers, as data: URLs. */
export function getFacilitySwatches(): Record<FacilityKind, string> {
  if (!swatches) {
    const a = getFacilityAtlas();
    swatches = Object.fromEntries(FACILITY_KINDS.map((k) => [k, facilityIconDataUrl(a, k)])) as Record<FacilityKind, string>;
  }
  return swatches;
}
