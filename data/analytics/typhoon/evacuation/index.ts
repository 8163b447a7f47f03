/** The evacuation plan's core (issue 11 §5): who must move, where to, and the benchmark. */
export * from './rules.ts';
export * from './shelterAssignment.ts';
export * from './evacuationPlan.ts';
export * from './evacuationInputs.ts';
export { benchEvacuation } from './benchEvacuation.ts';
