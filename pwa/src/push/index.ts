// Web Push on this device: subscribe on the worker's tap, unsubscribe, keep the server in step.
// Push only wakes the app; tasks always arrive by sync too. Most phones in mainland China have
// no push service at all, so "not supported" is a normal answer here, not an error.
import { api as defaultApi, ApiError, NetworkError } from '../api'
import type { ApiClient } from '../api'

export type PushState = 'unsupported' | 'denied' | 'subscribed' | 'unsubscribed'

/** This device cannot take pushes (no Push API, no push service, iOS outside the home screen). */
export class PushUnsupportedError extends Error {
  override name = 'PushUnsupportedError'
}

/** The worker (or the browser on their behalf) said no to notifications. */
export class PushDeniedError extends Error {
  override name = 'PushDeniedError'
}

/** The parts of the browser this module uses; tests pass fakes. */
export interface PushEnvironment {
  serviceWorker?: Pick<ServiceWorkerContainer, 'ready' | 'getRegistration'>
  Notification?: { readonly permission: NotificationPermission; requestPermission(): Promise<NotificationPermission> }
  hasPushManager: boolean
  api: Pick<ApiClient, 'get' | 'post' | 'delete'>
  /** How long PushManager.subscribe() may take before the device counts as unsupported. */
  subscribeTimeoutMs?: number
}

/** Without Google services, Chrome's subscribe() can wait for a push service forever. */
export const SUBSCRIBE_TIMEOUT_MS = 15_000

function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no answer from the push service in ${ms / 1000} s`)), ms)
    promise.then(
      (value) => {
        clearTimeout(timer)
        resolve(value)
      },
      (error: unknown) => {
        clearTimeout(timer)
        reject(error)
      },
    )
  })
}

function browserEnvironment(): PushEnvironment {
  const nav = typeof navigator === 'undefined' ? undefined : navigator
  return {
    serviceWorker: nav && 'serviceWorker' in nav ? nav.serviceWorker : undefined,
    Notification: typeof Notification === 'undefined' ? undefined : Notification,
    hasPushManager: typeof PushManager !== 'undefined',
    api: defaultApi,
  }
}

/** The VAPID key as the bytes PushManager.subscribe() takes. */
export function applicationServerKey(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64url
    .replace(/-/g, '+')
    .replace(/_/g, '/')
    .padEnd(Math.ceil(base64url.length / 4) * 4, '=')
  const text = atob(base64)
  const bytes = new Uint8Array(new ArrayBuffer(text.length))
  for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i)
  return bytes
}

function sameBytes(a: ArrayBuffer | null | undefined, b: Uint8Array): boolean {
  if (!a || a.byteLength !== b.length) return false
  const view = new Uint8Array(a)
  return view.every((value, i) => value === b[i])
}

export function createPush(env: PushEnvironment = browserEnvironment()) {
  const supported = (): boolean => !!env.serviceWorker && !!env.Notification && env.hasPushManager

  async function registration(): Promise<ServiceWorkerRegistration | undefined> {
    return env.serviceWorker ? await env.serviceWorker.getRegistration() : undefined
  }

  async function serverKey(): Promise<Uint8Array<ArrayBuffer>> {
    const answer = await env.api.get<{ public_key: string }>('/push/key')
    return applicationServerKey(answer.public_key)
  }

  async function register(subscription: PushSubscription): Promise<void> {
    await env.api.post('/push/subscriptions', subscription.toJSON())
  }

  return {
    supported,

    /** What 我的 shows for this device; never asks for permission. */
    async state(): Promise<PushState> {
      if (!supported()) return 'unsupported'
      if (env.Notification!.permission === 'denied') return 'denied'
      const reg = await registration()
      if (!reg?.pushManager) return 'unsupported'
      return (await reg.pushManager.getSubscription()) ? 'subscribed' : 'unsubscribed'
    },

    /** Ask for permission and subscribe: call only from the worker's tap. */
    async enable(): Promise<void> {
      if (!supported()) throw new PushUnsupportedError('no Push API')
      const permission = await env.Notification!.requestPermission()
      if (permission !== 'granted') throw new PushDeniedError(permission)
      const key = await serverKey()
      const reg = await env.serviceWorker!.ready
      let subscription: PushSubscription
      try {
        subscription = await within(
          reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key }),
          env.subscribeTimeoutMs ?? SUBSCRIBE_TIMEOUT_MS,
        )
      } catch (cause) {
        // No push service on the phone (AbortError "push service not available", or no answer
        // at all); a subscription that turns up later is registered by refresh() next time.
        throw new PushUnsupportedError(cause instanceof Error ? cause.message : String(cause))
      }
      try {
        await register(subscription)
      } catch (cause) {
        // The server does not know it: a subscription shown as "on" would be a lie.
        await subscription.unsubscribe().catch(() => false)
        throw cause
      }
    },

    /** Unsubscribe this device; offline too (the push service then answers 410 and the server drops it). */
    async disable(): Promise<void> {
      const subscription = await (await registration())?.pushManager?.getSubscription()
      if (!subscription) return
      try {
        await env.api.delete('/push/subscriptions', { body: { endpoint: subscription.endpoint } })
      } catch (cause) {
        const alreadyGone = cause instanceof ApiError && cause.status === 404
        if (!alreadyGone && !(cause instanceof NetworkError)) throw cause
      }
      await subscription.unsubscribe()
    },

    /** Tell the server about this device's subscription again (it may have been dropped, the key
     * changed, or another user logged in on this phone). Quiet: errors are left for the next time. */
    async refresh(): Promise<void> {
      if (!supported() || env.Notification!.permission !== 'granted') return
      const reg = await registration()
      let subscription = await reg?.pushManager?.getSubscription()
      if (!reg || !subscription) return
      try {
        const key = await serverKey()
        if (!sameBytes(subscription.options?.applicationServerKey, key)) {
          await subscription.unsubscribe()
          subscription = await reg.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: key })
        }
        await register(subscription)
      } catch {
        // Offline or refused: 我的 still shows this device's own state.
      }
    },
  }
}

export type PushControl = ReturnType<typeof createPush>

let shared: PushControl | null = null

/** The app's push control (made on first use: the page's navigator and api). */
export function usePush(): PushControl {
  shared ??= createPush()
  return shared
}
