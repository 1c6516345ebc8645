// The service worker's tile cache (sw/tiles.ts): what a trim drops, by age and by bytes.
import { describe, expect, it } from 'vitest'
import { planTrim, TILE_CAP_BYTES, TILE_MAX_AGE_MS } from '../sw/tiles'

const NOW = Date.parse('2026-12-04T08:00:00Z')
const KB = 1024

describe('planTrim', () => {
  it('keeps everything under the cap and within the age', () => {
    const entries = [
      { url: 'a', bytes: 20 * KB, at: NOW - 1000 },
      { url: 'b', bytes: 20 * KB, at: NOW - 2000 },
    ]
    expect(planTrim(entries, TILE_CAP_BYTES, NOW, TILE_MAX_AGE_MS)).toEqual([])
  })

  it('drops expired tiles, then the oldest until the rest fit under 30 MB', () => {
    const entries = Array.from({ length: 1600 }, (_, i) => ({ url: `t${i}`, bytes: 20 * KB, at: NOW - i * 1000 }))
    entries.push({ url: 'old', bytes: 1 * KB, at: NOW - TILE_MAX_AGE_MS - 1 })
    const drop = planTrim(entries, TILE_CAP_BYTES, NOW, TILE_MAX_AGE_MS)
    expect(drop[0]).toBe('old')
    // 1600 × 20 KB = 31.25 MB: the 64 oldest go, leaving exactly 30 MB.
    expect(drop.slice(1)).toEqual(Array.from({ length: 64 }, (_, i) => `t${1599 - i}`))
    const left = entries.filter((e) => !drop.includes(e.url)).reduce((s, e) => s + e.bytes, 0)
    expect(left).toBeLessThanOrEqual(TILE_CAP_BYTES)
  })
})
