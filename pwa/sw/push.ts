// Push in the service worker: show what the server sent, and open its page on a tap.
// The payload is ids and a short zh-CN title (server/push/service.py); the page itself then
// loads the record by sync, so a push only has to say what changed and where to look.

export const ICON = '/icons/icon-192.png'
const APP_NAME = '网格通'

/** What the server puts in a push (JSON). */
export interface PushNotice {
  kind: string
  title: string
  url: string
  tag?: string
  data?: Record<string, unknown>
}

/** A second line under the title, by kind: the title names the record, this says what to do. */
const BODIES: Record<string, string> = {
  task_assigned: '你有一项新任务，点击查看',
  submission_returned: '上报被退回，请补充后重新提交',
  case_returned: '案件被退回，请补充后重新提交',
  case_dispatched: '有案件派遣给你，请按期处置',
  deadline_near: '即将到期，请尽快处理',
}
const DEFAULT_BODY = '有新消息，点击查看'

/** The push's JSON, or a generic notice: Chrome counts a push that shows nothing against the site. */
export function parsePush(data: { text(): string } | null | undefined): PushNotice {
  let value: unknown
  try {
    value = data ? JSON.parse(data.text()) : null
  } catch {
    value = null
  }
  const notice = (value && typeof value === 'object' ? value : {}) as Partial<PushNotice>
  return {
    kind: typeof notice.kind === 'string' ? notice.kind : 'message',
    title: typeof notice.title === 'string' && notice.title.trim() ? notice.title : APP_NAME,
    url: typeof notice.url === 'string' ? notice.url : '/',
    tag: typeof notice.tag === 'string' && notice.tag ? notice.tag : undefined,
    data: notice.data && typeof notice.data === 'object' ? notice.data : undefined,
  }
}

/** Only pages of this app: a payload can never send the worker to another site. */
export function appUrl(url: unknown, origin: string): string {
  try {
    const target = new URL(typeof url === 'string' ? url : '/', origin)
    if (target.origin === origin) return target.href
  } catch {
    // fall through to the home page
  }
  return new URL('/', origin).href
}

interface NotifyingRegistration {
  showNotification(title: string, options?: NotificationOptions): Promise<void>
}

/** Show the notice; the same tag replaces the earlier notification of that task or case. */
export function showPush(registration: NotifyingRegistration, notice: PushNotice, origin: string): Promise<void> {
  return registration.showNotification(notice.title, {
    body: BODIES[notice.kind] ?? DEFAULT_BODY,
    tag: notice.tag,
    icon: ICON, // no badge: Android draws a badge as the icon's silhouette, a blank shape here
    lang: 'zh-CN',
    data: { ...notice.data, kind: notice.kind, url: appUrl(notice.url, origin) },
  })
}

interface WindowLike {
  readonly url: string
  readonly focused?: boolean
  readonly visibilityState?: string
  focus(): Promise<WindowLike>
  navigate(url: string): Promise<WindowLike | null>
}

interface ClientsLike {
  matchAll(options: { type: 'window'; includeUncontrolled: boolean }): Promise<readonly WindowLike[]>
  openWindow(url: string): Promise<unknown>
}

/** After a tap: bring an open window of the app forward and take it to `url`, else open one. */
export async function openFromNotification(clients: ClientsLike, url: unknown, origin: string): Promise<void> {
  const target = appUrl(url, origin)
  const windows = (await clients.matchAll({ type: 'window', includeUncontrolled: true })).filter(
    (w) => new URL(w.url).origin === origin,
  )
  const chosen = windows.find((w) => w.focused) ?? windows.find((w) => w.visibilityState === 'visible') ?? windows[0]
  if (!chosen) {
    await clients.openWindow(target)
    return
  }
  // focus() first, while the tap still counts as the user's gesture; if the browser refuses,
  // the page is still taken to the task.
  const shown = await chosen.focus().catch(() => chosen)
  if (shown.url === target) return
  try {
    await shown.navigate(target)
  } catch {
    // navigate() needs a window this worker controls (not one opened with a hard reload).
    await clients.openWindow(target)
  }
}
