/**
 * Typhoon analytics: the wind field (a Holland vortex fitted to the bulletin's radii), wind,
 * arrivals, peaks and warning signals per building and grid over time, and the evacuation clock;
 * waterlogging over the terrain's depressions (flood.ts, depressions.ts).
 */
export * from './holland.ts';
export * from './vortex.ts';
export * from './windField.ts';
export * from './evacuationClock.ts';
export { benchWindField, type WindBenchRow } from './benchWindField.ts';
export * from './windTrack.ts';
export * from './depressions.ts';
export * from './flood.ts';
export { benchFlood, syntheticFloodDistrict } from './benchFlood.ts';
