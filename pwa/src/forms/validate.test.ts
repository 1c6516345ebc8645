// The renderer's side of the rules: what is shown, what is sent, which photos an item carries.
// (checkAnswers against the server's own verdicts: tests/validate.server.test.ts.)
import { describe, expect, it } from 'vitest'
import type { FieldSpec } from './types'
import {
  answersToSend,
  checkAnswers,
  conditionHolds,
  fieldVisibility,
  isEmpty,
  photoAnswers,
  sameValue,
  visibleFieldNames,
} from './validate'

const label = (zh: string) => ({ zh, en: zh })
const SHA_A = 'a'.repeat(64)
const SHA_B = 'b'.repeat(64)

const VISIT: FieldSpec[] = [
  { name: 'visit_date', type: 'date', label: label('走访日期'), required: true },
  { name: 'anyone_home', type: 'yes_no', label: label('家中是否有人'), required: true },
  {
    name: 'people_met',
    type: 'number',
    label: label('见到的人数'),
    required: true,
    integer: true,
    min: 1,
    max: 30,
    show_if: { field: 'anyone_home', equals: true },
  },
  {
    name: 'needs',
    type: 'select_multiple',
    label: label('居民需求'),
    choices: [
      { value: 'medical', label: label('就医') },
      { value: 'other', label: label('其他') },
    ],
    show_if: { field: 'anyone_home', equals: true },
  },
  {
    name: 'needs_detail',
    type: 'textarea',
    label: label('需求说明'),
    required: true,
    show_if: { field: 'needs', in: ['medical', 'other'] },
  },
  { name: 'visit_photos', type: 'photo', label: label('照片'), max: 6 },
  { name: 'after_photos', type: 'photo', label: label('整改后') },
  { name: 'notes', type: 'textarea', label: label('备注') },
]

describe('conditions', () => {
  it('treat yes/no and numbers as different values', () => {
    expect(sameValue(true, 1)).toBe(false)
    expect(sameValue(1, 1.0)).toBe(true)
    expect(sameValue(false, false)).toBe(true)
  })

  it('match any picked value of a multiple choice', () => {
    expect(conditionHolds({ field: 'needs', in: ['medical', 'other'] }, ['other'])).toBe(true)
    expect(conditionHolds({ field: 'needs', in: ['medical'] }, [])).toBe(false)
    expect(conditionHolds({ field: 'anyone_home', equals: true }, undefined)).toBe(false)
  })

  it('hide a whole branch when its root is hidden, and leave it unknown when the root is wrong', () => {
    expect(fieldVisibility(VISIT, { anyone_home: false, needs: ['medical'] })).toMatchObject({
      people_met: false,
      needs: false,
      needs_detail: false,
      notes: true,
    })
    expect(fieldVisibility(VISIT, { anyone_home: 'yes' }, new Set(['anyone_home']))).toMatchObject({
      people_met: null,
      needs_detail: null,
    })
  })

  it('show the fields a screen needs for the answers so far', () => {
    expect([...visibleFieldNames(VISIT, {})]).toEqual([
      'visit_date',
      'anyone_home',
      'visit_photos',
      'after_photos',
      'notes',
    ])
    expect(visibleFieldNames(VISIT, { anyone_home: true, needs: ['other'] }).has('needs_detail')).toBe(true)
  })
})

describe('answersToSend', () => {
  it('drops hidden, empty and unknown answers, keeping false and 0', () => {
    const sent = answersToSend(VISIT, {
      visit_date: '2026-11-27',
      anyone_home: false,
      people_met: 3,
      needs: [],
      notes: '   ',
      visit_photos: [],
      stray: 'x',
    })
    expect(sent).toEqual({ visit_date: '2026-11-27', anyone_home: false })
    expect(checkAnswers(VISIT, sent)).toEqual({})
  })

  it('keeps a wrong value so the worker sees the same message the server would give', () => {
    const sent = answersToSend(VISIT, { visit_date: '2026-11-27', anyone_home: true, people_met: 'two' })
    expect(sent.people_met).toBe('two')
    expect(checkAnswers(VISIT, sent)).toEqual({ people_met: ['应为数字'] })
    expect(checkAnswers(VISIT, sent, 'en')).toEqual({ people_met: ['Must be a number'] })
  })

  it('asks for what a shown condition requires', () => {
    const sent = answersToSend(VISIT, {
      visit_date: '2026-11-27',
      anyone_home: true,
      people_met: 2,
      needs: ['medical'],
    })
    expect(checkAnswers(VISIT, sent)).toEqual({ needs_detail: ['必填项'] })
  })
})

describe('photoAnswers', () => {
  it('lists every photo of every photo field in field order', () => {
    expect(photoAnswers(VISIT, { after_photos: [SHA_B], visit_photos: [SHA_A], notes: SHA_A })).toEqual([SHA_A, SHA_B])
  })
})

describe('isEmpty', () => {
  it('follows Python: blank text and empty lists are empty, false and 0 are not', () => {
    expect([undefined, null, '', ' \u3000\n', []].every(isEmpty)).toBe(true)
    expect([false, 0, '0', ['a'], {}].some(isEmpty)).toBe(false)
  })
})
