import { describe, expect, it } from 'vitest'
import { figuresOf, monthOf, normalizeFigure, percent, trendOf, trendSeries } from './kpiModel'

describe('KPI figures', () => {
  it('reads a list or a map of figures, in the street order', () => {
    const fromMap = figuresOf({ figures: { closing_rate: { numerator: 1, denominator: 2 }, on_time_handling_rate: { numerator: 3, denominator: 4, rate: 0.75 } } })
    expect(fromMap.map((f) => f.code)).toEqual(['on_time_handling_rate', 'closing_rate'])
    expect(fromMap.map((f) => f.label)).toEqual(['按期处置率', '结案率'])
    expect(fromMap[1].rate).toBe(0.5)
    const fromList = figuresOf({ kpis: [{ code: 'rework', numerator: 0, denominator: 0, definition: { zh: '返工/应结案', en: 'x' }, case_ids: ['a'] }] })
    expect(fromList[0]).toMatchObject({ code: 'rework', rate: null, definition: '返工/应结案', caseIds: ['a'] })
  })
  it('folds dispatch steps into their case and keeps the numerator apart', () => {
    const f = normalizeFigure({ numerator: 1, denominator: 2, rate: null, numerator_case_ids: ['a'], denominator_case_ids: ['a', 'b#1', 'b#2'] }, 'on_time_handling_rate')
    expect(f.caseIds).toEqual(['a', 'b'])
    expect(f.numeratorIds).toEqual(['a'])
  })
  it('accepts a rate in percent', () => {
    expect(normalizeFigure({ code: 'x', rate: 87.5, numerator: 7, denominator: 8 }).rate).toBeCloseTo(0.875)
  })
  it('shows percentages with one decimal and a dash for nothing due', () => {
    expect(percent(0.8734)).toBe('87.3%')
    expect(percent(1)).toBe('100%')
    expect(percent(null)).toBe('–')
  })
  it('builds trend series by month', () => {
    const points = trendOf({ months: [
      { month: '2026-11', figures: [{ code: 'closure', numerator: 1, denominator: 1 }] },
      { month: '2026-10', figures: [{ code: 'closure', numerator: 1, denominator: 2 }] },
    ] })
    expect(trendSeries(points)).toEqual({ months: ['2026-10', '2026-11'], series: [{ code: 'closure', label: 'closure', data: [50, 100] }] })
  })
  it('names the month on the street calendar', () => {
    expect(monthOf(new Date('2026-11-30T17:00:00Z'))).toBe('2026-12')
  })
})
