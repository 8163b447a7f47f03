/** The incidents module's own strings (road addresses, list commands), merged under `incidents.` at start. */
export const incidentsStrings = {
  'zh-CN': {
    road: {
      only: '{{road}}',
      junction: '{{road}}与{{cross}}交叉口',
      fromCross: '{{road}}，距{{cross}}路口约 {{m}} 米',
    },
    cmd: {
      next: '事件工单：下一条',
      prev: '事件工单：上一条',
      open: '事件工单：打开选中的事件',
    },
    export: {
      title: '事件工单',
      id: '编号',
      category: '类别',
      severity: '等级',
      status: '状态',
      place: '地点',
      description: '描述',
      reporter: '来源',
      reportedAt: '上报时间',
      slaDueAt: '处置时限',
      sla: '时限状态',
      assignee: '处置人',
    },
  },
  en: {
    road: {
      only: '{{road}}',
      junction: 'junction of {{road}} and {{cross}}',
      fromCross: '{{road}}, about {{m}} m from {{cross}}',
    },
    cmd: {
      next: 'Incident queue: next',
      prev: 'Incident queue: previous',
      open: 'Incident queue: open the highlighted incident',
    },
    export: {
      title: 'Incident queue',
      id: 'ID',
      category: 'Category',
      severity: 'Severity',
      status: 'Status',
      place: 'Place',
      description: 'Description',
      reporter: 'Reported by',
      reportedAt: 'Reported at',
      slaDueAt: 'Due',
      sla: 'SLA',
      assignee: 'Assignee',
    },
  },
};
