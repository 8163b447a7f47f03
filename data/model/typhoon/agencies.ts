/**
 * Agencies that publish typhoon tracks and forecasts, by the codes the twin stores, and how Chinese
 * typhoon sites name them. A storm's identity is its agency and number: the CMA best track and the
 * Wenzhou Typhoon Net's real-time track of Lekima are two records of one storm, kept apart so that
 * importing one never overwrites the other.
 */
import type { AgencyCode } from './types.ts';

export interface AgencyInfo {
  code: AgencyCode;
  zh: string;
  en: string;
}

export const AGENCIES: Readonly<Record<string, AgencyInfo>> = {
  CMA: { code: 'CMA', zh: '中国气象局', en: 'China Meteorological Administration' },
  WZTF: { code: 'WZTF', zh: '温州台风网', en: 'Wenzhou Typhoon Net (real-time CMA positions with wind radii)' },
  JMA: { code: 'JMA', zh: '日本气象厅', en: 'Japan Meteorological Agency' },
  JTWC: { code: 'JTWC', zh: '美国联合台风警报中心', en: 'Joint Typhoon Warning Center' },
  HKO: { code: 'HKO', zh: '中国香港天文台', en: 'Hong Kong Observatory' },
  CWA: { code: 'CWA', zh: '中国台湾气象部门', en: 'Central Weather Administration (Taiwan, China)' },
  KMA: { code: 'KMA', zh: '韩国气象厅', en: 'Korea Meteorological Administration' },
};

/** An agency code as stored: upper-case letters, digits, `_` and `-`, 2–16 characters. */
export const AGENCY_CODE_PATTERN = /^[A-Z][A-Z0-9_-]{1,15}$/;

/**
 * The agency behind a forecast as the Wenzhou Typhoon Net labels it (`tm`: 中国, 日本, 美国, …);
 * text it does not know is kept as given, trimmed, so nothing a source says is lost.
 */
export function agencyFromChineseLabel(label: string): AgencyCode {
  const t = label.normalize('NFKC').trim();
  const known: Record<string, AgencyCode> = {
    中国: 'CMA', 中央气象台: 'CMA', 中国中央气象台: 'CMA', 日本: 'JMA', 美国: 'JTWC', 中国香港: 'HKO', 香港: 'HKO',
    中国台湾: 'CWA', 台湾: 'CWA', 韩国: 'KMA',
  };
  return known[t] ?? t;
}

/** `<agency>:<code>`, e.g. `CMA:1909`, `CMA:2019-0002` (a depression with no number). */
export function stormId(agency: AgencyCode, code: string): string {
  return `${agency}:${code}`;
}
