/**
 * Place names for the demo district: roads, estates, communities, schools. The lists are what a
 * county-level city in coastal Zhejiang tends to have; when a large district runs out of them,
 * names fall back to the numbered forms real planners use for new grids (经三路, 纬十二路) or get
 * a phase suffix (二期), so every name stays unique.
 */
import type { Rng } from '../model/random.ts';

const CN_DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'] as const;

/** 1 → 一, 12 → 十二, 40 → 四十, 105 → 一百零五: enough for road and phase numbers. */
export function chineseNumber(n: number): string {
  if (n < 10) return CN_DIGITS[n]!;
  if (n < 20) return '十' + (n % 10 === 0 ? '' : CN_DIGITS[n % 10]!);
  if (n < 100)
    return CN_DIGITS[Math.floor(n / 10)]! + '十' + (n % 10 === 0 ? '' : CN_DIGITS[n % 10]!);
  const rest = n % 100;
  return (
    CN_DIGITS[Math.floor(n / 100)]! +
    '百' +
    (rest === 0
      ? ''
      : rest < 10
        ? '零' + CN_DIGITS[rest]!
        : chineseNumber(rest).replace(/^十/, '一十'))
  );
}

/** Names of the district's main and secondary roads, in the order they are handed out. */
// prettier-ignore
const NORTH_SOUTH_ROADS = [
  '人民路', '文化路', '解放路', '中山路', '新华路', '建设路', '太平路', '万昌路', '锦屏路', '九龙大道',
  '横湖路', '北山路', '青年路', '园丁路', '学府路', '兴业路', '东辉路', '西门路', '银湖路', '月湖路',
  '振兴路', '虎山路', '塘岙路', '泽国大道', '方城路', '百丈路', '三星大道', '东海大道', '城南路', '湖心路',
] as const;
// prettier-ignore
const EAST_WEST_ROADS = [
  '江滨路', '东海路', '沿江路', '万寿路', '环城路', '永宁路', '长屿路', '石夫人路', '南屏路', '和平路',
  '新河路', '温峤路', '曙光路', '花城路', '太湖路', '明珠路', '望潮路', '海城路', '锦园路', '松门路',
  '桂花路', '紫荆路', '香樟路', '银杏路', '东环大道', '西环路', '泽坎路', '金清路', '大溪路', '箬横路',
] as const;

/** Hands out unique road names per direction; after the list, 经N路 (N–S) and 纬N路 (E–W). */
export class RoadNamer {
  private readonly used = new Set<string>();
  private nsIndex = 0;
  private ewIndex = 0;
  private nsNumber = 1;
  private ewNumber = 1;

  public constructor(reserved: readonly string[] = []) {
    for (const name of reserved) this.used.add(name);
  }

  public next(direction: 'ns' | 'ew'): string {
    for (;;) {
      let name: string;
      if (direction === 'ns') {
        name =
          this.nsIndex < NORTH_SOUTH_ROADS.length
            ? NORTH_SOUTH_ROADS[this.nsIndex++]!
            : `经${chineseNumber(this.nsNumber++)}路`;
      } else {
        name =
          this.ewIndex < EAST_WEST_ROADS.length
            ? EAST_WEST_ROADS[this.ewIndex++]!
            : `纬${chineseNumber(this.ewNumber++)}路`;
      }
      if (!this.used.has(name)) {
        this.used.add(name);
        return name;
      }
    }
  }
}

// prettier-ignore
const ESTATE_STEMS = [
  '望江', '锦绣', '阳光', '东湖', '翠竹', '香樟', '金桂', '银杏', '碧水', '春晖', '新华', '文昌', '和平', '幸福',
  '康乐', '丽景', '御景', '海棠', '紫荆', '玉兰', '滨江', '临江', '观澜', '江南', '锦江', '万昌', '太平', '东辉',
  '九龙', '横湖', '北山', '南屏', '月湖', '银湖', '明珠', '曙光', '花城', '绿洲', '怡和', '嘉和', '安居', '永宁',
  '长屿', '锦园', '景园', '泰和', '瑞丰', '华庭', '书香', '育才', '水岸', '星河', '金色', '蓝湾', '江湾', '湖畔',
  '青山', '翠苑', '清风', '明月', '桃源', '凤凰', '龙泉', '虎山', '石塘', '松门', '箬竹', '泽国', '方城', '百丈',
] as const;
const WALKUP_SUFFIXES = ['小区', '新村', '公寓', '小区', '新村', '花园'] as const;
const HIGHRISE_SUFFIXES = [
  '花园',
  '华府',
  '名邸',
  '家园',
  '雅苑',
  '府',
  '国际',
  '苑',
  '公馆',
  '湾',
] as const;

/** Unique estate names (小区名): stem + suffix, then phase suffixes when the stems run out. */
export class EstateNamer {
  private readonly used = new Set<string>();

  public next(rng: Rng, kind: 'walkup' | 'highrise'): string {
    const suffixes = kind === 'walkup' ? WALKUP_SUFFIXES : HIGHRISE_SUFFIXES;
    for (let attempt = 0; attempt < 40; attempt++) {
      const name = rng.pick(ESTATE_STEMS) + rng.pick(suffixes);
      if (!this.used.has(name)) {
        this.used.add(name);
        return name;
      }
    }
    return this.withPhase(rng.pick(ESTATE_STEMS) + rng.pick(suffixes), '期');
  }

  /** Village names (下洋村, 前王村); large districts get 一村/二村 splits as real ones do. */
  public nextVillage(rng: Rng): string {
    for (let attempt = 0; attempt < 40; attempt++) {
      const name = `${rng.pick(VILLAGE_PREFIXES)}${rng.pick(VILLAGE_STEMS)}村`;
      if (!this.used.has(name)) {
        this.used.add(name);
        return name;
      }
    }
    return this.withPhase(`${rng.pick(VILLAGE_PREFIXES)}${rng.pick(VILLAGE_STEMS)}`, '村');
  }

  private withPhase(base: string, suffix: string): string {
    for (let phase = 2; ; phase++) {
      const name = `${base}${chineseNumber(phase)}${suffix}`;
      if (!this.used.has(name)) {
        this.used.add(name);
        return name;
      }
    }
  }
}

const VILLAGE_PREFIXES = [
  '上',
  '下',
  '前',
  '后',
  '东',
  '西',
  '南',
  '北',
  '新',
  '老',
  '大',
  '小',
  '中',
] as const;
// prettier-ignore
const VILLAGE_STEMS = ['洋', '塘', '岙', '浦', '桥', '岭', '林', '王', '陈', '张', '蔡', '河', '湾', '山', '屿', '埠', '垟', '徐', '叶', '郑'] as const;

// prettier-ignore
const COMMUNITY_STEMS = [
  '望江', '滨江', '文昌', '新华', '东门', '西门', '南屏', '北山', '太平', '锦屏', '万昌', '横湖', '东辉', '九龙',
  '月湖', '银湖', '学府', '曙光', '花城', '和平', '永宁', '明珠', '江湾', '临江', '石塘', '长屿', '虎山', '塘岙',
] as const;
const DIRECTIONS = ['东', '西', '南', '北', '中'] as const;

/** Unique community names (社区): stem, then 东/西/南/北/中 + stem, then numbered. */
export function communityNames(count: number, rng: Rng): string[] {
  const stems = rng.shuffle([...COMMUNITY_STEMS]);
  const out: string[] = [];
  const used = new Set<string>();
  const push = (n: string): void => {
    if (out.length < count && !used.has(n)) {
      used.add(n);
      out.push(`${n}社区`);
    }
  };
  for (const s of stems) push(s);
  for (const d of DIRECTIONS) for (const s of stems) if (!s.includes(d)) push(`${d}${s}`);
  for (let i = 1; out.length < count; i++)
    for (const s of stems) push(`${s}${chineseNumber(i + 1)}`);
  return out;
}

/** School names: 江滨第一小学, 江滨实验中学 … numbered so there is no clash at any size. */
export function schoolName(index: number): string {
  // Every third school is a middle school; primary and middle schools are numbered separately.
  if (index % 3 === 2) return `江滨第${chineseNumber(Math.floor(index / 3) + 1)}中学`;
  return `江滨第${chineseNumber(index - Math.floor(index / 3) + 1)}小学`;
}
