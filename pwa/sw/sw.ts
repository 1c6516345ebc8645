// The service worker: the precached app shell, SPA navigations offline, updates on the user's word.
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute } from 'workbox-precaching'
import { NavigationRoute, registerRoute } from 'workbox-routing'

declare let self: ServiceWorkerGlobalScope

// Every built file, revisioned by hash: a cold start works with no network.
precacheAndRoute(self.__WB_MANIFEST)
// Drop the previous versions' precaches once this one activates.
cleanupOutdatedCaches()

// Client routes (/me, later /tasks/…) get the shell. /api is never answered from a cache:
// no route matches it, so API calls always reach the network (or fail, which the app handles).
registerRoute(
  new NavigationRoute(createHandlerBoundToURL('/index.html'), { denylist: [/^\/api\//] }),
)

// A new version waits until the user taps 「立即更新」 (src/pwa.ts), never under a half-filled form.
self.addEventListener('message', (event) => {
  if (event.data?.type === 'SKIP_WAITING') void self.skipWaiting()
})

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim())
})

// Later issues add here: 'push' (show the task/case notification), 'notificationclick'
// (focus or open the app at the payload's URL), and 'sync' (Background Sync: run the outbox).
