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
  'export.full': '导出完整号码',
  'export.fullTitle': '导出完整身份证号和电话',
  'export.fullWarning': '导出的文件含完整身份证号和电话，请妥善保管。原因会记入审计日志。',
  'export.fullConfirm': '导出',
  'export.reason': '原因',
  'export.reasonPlaceholder': '例如：区民政局核对低保名单',
  'export.reasonNeeded': '请填写导出原因',
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
  'export.full': 'Export full numbers',
  'export.fullTitle': 'Export full ID and phone numbers',
  'export.fullWarning': 'The file holds full ID and phone numbers: keep it safe. The reason goes to the audit log.',
  'export.fullConfirm': 'Export',
  'export.reason': 'Reason',
  'export.reasonPlaceholder': 'e.g. the district checks its benefit list',
  'export.reasonNeeded': 'Give a reason for the export',
}

declare module '../i18n' {
  interface LazyMessages extends Record<ExportKey, string> {}
}

addMessages(exportZh, exportEn)
