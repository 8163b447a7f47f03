/**
 * Vertex stage of the building material, injected into deck.gl's SolidPolygonLayer shaders
 * (`solid-polygon-layer-vertex-{side,top}`) by `BuildingMaterialExtension`. These are fragments,
 * not whole shaders: the host shader already carries `#define SHADER_NAME`, so they must not.
 *
 * - `buildingMaterialVs` goes to `vs:#decl` (module source): the per-vertex building row and the
 *   varyings.
 * - `buildingMaterialVsMainEnd` goes to `vs:#main-end`: it runs inside the layer's `main()`, where
 *   the side shader's quad attribute `positions` (y = 0 at the ground, 1 at the roof line) and
 *   `elevations` are in scope. Roof vertices get a negative wall height so the fragment stage
 *   leaves them plain.
 */
import { buildingMaterialUniforms } from './building-material-uniforms.glsl.ts';

export const buildingMaterialVs: string = /* glsl */ `\
${buildingMaterialUniforms}
in float buildingRows;
out float vBuildingWallHeight;
out float vBuildingHighlight;
`;

export const buildingMaterialVsMainEnd: string = /* glsl */ `\
#ifdef IS_SIDE_VERTEX
  vBuildingWallHeight = elevations * positions.y * solidPolygon.elevationScale;
#else
  vBuildingWallHeight = -1.0;
#endif
  vBuildingHighlight = abs(buildingRows - buildingMaterial.selectedRow) < 0.5 ? 2.0
    : (abs(buildingRows - buildingMaterial.hoveredRow) < 0.5 ? 1.0 : 0.0);
`;
