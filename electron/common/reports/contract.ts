/**
 * Residents' reports' contract section (feature module): the public form a resident reports
 * through (no sign-in: each call is limited per address, a report needs the form's one-time token)
 * and follows with a receipt code, their own rating (评价), and what a console reads of it.
 * The host serves the form at /report (electron/web/reports/residentRoutes.ts) over these methods.
 */
import { z } from 'zod';
import { PHOTO_TYPES, RESIDENT_CATEGORIES, RESIDENT_LIMITS, type ResidentCategory, type ResidentStage } from '../../../data/model/reports/index.ts';
import { idText, m, type MemberSpec } from '../sections.ts';

export type ResidentLang = 'zh-CN' | 'en';

/** The district drawn from the twin's own data (no tiles), in a viewBox of `width`×`height`. */
export interface DistrictSketch {
  width: number;
  height: number;
  /** [minLon, minLat, maxLon, maxLat] the viewBox spans (linear in both). */
  bbox: [number, number, number, number];
  roads: string;
  water: string;
  areas: { name: string; d: string; x: number; y: number }[];
}

export interface ResidentForm {
  token: string;
  categories: ResidentCategory[];
  limits: { descriptionMin: number; descriptionMax: number; commentMax: number; photoBytes: number; bodyBytes: number };
  map: DistrictSketch;
}

export interface ResidentReportInput {
  token: string;
  category: ResidentCategory;
  description: string;
  lon: number;
  lat: number;
  lang: ResidentLang;
  /** data:image/jpeg;base64,… at most RESIDENT_LIMITS.photoBytes decoded. */
  photo?: string;
}

/** What the receipt page shows: the loop's steps and times, nobody's name or number. */
export interface ResidentReceipt {
  receipt: string;
  category: ResidentCategory;
  stage: ResidentStage;
  reportedAt: number;
  /** Each step of the loop with its time; who did it only as a kind (网格员, 部门 and its name). */
  steps: { step: string; ts: number; by: 'grid_worker' | 'department' | null; department: string | null }[];
  /** The description, with anything personal masked. */
  description: string | null;
  place: string | null;
  rating: number | null;
  comment: string | null;
  mayRate: boolean;
  reopened: boolean;
}

/** What a console sees of a resident's report behind an incident. */
export interface ResidentReportInfo {
  incidentId: string;
  submittedAt: number;
  hasPhoto: boolean;
  ratings: { rating: number; comment: string | null; ts: number; reopened: boolean }[];
}

export interface ReportsApi {
  /** A fresh form: its one-time token, the categories and the district's sketch map. */
  getReportForm(lang: ResidentLang): Promise<ResidentForm>;
  /** Opens an incident (reporter: resident) and returns the receipt code to follow it with. */
  submitReport(input: ResidentReportInput): Promise<{ receipt: string }>;
  getReceipt(receipt: string): Promise<ResidentReceipt | null>;
  /** The resident's own rating once handled; at or below 2 the incident is reopened. */
  rateReport(receipt: string, rating: number, comment: string): Promise<ResidentReceipt>;
  getResidentReport(incidentId: string): Promise<ResidentReportInfo | null>;
  /** The report's photo as a data URL, for an operator. */
  getReportPhoto(incidentId: string): Promise<string | null>;
}

const lang = z.enum(['zh-CN', 'en']);
export const receiptArg = z.string().min(1).max(32);
export const residentReportInput = z.strictObject({
  token: z.string().min(10).max(200),
  category: z.enum(RESIDENT_CATEGORIES),
  description: z.string().trim().min(RESIDENT_LIMITS.descriptionMin).max(RESIDENT_LIMITS.descriptionMax),
  lon: z.number().finite().min(-180).max(180),
  lat: z.number().finite().min(-90).max(90),
  lang,
  photo: z
    .string()
    .max(Math.ceil((RESIDENT_LIMITS.photoBytes * 4) / 3) + 40)
    .regex(new RegExp(`^data:(${PHOTO_TYPES.join('|').replaceAll('/', '\\/')});base64,[A-Za-z0-9+/]+=*$`))
    .optional(),
});

export const REPORTS_SECTION = {
  getReportForm: m('public', lang),
  submitReport: m('public', residentReportInput),
  getReceipt: m('public', receiptArg),
  rateReport: m('public', receiptArg, z.number().int().min(1).max(5), z.string().max(RESIDENT_LIMITS.commentMax)),
  getResidentReport: m('viewer', idText),
  getReportPhoto: m('operator', idText),
} as const satisfies Record<keyof ReportsApi, MemberSpec>;
