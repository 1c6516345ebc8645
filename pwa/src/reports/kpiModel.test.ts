import { describe, expect, it } from 'vitest'
import {
  barValues,
  breakdownFor,
  figuresOf,
  monthOf,
  normalizeFigure,
  partFigure,
  partsOf,
  percent,
  trendOf,
  trendSeries,
} from './kpiModel'

describe('KPI figures', () => {
  it('reads a list or a map of figures, in the street order', () => {
    const fromMap = figuresOf({
      figures: {
        closing_rate: { numerator: 1, denominator: 2 },
        on_time_handling_rate: { numerator: 3, denominator: 4, rate: 0.75 },
      },
    })
    expect(fromMap.map((f) => f.code)).toEqual(['on_time_handling_rate', 'closing_rate'])
    expect(fromMap.map((f) => f.label)).toEqual(['按期处置率', '结案率'])
    expect(fromMap[1].rate).toBe(0.5)
    const fromList = figuresOf({
      kpis: [
        { code: 'rework', numerator: 0, denominator: 0, definition: { zh: '返工/应结案', en: 'x' }, case_ids: ['a'] },
      ],
    })
    expect(fromList[0]).toMatchObject({ code: 'rework', rate: null, definition: '返工/应结案', caseIds: ['a'] })
  })
  it('folds dispatch steps into their case and keeps the numerator apart', () => {
    const f = normalizeFigure(
      {
        numerator: 1,
        denominator: 2,
        rate: null,
        numerator_case_ids: ['a'],
        denominator_case_ids: ['a', 'b#1', 'b#2'],
      },
      'on_time_handling_rate',
    )
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
    const points = trendOf({
      months: [
        { month: '2026-11', figures: [{ code: 'closure', numerator: 1, denominator: 1 }] },
        { month: '2026-10', figures: [{ code: 'closure', numerator: 1, denominator: 2 }] },
      ],
    })
    expect(trendSeries(points)).toEqual({
      months: ['2026-10', '2026-11'],
      series: [{ code: 'closure', label: 'closure', data: [50, 100] }],
    })
  })
  it('names the month on the street calendar', () => {
    expect(monthOf(new Date('2026-11-30T17:00:00Z'))).toBe('2026-12')
  })
})

describe('the bar per community or grid', () => {
  // Shaped as GET /reports/kpis?month=2026-11&by=community answers.
  const answer = {
    month: '2026-11',
    by: 'community',
    figures: { closing_rate: { numerator: 2, denominator: 3, rate: 0.6667 } },
    breakdown: [
      {
        id: 1,
        code: '360103-099-001',
        name: '测试社区1',
        figures: {
          rework_rate: { numerator: 0, denominator: 1, rate: 0, numerator_case_ids: [], denominator_case_ids: ['a'] },
          closing_rate: {
            numerator: 1,
            denominator: 1,
            rate: 1,
            numerator_case_ids: ['a'],
            denominator_case_ids: ['a'],
          },
        },
        visit_rate: { numerator: 1, denominator: 2, rate: 0.5 },
      },
      {
        id: 2,
        name: '测试社区2',
        figures: {
          closing_rate: {
            numerator: 1,
            denominator: 2,
            rate: 0.5,
            numerator_case_ids: ['b'],
            denominator_case_ids: ['b', 'c'],
          },
          rework_rate: {
            numerator: 1,
            denominator: 2,
            rate: 0.5,
            numerator_case_ids: ['b'],
            denominator_case_ids: ['b', 'c'],
          },
        },
      },
    ],
  }

  it('compares communities for the street and grids for one community', () => {
    expect(breakdownFor(null, 3)).toBe('community')
    expect(breakdownFor(null, 0)).toBe('community') // the org did not load: the server still knows the scope
    expect(breakdownFor(7, 3)).toBe('grid')
    expect(breakdownFor(null, 1)).toBe('grid') // a community supervisor
  })

  it('reads each part with its figures in the street order', () => {
    const parts = partsOf(answer)
    expect(parts.map((p) => [p.id, p.name])).toEqual([
      [1, '测试社区1'],
      [2, '测试社区2'],
    ])
    expect(parts[0].figures.map((f) => f.code)).toEqual(['closing_rate', 'rework_rate'])
    expect(parts[1].figures[0]).toMatchObject({
      code: 'closing_rate',
      rate: 0.5,
      caseIds: ['b', 'c'],
      numeratorIds: ['b'],
    })
  })

  it('reads nothing from an answer without a breakdown', () => {
    expect(partsOf({ month: '2026-11', figures: {} })).toEqual([])
    expect(partsOf(null)).toEqual([])
    expect(partsOf({ breakdown: 'no' })).toEqual([])
  })

  it('still reads a by_community list', () => {
    const parts = partsOf({
      by_community: [
        {
          community_id: 4,
          community_name: '东湖社区',
          figures: [{ code: 'closing_rate', numerator: 1, denominator: 4 }],
        },
      ],
    })
    expect(parts).toEqual([
      { id: 4, name: '东湖社区', figures: [expect.objectContaining({ code: 'closing_rate', rate: 0.25 })] },
    ])
  })

  it('gives one bar per part in percent, none where nothing was due', () => {
    const parts = partsOf(answer)
    expect(barValues(parts, 'closing_rate')).toEqual({ names: ['测试社区1', '测试社区2'], values: [100, 50] })
    expect(barValues(parts, 'valid_report_rate').values).toEqual([null, null])
    const empty = partsOf({
      breakdown: [{ id: 1, name: 'x', figures: { closing_rate: { numerator: 0, denominator: 0, rate: null } } }],
    })
    expect(barValues(empty, 'closing_rate').values).toEqual([null])
  })

  it("opens a bar's cases, named after its community", () => {
    const parts = partsOf(answer)
    expect(partFigure(parts, 1, 'rework_rate')).toMatchObject({
      code: 'rework_rate',
      label: '返工率 · 测试社区2',
      caseIds: ['b', 'c'],
      numeratorIds: ['b'],
    })
    expect(partFigure(parts, 2, 'rework_rate')).toBeNull()
    expect(partFigure(parts, 0, 'valid_report_rate')).toBeNull()
    expect(partFigure(parts, 0, '')).toBeNull()
  })
})
