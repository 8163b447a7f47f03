/** Dispatch by kind's UI strings (merged under `dispatch.` in both languages by the registry). */
const zhKinds = {
  ambulance: '救护车',
  fire_engine: '消防车',
  rescue_boat: '冲锋舟',
  pump_truck: '排涝泵车',
  volunteer_team: '志愿队',
  grid_worker: '网格员',
  department_emergency: '应急办',
  department_grid_management: '网格办',
  department_urban_management: '城管',
  department_sanitation: '环卫所',
  department_municipal: '市政所',
  department_water: '水务',
  department_power: '供电所',
  department_fire: '消防站',
  department_medical: '卫健（社区医生）',
  department_civil_affairs: '民政',
  department_police: '派出所',
};
const enKinds: Record<keyof typeof zhKinds, string> = {
  ambulance: 'Ambulance',
  fire_engine: 'Fire engine',
  rescue_boat: 'Rescue boat',
  pump_truck: 'Pump truck',
  volunteer_team: 'Volunteers',
  grid_worker: 'Grid worker',
  department_emergency: 'Emergency office',
  department_grid_management: 'Grid office',
  department_urban_management: 'Urban management',
  department_sanitation: 'Sanitation',
  department_municipal: 'Municipal works',
  department_water: 'Water dept.',
  department_power: 'Power supply',
  department_fire: 'Fire station',
  department_medical: 'Health (community doctor)',
  department_civil_affairs: 'Civil affairs',
  department_police: 'Police',
};

export const DISPATCH_STRINGS = {
  'zh-CN': {
    title: '按需派遣',
    loading: '正在计算最近的力量…',
    none: '暂无可派（均在出勤或离线）',
    send: '派遣',
    sending: '派遣中…',
    eta: '约 {{count}} 分钟',
    roadVia: '路程 {{road}}',
    state: { en_route: '出动中', on_scene: '到场处置', idle: '待命' },
    arrivesIn: '预计 {{count}} 分钟到',
    kind: zhKinds,
  },
  en: {
    title: 'Units by kind',
    loading: 'Finding the nearest units…',
    none: 'None available (all out or offline)',
    send: 'Dispatch',
    sending: 'Sending…',
    eta: '{{count}} min',
    roadVia: '{{road}} by road',
    state: { en_route: 'En route', on_scene: 'On scene', idle: 'Idle' },
    arrivesIn: 'arrives in ~{{count}} min',
    kind: enKinds,
  },
};

/** The i18n key of a responder kind (i18next reads ':' as a namespace separator). */
export const kindKey = (kind: string): string => `dispatch.kind.${kind.replace(':', '_')}`;
