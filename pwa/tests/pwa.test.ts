// 「已可离线使用」 is news for a field worker only; desk screens are used online.
import { nextTick, ref } from 'vue'
import { beforeEach, describe, expect, it, vi } from 'vitest'

const registered: { onOfflineReady?: () => void } = {}
const toasts: string[] = []

vi.mock('virtual:pwa-register', () => ({
  registerSW: (options: { onOfflineReady?: () => void }) => {
    registered.onOfflineReady = options.onOfflineReady
    return async () => undefined
  },
}))
vi.mock('../src/feedback', () => ({ toast: (message: string) => toasts.push(message) }))

async function settle(): Promise<void> {
  await nextTick()
  // The toast comes through a dynamic import.
  await new Promise((resolve) => setTimeout(resolve, 0))
}

describe('the offline-ready toast', () => {
  beforeEach(() => {
    vi.resetModules()
    toasts.length = 0
  })

  it('tells a field worker', async () => {
    const { startServiceWorker } = await import('../src/pwa')
    startServiceWorker(() => true)
    registered.onOfflineReady?.()
    await settle()
    expect(toasts).toEqual(['已可离线使用'])
  })

  it('says nothing on desk screens', async () => {
    const { startServiceWorker } = await import('../src/pwa')
    startServiceWorker(() => false)
    registered.onOfflineReady?.()
    await settle()
    expect(toasts).toEqual([])
  })

  it('waits for a worker who is still on the login page, and tells them once', async () => {
    const { startServiceWorker } = await import('../src/pwa')
    const role = ref<string | null>(null)
    startServiceWorker(() => role.value === 'worker')
    registered.onOfflineReady?.()
    await settle()
    expect(toasts).toEqual([])
    role.value = 'worker'
    await settle()
    role.value = null
    await settle()
    role.value = 'worker'
    await settle()
    expect(toasts).toEqual(['已可离线使用'])
  })
})
