// Web Push: the service worker's push and notificationclick logic (sw/push.ts), and the
// subscribe/unsubscribe module behind 我的 (src/push), against stand-ins for the browser.
import { describe, expect, it, vi } from 'vitest'
import type { Mock } from 'vitest'
import { ApiError, NetworkError } from '../src/api'
import {
  applicationServerKey,
  createPush,
  PushDeniedError,
  PushUnsupportedError,
  SUBSCRIBE_TIMEOUT_MS,
} from '../src/push'
import type { PushEnvironment } from '../src/push'
import { appUrl, ICON, openFromNotification, parsePush, showPush } from '../sw/push'

const ORIGIN = 'https://gridwalk.example'
const KEY = 'BEl62iUYgUivxIkv69yViEuiBIa-Ib9-SkvMeAtA3LFgDzkrxZJjSgSnfckjBJuBkr3qBUYIHBQFLXYp5Nksh8U'

function pushData(value: unknown) {
  return { text: () => (typeof value === 'string' ? value : JSON.stringify(value)) }
}

describe('sw: showing a push', () => {
  it('reads the server payload', () => {
    const notice = parsePush(
      pushData({
        kind: 'task_assigned',
        title: '新任务：关爱巡访',
        url: '/tasks/7',
        tag: 'task-7',
        data: { task_id: '7' },
      }),
    )
    expect(notice).toEqual({
      kind: 'task_assigned',
      title: '新任务：关爱巡访',
      url: '/tasks/7',
      tag: 'task-7',
      data: { task_id: '7' },
    })
  })

  it('still shows something for an empty or broken push (Chrome requires a notification)', () => {
    for (const data of [null, undefined, pushData('not json'), pushData([1, 2]), pushData({ title: '  ' })]) {
      expect(parsePush(data)).toMatchObject({ title: '网格通', url: '/', tag: undefined })
    }
  })

  it('shows title, a body by kind, tag, icon and the page to open', async () => {
    const showNotification = vi.fn(async () => undefined)
    const notice = parsePush(
      pushData({ kind: 'case_dispatched', title: '案件：占道经营', url: '/cases/42', tag: 'case-42' }),
    )
    await showPush({ showNotification }, notice, ORIGIN)
    expect(showNotification).toHaveBeenCalledWith('案件：占道经营', {
      body: '有案件派遣给你，请按期处置',
      tag: 'case-42',
      icon: ICON,
      lang: 'zh-CN',
      data: { kind: 'case_dispatched', url: `${ORIGIN}/cases/42` },
    })
    expect(ICON).toBe('/icons/icon-192.png')
  })

  it('keeps every url inside the app', () => {
    expect(appUrl('/tasks/1?from=push', ORIGIN)).toBe(`${ORIGIN}/tasks/1?from=push`)
    expect(appUrl(`${ORIGIN}/cases/2`, ORIGIN)).toBe(`${ORIGIN}/cases/2`)
    expect(appUrl('https://evil.example/login', ORIGIN)).toBe(`${ORIGIN}/`)
    expect(appUrl('//evil.example/login', ORIGIN)).toBe(`${ORIGIN}/`)
    expect(appUrl('javascript:alert(1)', ORIGIN)).toBe(`${ORIGIN}/`)
    expect(appUrl(undefined, ORIGIN)).toBe(`${ORIGIN}/`)
  })
})

interface FakeWindow {
  url: string
  focused?: boolean
  visibilityState?: string
  focus: Mock<() => Promise<FakeWindow>>
  navigate: Mock<(url: string) => Promise<FakeWindow | null>>
}

function fakeWindow(url: string, extra: Partial<FakeWindow> = {}): FakeWindow {
  const win: FakeWindow = {
    url,
    focus: vi.fn<() => Promise<FakeWindow>>(async () => win),
    navigate: vi.fn<(url: string) => Promise<FakeWindow | null>>(async (to: string) => {
      win.url = to
      return win
    }),
    ...extra,
  }
  return win
}

function fakeClients(windows: FakeWindow[]) {
  return { matchAll: vi.fn(async () => windows), openWindow: vi.fn(async () => null) }
}

describe('sw: tapping the notification', () => {
  it('focuses the open app and takes it to the task', async () => {
    const background = fakeWindow(`${ORIGIN}/outbox`)
    const visible = fakeWindow(`${ORIGIN}/`, { visibilityState: 'visible' })
    const clients = fakeClients([background, visible])
    await openFromNotification(clients, `${ORIGIN}/tasks/7`, ORIGIN)
    expect(visible.focus).toHaveBeenCalledOnce()
    expect(visible.navigate).toHaveBeenCalledWith(`${ORIGIN}/tasks/7`)
    expect(background.navigate).not.toHaveBeenCalled()
    expect(clients.openWindow).not.toHaveBeenCalled()
  })

  it('prefers the focused window, and only focuses it when it already shows the task', async () => {
    const focused = fakeWindow(`${ORIGIN}/tasks/7`, { focused: true })
    const clients = fakeClients([fakeWindow(`${ORIGIN}/`, { visibilityState: 'visible' }), focused])
    await openFromNotification(clients, `${ORIGIN}/tasks/7`, ORIGIN)
    expect(focused.focus).toHaveBeenCalledOnce()
    expect(focused.navigate).not.toHaveBeenCalled()
  })

  it('opens a window when the app is not open', async () => {
    const clients = fakeClients([])
    await openFromNotification(clients, '/cases/42', ORIGIN)
    expect(clients.openWindow).toHaveBeenCalledWith(`${ORIGIN}/cases/42`)
  })

  it('still takes the page to the task when focus is refused', async () => {
    const win = fakeWindow(`${ORIGIN}/`)
    win.focus.mockRejectedValue(new Error('Not allowed to focus a window'))
    await openFromNotification(fakeClients([win]), `${ORIGIN}/tasks/7`, ORIGIN)
    expect(win.navigate).toHaveBeenCalledWith(`${ORIGIN}/tasks/7`)
  })

  it('opens a window when the open one cannot be navigated (not controlled by the worker)', async () => {
    const win = fakeWindow(`${ORIGIN}/`)
    win.navigate.mockRejectedValue(new TypeError('not controlled'))
    const clients = fakeClients([win])
    await openFromNotification(clients, `${ORIGIN}/tasks/7`, ORIGIN)
    expect(clients.openWindow).toHaveBeenCalledWith(`${ORIGIN}/tasks/7`)
  })

  it('never follows a url to another site', async () => {
    const win = fakeWindow(`${ORIGIN}/me`)
    await openFromNotification(fakeClients([win]), 'https://evil.example/', ORIGIN)
    expect(win.navigate).toHaveBeenCalledWith(`${ORIGIN}/`)
  })
})

// ---- src/push: subscribing on 我的 ------------------------------------------------------

interface FakeSubscription {
  endpoint: string
  options: { applicationServerKey: ArrayBuffer }
  toJSON: () => unknown
  unsubscribe: ReturnType<typeof vi.fn>
}

function fakeSubscription(endpoint = 'https://fcm.googleapis.com/fcm/send/abc', key = KEY): FakeSubscription {
  return {
    endpoint,
    options: { applicationServerKey: applicationServerKey(key).buffer },
    toJSON: () => ({ endpoint, expirationTime: null, keys: { p256dh: 'P', auth: 'A' } }),
    unsubscribe: vi.fn(async () => true),
  }
}

function setup(
  opts: {
    permission?: NotificationPermission
    answer?: NotificationPermission
    current?: FakeSubscription | null
    subscribe?: () => Promise<FakeSubscription>
    hasPushManager?: boolean
    api?: Partial<PushEnvironment['api']>
  } = {},
) {
  let current = opts.current ?? null
  const made = fakeSubscription()
  const pushManager = {
    getSubscription: vi.fn(async () => current),
    subscribe: vi.fn<(options: PushSubscriptionOptionsInit) => Promise<FakeSubscription>>(
      opts.subscribe ??
        (async () => {
          current = made
          return made
        }),
    ),
  }
  const registration = { pushManager } as unknown as ServiceWorkerRegistration
  const notification = {
    permission: opts.permission ?? ('default' as NotificationPermission),
    requestPermission: vi.fn(async () => opts.answer ?? 'granted'),
  }
  const api = {
    get: vi.fn(async () => ({ public_key: KEY })),
    post: vi.fn(async () => ({})),
    delete: vi.fn(async () => undefined),
    ...opts.api,
  }
  const env: PushEnvironment = {
    serviceWorker: { ready: Promise.resolve(registration), getRegistration: async () => registration },
    Notification: notification,
    hasPushManager: opts.hasPushManager ?? true,
    api: api as unknown as PushEnvironment['api'],
  }
  return { push: createPush(env), pushManager, notification, api, made }
}

describe('src/push: this device on 我的', () => {
  it('turns the VAPID key into the bytes PushManager wants', () => {
    const bytes = applicationServerKey(KEY)
    expect(bytes.length).toBe(65)
    expect(bytes[0]).toBe(4)
  })

  it('reports unsupported, denied, off and on without asking anything', async () => {
    expect(await setup({ hasPushManager: false }).push.state()).toBe('unsupported')
    expect(await setup({ permission: 'denied' }).push.state()).toBe('denied')
    const off = setup()
    expect(await off.push.state()).toBe('unsubscribed')
    expect(off.notification.requestPermission).not.toHaveBeenCalled()
    expect(await setup({ permission: 'granted', current: fakeSubscription() }).push.state()).toBe('subscribed')
  })

  it('asks permission on the tap, subscribes with the server key and registers the subscription', async () => {
    const { push, pushManager, notification, api, made } = setup()
    await push.enable()
    expect(notification.requestPermission).toHaveBeenCalledOnce()
    expect(api.get).toHaveBeenCalledWith('/push/key')
    const options = pushManager.subscribe.mock.calls[0][0]
    expect(options.userVisibleOnly).toBe(true)
    expect(options.applicationServerKey).toEqual(applicationServerKey(KEY))
    expect(api.post).toHaveBeenCalledWith('/push/subscriptions', made.toJSON())
    expect(await push.state()).toBe('subscribed')
  })

  it('says "denied" when the worker refuses, and subscribes nothing', async () => {
    const { push, pushManager } = setup({ answer: 'denied' })
    await expect(push.enable()).rejects.toBeInstanceOf(PushDeniedError)
    expect(pushManager.subscribe).not.toHaveBeenCalled()
  })

  it('says "unsupported" when the phone has no push service', async () => {
    const { push, api } = setup({
      subscribe: async () => {
        throw new DOMException('Registration failed - push service not available', 'AbortError')
      },
    })
    await expect(push.enable()).rejects.toBeInstanceOf(PushUnsupportedError)
    expect(api.post).not.toHaveBeenCalled()
    await expect(setup({ hasPushManager: false }).push.enable()).rejects.toBeInstanceOf(PushUnsupportedError)
  })

  it('gives up on a push service that never answers (Chrome without Google services)', async () => {
    vi.useFakeTimers()
    try {
      const { push, api } = setup({ subscribe: () => new Promise<FakeSubscription>(() => undefined) })
      const result = expect(push.enable()).rejects.toBeInstanceOf(PushUnsupportedError)
      await vi.advanceTimersByTimeAsync(SUBSCRIBE_TIMEOUT_MS)
      await result
      expect(api.post).not.toHaveBeenCalled()
    } finally {
      vi.useRealTimers()
    }
  })

  it('undoes the browser subscription when the server does not take it', async () => {
    const refused = new ApiError(422, 'validation_failed', '推送地址无效')
    const { push, made } = setup({ api: { post: vi.fn(async () => Promise.reject(refused)) } })
    await expect(push.enable()).rejects.toBe(refused)
    expect(made.unsubscribe).toHaveBeenCalledOnce()
  })

  it('turns off: tells the server, then unsubscribes the browser (even offline)', async () => {
    const on = setup({ permission: 'granted', current: fakeSubscription() })
    await on.push.disable()
    expect(on.api.delete).toHaveBeenCalledWith('/push/subscriptions', {
      body: { endpoint: 'https://fcm.googleapis.com/fcm/send/abc' },
    })

    const current = fakeSubscription()
    const offline = setup({
      permission: 'granted',
      current,
      api: { delete: vi.fn(async () => Promise.reject(new NetworkError())) },
    })
    await offline.push.disable()
    expect(current.unsubscribe).toHaveBeenCalledOnce()

    const gone = fakeSubscription()
    const pruned = setup({
      permission: 'granted',
      current: gone,
      api: { delete: vi.fn(async () => Promise.reject(new ApiError(404, 'not_found', '找不到该记录'))) },
    })
    await pruned.push.disable()
    expect(gone.unsubscribe).toHaveBeenCalledOnce()
  })

  it('refresh re-registers the subscription, and renews it when the server key changed', async () => {
    const same = setup({ permission: 'granted', current: fakeSubscription() })
    await same.push.refresh()
    expect(same.api.post).toHaveBeenCalledOnce()
    expect(same.pushManager.subscribe).not.toHaveBeenCalled()

    const oldKey = 'B' + 'A'.repeat(86)
    const stale = fakeSubscription('https://fcm.googleapis.com/fcm/send/old', oldKey)
    const rotated = setup({ permission: 'granted', current: stale })
    await rotated.push.refresh()
    expect(stale.unsubscribe).toHaveBeenCalledOnce()
    expect(rotated.pushManager.subscribe).toHaveBeenCalledOnce()
    expect(rotated.api.post).toHaveBeenCalledWith('/push/subscriptions', rotated.made.toJSON())

    const notGranted = setup({ permission: 'default', current: fakeSubscription() })
    await notGranted.push.refresh()
    expect(notGranted.api.post).not.toHaveBeenCalled()
  })
})
