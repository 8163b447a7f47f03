/**
 * Fragment shader of the flood water surface (renderer/features/typhoon/floodLayer.ts, a deck.gl
 * BitmapLayer whose vertex stage it keeps). The texture holds water depth at two hourly steps of
 * the flood model, one byte a cell in R (the earlier step) and G (the later one); the player's
 * moment between them is `water.mixT`, so the water rises and falls smoothly as the timeline
 * moves, without a new texture per frame. Linear filtering of the bytes gives soft shorelines.
 *
 * Depth maps to colour: shallow water light cyan, deep water dark blue, with the car limit
 * (0.3 m) and the wading limit (0.5 m) as faint contour lines a planner can read. The ripples are
 * two crossed sine waves in cell units moved by `water.time` (the player's minutes): they move
 * when the timeline plays and cost a handful of ALU operations, no extra texture or frame.
 *
 * A whole shader (it replaces the BitmapLayer's fragment stage); the `water` and `bitmap` uniform
 * blocks come with their shader modules (water-surface-uniforms.glsl.ts).
 */
export const waterSurfaceFs: string = /* glsl */ `\
#version 300 es
#define SHADER_NAME water-surface-fragment-shader

#ifdef GL_ES
precision highp float;
#endif

uniform sampler2D bitmapTexture;

in vec2 vTexCoord;
in vec2 vTexPos;

out vec4 fragColor;

void main(void) {
  vec2 uv = vTexCoord;
  vec4 s = texture(bitmapTexture, uv);
  float depth = mix(s.r, s.g, water.mixT) * 255.0 * water.depthUnit;
  // Under 3 cm is ground, fading in to 6 cm: no hard pixel edge at the shore.
  float edge = smoothstep(0.03, 0.06, depth);
  if (edge <= 0.0) discard;
  float deep = smoothstep(0.05, 1.6, depth);
  vec3 colour = mix(vec3(0.42, 0.84, 1.0), vec3(0.04, 0.26, 0.72), deep);
  // Ripples, in cell units so they keep their size at any raster resolution.
  vec2 p = uv * water.cells;
  float ripple = sin(p.x * 0.9 + p.y * 0.35 + water.time * 1.7) * sin(p.y * 0.7 - p.x * 0.4 - water.time * 1.1);
  colour += (0.025 + 0.025 * (1.0 - deep)) * ripple;
  // The car and wading limits as thin contour lines (fwidth keeps them one or two pixels wide).
  float w = max(fwidth(depth), 1e-4);
  float contour = max(1.0 - smoothstep(0.0, 1.5 * w, abs(depth - 0.3)), 1.0 - smoothstep(0.0, 1.5 * w, abs(depth - 0.5)));
  colour = mix(colour, vec3(1.0, 0.42, 0.32), 0.55 * contour);
  float alpha = mix(0.62, 0.88, deep) * edge;
  fragColor = vec4(colour, alpha * layer.opacity);

  geometry.uv = uv;
  DECKGL_FILTER_COLOR(fragColor, geometry);
}
`;
