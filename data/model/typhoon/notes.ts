/**
 * A plan's notes in both languages. The printed briefing is in Chinese and is read by a district
 * head; the console shows the operator's language. Notes the plan writes itself are written in both;
 * the wind model's fitting notes are a modeller's business, English only, and kept out of print.
 */
export interface PlanNote {
  zh: string;
  en: string;
  /** 'model': the wind model's fit (English only), shown in the app and left out of the briefing. */
  kind?: 'model';
}

export const planNote = (zh: string, en: string): PlanNote => ({ zh, en });

/** A wind-model note: its text serves both languages. */
export const modelNote = (en: string): PlanNote => ({ zh: en, en, kind: 'model' });

/** Why a shelter is left out of a plan. */
export type ShelterExclusion = { kind: 'not_open'; status: string } | { kind: 'no_capacity' };

const SHELTER_STATUS_ZH: Record<string, string> = { closed: '关闭', full: '已满', maintenance: '维修中', planned: '规划中' };

export function shelterExclusionNote(name: string, why: ShelterExclusion): PlanNote {
  return why.kind === 'no_capacity'
    ? planNote(`避难场所 ${name} 未纳入：没有登记容量`, `shelter ${name} left out: no capacity recorded`)
    : planNote(`避难场所 ${name} 未纳入：状态为“${SHELTER_STATUS_ZH[why.status] ?? why.status}”，未开放`, `shelter ${name} left out: status is ${why.status}, not open`);
}

/** No elevation raster: waterlogging cannot be estimated (the plan and the what-if say so). */
export const NO_TERRAIN_NOTE = planNote(
  '没有地形模型：本孪生没有高程栅格（terrain 表为空），无法估算内涝。请重新生成演示街道，或为本街道导入 DEM（civictwin import --db 文件 dem.tif）；在此之前，方案不列受淹住户和道路。',
  'no terrain model: this twin has no elevation raster (table terrain is empty), so waterlogging cannot be estimated. Seed a demo district again or import a DEM for the district; the plan lists no flooded homes or roads until then.',
);
