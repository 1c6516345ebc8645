// Times on the street's wall clock and storage sizes.
import { describe, expect, it } from 'vitest'
import { formatBytes, shanghaiTime } from '../src/format'

describe('shanghaiTime', () => {
  it('shows any offset as Asia/Shanghai time', () => {
    expect(shanghaiTime('2026-11-27T01:30:00Z')).toBe('2026-11-27 09:30')
    expect(shanghaiTime('2026-11-27T09:30:05.123+08:00', true)).toBe('2026-11-27 09:30:05')
    expect(shanghaiTime('2026-12-31T20:00:00-04:00')).toBe('2027-01-01 08:00')
  })

  it('is empty for nothing or nonsense', () => {
    expect(shanghaiTime(null)).toBe('')
    expect(shanghaiTime('soon')).toBe('')
  })
})

describe('formatBytes', () => {
  it('uses the units phones show', () => {
    expect(formatBytes(0)).toBe('0 B')
    expect(formatBytes(512)).toBe('512 B')
    expect(formatBytes(10_811)).toBe('10.6 KB')
    expect(formatBytes(1024 * 1024 * 12.44)).toBe('12.4 MB')
    expect(formatBytes(10 * 1024 ** 3)).toBe('10.0 GB')
    expect(formatBytes(250 * 1024 ** 2)).toBe('250 MB')
  })
})
