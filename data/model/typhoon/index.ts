/** Typhoon tracks in the model layer: types, the Chinese scales, agencies and track reading. */
export * from './types.ts';
export * from './scales.ts';
export * from './agencies.ts';
export * from './track.ts';
