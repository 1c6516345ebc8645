/**
 * The register the screens show, kept current: the pulled replica read from IndexedDB, the
 * worker's outbox laid over it, and the search index, rebuilt when the outbox changes (a visit
 * or an edit saved) or a sync run ends (a pull may have brought new data). One shared copy for
 * the home's due lists, the roster and the forms.
 */
import { effectScope, shallowRef, watch } from 'vue'
import type { OutboxItem } from '../outbox'
import { useAuthStore } from '../stores/auth'
import { syncStatus, useOutbox, whenSyncRunEnds } from '../sync'
import { intervalsFrom, tierRulesFrom } from './care'
import type { Intervals } from './care'
import { shanghaiToday } from './dates'
import { formKindsFrom } from './kinds'
import type { FormKinds } from './kinds'
import { overlayRegister } from './overlay'
import type { RegisterData } from './overlay'
import { buildIndex } from './search'
import type { SearchIndex } from './search'
import type { Building, Catalogue, Household, Resident, SubmissionState } from './types'
// Every screen that reads the register shows its words.
import './messages'

export interface RegisterView {
  data: RegisterData
  index: SearchIndex
  catalogues: Catalogue[]
  /** The form kinds' descriptors from the pulled catalogue; null before they are pulled. */
  kinds: FormKinds | null
  /** Own submissions as the server last told (review state, case state). */
  submissions: SubmissionState[]
  /** The worker's outbox, oldest first. */
  items: OutboxItem[]
  today: string
  intervals: Intervals
  /** When the last pull finished on this phone. */
  lastPullAt: string | null
  /** Nothing pulled yet (a new phone that has not synced). */
  empty: boolean
}

interface ReplicaCopy {
  owner: string
  buildings: Building[]
  households: Household[]
  residents: Resident[]
  catalogues: Catalogue[]
  submissions: SubmissionState[]
  lastPullAt: string | null
}

export const registerView = shallowRef<RegisterView | null>(null)
export const registerError = shallowRef<string>('')

let replica: ReplicaCopy | null = null
let running: Promise<void> | null = null
let again: { replica: boolean } | null = null
let started = false

function owner(): string | null {
  return useAuthStore().user?.username ?? null
}

async function readReplica(who: string): Promise<ReplicaCopy> {
  const { store } = await useOutbox()
  const [buildings, households, residents, catalogues, submissions, lastPullAt] = await Promise.all([
    store.getEntities<Building>('building'),
    store.getEntities<Household>('household'),
    store.getEntities<Resident>('resident'),
    store.getEntities<Catalogue>('catalogue'),
    store.getEntities<SubmissionState>('submission'),
    store.getLastSyncAt(who),
  ])
  return { owner: who, buildings, households, residents, catalogues, submissions, lastPullAt }
}

async function rebuild(withReplica: boolean): Promise<void> {
  const who = owner()
  if (!who) {
    replica = null
    registerView.value = null
    return
  }
  const outbox = await useOutbox()
  if (withReplica || !replica || replica.owner !== who) replica = await readReplica(who)
  else replica.lastPullAt = await outbox.store.getLastSyncAt(who)
  const items = await outbox.store.list(who)
  const today = shanghaiToday()
  const intervals = intervalsFrom(replica.catalogues)
  const rules = tierRulesFrom(replica.catalogues)
  const data = overlayRegister(replica, items, { today, intervals, rules, lastPullAt: replica.lastPullAt })
  registerView.value = {
    data,
    index: buildIndex(data),
    catalogues: replica.catalogues,
    kinds: formKindsFrom(replica.catalogues),
    submissions: replica.submissions,
    items,
    today,
    intervals,
    lastPullAt: replica.lastPullAt,
    empty: replica.households.length === 0 && replica.residents.length === 0,
  }
  registerError.value = ''
}

/** Re-read (coalesced: calls during a read cause one more read after it). */
export function refreshRegister(options: { replica?: boolean } = {}): Promise<void> {
  if (running) {
    again = { replica: Boolean(again?.replica || options.replica) }
    return running
  }
  running = (async () => {
    let withReplica = Boolean(options.replica)
    try {
      for (;;) {
        await rebuild(withReplica)
        if (!again) break
        withReplica = again.replica
        again = null
      }
    } catch (error) {
      registerError.value = error instanceof Error ? error.message : String(error)
    } finally {
      running = null
      again = null
    }
  })()
  return running
}

/** Start following the outbox and sync runs (idempotent); the first read starts at once. */
export function useRegister(): {
  view: typeof registerView
  error: typeof registerError
  refresh: typeof refreshRegister
} {
  if (!started) {
    started = true
    // Detached: the first screen to ask must not take the watchers with it when it unmounts.
    effectScope(true).run(follow)
  }
  if (!registerView.value && !running) void refreshRegister({ replica: true })
  return { view: registerView, error: registerError, refresh: refreshRegister }
}

function follow(): void {
  // The outbox changed (an item queued, fixed, answered): lay it over the same replica.
  watch(
    () => {
      const c = syncStatus.value?.counts
      return c ? [c.total, c.pending, c.sending, c.needs_fix, c.conflict, c.forbidden, c.done].join() : ''
    },
    () => void refreshRegister(),
  )
  // A run ended: its pull may have changed the replica.
  whenSyncRunEnds(() => void refreshRegister({ replica: true }))
  // Past midnight in Shanghai, yesterday's 今日到期 becomes 已逾期 without waiting for a sync.
  setInterval(() => {
    const view = registerView.value
    if (view && view.today !== shanghaiToday()) void refreshRegister()
  }, 60_000)
  // Another worker logs in on this phone: never show the last one's area.
  watch(owner, () => {
    replica = null
    registerView.value = null
    void refreshRegister({ replica: true })
  })
}
