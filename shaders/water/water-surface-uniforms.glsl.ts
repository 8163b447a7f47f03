/**
 * Uniform block of the `water` shader module (the flood water surface). std140 layout; the block
 * name must be `<module name>Uniforms` for luma.gl to bind it.
 */
export const waterSurfaceUniforms: string = /* glsl */ `\
layout(std140) uniform waterUniforms {
  vec2 cells;
  float mixT;
  float time;
  float depthUnit;
} water;
`;
