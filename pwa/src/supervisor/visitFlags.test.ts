// The supervisor's 连续两次未联系上 section, rendered to HTML from an answer of GET /visits/flags.
import { createSSRApp, h } from 'vue'
import { renderToString } from 'vue/server-renderer'
import { describe, expect, it } from 'vitest'
import { setLocale } from '../i18n'
import { installMemoryStorage } from '../../tests/support/memoryStorage'
import VisitFlagsCard from './VisitFlagsCard'
import { flaggedResidents } from './visitFlags'

installMemoryStorage()

// Shaped as server/visits/routes.py answers (ResidentSchema plus where and when).
const answer = {
  residents: [
    {
      id: '5b0f8a52-0000-4000-8000-000000000001',
      household_id: 'h1',
      grid_id: 3,
      name: '王秀英',
      gender: 'female',
      birth_date: '1940-03-08',
      phone_masked: '139****4321',
      care_tier: 'high',
      visit_flag: 'not_reached_twice',
      not_reached_streak: 3,
      grid: { id: 3, code: '360103-001-001-001', name: '蓼洲街社区第1网格' },
      household_address: '示例路1号示例小区1栋2单元301',
      household_phone_masked: '138****5678',
      attempts: ['2026-11-26T06:30:00+00:00', '2026-11-24T01:05:00+00:00'],
    },
    {
      id: '5b0f8a52-0000-4000-8000-000000000002',
      household_id: 'h2',
      grid_id: 4,
      name: '李建国',
      grid: { id: 4, code: '360103-001-001-002', name: '蓼洲街社区第2网格' },
      household_address: '示例路2号',
      household_phone_masked: '137****1111',
      attempts: ['2026-11-25T02:00:00+00:00', '2026-11-20T02:00:00+00:00'],
    },
  ],
}

async function render(fetched: object | null): Promise<string> {
  return renderToString(createSSRApp({ render: () => h(VisitFlagsCard, { answer: fetched }) }))
}

describe('the flagged residents on the supervisor home', () => {
  it('lists each one with grid, address, the two attempts and a masked phone, zh-CN first', async () => {
    setLocale('zh-CN')
    const html = await render(answer)
    expect(html).toContain('连续两次未联系上')
    expect(html.match(/data-testid="flagged-resident"/g)).toHaveLength(2)
    expect(html).toContain('王秀英')
    expect(html).toContain('蓼洲街社区第1网格')
    expect(html).toContain('示例路1号示例小区1栋2单元301')
    // Shanghai wall clock, newest first.
    expect(html).toContain('未联系上：2026-11-26 14:30、2026-11-24 09:05')
    expect(html).toContain('139****4321')
    // No number of their own: the household's.
    expect(html).toContain('137****1111')
    expect(html).not.toMatch(/1\d{10}/) // never a full number
  })

  it('says so when nobody is flagged, and lists nothing before the answer came', async () => {
    setLocale('zh-CN')
    expect(await render({ residents: [] })).toContain('暂无连续两次未联系上的居民')
    const waiting = await render(null)
    expect(waiting).not.toContain('暂无')
    expect(waiting).not.toContain('flagged-resident')
  })

  it('speaks English when the user chose it', async () => {
    setLocale('en')
    const html = await render(answer)
    expect(html).toContain('Not reached twice in a row')
    expect(html).toContain('Not reached: 2026-11-26 14:30')
    setLocale('zh-CN')
  })

  it('leaves out rows it cannot read rather than guess', () => {
    expect(flaggedResidents({ residents: [null, { name: '无编号' }, answer.residents[1]] }).map((r) => r.name)).toEqual(
      ['李建国'],
    )
    expect(flaggedResidents('oops')).toEqual([])
  })
})
