// Persistent storage at login: what the browser answers, and when a field worker is told about a refusal.
import { beforeEach, describe, expect, it } from 'vitest'
import type { StorageManagerLike } from '../src/outbox/storage'
import { dismissPersistenceNotice, persistAtLogin, persistenceNotice } from '../src/persistence'
import { installMemoryStorage } from './support/memoryStorage'

const local = installMemoryStorage()

/** navigator.storage as a browser would answer, counting the prompts. */
function browser(answer: boolean | Error, already = false) {
  const calls = { persist: 0 }
  const sm: StorageManagerLike = {
    persisted: async () => already,
    persist: async () => {
      calls.persist++
      if (answer instanceof Error) throw answer
      return answer
    },
  }
  return { sm, calls }
}

describe('persistAtLogin', () => {
  beforeEach(() => {
    local.clear()
    persistenceNotice.value = false
  })

  it('asks the browser and stays quiet when it agrees', async () => {
    const { sm, calls } = browser(true)
    expect(await persistAtLogin(true, sm)).toBe('persistent')
    expect(calls.persist).toBe(1)
    expect(persistenceNotice.value).toBe(false)
  })

  it('does not ask again when storage is already persistent', async () => {
    const { sm, calls } = browser(false, true)
    expect(await persistAtLogin(true, sm)).toBe('persistent')
    expect(calls.persist).toBe(0)
    expect(persistenceNotice.value).toBe(false)
  })

  it('explains a refusal to a field worker', async () => {
    expect(await persistAtLogin(true, browser(false).sm)).toBe('refused')
    expect(persistenceNotice.value).toBe(true)
  })

  it('counts a failing persist() as a refusal', async () => {
    expect(await persistAtLogin(true, browser(new Error('SecurityError')).sm)).toBe('refused')
    expect(persistenceNotice.value).toBe(true)
  })

  it('says nothing to desk users, who work online', async () => {
    expect(await persistAtLogin(false, browser(false).sm)).toBe('refused')
    expect(persistenceNotice.value).toBe(false)
  })

  it('says nothing where the browser has no Storage API', async () => {
    expect(await persistAtLogin(true, null)).toBe('unsupported')
    expect(await persistAtLogin(true, {})).toBe('unsupported')
    expect(persistenceNotice.value).toBe(false)
  })

  it('explains once per phone after 知道了, and again after a later grant', async () => {
    await persistAtLogin(true, browser(false).sm)
    dismissPersistenceNotice()
    expect(persistenceNotice.value).toBe(false)
    await persistAtLogin(true, browser(false).sm)
    expect(persistenceNotice.value).toBe(false)
    // Installed and granted, later refused (a reinstall): the worker needs to hear it again.
    await persistAtLogin(true, browser(true).sm)
    await persistAtLogin(true, browser(false).sm)
    expect(persistenceNotice.value).toBe(true)
  })
})
