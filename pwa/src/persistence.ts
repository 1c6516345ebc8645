// Persistent storage at login: ask the browser to keep the outbox; if it refuses, a field worker
// is told once (per phone) what that means, in a notice on home rather than a dialog in the way.
import { ref } from 'vue'
import { askForPersistence, type PersistenceOutcome, type StorageManagerLike } from './outbox/storage'
import { readJson, writeJson } from './storage'

const DISMISSED_KEY = 'gw.persistNoticeDismissed'

/** True while home should explain a refusal; 知道了 sets it false for good on this phone. */
export const persistenceNotice = ref(false)

/**
 * Ask right after a real login. Only a refusal explains itself, and only to someone who works
 * offline (`explain`): desk screens are used online. `sm` lets tests stand in for the browser.
 */
export async function persistAtLogin(explain: boolean, sm?: StorageManagerLike | null): Promise<PersistenceOutcome> {
  const outcome = await (sm === undefined ? askForPersistence() : askForPersistence(sm))
  // Granted later (installed to the home screen, then 开启): a future refusal is news again.
  if (outcome === 'persistent') writeJson(DISMISSED_KEY, false)
  persistenceNotice.value = outcome === 'refused' && explain && readJson<boolean>(DISMISSED_KEY) !== true
  return outcome
}

/** The worker has read it: do not show it again on this phone. */
export function dismissPersistenceNotice(): void {
  persistenceNotice.value = false
  writeJson(DISMISSED_KEY, true)
}
