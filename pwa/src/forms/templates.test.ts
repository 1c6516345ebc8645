import { effectScope, nextTick } from 'vue'
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { syncStatus } from '../sync'
import type { SyncStatus } from '../outbox'
import { useKnownTemplates } from './templates'

/** A browser's localStorage, enough of it for the phone's template copies. */
function memoryStorage(): Storage {
  const data = new Map<string, string>()
  return {
    get length() {
      return data.size
    },
    key: (i: number) => [...data.keys()][i] ?? null,
    getItem: (k: string) => data.get(k) ?? null,
    setItem: (k: string, v: string) => void data.set(k, String(v)),
    removeItem: (k: string) => void data.delete(k),
    clear: () => data.clear(),
  }
}

function status(state: SyncStatus['state'], lastSuccessAt: string | null): SyncStatus {
  return {
    state,
    progress: { itemsDone: 0, itemsTotal: 0, photoBytesSent: 0, photoBytesTotal: 0 },
    lastSuccessAt,
    nextRetryAt: null,
    counts: { pending: 0, sending: 0, needs_fix: 0, conflict: 0, done: 0, forbidden: 0, total: 0, attention: 0 },
    lastError: null,
  }
}

const hazard = {
  key: 'hazard_report',
  version: 1,
  kind: 'hazard_report',
  fields: [{ name: 'description', type: 'text', label: { zh: '隐患描述', en: 'Description' } }],
}

async function settle(): Promise<void> {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0))
  await nextTick()
}

describe('useKnownTemplates', () => {
  beforeEach(() => {
    vi.stubGlobal('localStorage', memoryStorage())
    syncStatus.value = null
  })
  afterEach(() => {
    vi.unstubAllGlobals()
    syncStatus.value = null
  })

  it('a screen opened before the templates arrived shows them once the sync run ends', async () => {
    const scope = effectScope()
    const templates = scope.run(() => useKnownTemplates())!
    syncStatus.value = status('syncing', null)
    await settle()
    expect(templates.value.has('hazard_report:1')).toBe(false)

    // The pull's later page brings the template; the run then ends.
    localStorage.setItem('gw.form.hazard_report:1', JSON.stringify(hazard))
    await settle()
    expect(templates.value.has('hazard_report:1')).toBe(false)
    syncStatus.value = status('idle', '2027-02-28T16:30:00Z')
    await settle()
    expect(templates.value.get('hazard_report:1')?.fields[0].name).toBe('description')
    scope.stop()
  })

  it('reads what the phone holds as soon as the screen asks', async () => {
    localStorage.setItem('gw.form.hazard_report:1', JSON.stringify(hazard))
    const scope = effectScope()
    const templates = scope.run(() => useKnownTemplates())!
    await settle()
    expect([...templates.value.keys()]).toEqual(['hazard_report:1'])
    scope.stop()
  })
})
