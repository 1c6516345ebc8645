// The offline duplicate hint's rule: same category, open, within 50 m or in the same building;
// a fix worse than 100 m gives no distance hint.
import { describe, expect, it } from 'vitest'
import { duplicateCandidates, reportCategory, type PulledCase } from './duplicates'

const HERE = { lat: 28.6829, lng: 115.8582, accuracy: 8 }
// ~30 m and ~80 m north of HERE.
const NEAR = { lat: 28.6829 + 30 / 111_320, lng: 115.8582, accuracy: 10 }
const FAR = { lat: 28.6829 + 80 / 111_320, lng: 115.8582, accuracy: 10 }

const cases: PulledCase[] = [
  { id: 'near', category: 'ebike', state: 'reported', location: NEAR },
  { id: 'far', category: 'ebike', state: 'dispatched', location: FAR },
  { id: 'far-same-building', category: 'ebike', state: 'filed', location: FAR, building_id: 'b1' },
  { id: 'other-category', category: 'electrical', state: 'reported', location: NEAR },
  { id: 'closed', category: 'ebike', state: 'closed', location: NEAR },
  { id: 'rough', category: 'ebike', state: 'reported', location: { ...NEAR, accuracy: 2000 } },
]

describe('duplicateCandidates', () => {
  it('finds open cases of the category within 50 m or in the same building', () => {
    const found = duplicateCandidates(cases, { category: 'ebike', location: HERE, buildingId: 'b1' })
    expect(found.map((f) => f.case.id)).toEqual(['near', 'far-same-building'])
    expect(found[0].distanceM).toBeGreaterThan(29)
    expect(found[0].distanceM).toBeLessThan(31)
    expect(found[1].sameBuilding).toBe(true)
  })

  it('gives no distance hint for a fix worse than 100 m: only the same building counts', () => {
    const rough = { ...HERE, accuracy: 150 }
    expect(duplicateCandidates(cases, { category: 'ebike', location: rough, buildingId: null })).toEqual([])
    const found = duplicateCandidates(cases, { category: 'ebike', location: rough, buildingId: 'b1' })
    expect(found.map((f) => [f.case.id, f.distanceM])).toEqual([['far-same-building', null]])
  })

  it('reads the category as the server opens the case', () => {
    expect(reportCategory('hazard', { category: 'ebike' })).toBe('ebike')
    expect(reportCategory('city', { subcategory: 'street_order.unlicensed_vendor' })).toBe('street_order')
    expect(reportCategory('city', {})).toBeNull()
    expect(duplicateCandidates(cases, { category: null, location: HERE, buildingId: 'b1' })).toEqual([])
  })
})
