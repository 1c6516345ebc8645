// Form items by kind: only the payload keys the server takes, and a report's place rule.
import { describe, expect, it } from 'vitest'
import { payloadFor, placeMissing } from '../../src/register/entry'

describe('form payloads', () => {
  it('carries the resident on a welfare visit and the building on a report, nothing else', () => {
    const context = { grid_id: 3, answers: { a: 1 }, resident_id: 'r1', household_id: 'h1', building_id: 'b1' }
    expect(payloadFor('welfare_visit', context)).toEqual({
      grid_id: 3,
      household_id: 'h1',
      resident_id: 'r1',
      answers: { a: 1 },
    })
    expect(payloadFor('hazard_report', context)).toEqual({
      grid_id: 3,
      household_id: 'h1',
      building_id: 'b1',
      answers: { a: 1 },
    })
    expect(payloadFor('household_visit', { grid_id: 3, answers: {} })).toEqual({
      grid_id: 3,
      household_id: null,
      answers: {},
    })
  })

  it('names the returned submission a resubmission replaces', () => {
    expect(payloadFor('city_case', { grid_id: 3, answers: {}, resubmits: 's9' }).resubmits).toBe('s9')
  })

  it('wants a GPS fix, an address, a building or a household with an address for a report', () => {
    const none = { location: null, answers: {}, buildingId: null, household: undefined }
    expect(placeMissing(none)).toBe(true)
    expect(placeMissing({ ...none, answers: { address: '  ' } })).toBe(true)
    expect(placeMissing({ ...none, answers: { address: '孺子路12号' } })).toBe(false)
    expect(placeMissing({ ...none, location: { lat: 28.68, lng: 115.89, accuracy: 12 } })).toBe(false)
    expect(placeMissing({ ...none, buildingId: 'b1' })).toBe(false)
    expect(placeMissing({ ...none, household: { id: 'h', grid_id: 1, head_name: 'x', address: '蓼洲街8号' } })).toBe(
      false,
    )
  })
})
