// The UI's words in zh-CN (default) and English, and the chosen locale, kept in localStorage.
import { ref } from 'vue'

const zhCN = {
  'app.name': '网格通',
  'app.offline': '离线模式：记录会保存在手机上，联网后自动同步',
  'app.offlineReady': '已可离线使用',
  'app.updateTitle': '有新版本',
  'app.updateMessage': '更新后应用会重新加载，请先保存正在填写的内容。',
  'app.updateNow': '立即更新',
  'app.updateLater': '稍后',
  'app.updateAvailable': '有新版本，点击更新',

  'tab.home': '首页',
  'tab.me': '我的',

  'login.title': '登录',
  'login.subtitle': '网格员入户走访 · 关爱巡访 · 隐患上报',
  'login.username': '用户名',
  'login.password': '密码',
  'login.usernameRequired': '请输入用户名',
  'login.passwordRequired': '请输入密码',
  'login.remember': '30 天内保持登录',
  'login.submit': '登录',
  'login.expired': '登录已过期，请重新登录',
  'login.networkError': '无法连接服务器，请检查网络后重试',

  'home.hello': '你好，{name}',
  'home.myGrids': '我的网格',
  'home.noGrids': '还没有分配网格，请联系管理员',
  'home.dueToday': '今日到期',
  'home.dueTodayEmpty': '今天没有到期的任务',
  'home.pending': '待同步',
  'home.pendingEmpty': '所有记录都已同步',
  'home.myReports': '我的上报',
  'home.myReportsEmpty': '还没有上报记录',
  'home.scope': '管辖范围',
  'home.wholeStreet': '全街道',
  'home.communities': '社区',
  'home.grids': '网格',
  'home.users': '用户',
  'home.departments': '处置部门',
  'home.myDepartment': '我的部门',
  'home.noDepartment': '还没有分配部门，请联系管理员',
  'home.dispatchedCases': '派遣给本部门的案件',
  'home.dispatchedEmpty': '暂无待处置案件',
  'home.overview': '系统概况',
  'home.loadFailed': '加载失败',
  'home.cachedAt': '离线显示 {time} 的数据',
  'home.retry': '重试',

  'me.title': '我的',
  'me.displayName': '姓名',
  'me.username': '用户名',
  'me.role': '角色',
  'me.phone': '手机号',
  'me.community': '社区',
  'me.department': '部门',
  'me.grids': '网格',
  'me.language': '语言',
  'me.logout': '退出登录',
  'me.logoutConfirm': '确定退出登录吗？',
  'me.logoutOffline': '离线时无法退出登录，请联网后重试',
  'me.version': '版本',

  'role.worker': '网格员',
  'role.supervisor': '社区主管',
  'role.supervisorStreet': '街道主管',
  'role.handler': '处置人员',
  'role.admin': '系统管理员',

  'common.none': '无',
  'common.loading': '加载中…',
  'common.cancel': '取消',
  'common.confirm': '确定',
  'error.network': '网络不可用，请稍后再试',
}

export type MessageKey = keyof typeof zhCN
export type Messages = Record<MessageKey, string>

const en: Messages = {
  'app.name': 'Gridwalk',
  'app.offline': 'Offline: records are kept on this phone and sync when the network returns',
  'app.offlineReady': 'Ready to work offline',
  'app.updateTitle': 'New version available',
  'app.updateMessage': 'The app reloads to update. Save any form you are filling in first.',
  'app.updateNow': 'Update now',
  'app.updateLater': 'Later',
  'app.updateAvailable': 'New version available, tap to update',

  'tab.home': 'Home',
  'tab.me': 'Me',

  'login.title': 'Log in',
  'login.subtitle': 'Household visits · welfare visits · hazard reports',
  'login.username': 'Username',
  'login.password': 'Password',
  'login.usernameRequired': 'Enter your username',
  'login.passwordRequired': 'Enter your password',
  'login.remember': 'Keep me logged in for 30 days',
  'login.submit': 'Log in',
  'login.expired': 'Your session has expired, please log in again',
  'login.networkError': 'Cannot reach the server, check the network and try again',

  'home.hello': 'Hello, {name}',
  'home.myGrids': 'My grids',
  'home.noGrids': 'No grid assigned yet, ask your administrator',
  'home.dueToday': 'Due today',
  'home.dueTodayEmpty': 'No tasks due today',
  'home.pending': 'Waiting to sync',
  'home.pendingEmpty': 'Everything is synced',
  'home.myReports': 'My reports',
  'home.myReportsEmpty': 'No reports yet',
  'home.scope': 'Area',
  'home.wholeStreet': 'Whole street',
  'home.communities': 'Communities',
  'home.grids': 'Grids',
  'home.users': 'Users',
  'home.departments': 'Departments',
  'home.myDepartment': 'My department',
  'home.noDepartment': 'No department assigned yet, ask your administrator',
  'home.dispatchedCases': 'Cases dispatched to my department',
  'home.dispatchedEmpty': 'No cases to handle',
  'home.overview': 'Overview',
  'home.loadFailed': 'Could not load',
  'home.cachedAt': 'Offline: showing data from {time}',
  'home.retry': 'Retry',

  'me.title': 'Me',
  'me.displayName': 'Name',
  'me.username': 'Username',
  'me.role': 'Role',
  'me.phone': 'Phone',
  'me.community': 'Community',
  'me.department': 'Department',
  'me.grids': 'Grids',
  'me.language': 'Language',
  'me.logout': 'Log out',
  'me.logoutConfirm': 'Log out now?',
  'me.logoutOffline': 'You cannot log out while offline; connect and try again',
  'me.version': 'Version',

  'role.worker': 'Grid worker',
  'role.supervisor': 'Community supervisor',
  'role.supervisorStreet': 'Street supervisor',
  'role.handler': 'Case handler',
  'role.admin': 'Administrator',

  'common.none': 'None',
  'common.loading': 'Loading…',
  'common.cancel': 'Cancel',
  'common.confirm': 'OK',
  'error.network': 'No network, please try again later',
}

export const LOCALES = ['zh-CN', 'en'] as const
export type Locale = (typeof LOCALES)[number]
/** Each language named in itself, for the switcher. */
export const LOCALE_NAMES: Record<Locale, string> = { 'zh-CN': '简体中文', en: 'English' }

export const dictionaries: Record<Locale, Messages> = { 'zh-CN': zhCN, en }

const STORAGE_KEY = 'gw.locale'

function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (LOCALES as readonly string[]).includes(value)
}

function readStoredLocale(): Locale {
  try {
    const stored = globalThis.localStorage?.getItem(STORAGE_KEY)
    return isLocale(stored) ? stored : 'zh-CN'
  } catch {
    return 'zh-CN' // storage blocked (private mode): fall back, never crash the shell
  }
}

/** The current locale; reactive, so templates calling t() re-render on a switch. */
export const locale = ref<Locale>(readStoredLocale())

export function setLocale(next: Locale): void {
  locale.value = next
  try {
    globalThis.localStorage?.setItem(STORAGE_KEY, next)
  } catch {
    // Not persisted; the switch still holds for this session.
  }
  if (typeof document !== 'undefined') document.documentElement.lang = next
}

/** Translate a key, filling {name}-style placeholders; a missing placeholder stays visible. */
export function t(key: MessageKey, params: Record<string, string | number> = {}): string {
  const text = dictionaries[locale.value][key] ?? dictionaries['zh-CN'][key] ?? key
  return text.replace(/\{(\w+)\}/g, (whole, name: string) =>
    name in params ? String(params[name]) : whole,
  )
}

/** The value for the Accept-Language header, so server messages match the UI. */
export function acceptLanguage(): string {
  return locale.value === 'en' ? 'en' : 'zh-CN'
}
