/**
 * Browser storage durability and usage: ask that the outbox is never evicted, and report how
 * much of the quota it takes. Safe where the Storage API is missing (answers false / null).
 */

export interface StorageEstimateResult {
  usage: number
  quota: number
}

/** StorageManager as a page sees it; workers lack persist() (and their lib types say so). */
interface StorageManagerLike {
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
  const sm = storageManager()
  if (!sm || typeof sm.persist !== 'function') return false
  try {
    if (typeof sm.persisted === 'function' && (await sm.persisted())) return true
    return await sm.persist()
  } catch {
    return false
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
