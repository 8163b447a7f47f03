/**
 * The demo to officials as a story (issue 12): the steps a presenter walks through with a clicker
 * (PageDown / PageUp) or lets run. Pure data: what each step is called, what the presenter says
 * (notes on the console only, never on a wall) and what the screen shows. What a step does to the
 * twin (the events it writes) lives with the service that runs it (electron/services/demo/).
 */

export interface Bilingual {
  zh: string;
  en: string;
}

/** What the screen turns to when a step begins. */
export interface StoryView {
  /** The right-hand column's tab. */
  panel?: 'incidents' | 'alerts' | 'typhoon';
  /** Select and fly to what the step is about (filled in by the service when it makes it). */
  focus?:
    | { kind: 'incident'; id: string }
    | { kind: 'alert'; id: string }
    | { kind: 'overview' }
    /** Fit the map to these bounds [west, south, east, north] (a storm's track and the district). */
    | { kind: 'bounds'; bbox: [number, number, number, number] };
}

export interface StoryStepDef {
  id: StoryStepId;
  title: Bilingual;
  notes: Bilingual;
  /** In an unattended run, how long the step holds before the next, seconds. */
  holdSeconds: number;
  view: StoryView;
}

export const STORY_STEP_IDS = [
  'morning',
  'resident_report',
  'report_closed',
  'meters_quiet',
  'grid_worker_visit',
  'typhoon_approaches',
  'evacuation_plan',
  'evacuation_progress',
  'morning_after',
] as const;
export type StoryStepId = (typeof STORY_STEP_IDS)[number];

export const DEMO_STORY: readonly StoryStepDef[] = [
  {
    id: 'morning',
    title: { zh: '平常的早晨', en: 'A normal morning' },
    notes: {
      zh: '这是江滨街道此刻的数字孪生：2,000 栋楼、3 万户。左侧是图层和应急设施，右侧是事件工单。过去 24 小时的事件都已办结，时间轴可以回放。',
      en: 'The street as it is now: 2,000 buildings, 30,000 households. Layers and facilities on the left, the work orders on the right. Everything of the last 24 hours is closed; the timeline replays it.',
    },
    holdSeconds: 25,
    view: { panel: 'incidents', focus: { kind: 'overview' } },
  },
  {
    id: 'resident_report',
    title: { zh: '居民上报 → 派单', en: 'A resident reports → a work order' },
    notes: {
      zh: '一位居民通过小程序上报井盖破损。系统按路网距离推荐最近的空闲网格员，一键派单，全程留痕。',
      en: 'A resident reports a broken manhole cover in the app. The nearest free grid worker by road is proposed and dispatched in one step; every step is recorded.',
    },
    holdSeconds: 30,
    view: { panel: 'incidents' },
  },
  {
    id: 'report_closed',
    title: { zh: '处置 → 反馈 → 评价，闭环', en: 'Handled, reported back, rated: the loop closes' },
    notes: {
      zh: '网格员到场处置并反馈，居民评价五星，工单闭环：上报→受理→派发→处置→反馈→评价，每一步都有时间。',
      en: 'The grid worker handles it and reports back, the resident rates it five stars: report → accept → dispatch → handle → feedback → rating, each step timed.',
    },
    holdSeconds: 25,
    view: { panel: 'incidents' },
  },
  {
    id: 'meters_quiet',
    title: { zh: '独居老人水电异常', en: "An elderly resident's meters go quiet" },
    notes: {
      zh: '智能水电表发现一位独居老人 30 多个小时没有用水用电。系统给出通俗的解释，楼栋在地图上标出。个人信息默认脱敏。',
      en: 'The smart meters show an elderly resident living alone has used no water or power for over 30 hours. The alert explains why in plain words and marks the building; personal data stays masked.',
    },
    holdSeconds: 30,
    view: { panel: 'alerts' },
  },
  {
    id: 'grid_worker_visit',
    title: { zh: '网格员上门', en: 'A grid worker visits' },
    notes: {
      zh: '网格员上门查看：老人发烧卧床，已联系社区医生。处置结果回填，告警关闭，写入审计日志。',
      en: 'The grid worker visits: the resident is in bed with a fever; the community doctor is called. The outcome closes the alert and goes into the audit log.',
    },
    holdSeconds: 25,
    view: { panel: 'alerts' },
  },
  {
    id: 'typhoon_approaches',
    title: { zh: '台风逼近', en: 'A typhoon approaches' },
    notes: {
      zh: '台风"利奇马（演示）"正向台州沿海移动。地图上是路径、预报锥和 7/10/12 级风圈；面板给出每个网格 10 级风到达的时间和预警信号。',
      en: 'Typhoon "Lekima (demo)" is heading for the Taizhou coast: track, forecast cone and force 7/10/12 wind circles on the map; the panel gives when force 10 reaches each grid and the warning signal.',
    },
    holdSeconds: 35,
    view: { panel: 'typhoon' },
  },
  {
    id: 'evacuation_plan',
    title: { zh: '转移预案 · 一键调度', en: 'The evacuation plan · one-click dispatch' },
    notes: {
      zh: '按规则选出需要转移的住户（低洼一楼、危旧房里的独居老人等），精确分配到避难场所、不超容量；一键生成网格员的敲门清单和车辆任务。',
      en: 'The rules select who must move (ground floors that flood, elderly people alone in old walk-ups…), shelters are assigned exactly without overflow; one click gives each grid worker a door-knock list and the vehicles their trips.',
    },
    holdSeconds: 35,
    view: { panel: 'typhoon' },
  },
  {
    id: 'evacuation_progress',
    title: { zh: '转移进度', en: 'Evacuation progress' },
    notes: {
      zh: '网格员逐户回报"已联系 / 已转移 / 拒绝"，进度板按网格对照转移时钟，谁还没走一目了然。',
      en: 'Grid workers report each household as contacted, moved or refused; the board shows progress per grid against the evacuation clock and who is still left.',
    },
    holdSeconds: 30,
    view: { panel: 'typhoon' },
  },
  {
    id: 'morning_after',
    title: { zh: '第二天早晨', en: 'The morning after' },
    notes: {
      zh: '台风过境。所有数据都在本地，断网也能运行；每一步操作都可追溯。谢谢。',
      en: 'The storm has passed. All data stays on this machine and the app runs offline; every action can be traced. Thank you.',
    },
    holdSeconds: 30,
    view: { panel: 'incidents', focus: { kind: 'overview' } },
  },
];
