// Words of the ledger import screen (台账导入), zh-CN first; loaded with that screen only.
import { addMessages } from '../i18n'

export const ledgerZh = {
  'ledger.title': '台账导入',
  'ledger.hint': '上传居民底册（Excel .xlsx，或 UTF-8 / GBK 编码的 CSV）。上传和预览不会改动底册，确认导入后才写入。',
  'ledger.file': '选择文件',
  'ledger.upload': '上传并预览',
  'ledger.noFile': '请先选择文件',
  'ledger.state.analysing': '正在读取和检查…',
  'ledger.state.ready': '已检查，可以导入',
  'ledger.state.committing': '正在导入…',
  'ledger.state.committed': '导入完成',
  'ledger.state.failed': '无法读取该文件',
  'ledger.headerRow': '表头在第 {n} 行',
  'ledger.mapping': '列对应',
  'ledger.column': '表格中的列',
  'ledger.samples': '示例',
  'ledger.field': '导入为',
  'ledger.ignore': '不导入',
  'ledger.required': '（必填）',
  'ledger.saveMapping': '保存对应关系并重新检查',
  'ledger.report': '检查结果',
  'ledger.counts': '共 {rows} 行：可导入 {valid} 行，有问题 {rejected} 行',
  'ledger.existing': '其中已在底册中的居民 {residents} 人；涉及 {households} 户（已有 {existing} 户）',
  'ledger.firstErrors': '{label}：{n} 处问题',
  'ledger.errorLine': '第 {row} 行 “{value}”：{message}',
  'ledger.commit': '导入 {n} 行',
  'ledger.progress': '已处理 {done} / {total} 行',
  'ledger.result': '{what}：新增 {created}，更新 {updated}，未变 {unchanged}',
  'ledger.residents': '居民',
  'ledger.households': '住户',
  'ledger.buildings': '楼栋',
  'ledger.rejectedRows': '未导入 {n} 行',
  'ledger.downloadRejected': '下载未导入的行（含原因）',
  'ledger.again': '导入另一个文件',
  'ledger.failed': '操作失败：{message}',
}

type LedgerKey = keyof typeof ledgerZh

export const ledgerEn: Record<LedgerKey, string> = {
  'ledger.title': 'Import a ledger',
  'ledger.hint':
    'Upload a register ledger (Excel .xlsx, or CSV in UTF-8 / GBK). Uploading and the preview change nothing; the register is written only when you import.',
  'ledger.file': 'Choose a file',
  'ledger.upload': 'Upload and preview',
  'ledger.noFile': 'Choose a file first',
  'ledger.state.analysing': 'Reading and checking…',
  'ledger.state.ready': 'Checked: ready to import',
  'ledger.state.committing': 'Importing…',
  'ledger.state.committed': 'Imported',
  'ledger.state.failed': 'The file cannot be read',
  'ledger.headerRow': 'Header on row {n}',
  'ledger.mapping': 'Columns',
  'ledger.column': 'Column in the sheet',
  'ledger.samples': 'Samples',
  'ledger.field': 'Import as',
  'ledger.ignore': 'Leave out',
  'ledger.required': ' (required)',
  'ledger.saveMapping': 'Save the mapping and check again',
  'ledger.report': 'Checks',
  'ledger.counts': '{rows} rows: {valid} can be imported, {rejected} have problems',
  'ledger.existing': '{residents} of them are registered already; {households} households ({existing} existing)',
  'ledger.firstErrors': '{label}: {n} problems',
  'ledger.errorLine': 'Row {row} “{value}”: {message}',
  'ledger.commit': 'Import {n} rows',
  'ledger.progress': '{done} of {total} rows done',
  'ledger.result': '{what}: {created} new, {updated} updated, {unchanged} unchanged',
  'ledger.residents': 'Residents',
  'ledger.households': 'Households',
  'ledger.buildings': 'Buildings',
  'ledger.rejectedRows': '{n} rows not imported',
  'ledger.downloadRejected': 'Download the rows not imported (with reasons)',
  'ledger.again': 'Import another file',
  'ledger.failed': 'Failed: {message}',
}

declare module '../i18n' {
  interface LazyMessages extends Record<LedgerKey, string> {}
}

addMessages(ledgerZh, ledgerEn)
