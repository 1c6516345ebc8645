// Service worker registration and the update prompt: a new version waits for the user's word.
import { ref, watch } from 'vue'
import { registerSW } from 'virtual:pwa-register'
import { t } from './i18n'

/** A new version is installed and waiting; 我的 offers it again after a 「稍后」. */
export const updateWaiting = ref(false)

/** A worker may keep the app open all day: look for a new version this often. */
const UPDATE_CHECK_MS = 60 * 60 * 1000

let updateSW: ((reloadPage?: boolean) => Promise<void>) | null = null

const DEFERRED_KEY = 'gw.updateLater'

function deferredThisSession(): boolean {
  try {
    return globalThis.sessionStorage?.getItem(DEFERRED_KEY) === '1'
  } catch {
    return false
  }
}

function deferForSession(): void {
  try {
    globalThis.sessionStorage?.setItem(DEFERRED_KEY, '1')
  } catch {
    // Not remembered: the next reload asks once more, which is harmless.
  }
}

/** The app's files are cached: it opens without a network from now on. */
export const offlineReady = ref(false)

/**
 * Register the worker. `isFieldWorker` says whether the signed-in user works in the street: only
 * they hear 「已可离线使用」 (desk screens are used online); on a first visit the worker is often
 * still on the login page when the cache fills, so the news waits for the login.
 */
export function startServiceWorker(isFieldWorker: () => boolean): void {
  const stop = watch([offlineReady, isFieldWorker], ([ready, worker]) => {
    if (!ready || !worker) return
    stop()
    void import('./feedback').then(({ toast }) => toast(t('app.offlineReady')))
  })
  updateSW = registerSW({
    onNeedRefresh() {
      updateWaiting.value = true
      // After 「稍后」 a reload does not ask again in this session: 我的 keeps offering it.
      if (!deferredThisSession()) void promptUpdate()
    },
    onOfflineReady() {
      offlineReady.value = true
    },
    onRegisteredSW(_url, registration) {
      if (!registration) return
      setInterval(() => {
        if (navigator.onLine) void registration.update().catch(() => undefined)
      }, UPDATE_CHECK_MS)
    },
  })
}

/** Ask; only 「立即更新」 activates the waiting worker, which then reloads the page. */
export async function promptUpdate(): Promise<void> {
  const { confirm } = await import('./feedback')
  const accepted = await confirm({
    title: t('app.updateTitle'),
    message: t('app.updateMessage'),
    confirmText: t('app.updateNow'),
    cancelText: t('app.updateLater'),
  })
  // 「稍后」 keeps the current version running; 我的 offers the update again.
  if (!accepted) {
    deferForSession()
    return
  }
  // registerSW reloads only when this page started under an older worker; after a first
  // install in the same session it would not, so reload ourselves once the new one takes over.
  navigator.serviceWorker?.addEventListener('controllerchange', () => window.location.reload(), {
    once: true,
  })
  await updateSW?.(true)
}
