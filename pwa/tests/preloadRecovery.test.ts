// vite:preloadError: one retry, then one reload, then no more (no reload loop on a broken server).
import { describe, expect, it } from 'vitest'
import { failedStylesheet, isChunkLoadError, recoverFromPreloadError, WINDOW_MS } from '../src/preloadRecovery'
import { MemoryStorage } from './support/memoryStorage'

const CSS = 'http://127.0.0.1:5000/assets/style-AbC123.css'

function failure(message: string) {
  const event = new Event('vite:preloadError', { cancelable: true }) as Event & { payload?: unknown }
  event.payload = new Error(message)
  return event
}

function browser(start = 1_000_000, restyleFails = false) {
  const seen = { reloads: 0, restyled: [] as string[], clock: start }
  const deps = {
    session: new MemoryStorage(),
    now: () => seen.clock,
    reload: () => void seen.reloads++,
    restyle: async (href: string) => {
      seen.restyled.push(href)
      if (restyleFails) throw new Error('offline')
    },
  }
  return { seen, deps }
}

describe('recoverFromPreloadError', () => {
  it('fetches a failed stylesheet again and lets the screen load', () => {
    const { seen, deps } = browser()
    const event = failure(`Unable to preload CSS for ${CSS}`)
    expect(recoverFromPreloadError(event, deps)).toBe('retry')
    expect(event.defaultPrevented).toBe(true)
    expect(seen.restyled).toEqual([CSS])
    expect(seen.reloads).toBe(0)
  })

  it('reloads when the stylesheet fails a second time', async () => {
    const { seen, deps } = browser(1_000_000, true)
    recoverFromPreloadError(failure(`Unable to preload CSS for ${CSS}`), deps)
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(seen.reloads).toBe(1)
  })

  it('lets a failed script throw for the router to retry, then reloads on the second failure', () => {
    const { seen, deps } = browser()
    const first = failure('Failed to fetch dynamically imported module: /assets/MePage-x.js')
    expect(recoverFromPreloadError(first, deps)).toBe('retry')
    expect(first.defaultPrevented).toBe(false)
    expect(recoverFromPreloadError(failure('Failed to fetch dynamically imported module'), deps)).toBe('reload')
    expect(seen.reloads).toBe(1)
  })

  it('gives up after the reload instead of reloading for ever', () => {
    const { seen, deps } = browser()
    recoverFromPreloadError(failure('Importing a module script failed.'), deps)
    recoverFromPreloadError(failure('Importing a module script failed.'), deps)
    // The reloaded page fails again: the session still remembers both.
    expect(recoverFromPreloadError(failure('Importing a module script failed.'), deps)).toBe('give-up')
    expect(seen.reloads).toBe(1)
  })

  it('treats a failure long after the last as a new accident', () => {
    const { seen, deps } = browser()
    recoverFromPreloadError(failure('Importing a module script failed.'), deps)
    seen.clock += WINDOW_MS + 1
    expect(recoverFromPreloadError(failure('Importing a module script failed.'), deps)).toBe('retry')
    expect(seen.reloads).toBe(0)
  })
})

describe('error shapes', () => {
  it("reads the stylesheet from Vite's message and recognises chunk failures", () => {
    expect(failedStylesheet(new Error(`Unable to preload CSS for ${CSS}`))).toBe(CSS)
    expect(failedStylesheet(new Error('Failed to fetch dynamically imported module'))).toBeNull()
    expect(isChunkLoadError(new TypeError('Failed to fetch dynamically imported module: /assets/a.js'))).toBe(true)
    expect(isChunkLoadError(new Error('Cannot read properties of undefined'))).toBe(false)
  })
})
