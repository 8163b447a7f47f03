/**
 * The free-text filter for what a wall shows (issue 10, "the wall shows no one"): an incident's
 * description and its steps' notes are typed by residents, hotline staff and operators, and carry
 * whatever they typed — "独居老人王秀英（身份证330102194003051228）摔倒，女儿电话 138 1234 5678".
 * A wall is seen by anyone in the room, so before such text reaches one, this masks:
 *
 * - resident ID numbers: 18 digits (GB 11643, last may be X) and the old 15-digit ones;
 * - phone numbers: mobiles 1[3-9]x xxxx xxxx with or without +86/0086, spaces, dashes or dots;
 *   landlines with or without an area code and extension; and, since over-masking on a wall is
 *   acceptable and under-masking is not, any other run of 7 or more digits (bank cards, QQ);
 * - e-mail addresses and WeChat/QQ account names;
 * - names in Chinese text: a common surname and one or two characters in a person context (after
 *   a role such as 居民 老人 联系人 报警人 女儿, before an honorific such as 先生 女士 阿姨 大爷 师傅,
 *   before 反映 来电 报警 说, after 叫/名叫/姓名, 姓X名Y, or beside a phone or ID number) become
 *   "王某" (the surname alone, as in the officials' own usage);
 * - what a wall must not show of a household: flat numbers (302室, 5-2-301, 2单元301) and ages
 *   (85岁: an age band in words), and dates of birth.
 *
 * Digits are found in a shadow of the text where full-width digits, Chinese numerals (一三八…)
 * and invisible characters are read as digits and separators, one code unit for one, so a number
 * typed to slip past a filter is still found and the text around it comes back as typed. Pure: no
 * I/O, used by the service layer for every wall caller.
 */

/** What a masked span is replaced with. Labels, so a wall's viewer sees that something was there. */
export const REDACTED = {
  idNumber: '[证件号]',
  phone: '[电话]',
  number: '[号码]',
  email: '[邮箱]',
  account: '[账号]',
  flat: '[门牌]',
  age: '[年龄]',
  date: '[日期]',
  /** Replaces the given name; the surname stays (王建国 → 王某). */
  givenName: '某',
} as const;

// The ~200 most frequent single-character surnames (mainland registers) and the compound ones.
const SINGLE_SURNAMES =
  '王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖萧田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付傅方白邹孟熊秦邱江尹薛闫阎段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦卢麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝楼洪滑';
const COMPOUND_SURNAMES = [
  '欧阳', '司马', '诸葛', '上官', '东方', '皇甫', '尉迟', '公孙', '慕容', '长孙', '宇文', '司徒', '夏侯', '令狐',
  '端木', '轩辕', '独孤', '南宫', '西门', '万俟', '闻人', '申屠', '澹台', '呼延', '太史', '钟离', '百里', '第五',
];
const SURNAME = `(?:${COMPOUND_SURNAMES.join('|')}|[${SINGLE_SURNAMES}])`;

const HAN = '[\\u3400-\\u4dbf\\u4e00-\\u9fff]';
/**
 * Characters that end a name rather than continue it: particles, measure words, places, verbs'
 * starts. Kept to those almost never in a given name: a character left out here is masked with
 * the name (over-masking), one put in here would be left beside "王某" (under-masking).
 */
const NOT_FIRST_GIVEN = '的了在是和与及或被把将从向到对于为因所以而也都就还又再很最更已不没无未们个位名人里内外上下前后边旁说称讲问叫让给跟等某楼室号栋门户房院路街区村镇县块岁次处';
const NOT_SECOND_GIVEN = `${NOT_FIRST_GIVEN}家反来报求投举表致诉自打拨电住称今昨摔倒晕病走去`;
const GIVEN = `(?:(?![${NOT_FIRST_GIVEN}])${HAN})(?:(?![${NOT_SECOND_GIVEN}])${HAN})?`;

/** Words before a person's name: roles, relations, the hotline's own terms. Longest first. */
const ROLES_BEFORE = [
  '独居老人', '空巢老人', '户籍人员', '网格员', '志愿者', '快递员', '联系人', '报警人', '报案人', '求助人', '来电人',
  '投诉人', '举报人', '反映人', '诉求人', '当事人', '监护人', '居民', '市民', '群众', '村民', '老人', '老太', '老伯',
  '住户', '户主', '业主', '租户', '房东', '租客', '患者', '病人', '伤者', '家属', '儿子', '女儿', '孙子', '孙女', '外孙',
  '儿媳', '女婿', '老伴', '丈夫', '妻子', '母亲', '父亲', '爱人', '邻居', '社工', '民警', '医生', '护士', '师傅', '先生',
  '女士', '同学', '老师', '孩子', '学生', '司机', '保安', '保洁', '本人', '姓名', '名字', '联系', '通知', '转告',
];
/** Honorifics and roles after a name (王建国先生, 陈秀英老人). */
const HONORIFICS_AFTER = [
  '老先生', '老太太', '先生', '女士', '小姐', '阿姨', '大爷', '大妈', '大娘', '大叔', '大姐', '大哥', '大伯', '奶奶',
  '爷爷', '婆婆', '阿婆', '阿公', '阿伯', '老人', '老太', '老伯', '老汉', '伯伯', '叔叔', '阿叔', '婶婶', '师傅', '同志',
  '老师', '医生', '护士', '居民', '住户', '户主', '业主', '租户', '同学', '经理', '主任', '书记', '警官',
];
/** What follows a person's name: a reporter's verbs (市民张伟来电反映…, 王建国称…), their home and family. */
const VERBS_AFTER = [
  '来电反映', '反映', '来电', '报警', '求助', '投诉', '举报', '致电', '报称', '诉称', '自述', '表示', '称', '说',
  // Someone's home and family: 王建国家里漏水, 陈秀英的女儿.
  '本人', '家里', '家中', '家门口', '的家', '的女儿', '的儿子', '的母亲', '的父亲', '的老伴', '的家属', '的电话', '的手机', '的身份证',
];
/**
 * Surname + character pairs that are ordinary words before a role ("高龄老人", "周边居民"): not names.
 * Over-masking them would only blur a wall's text, but they are common in incident reports.
 */
const NOT_NAMES = new Set([
  '高龄', '高层', '高楼', '高空', '全体', '全部', '周边', '周围', '任何', '司机', '管道', '管理', '安全', '文明', '和谐',
  '其他', '同楼', '同村', '楼道', '路过', '路边', '车库', '江边', '石桥', '金属', '方面', '单身', '孤寡', '留守', '退休',
  '困难', '残疾', '独居', '空巢', '失能', '失独', '卫生', '物业', '保洁', '万名', '宁波', '温州', '台州', '杭州', '黄岩',
  '方式', '方法', '时间', '安排', '成功', '明天', '明日',
]);

const HONORIFIC_SET = new Set([...HONORIFICS_AFTER, ...ROLES_BEFORE]);
const alternation = (words: readonly string[]): string => [...words].sort((a, b) => b.length - a.length).join('|');

/** Replaces the given name of each match's `surname`/`given` groups, unless the pair is a word. */
function maskNames(text: string, pattern: RegExp): string {
  return text.replace(pattern, (...args: unknown[]) => {
    const match = args[0] as string;
    const { pre = '', surname, mid = '', given } = args[args.length - 1] as { pre?: string; surname: string; mid?: string; given: string };
    const pair = surname + given[0];
    // "黄阿姨说" (an honorific, no given name), "司机师傅称" (a role read as 师 + 傅), "高龄老人".
    if (HONORIFIC_SET.has(given) || HONORIFIC_SET.has(surname + given) || HONORIFIC_SET.has(pair) || NOT_NAMES.has(surname + given) || NOT_NAMES.has(pair)) return match;
    return `${pre}${surname}${mid}${REDACTED.givenName}`;
  });
}

const NAME_RULES: RegExp[] = [
  // After a role or relation: 居民王建国, 联系人：张伟, 女儿李婷婷.
  new RegExp(`(?<pre>(?:${alternation(ROLES_BEFORE)})[:：\\s]*(?:为|是)?[:：\\s]*)(?<surname>${SURNAME})(?<given>${GIVEN})`, 'gu'),
  // Before an honorific: 王建国先生, 陈秀英老人 (the shortest given name that reaches the honorific).
  new RegExp(`(?<surname>${SURNAME})(?<given>${GIVEN.replace(/\)\?$/, ')??')})(?=${alternation(HONORIFICS_AFTER)})`, 'gu'),
  // Before what a reporter does: 张伟来电反映, 王建国称.
  new RegExp(`(?<surname>${SURNAME})(?<given>${GIVEN.replace(/\)\?$/, ')??')})(?=${alternation(VERBS_AFTER)})`, 'gu'),
  // After 叫 (名叫, 叫做): 一位叫王建国的老人.
  new RegExp(`(?<pre>(?:名叫|叫做|叫)\\s*)(?<surname>${SURNAME})(?<given>${GIVEN})`, 'gu'),
  // 姓王名建国, 姓王，叫建国.
  new RegExp(`(?<pre>姓)(?<surname>${SURNAME})(?<mid>[，,\\s]*(?:名叫|名|叫))(?<given>${GIVEN})`, 'gu'),
  // Beside a phone or ID number: 张伟 [电话], 王建国（[证件号]）.
  new RegExp(
    `(?<surname>${SURNAME})(?<given>${GIVEN})(?=[\\s,，:：(（]*(?:联系电话|联系方式|电话|手机号?|身份证号?|tel)?[\\s,，:：]*(?:\\[电话\\]|\\[证件号\\]|\\[号码\\]))`,
    'giu',
  ),
];
/** 姓名 / 名叫 / 叫做 followed by a given name alone (no surname): 名叫建国 → 名叫某某. */
const GIVEN_ONLY = new RegExp(`(名叫|叫做|姓名[:：\\s]*|名字[:：\\s]*(?:是|叫)?)(?!${SURNAME})((?:(?![${NOT_FIRST_GIVEN}])${HAN}){2,3})`, 'gu');

//#region digits
const ZERO_WIDTH = /[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]/gu;
const IS_ZERO_WIDTH = /^[\u00ad\u200b-\u200f\u2060-\u2064\ufeff]$/u;
const CHINESE_DIGITS: Record<string, string> = {
  零: '0', 〇: '0', 洞: '0', 一: '1', 幺: '1', 壹: '1', 二: '2', 两: '2', 贰: '2', 三: '3', 叁: '3', 四: '4', 肆: '4',
  五: '5', 伍: '5', 六: '6', 陆: '6', 七: '7', 柒: '7', 八: '8', 捌: '8', 九: '9', 拐: '7', 玖: '9',
};

/**
 * The text as the digit rules read it: full-width ASCII as ASCII, Chinese numerals as digits,
 * invisible characters as a separator. Every replacement is one UTF-16 unit for one, so a span
 * found here is the same span in the original.
 */
function shadowOf(text: string): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code >= 0xff01 && code <= 0xff5e) out += String.fromCharCode(code - 0xfee0);
    else if (CHINESE_DIGITS[ch] !== undefined) out += CHINESE_DIGITS[ch];
    else if (IS_ZERO_WIDTH.test(ch)) out += '-';
    else out += ch;
  }
  return out;
}

interface Span {
  start: number;
  end: number;
  label: string;
}

const SEP = '[\\s\\-\u2010-\u2015.·•()（）/_]';
/** A date of birth, or any date in the last century (a resident's birthday, not an event's). */
const BIRTH_DATE = new RegExp(
  `(?<=(?:出生|生日|生于|出生日期)[:：\\s]*)(?:19|20)\\d{2}\\s*[-/.年]\\s*\\d{1,2}\\s*[-/.月]\\s*\\d{1,2}\\s*日?|(?<!\\d)19\\d{2}\\s*[-/.年]\\s*(?:0?[1-9]|1[0-2])\\s*[-/.月]\\s*(?:0?[1-9]|[12]\\d|3[01])\\s*日?`,
  'gu',
);
/** Recent dates (when something happened) stay, and must not be read as a phone number. */
const EVENT_DATE = /(?<!\d)20\d{2}\s*[-/.]\s*(?:0?[1-9]|1[0-2])\s*[-/.]\s*(?:0?[1-9]|[12]\d|3[01])(?!\d)/gu;
const EMAIL = /[A-Za-z0-9._%+-]+\s?(?:@|\(at\)|\[at\])\s?[A-Za-z0-9-]+(?:\s?(?:\.|\(dot\)|\[dot\])\s?[A-Za-z0-9-]+)+/giu;
const ACCOUNT = /(?:微信号?|wechat|weixin|vx|wx|QQ号?)\s*[:：]?\s*[A-Za-z0-9][A-Za-z0-9_-]{4,}/giu;
const FLAT = new RegExp(
  `(?<!\\d)\\d{1,3}\\s*-\\s*\\d{1,2}\\s*-\\s*\\d{2,4}(?!\\d)|(?<!\\d)\\d{2,4}\\s*(?:室|房间|号房)|(?<=单元\\s*)\\d{2,4}(?!\\d)`,
  'gu',
);
const AGE = /(?<!\d)(?:\d{1,3}|[十百]+\d?|\d?[十百]\d?)\s*(?:周岁|岁)/gu;
/** A run of digits with separators; classified by how many digits it holds. */
const DIGIT_RUN = new RegExp(`\\+?\\d(?:${SEP}{0,2}\\d)*(?:${SEP}?[Xx](?![A-Za-z]))?`, 'gu');

function digitSpans(shadow: string): Span[] {
  const spans: Span[] = [];
  const add = (re: RegExp, label: string, on: string): void => {
    for (const m of on.matchAll(re)) spans.push({ start: m.index, end: m.index + m[0].length, label });
  };
  add(EMAIL, REDACTED.email, shadow);
  add(ACCOUNT, REDACTED.account, shadow);
  add(BIRTH_DATE, REDACTED.date, shadow);
  // Recent dates and the spans above are set aside (same length) before numbers are looked for.
  let rest = shadow;
  const blank = (s: Span | { start: number; end: number }): void => {
    rest = rest.slice(0, s.start) + '#'.repeat(s.end - s.start) + rest.slice(s.end);
  };
  spans.forEach(blank);
  for (const m of rest.matchAll(EVENT_DATE)) blank({ start: m.index, end: m.index + m[0].length });
  const beforeFlats = spans.length;
  add(FLAT, REDACTED.flat, rest);
  add(AGE, REDACTED.age, rest);
  spans.slice(beforeFlats).forEach(blank);
  for (const m of rest.matchAll(DIGIT_RUN)) {
    // A run glued to more digits on the left was cut by the blanking: its digits still count.
    const digits = m[0].replace(/[^0-9Xx]/g, '');
    const label = classifyNumber(digits);
    if (label) spans.push({ start: m.index, end: m.index + m[0].length, label });
  }
  return spans;
}

function classifyNumber(digits: string): string | null {
  const n = digits.replace(/[Xx]$/, '').length;
  const plain = digits.replace(/^(?:0086|86)(?=1[3-9]\d{9}$)/, '');
  if (/^1[3-9]\d{9}$/.test(plain)) return REDACTED.phone;
  // Region codes start 1–8: a number starting 0 is a phone with its prefix, not an ID.
  if (/^[1-9]\d{16}[\dXx]$/.test(digits) || /^[1-9]\d{14}$/.test(digits)) return REDACTED.idNumber;
  if (/^0\d{9,11}$/.test(digits) || /^[2-9]\d{6,7}$/.test(digits) || /^(?:400|800)\d{7}$/.test(digits)) return REDACTED.phone;
  if (n >= 7) return REDACTED.number;
  return null;
}
//#endregion

/**
 * `text` with every ID number, phone number, e-mail, account, name in a person context, flat
 * number, age and date of birth replaced by a label (REDACTED). Text with none comes back as it
 * was; null stays null.
 */
export function redactFreeText(text: string): string;
export function redactFreeText(text: string | null): string | null;
export function redactFreeText(text: string | null): string | null {
  if (text === null) return null;
  const source = String(text);
  const spans = mergeSpans(digitSpans(shadowOf(source)));
  let out = '';
  let at = 0;
  for (const s of spans) {
    out += source.slice(at, s.start) + s.label;
    at = s.end;
  }
  out += source.slice(at);
  // Invisible characters that survived outside numbers go: they could hide a name from the rules.
  out = out.replace(ZERO_WIDTH, '');
  for (const rule of NAME_RULES) out = maskNames(out, rule);
  return out.replace(GIVEN_ONLY, (_m, pre: string) => `${pre}${REDACTED.givenName}${REDACTED.givenName}`);
}

/** Overlapping spans become one (the first label wins), in text order. */
function mergeSpans(spans: Span[]): Span[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  const out: Span[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s.start < last.end) last.end = Math.max(last.end, s.end);
    else out.push({ ...s });
  }
  return out;
}
