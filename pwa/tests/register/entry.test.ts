// Form items by kind: only the payload keys the kind's descriptor names, and a report's place rule.
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { FieldSpec } from '../../src/forms/types'
import { checkAnswers } from '../../src/forms/validate'
import { payloadFor, photoCountErrors, placeMissing } from '../../src/register/entry'
import { serverKind } from '../support/formKinds'

describe('form payloads', () => {
  it('carries the resident on a welfare visit and the building on a report, nothing else', () => {
    const context = { grid_id: 3, answers: { a: 1 }, resident_id: 'r1', household_id: 'h1', building_id: 'b1' }
    expect(payloadFor(serverKind('welfare_visit'), context)).toEqual({
      grid_id: 3,
      household_id: 'h1',
      resident_id: 'r1',
      answers: { a: 1 },
    })
    expect(payloadFor(serverKind('hazard_report'), context)).toEqual({
      grid_id: 3,
      household_id: 'h1',
      building_id: 'b1',
      answers: { a: 1 },
    })
    expect(payloadFor(serverKind('household_visit'), { grid_id: 3, answers: {} })).toEqual({
      grid_id: 3,
      household_id: null,
      answers: {},
    })
  })

  it("carries a report's duplicate_of only when the worker marked the same problem", () => {
    const context = { grid_id: 3, answers: {}, duplicate_of: 'c7' }
    expect(payloadFor(serverKind('hazard_report'), context).duplicate_of).toBe('c7')
    expect(payloadFor(serverKind('welfare_visit'), context)).not.toHaveProperty('duplicate_of')
  })

  it('names the returned submission a resubmission replaces', () => {
    expect(payloadFor(serverKind('city_case'), { grid_id: 3, answers: {}, resubmits: 's9' }).resubmits).toBe('s9')
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

describe('photo count before saving', () => {
  const templates = (
    JSON.parse(readFileSync(resolve(__dirname, '..', 'fixtures', 'answer_cases.json'), 'utf8')) as {
      templates: Record<string, FieldSpec[]>
    }
  ).templates
  const hazard = templates.hazard_inspection
  const shas = (n: number) =>
    Array.from(
      { length: n },
      (_, i) =>
        String(i % 10)
          .repeat(64)
          .slice(0, 63) + 'a',
    )

  it('puts the report kind’s 1–9 under the photo field, after the field’s own words', () => {
    const kind = serverKind('hazard_report')
    const ten = { scene_photos: shas(10) }
    const own = checkAnswers(hazard, ten, 'zh')
    expect(own.scene_photos).toEqual(['最多 9 张照片'])
    // The field already says it: one message, not two.
    expect(photoCountErrors(kind, hazard, ten, own, 'zh')).toEqual({})
    expect(photoCountErrors(kind, hazard, ten, {}, 'zh')).toEqual({
      scene_photos: ['安全隐患排查：需要 1–9 张照片（现有 10 张）'],
    })
    expect(photoCountErrors(kind, hazard, { scene_photos: shas(9) }, {}, 'zh')).toEqual({})
  })

  it('holds a kind’s own limit when its photo field has none', () => {
    const fields: FieldSpec[] = [
      { name: 'evidence', type: 'photo', label: { zh: '照片', en: 'Photos' } },
      { name: 'more', type: 'photo', label: { zh: '更多', en: 'More' } },
    ]
    const kind = { ...serverKind('household_visit'), code: 'noise_check', min_photos: 1, max_photos: 2 }
    const answers = { evidence: shas(2), more: shas(3).slice(2) }
    const own = checkAnswers(fields, answers, 'en')
    expect(own).toEqual({})
    expect(photoCountErrors(kind, fields, answers, own, 'en')).toEqual({
      evidence: ['A household visit takes 1–2 photos (this one has 3)'],
    })
    expect(photoCountErrors(kind, fields, {}, {}, 'zh')).toEqual({
      evidence: ['入户走访：需要 1–2 张照片（现有 0 张）'],
    })
    // No photo field on the form: the server's key.
    expect(photoCountErrors(kind, [], {}, {}, 'zh')).toEqual({ photos: ['入户走访：需要 1–2 张照片（现有 0 张）'] })
  })
})
