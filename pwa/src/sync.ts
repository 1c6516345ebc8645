// The app's one outbox (loaded just after the first screen) and its sync status for the screens.
import { computed, shallowRef, watch } from 'vue'
import { api } from './api'
import type { GridwalkOutbox, OutboxCounts, SyncReason, SyncStatus } from './outbox'

/** The CSRF token, the language and "the session ended" come with the app's API client (api.configure). */
export interface SyncSetup {
  /** Username of the worker whose items sync; a cached user whose session expired still counts. */
  getOwner(): string | null
}

let setup: SyncSetup | null = null
let loading: Promise<GridwalkOutbox> | null = null

/** The engine's latest status; null until the outbox has loaded. */
export const syncStatus = shallowRef<SyncStatus | null>(null)

/** What the 待同步 badge counts: items not yet on the server, and the ones the worker must look at. */
export function waitingOf(counts: OutboxCounts | undefined): number {
  return counts ? counts.pending + counts.sending + counts.attention : 0
}

export const waitingCount = computed(() => waitingOf(syncStatus.value?.counts))

/** Call `then` each time a sync run ends: its pull may have changed the replica. In a setup or effect scope. */
export function whenSyncRunEnds(then: () => void): void {
  watch(
    () => [syncStatus.value?.state === 'syncing', syncStatus.value?.lastSuccessAt] as const,
    ([syncing]) => {
      if (!syncing) then()
    },
  )
}

/** Wire the outbox to the session (main.ts). Until then every call here is a no-op, e.g. in unit tests. */
export function initSync(next: SyncSetup): void {
  setup = next
}

/** The outbox, loaded on first use: IndexedDB and the engine stay out of the first screen's bundle. */
export function useOutbox(): Promise<GridwalkOutbox> {
  const wiring = setup
  if (!wiring) return Promise.reject(new Error('initSync() has not run'))
  if (!loading) {
    const attempt = import('./outbox').then(({ getOutbox }) => {
      const outbox = getOutbox({
        appVersion: __APP_VERSION__,
        api,
        getOwner: () => wiring.getOwner(),
      })
      outbox.engine.subscribe((status) => {
        syncStatus.value = status
      })
      return outbox
    })
    // A failed chunk load (an update swapped the files) must not stick: try again next time.
    attempt.catch(() => {
      if (loading === attempt) loading = null
    })
    loading = attempt
  }
  return loading
}

function quietly(work: (outbox: GridwalkOutbox) => Promise<unknown> | unknown): void {
  if (!setup) return
  useOutbox()
    .then(work)
    .catch((error: unknown) => {
      // Storage blocked or the chunk missing: the screens show the outbox's own errors.
      console.warn('outbox:', error)
    })
}

/** At boot with a cached user: triggers on, and a first sync. */
export function startSync(): void {
  if (!setup?.getOwner()) return
  quietly((outbox) => outbox.engine.start())
}

/** A session began or changed (login, a new CSRF token): remember it for Background Sync and sync now. */
export function sessionStarted(owner: string, csrfToken: string | null): void {
  quietly(async (outbox) => {
    outbox.engine.start()
    await outbox.loggedIn(owner, csrfToken)
  })
}

/**
 * At logout: the worker's items stay on the phone for their next login; the session and the
 * pulled copy of their area (households, residents) go, for the next person using the phone.
 */
export function sessionEnded(): void {
  quietly(async (outbox) => {
    await outbox.loggedOut()
    await outbox.store.clearReplica()
  })
}

/** Run a sync now (the network came back, the 立即同步 button). */
export function syncNow(reason: SyncReason = 'manual'): void {
  if (!setup?.getOwner()) return
  quietly((outbox) => outbox.engine.sync({ reason }))
}

/** How many of the owner's items have not reached the server (everything but done). */
export async function unsyncedCount(owner: string): Promise<number> {
  if (!setup) return 0
  const counts = await (await useOutbox()).store.counts(owner)
  return counts.total - counts.done
}
