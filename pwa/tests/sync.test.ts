// The app's outbox wiring before main.ts sets it up: every call is harmless (unit tests, SSR).
import { describe, expect, it } from 'vitest'
import { sessionEnded, sessionStarted, startSync, syncNow, unsyncedCount, useOutbox, waitingOf } from '../src/sync'

describe('sync wiring', () => {
  it('counts for the badge what is not on the server plus what needs the worker', () => {
    expect(
      waitingOf({ pending: 2, sending: 1, needs_fix: 1, conflict: 1, forbidden: 0, done: 9, total: 14, attention: 2 }),
    ).toBe(5)
    expect(waitingOf(undefined)).toBe(0)
  })

  it('does nothing until initSync', async () => {
    startSync()
    sessionStarted('worker', 'csrf')
    sessionEnded()
    syncNow()
    expect(await unsyncedCount('worker')).toBe(0)
    await expect(useOutbox()).rejects.toThrow(/initSync/)
  })
})
