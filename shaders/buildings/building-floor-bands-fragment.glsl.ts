/**
 * Fragment stage of the building material (see building-floor-bands-vertex.glsl.ts).
 *
 * Walls get a thin darker band every `storeyHeight` metres so storeys read on a video wall, and a
 * soft darkening towards the ground. The band is anti-aliased with `fwidth` and fades out once a
 * storey is under ~3 px tall, where it would only shimmer. Roofs stay plain. The selected building
 * is tinted cyan with its storey lines lit; the hovered one is brightened. The picking pass is untouched: the
 * picking module's colour filter runs after this one and replaces the colour.
 */
import { buildingMaterialUniforms } from './building-material-uniforms.glsl.ts';

export const buildingMaterialFs: string = /* glsl */ `\
${buildingMaterialUniforms}
in float vBuildingWallHeight;
in float vBuildingHighlight;
`;

export const buildingMaterialFsFilterColor: string = /* glsl */ `\
  float bmBand = 0.0;
  if (vBuildingWallHeight >= 0.0) {
    float storeys = vBuildingWallHeight / buildingMaterial.storeyHeight;
    float w = max(fwidth(storeys), 1e-4);
    float d = abs(fract(storeys + 0.5) - 0.5);
    float legible = 1.0 - smoothstep(0.22, 0.45, w);
    bmBand = (1.0 - smoothstep(0.6 * w, 1.6 * w + 0.035, d)) * legible;
    float base = mix(0.72, 1.0, smoothstep(0.0, 9.0, vBuildingWallHeight));
    if (vBuildingHighlight < 1.5) {
      color.rgb *= base * (1.0 - buildingMaterial.bandStrength * bmBand);
    }
  }
  if (vBuildingHighlight > 1.5) {
    // Selected: cyan, with its storey lines lit instead of dark, so it stands out from any
    // colour ramp (including the cyan middle of the sequential one).
    color.rgb = mix(color.rgb, vec3(0.2, 0.85, 1.0), 0.65) + vec3(0.1);
    color.rgb = mix(color.rgb, vec3(0.92, 1.0, 1.0), 0.85 * bmBand);
  } else if (vBuildingHighlight > 0.5) {
    color.rgb = mix(color.rgb * 1.25, vec3(0.86, 0.95, 1.0), 0.38);
  }
`;
