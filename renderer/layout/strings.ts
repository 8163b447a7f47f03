/** The wall boards' own strings, merged into both languages under `layout.` at start (renderer/app/layout.ts). */
export const layoutStrings = {
  'zh-CN': {
    kpis: '综合态势',
    resources: '应急力量',
    resourceKind: '类型',
    total: '合计',
    camera: '视频监控',
    cameraPlaceholder: '视频接入位（占位）',
    cameraNote: '尚未接入摄像头视频流',
  },
  en: {
    kpis: 'Overview figures',
    resources: 'Emergency resources',
    resourceKind: 'Kind',
    total: 'Total',
    camera: 'Camera feed',
    cameraPlaceholder: 'Camera feed slot (placeholder)',
    cameraNote: 'No camera stream connected yet',
  },
} as const;
