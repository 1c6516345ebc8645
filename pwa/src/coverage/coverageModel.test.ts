import { describe, expect, it } from 'vitest'
import { coveragePath, percent, shanghaiMonth } from './coverageModel'

describe('coverage model', () => {
  it('shows a ratio as a percentage with one decimal, and nothing when there is no denominator', () => {
    expect(percent(0.6667)).toBe('66.7%')
    expect(percent(1)).toBe('100.0%')
    expect(percent(0)).toBe('0.0%')
    expect(percent(null)).toBeNull()
  })

  it('asks for a month and a community only when chosen', () => {
    expect(coveragePath()).toBe('/submissions/coverage')
    expect(coveragePath('2026-11', 3)).toBe('/submissions/coverage?month=2026-11&community_id=3')
    expect(coveragePath('2026-11', null)).toBe('/submissions/coverage?month=2026-11')
  })

  it('counts months on the Shanghai clock: 16:30 UTC on the last day is already next month', () => {
    expect(shanghaiMonth(new Date('2026-11-30T16:30:00Z'))).toBe('2026-12')
    expect(shanghaiMonth(new Date('2026-11-30T15:59:00Z'))).toBe('2026-11')
    expect(shanghaiMonth(new Date('2026-12-31T16:00:00Z'))).toBe('2027-01')
  })
})
