/** The shell commands' and the help overlay's strings, merged under `commands.` at start. */
export const commandsStrings = {
  'zh-CN': {
    title: '键盘快捷键',
    close: '关闭最上层：帮助、对话框、住户卡片、事件详情、楼栋检查器',
    help: '显示或隐藏本帮助',
    closeHelp: '关闭帮助',
    space: '空格',
    note: '在输入框中输入时，只有 Esc 生效（先离开输入框）。',
    exportCsv: '导出 CSV',
    print: '打印',
    printedAt: '打印于 {{time}} · 共 {{count}} 条',
  },
  en: {
    title: 'Keyboard shortcuts',
    close: 'Close what is on top: this help, a dialog, the household card, the incident detail, the building inspector',
    help: 'Show or hide this help',
    closeHelp: 'Close help',
    space: 'Space',
    note: 'While typing in a field only Esc works (it leaves the field first).',
    exportCsv: 'Export CSV',
    print: 'Print',
    printedAt: 'Printed {{time}} · {{count}} rows',
  },
};
