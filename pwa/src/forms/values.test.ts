// Typed text to answers and back, new-form defaults, carrying answers across versions, sizes.
import { describe, expect, it } from 'vitest'
import type { FieldSpec } from './types'
import {
  carryAnswers,
  fitWithin,
  geoPointFrom,
  initialAnswers,
  localDate,
  numberInputText,
  parseNumberInput,
  staleHiddenAnswers,
} from './values'

const label = { zh: '字段', en: 'Field' }

describe('number boxes', () => {
  it('read numbers, keep what is not one, and leave empty as null', () => {
    expect(parseNumberInput('12')).toBe(12)
    expect(parseNumberInput(' 2.5 ')).toBe(2.5)
    expect(parseNumberInput('-3')).toBe(-3)
    expect(parseNumberInput('3.')).toBe(3)
    expect(parseNumberInput('')).toBeNull()
    expect(parseNumberInput('  ')).toBeNull()
    expect(parseNumberInput('-')).toBe('-')
    expect(parseNumberInput('1e3')).toBe('1e3')
    expect(parseNumberInput('0x10')).toBe('0x10')
  })

  it('show a stored answer again', () => {
    expect(numberInputText(2)).toBe('2')
    expect(numberInputText('abc')).toBe('abc')
    expect(numberInputText(null)).toBe('')
  })
})

describe('new forms', () => {
  it('start required dates at today and guess nothing else', () => {
    const specs: FieldSpec[] = [
      { name: 'visit_date', type: 'date', label, required: true },
      { name: 'due', type: 'date', label },
      { name: 'follow_up', type: 'date', label, required: true, show_if: { field: 'x', equals: true } },
      { name: 'notes', type: 'text', label, required: true },
    ]
    expect(initialAnswers(specs, '2026-11-27')).toEqual({ visit_date: '2026-11-27' })
  })

  it('use the phone’s own calendar day', () => {
    expect(localDate(new Date(2026, 0, 5, 23, 59).getTime())).toBe('2026-01-05')
  })
})

describe('carryAnswers', () => {
  const v2: FieldSpec[] = [
    { name: 'visit_date', type: 'date', label },
    { name: 'people_met', type: 'select_one', label, choices: [{ value: 'one', label }] },
  ]

  it('keeps answers to fields of the same name, and of the same type when the old version is known', () => {
    const answers = { visit_date: '2026-11-27', people_met: 2, gone: 'x' }
    expect(carryAnswers(v2, answers)).toEqual({ visit_date: '2026-11-27', people_met: 2 })
    const v1: FieldSpec[] = [
      { name: 'visit_date', type: 'date', label },
      { name: 'people_met', type: 'number', label },
    ]
    expect(carryAnswers(v2, answers, v1)).toEqual({ visit_date: '2026-11-27' })
  })
})

describe('staleHiddenAnswers', () => {
  it('names hidden fields that still hold an answer', () => {
    const specs: FieldSpec[] = [
      { name: 'a', type: 'text', label },
      { name: 'b', type: 'text', label },
      { name: 'c', type: 'text', label },
    ]
    expect(staleHiddenAnswers({ a: 'x', b: 'y', c: null }, new Set(['a']), specs)).toEqual(['b'])
  })
})

describe('fitWithin', () => {
  it('shrinks the long side to the limit and never enlarges', () => {
    expect(fitWithin(4000, 3000, 1600)).toEqual({ width: 1600, height: 1200 })
    expect(fitWithin(3000, 4000, 1600)).toEqual({ width: 1200, height: 1600 })
    expect(fitWithin(800, 600, 1600)).toEqual({ width: 800, height: 600 })
    expect(fitWithin(10000, 3, 1600)).toEqual({ width: 1600, height: 1 })
  })
})

describe('geoPointFrom', () => {
  it('rounds a fix to what the answer needs', () => {
    expect(geoPointFrom({ latitude: 28.6829123456, longitude: 115.8579876543, accuracy: 12.345 })).toEqual({
      lat: 28.682912,
      lng: 115.857988,
      accuracy: 12.3,
    })
  })
})
