// Words of 走访覆盖率 (the worker's card in 我的 and the desk's table), zh-CN first.
import { addMessages } from '../i18n'

export const coverageZh = {
  'coverage.title': '本月走访',
  'coverage.deskTitle': '走访覆盖率',
  'coverage.households': '走访覆盖',
  'coverage.householdsValue': '{visited} / {total} 户（{rate}）',
  'coverage.perDay': '日均记录',
  'coverage.perDayValue': '{value} 条（{days} 天有记录）',
  'coverage.welfare': '巡访按期',
  'coverage.welfareValue': '{visited} / {due} 人',
  'coverage.proof': '工作留痕',
  'coverage.proofValue': '带定位 {located} 条 · 照片 {photos} 张',
  'coverage.none': '—',
  'coverage.noGrid': '您还没有负责的网格',
  'coverage.month': '月份',
  'coverage.grid': '网格',
  'coverage.worker': '网格员',
  'coverage.rate': '覆盖率',
  'coverage.visited': '已走访 / 户数',
  'coverage.records': '记录',
  'coverage.located': '带定位',
  'coverage.accuracy': '定位精度中位',
  'coverage.photos': '照片',
  'coverage.sync': '同步用时中位',
  'coverage.clockAhead': '设备时间超前',
  'coverage.minutes': '{value} 分钟',
  'coverage.metres': '±{value} 米',
  'coverage.noWorkers': '这个范围内没有网格员',
  'coverage.notRanked': '按网格编码排列，不做排名。',
  'coverage.definitions': '口径说明',
}

type CoverageKey = keyof typeof coverageZh

export const coverageEn: Record<CoverageKey, string> = {
  'coverage.title': 'This month’s visits',
  'coverage.deskTitle': 'Visit coverage',
  'coverage.households': 'Households visited',
  'coverage.householdsValue': '{visited} / {total} ({rate})',
  'coverage.perDay': 'Records per day',
  'coverage.perDayValue': '{value} ({days} days with records)',
  'coverage.welfare': 'Welfare visits on time',
  'coverage.welfareValue': '{visited} / {due} people',
  'coverage.proof': 'Proof of work',
  'coverage.proofValue': '{located} with location · {photos} photos',
  'coverage.none': '—',
  'coverage.noGrid': 'You have no grid yet',
  'coverage.month': 'Month',
  'coverage.grid': 'Grid',
  'coverage.worker': 'Worker',
  'coverage.rate': 'Coverage',
  'coverage.visited': 'Visited / households',
  'coverage.records': 'Records',
  'coverage.located': 'With location',
  'coverage.accuracy': 'Median accuracy',
  'coverage.photos': 'Photos',
  'coverage.sync': 'Median time to sync',
  'coverage.clockAhead': 'Phone clock ahead',
  'coverage.minutes': '{value} min',
  'coverage.metres': '±{value} m',
  'coverage.noWorkers': 'No workers in this scope',
  'coverage.notRanked': 'Listed by grid code, not ranked.',
  'coverage.definitions': 'Definitions',
}

declare module '../i18n' {
  interface LazyMessages extends Record<CoverageKey, string> {}
}

addMessages(coverageZh, coverageEn)
