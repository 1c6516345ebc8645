// Words of the map screens, zh-CN first, English second; loaded with the map chunk only.
import { addMessages } from '../i18n'

export const mapZh = {
  'map.title': '地图',
  'map.here': '我在这里',
  'map.locating': '正在定位…',
  'map.noGps': '无法定位：{message}',
  'map.rough': '定位精度约 {m} 米，仅供参考',
  'map.empty': '手机上还没有网格边界和楼栋位置。请联网同步后再看。',
  'map.unplaced': '{n} 栋楼还没有位置',
  'map.households': '{n} 户',
  'map.noHouseholds': '这栋楼还没有登记住户',
  'map.state.overdue': '有逾期未访',
  'map.state.due': '今日待访',
  'map.state.ok': '走访正常',
  'map.state.none': '无关爱对象',
  'map.legend.case': '案件（按时限灯）',
  'map.imprecise': '位置精度较差',
  'map.setFromGps': '用当前位置定位此楼',
  'map.setByTap': '在地图上点选位置',
  'map.tapNow': '请在地图上点一下这栋楼的位置',
  'map.saved': '楼栋位置已保存',
  'map.outsideConfirm': '该位置在网格边界之外，仍要保存吗？',
  'map.needsNetwork': '设置楼栋位置需要联网',
  'dup.title': '附近已有同类案件（{n}）',
  'dup.sameBuilding': '同一楼栋',
  'dup.distance': '约 {m} 米',
  'dup.same': '同一问题，补充到该案件',
  'dup.marked': '已标记为同一问题：提交后由受理员决定是否合并',
  'dup.unmark': '不是同一问题',
  'dup.noDistance': '定位精度低于 100 米，只按同一楼栋提示',
} as const

export type MapKey = keyof typeof mapZh

export const mapEn: Record<MapKey, string> = {
  'map.title': 'Map',
  'map.here': 'I am here',
  'map.locating': 'Locating…',
  'map.noGps': 'No location: {message}',
  'map.rough': 'Location accurate to about {m} m only',
  'map.empty': 'No grid boundary or building points on this phone yet. Sync online, then look again.',
  'map.unplaced': '{n} buildings have no point yet',
  'map.households': '{n} households',
  'map.noHouseholds': 'No households registered in this building',
  'map.state.overdue': 'Visits overdue',
  'map.state.due': 'Visits due today',
  'map.state.ok': 'Visits on schedule',
  'map.state.none': 'No one to visit',
  'map.legend.case': 'Cases (by time light)',
  'map.imprecise': 'Rough location',
  'map.setFromGps': 'Place this building where I stand',
  'map.setByTap': 'Tap its place on the map',
  'map.tapNow': 'Tap where this building stands',
  'map.saved': 'Building location saved',
  'map.outsideConfirm': 'This point is outside the grid boundary. Save it anyway?',
  'map.needsNetwork': 'Setting a building location needs the network',
  'dup.title': 'Open cases of this kind nearby ({n})',
  'dup.sameBuilding': 'Same building',
  'dup.distance': 'About {m} m',
  'dup.same': 'Same problem: add to this case',
  'dup.marked': 'Marked as the same problem: the supervisor decides on the merge',
  'dup.unmark': 'Not the same problem',
  'dup.noDistance': 'Location rougher than 100 m: only the same building is checked',
}

declare module '../i18n' {
  interface LazyMessages extends Record<MapKey, string> {}
}

addMessages(mapZh, mapEn)
