/** GLSL of the app as typed string modules (ARCHITECTURE-ANCHORS §2 rule 15). */
export { buildingMaterialUniforms } from './buildings/building-material-uniforms.glsl.ts';
export { buildingMaterialVs, buildingMaterialVsMainEnd } from './buildings/building-floor-bands-vertex.glsl.ts';
export { buildingMaterialFs, buildingMaterialFsFilterColor } from './buildings/building-floor-bands-fragment.glsl.ts';
export { waterSurfaceFs } from './water/water-surface-fragment.glsl.ts';
export { waterSurfaceUniforms } from './water/water-surface-uniforms.glsl.ts';
