/**
 * 积分制's contract section (feature module, issue 13): residents' participation points as
 * aggregates — per grid and building (the heat map), the monthly trend, who takes part and who
 * does not (age bands, household types, each kind's elderly share), redemptions per shop — for
 * any caller that may view, walls included (a wall's answer leaves out buildings with too few
 * households to count). One household's record is for console roles only: who did it is a
 * relation and an age band, never a name.
 */
import { z } from 'zod';
import {
  POINTS_MAX_SPAN_MS,
  type HouseholdActivities,
  type Participation,
  type PointsPeriod,
  type Redemptions,
  type Trend,
  type WhoTakesPart,
} from '../../../data/model/points/index.ts';
import { epochMs, m, recordId, type MemberSpec } from '../sections.ts';

export interface PointsApi {
  /** Share of households taking part and points, per grid and building, with the district's summary. */
  getParticipation(period: PointsPeriod): Promise<Participation>;
  /** Points per month by kind, redeemed points and active households per month. */
  getTrend(period: PointsPeriod): Promise<Trend>;
  /** Who takes part: by age band (the elderly against their share of residents), household type, kind. */
  getWhoTakesPart(period: PointsPeriod): Promise<WhoTakesPart>;
  /** Redemptions per listed shop. */
  getRedemptions(period: PointsPeriod): Promise<Redemptions>;
  /** One household's records and balance (console roles; refused on a host that shows no one). */
  listActivities(householdId: number, period: PointsPeriod): Promise<HouseholdActivities | null>;
}

export const pointsPeriod = z
  .strictObject({ fromMs: epochMs, toMs: epochMs })
  .refine((p) => p.toMs > p.fromMs, { message: 'The period must end after it starts.' })
  .refine((p) => p.toMs - p.fromMs <= POINTS_MAX_SPAN_MS, { message: 'A period is at most two years.' });

export const POINTS_SECTION = {
  getParticipation: m('view', pointsPeriod),
  getTrend: m('view', pointsPeriod),
  getWhoTakesPart: m('view', pointsPeriod),
  getRedemptions: m('view', pointsPeriod),
  listActivities: m('viewer', recordId, pointsPeriod),
} as const satisfies Record<keyof PointsApi, MemberSpec>;
