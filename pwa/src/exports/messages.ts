// Words of the Excel export buttons on the desk screens, zh-CN first.
import { addMessages } from '../i18n'

export const exportZh = {
  'export.excel': '导出 Excel',
  'export.cases': '导出案件 Excel',
  'export.kpis': '导出考核指标 Excel',
  'export.visits': '导出巡访 Excel',
  'export.tasks': '导出任务 Excel',
  'export.register': '导出底册 Excel',
  'export.failed': '导出失败：{message}',
  'export.done': '已下载 {name}',
  'export.queued': '排队导出中…',
  'export.running': '正在导出…',
  'export.again': '再次下载 {name}',
}

type ExportKey = keyof typeof exportZh

export const exportEn: Record<ExportKey, string> = {
  'export.excel': 'Export Excel',
  'export.cases': 'Export cases (Excel)',
  'export.kpis': 'Export KPIs (Excel)',
  'export.visits': 'Export visits (Excel)',
  'export.tasks': 'Export tasks (Excel)',
  'export.register': 'Export register (Excel)',
  'export.failed': 'Export failed: {message}',
  'export.done': 'Downloaded {name}',
  'export.queued': 'Waiting to export…',
  'export.running': 'Exporting…',
  'export.again': 'Download {name} again',
}

declare module '../i18n' {
  interface LazyMessages extends Record<ExportKey, string> {}
}

addMessages(exportZh, exportEn)
