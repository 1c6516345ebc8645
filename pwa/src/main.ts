// Boot: stores, the API's hooks, the router, then the background session check and the worker.
import { createApp, watch } from 'vue'
import { createPinia } from 'pinia'
import { Locale } from 'vant'
import enUS from 'vant/es/locale/lang/en-US'
import zhCN from 'vant/es/locale/lang/zh-CN'
import App from './App.vue'
import { api } from './api'
import { acceptLanguage, locale } from './i18n'
import { isChunkLoadError, recoverFromPreloadError, restyle, type PreloadStep } from './preloadRecovery'
import { startServiceWorker } from './pwa'
import { router } from './router'
import { useAuthStore } from './stores/auth'
import { useNetworkStore } from './stores/network'
import { initSync, startSync, syncNow } from './sync'
import { applyTextSize } from './textSize'
import './theme.css'
import './styles.css'

// Before the first paint: a worker in 大字模式 never sees the small page flash by.
applyTextSize()

const app = createApp(App)
const pinia = createPinia()
app.use(pinia)

const auth = useAuthStore(pinia)
const network = useNetworkStore(pinia)

/** The server said 401 (to a screen or the outbox, both through `api`): log in again; nothing on the phone is lost. */
function sessionExpired(): void {
  auth.markExpired()
  const current = router.currentRoute.value
  if (!current.meta.public) {
    void router.replace({ name: 'login', query: { redirect: current.fullPath } })
  }
}

/** The server wants an admin-set password replaced (at login, or any answer since): show the change screen. */
function passwordChangeRequired(): void {
  auth.requirePasswordChange()
  const current = router.currentRoute.value
  if (auth.isLoggedIn && current.name !== 'password' && !current.meta.public) {
    void router.replace({ name: 'password', query: { redirect: current.fullPath } })
  }
}

api.configure({
  csrfToken: () => auth.csrfToken,
  language: acceptLanguage,
  onReachable: () => network.reportReachable(),
  onNetworkError: () => network.reportNetworkError(),
  onUnauthorized: sessionExpired,
  onPasswordChangeRequired: passwordChangeRequired,
})

initSync({ getOwner: () => auth.user?.username ?? null })

// Vant's own words (dialog buttons, pull-to-refresh) follow the app's language.
watch(
  locale,
  (next) => {
    if (next === 'en') Locale.use('en-US', enUS)
    else Locale.use('zh-CN', zhCN)
    document.documentElement.lang = next
  },
  { immediate: true },
)

// A lazy screen's files failed to load: retry once, then reload (preloadRecovery.ts).
let lastPreloadStep: PreloadStep | null = null
window.addEventListener('vite:preloadError', (event) => {
  lastPreloadStep = recoverFromPreloadError(event as Event & { payload?: unknown }, {
    session: globalThis.sessionStorage ?? null,
    now: Date.now,
    reload: () => window.location.reload(),
    restyle,
  })
})
router.onError((error, to) => {
  // The retry of a script: the same navigation once more (a second failure reloads the page).
  if (lastPreloadStep === 'retry' && isChunkLoadError(error)) {
    lastPreloadStep = null
    void router.replace(to.fullPath)
  }
})

app.use(router)
app.mount('#app')

// The cached user is already on screen; confirm the session without blocking it.
void auth.refresh()
// /auth/me or a login may say an admin set the password: the change screen comes first.
watch(
  () => auth.mustChangePassword,
  (must) => {
    if (must) passwordChangeRequired()
  },
)
network.watch(api)
startServiceWorker(() => auth.user?.role === 'worker')
// The outbox loads after the first screen; queued records start moving at once.
startSync()
// The health check saw the server again: don't wait for the backoff timer.
watch(
  () => network.offline,
  (offline, wasOffline) => {
    if (wasOffline && !offline) syncNow('online')
  },
)
