// The roster search: by name, address or room, best matches first, fast on a full grid.
import { describe, expect, it } from 'vitest'
import { DEFAULT_INTERVAL_DAYS } from '../../src/register/care'
import { overlayRegister } from '../../src/register/overlay'
import { buildIndex, normalise, search } from '../../src/register/search'
import { fakeGrid } from './fakeGrid'

const options = { today: '2026-11-27', intervals: { ...DEFAULT_INTERVAL_DAYS } }

function small() {
  const grid = {
    buildings: [
      { id: 'b1', grid_id: 1, name: '3栋', address: '孺子路12号' },
      { id: 'b2', grid_id: 1, name: '5栋', address: '孺子路14号' },
    ],
    households: [
      {
        id: 'h1',
        building_id: 'b1',
        grid_id: 1,
        unit: '2',
        room: '301',
        head_name: '王秀英',
        phone_masked: '138****5678',
      },
      { id: 'h2', building_id: 'b2', grid_id: 1, unit: '1', room: '301', head_name: '李建国' },
      { id: 'h3', grid_id: 1, address: '蓼洲街8号平房', head_name: '张伟' },
    ],
    residents: [
      { id: 'r1', household_id: 'h1', grid_id: 1, name: '王秀英', gender: 'female' as const, birth_date: '1940-01-01' },
      { id: 'r2', household_id: 'h1', grid_id: 1, name: '刘王明', gender: 'male' as const, birth_date: '1970-01-01' },
      { id: 'r3', household_id: 'h2', grid_id: 1, name: '王丽', gender: 'female' as const, birth_date: '1980-01-01' },
      { id: 'r4', household_id: 'h3', grid_id: 1, name: '张伟', gender: 'male' as const, birth_date: '1950-01-01' },
    ],
  }
  return buildIndex(overlayRegister(grid, [], options))
}

describe('roster search', () => {
  it('folds full-width digits, case and separators', () => {
    expect(normalise('３栋 2-３０１')).toBe('3栋2301')
    expect(normalise('Wang Li')).toBe('wangli')
  })

  it('finds people by name, whole names first, and says who matched', () => {
    const hits = search(small(), '王')
    expect(hits.map((h) => h.household.id)).toEqual(['h1', 'h2'])
    expect(hits[0].matched.map((r) => r.id)).toEqual(['r1', 'r2'])
    const exact = search(small(), '王丽')
    expect(exact.map((h) => h.household.id)).toEqual(['h2'])
    expect(exact[0].rank).toBe(0)
  })

  it('finds households by address, building, unit and room, and by the phone tail', () => {
    const index = small()
    expect(search(index, '蓼洲街').map((h) => h.household.id)).toEqual(['h3'])
    expect(search(index, '301').map((h) => h.household.id)).toEqual(['h1', 'h2'])
    expect(search(index, '3栋 301').map((h) => h.household.id)).toEqual(['h1'])
    expect(search(index, '2-301').map((h) => h.household.id)).toEqual(['h1'])
    expect(search(index, '孺子路14').map((h) => h.household.id)).toEqual(['h2'])
    expect(search(index, '5678').map((h) => h.household.id)).toEqual(['h1'])
    expect(search(index, '   ')).toEqual([])
    expect(search(index, '不存在')).toEqual([])
  })

  it('searches a grid of 500 households / 1,300 residents by name well within 50 ms', () => {
    const grid = fakeGrid(500, 1300)
    expect(grid.residents).toHaveLength(1300)
    const t0 = performance.now()
    const index = buildIndex(overlayRegister(grid, [], options))
    const built = performance.now() - t0
    const name = grid.residents[777].name
    const t1 = performance.now()
    const hits = search(index, name)
    const searched = performance.now() - t1
    expect(hits.some((h) => h.residents.some((r) => r.id === grid.residents[777].id))).toBe(true)
    // Loose bounds (a shared CI box): the figures against the goal come from bench/roster_phone.py.
    expect(searched).toBeLessThan(50)
    expect(built).toBeLessThan(500)
  })
})
