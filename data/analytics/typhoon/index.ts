/**
 * Typhoon analytics: the wind field (a Holland vortex fitted to the bulletin's radii), wind,
 * arrivals, peaks and warning signals per building and grid over time, and the evacuation clock.
 */
export * from './holland.ts';
export * from './vortex.ts';
export * from './windField.ts';
export * from './evacuationClock.ts';
export { benchWindField, type WindBenchRow } from './benchWindField.ts';
export * from './windTrack.ts';
