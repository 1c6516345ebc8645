// The service worker: the precached app shell, SPA navigations offline, updates on the user's word.
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching'
import { NavigationRoute, registerRoute } from 'workbox-routing'
import { CacheFirst } from 'workbox-strategies'
import { ExpirationPlugin } from 'workbox-expiration'
import { runSyncInWorker, SYNC_TAG } from '../src/outbox'
import { openFromNotification, parsePush, showPush } from './push'
import { isTileRequest, tileResponse } from './tiles'

declare let self: ServiceWorkerGlobalScope

/** Background Sync's event (not in TypeScript's WebWorker lib: Chromium-only API). */
interface SyncEvent extends ExtendableEvent {
  readonly tag: string
  readonly lastChance: boolean
}

/** Desk screens (and the dashboard's charts) left out of the precache, kept once opened. */
const DESK_ASSETS_CACHE = 'gridwalk-desk-assets'

// Every file a worker's routes can reach, revisioned by hash: a cold start works with no network.
precacheAndRoute(self.__WB_MANIFEST)
// Drop the previous versions' precaches once this one activates.
cleanupOutdatedCaches()

// Client routes (/me, later /tasks/…) get the shell. /api is never answered from a cache:
// no route matches it, so API calls always reach the network (or fail, which the app handles).
registerRoute(new NavigationRoute(createHandlerBoundToURL('/index.html'), { denylist: [/^\/api\//] }))

// The precache route above answers first; what it lacks is a desk-only chunk (vite.config.ts).
// Hashed file names never change content, so the first copy is good until the next release
// stops asking for it, and the expiration drops old releases' files.
registerRoute(
  ({ url }) => url.origin === self.location.origin && url.pathname.startsWith('/assets/'),
  new CacheFirst({
    cacheName: DESK_ASSETS_CACHE,
    plugins: [new ExpirationPlugin({ maxEntries: 80, maxAgeSeconds: 60 * 24 * 3600, purgeOnQuotaError: true })],
  }),
)

// The map's basemap tiles (only when an operator set a tile source): cached on demand under a
// 30 MB cap and a 30-day expiry (sw/tiles.ts).
registerRoute(
  ({ request }) => isTileRequest(request, self.location.origin),
  ({ request, event }) => tileResponse(request, (p) => (event as ExtendableEvent).waitUntil(p)),
)

// A new version waits until the user taps 「立即更新」 (src/pwa.ts), never under a half-filled form.
self.addEventListener('message', (event) => {
  if (event.data?.type === 'SKIP_WAITING') void self.skipWaiting()
})

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim())
})

// Background Sync: the browser wakes us when the network returns, even with the app closed.
// The outbox run uses the session the page saved; a failed run rejects, so the browser retries.
self.addEventListener('sync', (event) => {
  const sync = event as SyncEvent
  if (sync.tag === SYNC_TAG) sync.waitUntil(runSyncInWorker({ appVersion: __APP_VERSION__ }))
})

// Web Push (sw/push.ts): show what the server sent; a tap opens its task or case.
self.addEventListener('push', (event) => {
  event.waitUntil(showPush(self.registration, parsePush(event.data), self.location.origin))
})

self.addEventListener('notificationclick', (event) => {
  event.notification.close()
  event.waitUntil(openFromNotification(self.clients, event.notification.data?.url, self.location.origin))
})
