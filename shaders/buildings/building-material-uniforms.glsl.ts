/**
 * Uniform block of the `buildingMaterial` shader module, shared by both stages. std140 layout;
 * the block name must be `<module name>Uniforms` for luma.gl to bind it.
 */
export const buildingMaterialUniforms: string = /* glsl */ `\
layout(std140) uniform buildingMaterialUniforms {
  float selectedRow;
  float hoveredRow;
  float storeyHeight;
  float bandStrength;
} buildingMaterial;
`;
