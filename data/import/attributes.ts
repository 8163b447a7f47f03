/**
 * What a building's attributes mean: its use (OSM tags `building`, `building:use`, `amenity`,
 * `shop`, `office`, `tourism`, `man_made`…, Tilezen `kind_detail`, Chinese GIS fields 用途/建筑用途),
 * its storeys (`building:levels`, 层数…), heights (`height`, `min_height`, 建筑高度…) and the storey
 * height by use that turns a height into an estimated storey count. A mapping file
 * (`--mapping file.json`) can name other fields and map other use values.
 */
import { readFile } from 'node:fs/promises';
import { z } from 'zod';
import type { BuildingUse } from '../model/domain.ts';
import type { Props } from './geojson.ts';
import { ImportError } from './ImportError.ts';

/**
 * Finer than `BuildingUse`: what sets a building's storey height. Each maps to a use code
 * (`USE_OF`) and a typical storey height in metres (`STOREY_M`).
 */
export const USE_CLASSES = [
  'residential',
  'office',
  'commercial',
  'mall',
  'hotel',
  'school',
  'hospital',
  'public',
  'industrial',
  'warehouse',
  'fire_station',
  /** Towers, masts, chimneys, silos: tall, but without storeys to count. */
  'structure',
  'other',
] as const;
export type UseClass = (typeof USE_CLASSES)[number];

/** `residential` is split into walk-up and high-rise by storey count afterwards. */
export const USE_OF: Record<UseClass, BuildingUse | 'residential'> = {
  residential: 'residential',
  office: 'commercial',
  commercial: 'commercial',
  mall: 'commercial',
  hotel: 'commercial',
  school: 'school',
  hospital: 'hospital',
  public: 'public',
  industrial: 'industrial',
  warehouse: 'industrial',
  fire_station: 'fire_station',
  structure: 'other',
  other: 'other',
};

/** Typical floor-to-floor height by use, metres (GB 50352 / 50096 practice and OSM surveys). */
export const STOREY_M: Record<UseClass, number> = {
  residential: 3.0,
  office: 4.0,
  commercial: 4.5,
  mall: 5.0,
  hotel: 3.5,
  school: 3.6,
  hospital: 4.0,
  public: 4.0,
  industrial: 6.0,
  warehouse: 6.0,
  fire_station: 4.5,
  structure: 4.0,
  other: 3.5,
};

/**
 * Storey height for estimating storeys from a height: the use's typical storey, a little more in
 * supertall towers (mechanical and refuge floors, taller lobbies). A 632 m office tower comes out
 * at ≈ 138 storeys (Shanghai Tower has 128), never 632 / 3 = 211.
 */
export function storeyHeightM(use: UseClass, heightM: number, overrides?: Partial<Record<UseClass, number>>): number {
  const base = overrides?.[use] ?? STOREY_M[use];
  const tall = Math.min(1, Math.max(0, (heightM - 150) / 500));
  return base + 0.6 * tall;
}

/** OSM / Tilezen tag values → use class. */
const TAG_CLASS = new Map<string, UseClass>();
const add = (c: UseClass, values: string[]): void => values.forEach((v) => TAG_CLASS.set(v, c));
add('residential', ['residential', 'apartments', 'house', 'detached', 'semidetached_house', 'terrace', 'dormitory', 'bungalow', 'villa', 'flats', 'housing', 'hut', 'cabin', 'farm']);
add('office', ['office', 'offices', 'government_office', 'company', 'coworking', 'it', 'bank']);
add('commercial', ['commercial', 'retail', 'shop', 'supermarket', 'kiosk', 'restaurant', 'market', 'marketplace', 'fast_food', 'cafe', 'pharmacy', 'cinema', 'theatre']);
add('mall', ['mall', 'department_store', 'shopping_centre', 'shopping_center']);
add('hotel', ['hotel', 'motel', 'hostel', 'guest_house']);
add('school', ['school', 'kindergarten', 'university', 'college', 'education', 'childcare']);
add('hospital', ['hospital', 'clinic', 'healthcare', 'doctors', 'dentist']);
add('public', ['public', 'civic', 'government', 'townhall', 'community_centre', 'police', 'train_station', 'transportation', 'public_building', 'library', 'post_office', 'courthouse', 'museum', 'place_of_worship', 'church', 'temple', 'mosque', 'sports_centre', 'stadium', 'social_facility']);
add('industrial', ['industrial', 'factory', 'manufacture', 'works', 'power', 'plant']);
add('warehouse', ['warehouse', 'storage', 'storage_tank', 'hangar', 'depot', 'logistics']);
add('fire_station', ['fire_station']);
add('structure', ['tower', 'communications_tower', 'communication_tower', 'tv_tower', 'mast', 'chimney', 'silo', 'water_tower', 'lighthouse', 'transformer_tower']);

/** Chinese use values, matched as substrings in this order (商住 before 住宅 and 商业). */
const CHINESE_CLASS: readonly [RegExp, UseClass][] = [
  [/商住/, 'residential'],
  [/住宅|居住|宿舍|公寓|别墅|民居|住房/, 'residential'],
  [/办公|写字楼|商务/, 'office'],
  [/商场|购物中心|百货|综合体/, 'mall'],
  [/酒店|宾馆|旅馆|饭店/, 'hotel'],
  [/商业|商铺|零售|市场|餐饮/, 'commercial'],
  [/消防/, 'fire_station'],
  [/学校|教育|教学|幼儿园|中学|小学|大学/, 'school'],
  [/医院|医疗|卫生|诊所/, 'hospital'],
  [/仓库|仓储|物流/, 'warehouse'],
  [/工业|厂房|工厂|车间/, 'industrial'],
  [/政府|行政|公共|社区|文化|派出所|图书馆|体育/, 'public'],
  [/塔|烟囱/, 'structure'],
];

/** Attributes that name the use, most specific first; generic values (`yes`, `building`) are passed over. */
const USE_KEYS = ['用途', '建筑用途', '使用性质', '房屋用途', 'building:use', 'building', 'kind_detail', 'amenity', 'shop', 'office', 'tourism', 'healthcare', 'man_made', 'building:part', 'kind', 'landuse_kind', 'landuse'];
/** Keys whose any value says the use (`shop=bakery` is a shop). */
const ANY_VALUE: Record<string, UseClass> = { shop: 'commercial', office: 'office', healthcare: 'hospital' };

export const LEVEL_KEYS = ['building:levels', 'levels', 'building_levels', 'floors', '层数', '建筑层数', '地上层数', '楼层数', '总层数', 'cs', 'jzcs'];
export const HEIGHT_KEYS = ['height', 'building:height', '建筑高度', '高度', '楼高', 'jzgd'];
export const MIN_HEIGHT_KEYS = ['min_height', 'building:min_height', '底部高度', '起始高度'];
export const MIN_LEVEL_KEYS = ['building:min_level', 'min_level'];

/** A mapping file: other field names, other use values, other storey heights. */
export interface AttributeMapping {
  fields: { use: string[]; levels: string[]; height: string[]; minHeight: string[]; name: string[]; address: string[] };
  /** Source value (case-insensitive, exact) → use class. */
  uses: Map<string, UseClass>;
  storeyM: Partial<Record<UseClass, number>>;
}

export const NO_MAPPING: AttributeMapping = {
  fields: { use: [], levels: [], height: [], minHeight: [], name: [], address: [] },
  uses: new Map(),
  storeyM: {},
};

const fieldList = z.union([z.string().min(1).max(100), z.array(z.string().min(1).max(100)).max(20)]).transform((v) => (typeof v === 'string' ? [v] : v));
const mappingSchema = z
  .object({
    fields: z
      .object({ use: fieldList, levels: fieldList, height: fieldList, minHeight: fieldList, name: fieldList, address: fieldList })
      .partial()
      .strict()
      .optional(),
    uses: z.record(z.string().min(1).max(100), z.enum(USE_CLASSES)).optional(),
    storeyHeightM: z.partialRecord(z.enum(USE_CLASSES), z.number().min(2).max(12)).optional(),
  })
  .strict();

/**
 * Reads a mapping file, e.g.
 * `{"fields": {"levels": "JZCS", "use": ["YT"]}, "uses": {"11": "residential", "写字楼": "office"}, "storeyHeightM": {"office": 3.8}}`.
 * @throws ImportError naming the file and the member at fault
 */
export async function readMapping(path: string): Promise<AttributeMapping> {
  let raw: unknown;
  try {
    raw = JSON.parse((await readFile(path, 'utf8')).replace(/^\ufeff/, ''));
  } catch (err) {
    throw new ImportError({ file: path }, `is not a readable JSON mapping (${(err as Error).message})`, 'Fix the file; see the README for its shape.');
  }
  const parsed = mappingSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.map(String).join('.') || '(top level)';
    throw new ImportError(
      { file: path, field },
      `${field}: ${issue.message}`,
      `Use "fields" (use, levels, height, minHeight, name, address → field names), "uses" (value → one of ${USE_CLASSES.join(', ')}) and "storeyHeightM" (use → metres).`,
    );
  }
  const m = parsed.data;
  return {
    fields: { ...NO_MAPPING.fields, ...(m.fields ?? {}) } as AttributeMapping['fields'],
    uses: new Map(Object.entries(m.uses ?? {}).map(([k, v]) => [k.trim().toLowerCase(), v])),
    storeyM: m.storeyHeightM ?? {},
  };
}

/** The use class the attributes name, or `other`. */
export function useClassOf(props: Props, mapping: AttributeMapping = NO_MAPPING): UseClass {
  const c = firstUseClass(props, mapping);
  // `building=retail` with `shop=mall` is a mall (taller storeys than a row of shops).
  if (c === 'commercial' && TAG_CLASS.get(props.text('shop')?.toLowerCase() ?? '') === 'mall') return 'mall';
  return c;
}

function firstUseClass(props: Props, mapping: AttributeMapping): UseClass {
  for (const key of [...mapping.fields.use, ...USE_KEYS]) {
    const raw = props.text(key);
    if (raw === null) continue;
    const v = raw.toLowerCase();
    const mapped = mapping.uses.get(v);
    if (mapped) return mapped;
    const tagged = TAG_CLASS.get(v);
    if (tagged) return tagged;
    const zh = CHINESE_CLASS.find(([re]) => re.test(raw))?.[1];
    if (zh) return zh;
    const any = ANY_VALUE[key];
    if (any && !['no', 'yes'].includes(v)) return any;
  }
  return 'other';
}
