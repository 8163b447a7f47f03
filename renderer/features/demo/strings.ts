/** The demo's UI strings (zh-CN first), merged under `demo.` at start. */
export const demoStrings = {
  'zh-CN': { story: '演示', notStarted: '按 PageDown 开始', back: '上一步', next: '下一步', autoplay: '自动播放', pause: '暂停' },
  en: { story: 'Demo', notStarted: 'Press PageDown to begin', back: 'Back', next: 'Next', autoplay: 'Autoplay', pause: 'Pause' },
};
