/**
 * The free-text filter a wall's incident texts pass (data/model/redact.ts): what residents and
 * hotline staff really type, with the names, ID numbers and phones of the seeded district's people.
 */
import { describe, expect, it } from 'vitest';
import { REDACTED, redactFreeText } from '../../data/model/redact.ts';
import { birthDateForAge, drawSurname, mobileNumber, personName, residentIdNumber, type Sex } from '../../data/seed/names.ts';
import { Rng } from '../../data/model/random.ts';

describe('the free-text filter', () => {
  it('masks a name, an ID number and a phone typed into one report', () => {
    const typed = '独居老人王秀英（身份证330102194003051228）在家摔倒，女儿电话 138 1234 5678';
    expect(redactFreeText(typed)).toBe('独居老人王某（身份证[证件号]）在家摔倒，女儿电话 [电话]');
  });

  it.each([
    ['18 digits', '身份证号码是330102194003051228。', '身份证号码是[证件号]。'],
    ['18 with X', '证件 33010219400305122X 已核实', '证件 [证件号] 已核实'],
    ['18 with lower-case x and spaces', '330102 19400305 122x', '[证件号]'],
    ['15-digit old card', '旧身份证 330102400305122', '旧身份证 [证件号]'],
    ['mobile', '手机15957612345', '手机[电话]'],
    ['mobile +86 with dashes', '电话+86-139-0576-1234。', '电话[电话]。'],
    ['mobile 0086 with spaces', '0086 139 0576 1234', '[电话]'],
    ['mobile with dots', '138.1234.5678', '[电话]'],
    ['landline with area code', '电话0576-88123456转801', '电话[电话]转801'],
    ['landline in brackets', '(0576)88123456', '([电话]'],
    ['local landline', '座机 8812 3456', '座机 [电话]'],
    ['hotline-style 400 number', '400-123-4567', '[电话]'],
    ['other long numbers', '银行卡 6222 0212 3456 7890 123', '银行卡 [号码]'],
    ['e-mail', '发到 wang.jianguo+home@example.com.cn 谢谢', '发到 [邮箱] 谢谢'],
    ['WeChat id', '加微信 wxid_abc123 联系', '加[账号] 联系'],
    ['QQ', 'QQ：12345', '[账号]'],
  ])('masks %s', (_what, typed, shown) => {
    expect(redactFreeText(typed)).toBe(shown);
  });

  it('finds numbers typed to slip past a filter: full-width, Chinese numerals, invisible characters', () => {
    expect(redactFreeText('电话１３８１２３４５６７８')).toBe('电话[电话]');
    expect(redactFreeText('电话一三八一二三四五六七八')).toBe('电话[电话]');
    expect(redactFreeText('电话幺三八 幺二三四 五六七八')).toBe('电话[电话]');
    expect(redactFreeText('电话138\u200b1234\u200b5678')).toBe('电话[电话]');
    expect(redactFreeText('身份证３３０１０２１９４００３０５１２２Ｘ')).toBe('身份证[证件号]');
  });

  it.each([
    ['after a role', '居民陈建国称楼道冒烟', '居民陈某称楼道冒烟'],
    ['after a role and a colon', '报警人：黄志强，现场等候', '报警人：黄某，现场等候'],
    ['after a relation', '联系人李婷婷，女儿王月娥', '联系人李某，女儿王某'],
    ['before an honorific', '王建国先生反映噪音', '王某先生反映噪音'],
    ['before an honorific, compound surname', '欧阳明月女士反映噪音', '欧阳某女士反映噪音'],
    ['before 老人', '陈秀英老人独居', '陈某老人独居'],
    ['before a reporter verb', '张伟说他母亲赵秀珍不见了', '张某说他母亲赵某不见了'],
    ['hotline style', '市民刘志刚来电反映路灯不亮', '市民刘某来电反映路灯不亮'],
    ['after 叫', '一位叫刘桂兰的老人', '一位叫刘某的老人'],
    ['after 名叫 without a surname', '名叫建国的大爷', '名叫某某的大爷'],
    ['姓X名Y', '姓王名建国', '姓王名某'],
    ['their home', '王建国家里漏水', '王某家里漏水'],
    ['their family', '陈秀英的女儿打来电话', '陈某的女儿打来电话'],
    ['beside a phone number', '林建中 13812345678', '林某 [电话]'],
    ['beside an ID number', '户主：林建中 身份证 330102 19400305 1228', '户主：林某 身份证 [证件号]'],
  ])('masks a name %s', (_what, typed, shown) => {
    expect(redactFreeText(typed)).toBe(shown);
  });

  it('masks what a wall must not show of a household: flat numbers, ages, dates of birth', () => {
    expect(redactFreeText('3栋2单元302室漏水')).toBe('3栋2单元[门牌]漏水');
    expect(redactFreeText('住5-2-301')).toBe('住[门牌]');
    expect(redactFreeText('2单元 1102 无人应答')).toBe('2单元 [门牌] 无人应答');
    expect(redactFreeText('85岁独居老人')).toBe('[年龄]独居老人');
    expect(redactFreeText('老人八十五岁')).toBe('老人[年龄]');
    expect(redactFreeText('出生1940-03-05')).toBe('出生[日期]');
    expect(redactFreeText('生于1940年3月5日')).toBe('生于[日期]');
  });

  it('leaves ordinary incident text as it was', () => {
    const ordinary = [
      '垃圾桶满溢', '建筑垃圾堆放路边', '流动摊贩占道经营', '路灯闪烁', '路面积水约 15 cm', '下穿通道积水', '夜间装修噪音',
      '广场舞音响扰民', '井盖破损', '护栏倒伏', '独居老人多日未出门，邻居求助', '独居老人电话无人接听', '老人在家摔倒',
      '路人晕倒', '楼道冒烟', '电动车充电起火', '高龄老人多日未出门，周边居民求助', '老人和孩子在家，全体居民已疏散',
      '邻居黄阿姨说老人已两天没开门', '李大爷家门口积水', '小王说路灯坏了', '2024-11-25 08:30 发现积水', '3栋楼道堆物',
      '请拨打 12345 反映', '管道师傅已到场', '司机师傅称车辆故障',
    ];
    for (const text of ordinary) expect(redactFreeText(text)).toBe(text);
    expect(redactFreeText(null)).toBeNull();
  });

  it('never lets a seeded resident through: 3,000 people in twelve kinds of report', () => {
    const rng = new Rng(20261125);
    const today = new Date(Date.UTC(2026, 10, 25));
    const leaks: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const sex: Sex = rng.next() < 0.5 ? 'F' : 'M';
      const age = rng.int(18, 95);
      const birth = birthDateForAge(rng, age, today);
      const surname = drawSurname(rng);
      const name = personName(rng, sex, birth.getUTCFullYear(), surname);
      const id = residentIdNumber(rng, '331002', birth, sex);
      const phone = mobileNumber(rng);
      const spaced = `${phone.slice(0, 3)} ${phone.slice(3, 7)} ${phone.slice(7)}`;
      const reports = [
        `独居老人${name}多日未出门，邻居求助，联系电话${phone}`,
        `市民${name}来电反映楼道堆物`,
        `${name}${sex === 'F' ? '女士' : '先生'}反映噪音扰民`,
        `报警人：${name}，身份证${id}，手机 ${spaced}`,
        `联系人${name}（+86 ${phone}）`,
        `一位叫${name}的老人在家摔倒`,
        `户主${name}家中漏水`,
        `${name}说家里没人`,
        `${name} ${phone}`,
        `姓名：${name}，证件号码：${id}`,
        `${name}的女儿打来电话`,
        `${name}${sex === 'F' ? '阿姨' : '大爷'}在楼下晕倒`,
      ];
      for (const report of reports) {
        const shown = redactFreeText(report);
        const given = name.slice(surname.length);
        if (shown.includes(name) || shown.includes(id) || shown.includes(phone) || shown.includes(phone.slice(3)) || shown.includes(`${surname}${given[0]}`)) {
          leaks.push(`${report} → ${shown}`);
        }
      }
    }
    expect(leaks.slice(0, 10)).toEqual([]);
  });

  it('labels every kind of mask so a viewer sees that something was there', () => {
    for (const label of Object.values(REDACTED)) expect(label.length).toBeGreaterThan(0);
  });
});
