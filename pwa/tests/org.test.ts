// Home-screen figures from the org and users answers, and masked phones.
import { describe, expect, it } from 'vitest'
import { maskPhone } from '../src/format'
import { countUsers, summarizeOrg } from '../src/org'

describe('summarizeOrg', () => {
  it('reads a street with nested communities and grids', () => {
    const summary = summarizeOrg({
      street: {
        id: 1,
        name: '南浦街道',
        communities: [
          { id: 1, name: '蓼洲街社区', grids: [{ id: 1, code: '360103-001-001-001', name: '第一网格' }] },
          { id: 2, name: '应天寺社区', grids: [] },
        ],
      },
      departments: [{ id: 3, name: '城管执法中队' }],
    })
    expect(summary.streetName).toBe('南浦街道')
    expect(summary.communities.map((c) => c.name)).toEqual(['蓼洲街社区', '应天寺社区'])
    expect(summary.gridCount).toBe(1)
    expect(summary.communities[0].grids[0].community_id).toBe(1)
    expect(summary.departments).toEqual([{ id: 3, name: '城管执法中队' }])
  })

  it('reads flat communities and grids keyed by community_id', () => {
    const summary = summarizeOrg({
      communities: [{ id: 5, name: '孺子路社区' }],
      grids: [
        { id: 9, code: 'a', name: 'A', community_id: 5 },
        { id: 10, code: 'b', name: 'B', community_id: 5 },
      ],
    })
    expect(summary.communities[0].grids).toHaveLength(2)
    expect(summary.gridCount).toBe(2)
    expect(summary.streetName).toBeNull()
  })

  it('survives an empty or odd answer', () => {
    expect(summarizeOrg(null)).toEqual({ streetName: null, communities: [], departments: [], gridCount: 0 })
    expect(summarizeOrg([{ id: 1, name: '六眼井社区' }]).communities).toHaveLength(1)
  })
})

describe('countUsers', () => {
  it('prefers a total over the page length', () => {
    expect(countUsers({ items: [{}, {}], total: 80 })).toBe(80)
    expect(countUsers({ users: [{}, {}, {}] })).toBe(3)
    expect(countUsers([{}, {}])).toBe(2)
    expect(countUsers(null)).toBe(0)
  })
})

describe('maskPhone', () => {
  it('keeps the first three and last four digits', () => {
    expect(maskPhone('13812345678')).toBe('138****5678')
    expect(maskPhone(null)).toBe('')
    expect(maskPhone('12345')).toBe('*****')
  })
})

describe('summarizeOrg on the server answer', () => {
  it('reads GET /api/v1/org as the server shapes it (street, communities with grids, departments)', () => {
    const summary = summarizeOrg({
      street: { id: 1, code: '360103-001', name: '南浦街道' },
      communities: [
        {
          id: 1,
          code: '360103-001-001',
          name: '蓼洲街社区',
          grids: [
            { id: 1, code: '360103-001-001-001', name: '蓼洲街社区第1网格', community_id: 1 },
            { id: 2, code: '360103-001-001-002', name: '蓼洲街社区第2网格', community_id: 1 },
          ],
        },
      ],
      departments: [{ id: 1, name: '城管执法中队', kind: 'city' }],
    })
    expect(summary.streetName).toBe('南浦街道')
    expect(summary.communities).toHaveLength(1)
    expect(summary.gridCount).toBe(2)
    expect(summary.departments).toHaveLength(1)
    expect(countUsers({ users: [{ id: 1 }, { id: 2 }] })).toBe(2)
  })
})
