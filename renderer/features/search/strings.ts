/** Search's strings, merged under `search.` at start (beside the shell's placeholder and label). */
export const searchStrings = {
  'zh-CN': {
    placeholder: '搜索地址、住户、事件、设施',
    focus: '搜索：转到搜索框',
    kinds: { address: '地址', household: '住户（已脱敏）', incident: '事件', facility: '设施' },
    more: '另有 {{count}} 条，请输入更多字词缩小范围',
    unit: '{{unit}} 室',
    contact: '联系人 {{name}} · {{phone}}',
    searching: '正在搜索…',
    hint: '↑↓ 选择 · Enter 打开 · Esc 关闭',
    export: {
      title: '搜索结果',
      kind: '类别',
      name: '名称',
      place: '地点',
      detail: '说明',
      id: '编号',
    },
  },
  en: {
    placeholder: 'Search addresses, households, incidents, facilities',
    focus: 'Search: go to the search box',
    kinds: { address: 'Addresses', household: 'Households (masked)', incident: 'Incidents', facility: 'Facilities' },
    more: '{{count}} more: type more words to narrow down',
    unit: 'flat {{unit}}',
    contact: 'Contact {{name}} · {{phone}}',
    searching: 'Searching…',
    hint: '↑↓ choose · Enter open · Esc close',
    export: {
      title: 'Search results',
      kind: 'Kind',
      name: 'Name',
      place: 'Place',
      detail: 'Detail',
      id: 'ID',
    },
  },
};
