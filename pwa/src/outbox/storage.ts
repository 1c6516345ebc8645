/**
 * Browser storage durability and usage: ask that the outbox is never evicted, and report how
 * much of the quota it takes. Safe where the Storage API is missing (answers false / null).
 */

export interface StorageEstimateResult {
  usage: number
  quota: number
}

/** StorageManager as a page sees it; workers lack persist() (and their lib types say so). */
export interface StorageManagerLike {
  persist?(): Promise<boolean>
  persisted?(): Promise<boolean>
  estimate?(): Promise<{ usage?: number; quota?: number }>
}

function storageManager(): StorageManagerLike | null {
  if (typeof navigator === 'undefined') return null
  return (navigator as { storage?: StorageManagerLike }).storage ?? null
}

/**
 * Ask for persistent storage, so the browser does not evict the outbox under pressure (Safari
 * also wipes a site's storage after 7 days unused unless it is installed). Returns whether
 * storage is persistent now.
 */
export async function requestPersistence(): Promise<boolean> {
  return (await askForPersistence()) === 'persistent'
}

/** What the browser answered: kept, refused (the outbox may be evicted), or no Storage API at all. */
export type PersistenceOutcome = 'persistent' | 'refused' | 'unsupported'

/** requestPersistence with the browser's answer spelled out; `sm` is the page's own unless given. */
export async function askForPersistence(sm = storageManager()): Promise<PersistenceOutcome> {
  if (!sm || typeof sm.persist !== 'function') return 'unsupported'
  try {
    if (typeof sm.persisted === 'function' && (await sm.persisted())) return 'persistent'
    return (await sm.persist()) ? 'persistent' : 'refused'
  } catch {
    return 'refused'
  }
}

/** Whether storage is already persistent, without prompting. */
export async function isPersisted(): Promise<boolean> {
  const sm = storageManager()
  if (!sm || typeof sm.persisted !== 'function') return false
  try {
    return await sm.persisted()
  } catch {
    return false
  }
}

/** Bytes used and available to this origin, or null when the browser does not say. */
export async function estimate(): Promise<StorageEstimateResult | null> {
  const sm = storageManager()
  if (!sm || typeof sm.estimate !== 'function') return null
  try {
    const e = await sm.estimate()
    return { usage: e.usage ?? 0, quota: e.quota ?? 0 }
  } catch {
    return null
  }
}
