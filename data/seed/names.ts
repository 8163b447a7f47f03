/**
 * Synthetic personal data for the demo district: Chinese names, resident ID numbers and mobile
 * numbers. All of it is made up, but shaped like the real thing, so masking, validation and the
 * inspector behave as they would on real records.
 */
import { WeightedTable, type Rng } from '../model/random.ts';

/** As stored in `persons.sex`. */
export type Sex = 'M' | 'F';

/**
 * Surnames weighted towards their frequency in Taizhou, Zhejiang (陈, 王, 林 and 李 lead there),
 * with the national common ones after them so migrant households look different.
 */
// prettier-ignore
const SURNAMES = new WeightedTable<string>([
  ['陈', 9], ['王', 7], ['林', 7], ['李', 6], ['张', 6], ['黄', 4], ['吴', 4], ['徐', 4], ['刘', 4],
  ['赵', 3], ['周', 3], ['杨', 3], ['叶', 3], ['郭', 2.5], ['蒋', 2.5], ['金', 2.5], ['朱', 2], ['胡', 2],
  ['孙', 2], ['郑', 2.5], ['何', 2], ['潘', 2], ['梁', 1], ['罗', 1], ['江', 1], ['应', 1.5], ['毛', 1],
  ['章', 1], ['卢', 1], ['阮', 1.5], ['颜', 1], ['许', 1.5], ['方', 1], ['柯', 1], ['管', 0.8], ['蔡', 1.2],
  ['邱', 0.8], ['冯', 1], ['丁', 1], ['沈', 1], ['宋', 1], ['邵', 0.8], ['鲍', 0.6], ['谢', 1], ['马', 1.5],
  ['高', 1.5], ['韩', 0.8], ['曹', 0.8], ['彭', 0.8], ['曾', 0.8], ['肖', 0.8], ['田', 0.6],
  ['董', 0.8], ['袁', 0.6], ['余', 0.8], ['程', 0.6], ['钟', 0.5], ['陶', 0.5], ['汪', 0.6], ['戴', 0.6],
  ['欧阳', 0.08], ['司马', 0.03], ['诸葛', 0.02],
]);

/**
 * Given names by birth cohort: a 1940s grandmother is 秀英 or 桂兰, a 2015 girl 梓涵 or 一诺. The
 * cohort boundaries follow the well-known naming fashions, roughly.
 */
// prettier-ignore
const GIVEN_NAMES: Record<Sex, readonly (readonly string[])[]> = {
  M: [
    // born before 1960
    ['建国', '国庆', '建华', '志强', '文华', '德明', '国平', '永康', '金龙', '福生', '根土', '长林', '荣华',
      '明华', '学军', '保国', '宝林', '振华', '玉林', '世平', '正国', '家兴', '有才', '水根', '土根', '阿福',
      '国良', '炳南', '士林', '岳松'],
    // 1960–1979
    ['伟', '勇', '军', '斌', '强', '平', '刚', '明', '辉', '健', '建军', '建平', '海军', '卫东', '红兵',
      '志刚', '晓东', '国华', '立新', '文斌', '永强', '海波', '建伟', '旭东', '利民', '晓明', '国强', '卫国'],
    // 1980–1999
    ['磊', '超', '杰', '鹏', '浩', '涛', '俊杰', '志伟', '晓峰', '家豪', '文博', '宇航', '俊', '鑫', '毅',
      '帅', '佳伟', '振宇', '晨', '亮', '凯', '旭', '伟杰', '天宇', '浩宇', '志鹏', '海峰', '晓宇', '建锋'],
    // 2000 and later
    ['子轩', '浩然', '宇轩', '梓豪', '俊熙', '一鸣', '奕辰', '子墨', '沐阳', '博文', '睿', '铭', '梓睿',
      '皓轩', '思源', '承泽', '嘉懿', '致远', '宸', '锦程', '明哲', '梓航', '俊宇', '逸飞', '若凡', '景行'],
  ],
  F: [
    ['秀英', '桂英', '玉兰', '秀兰', '凤英', '桂兰', '秀珍', '玉珍', '月娥', '素珍', '彩凤', '金花', '翠花',
      '美珍', '爱华', '秀芳', '菊香', '兰英', '淑珍', '小妹', '月英', '雪娥', '杏花', '素娥', '阿娟'],
    ['丽', '艳', '敏', '静', '红', '芳', '燕', '霞', '萍', '丽华', '红梅', '小红', '海燕', '春燕', '雪梅',
      '丽萍', '桂芳', '晓红', '美华', '素芬', '彩霞', '丽君', '建英', '亚萍', '秀丽', '卫红', '玲'],
    ['婷婷', '丹丹', '倩', '娜', '雪', '莉', '颖', '琳', '佳', '晶晶', '慧', '丽娜', '晓燕', '欣', '悦',
      '璐', '露', '蕾', '梦婷', '佳怡', '思思', '雨婷', '静怡', '婉婷', '诗琪', '洁', '婧'],
    ['欣怡', '梓涵', '一诺', '诗涵', '语桐', '子涵', '雨桐', '可馨', '梦琪', '思涵', '佳琪', '若汐', '依诺',
      '梓萱', '紫涵', '芷若', '沐晴', '雨萱', '语嫣', '可欣', '欣妍', '书瑶', '安琪', '诗雨', '芊羽'],
  ],
};

const cohortOf = (birthYear: number): number =>
  birthYear < 1960 ? 0 : birthYear < 1980 ? 1 : birthYear < 2000 ? 2 : 3;

/** A surname, weighted by local frequency. */
export const drawSurname = (rng: Rng): string => SURNAMES.draw(rng);

/** A full name for someone born in `birthYear`, with the family's surname when given. */
export function personName(rng: Rng, sex: Sex, birthYear: number, surname?: string): string {
  return (surname ?? SURNAMES.draw(rng)) + rng.pick(GIVEN_NAMES[sex][cohortOf(birthYear)]!);
}

/**
 * Household-registration regions (the first six digits of an ID number). Local residents come
 * mostly from Taizhou (温岭 331081 above all); tenants often from the provinces that send workers
 * to coastal Zhejiang.
 */
export const LOCAL_REGIONS = new WeightedTable<string>([
  ['331081', 60], // 温岭市
  ['331002', 8], // 椒江区
  ['331003', 6], // 黄岩区
  ['331004', 8], // 路桥区
  ['331082', 6], // 临海市
  ['331083', 4], // 玉环市
  ['331022', 2], // 三门县
  ['331023', 2], // 天台县
  ['331024', 2], // 仙居县
  ['330302', 2], // 温州鹿城区
]);
export const MIGRANT_REGIONS = new WeightedTable<string>([
  ['341221', 8], // 安徽临泉县
  ['341222', 6], // 安徽太和县
  ['522121', 7], // 贵州遵义
  ['500101', 6], // 重庆万州区
  ['500102', 4], // 重庆涪陵区
  ['360121', 5], // 江西南昌县
  ['430521', 5], // 湖南邵东
  ['411627', 5], // 河南太康县
  ['420111', 3], // 湖北武汉洪山区
  ['510321', 4], // 四川荣县
  ['330381', 4], // 浙江瑞安市
  ['330282', 3], // 浙江慈溪市
]);

const ID_WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2] as const;
const ID_CHECK = '10X98765432';

/** GB 11643-1999 check character for the first 17 digits of a resident ID number. */
export function idCheckChar(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += (first17.charCodeAt(i) - 48) * ID_WEIGHTS[i]!;
  return ID_CHECK[sum % 11]!;
}

/** True when `id` has 18 characters, digits where digits belong and a correct check character. */
export function isValidIdNumber(id: string): boolean {
  return /^\d{17}[\dX]$/.test(id) && idCheckChar(id.slice(0, 17)) === id[17];
}

/**
 * An 18-character resident ID: region (6) · birth date YYYYMMDD (8) · sequence (3, odd for men,
 * even for women) · check character.
 */
export function residentIdNumber(rng: Rng, region: string, birth: Date, sex: Sex): string {
  const ymd =
    String(birth.getUTCFullYear()).padStart(4, '0') +
    String(birth.getUTCMonth() + 1).padStart(2, '0') +
    String(birth.getUTCDate()).padStart(2, '0');
  const order = rng.int(0, 49) * 2 + (sex === 'M' ? 1 : 0);
  const first17 = region + ymd + String(rng.int(0, 9)) + String(order).padStart(2, '0');
  return first17 + idCheckChar(first17);
}

/** A birth date that makes the person exactly `age` on `onDay` (UTC midnight). */
export function birthDateForAge(rng: Rng, age: number, onDay: Date): Date {
  const anniversary = Date.UTC(
    onDay.getUTCFullYear() - age,
    onDay.getUTCMonth(),
    onDay.getUTCDate(),
  );
  // At most 364 days before the anniversary, so the person has not turned age + 1 yet.
  return new Date(anniversary - rng.int(0, 364) * 86_400_000);
}

// prettier-ignore
const MOBILE_PREFIXES = [
  '130', '131', '132', '133', '134', '135', '136', '137', '138', '139',
  '150', '151', '152', '153', '155', '156', '157', '158', '159',
  '180', '181', '182', '183', '184', '185', '186', '187', '188', '189',
] as const;

/** An 11-digit mainland mobile number (13x/15x/18x). */
export function mobileNumber(rng: Rng): string {
  return rng.pick(MOBILE_PREFIXES) + String(rng.int(0, 99_999_999)).padStart(8, '0');
}
