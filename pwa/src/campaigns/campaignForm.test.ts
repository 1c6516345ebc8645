import { describe, expect, it } from 'vitest'
import { campaignBody, emptyForm, ruleOf, shanghaiIso, shanghaiLocal } from './campaignForm'

const now = new Date('2026-12-31T18:30:00Z') // 2027-01-01 02:30 in Shanghai

describe('发起专项', () => {
  it('reads and writes times on the Shanghai wall clock', () => {
    expect(shanghaiLocal(now)).toBe('2027-01-01T02:30')
    expect(shanghaiIso('2027-01-01T02:30')).toBe('2027-01-01T02:30:00+08:00')
    expect(shanghaiIso('')).toBeNull()
    expect(emptyForm(now).endsAt).toBe('2027-01-08T02:30')
  })

  it('sends only the filters chosen, in the API rule shape', () => {
    const form = { ...emptyForm(now), subject: 'resident' as const, tags: ['special_care'], gridIds: [3] }
    expect(ruleOf(form)).toEqual({ subject: 'resident', grid_ids: [3], tags: ['special_care'] })
    expect(ruleOf(emptyForm(now))).toEqual({ subject: 'household' })
  })

  it('builds the body, with a roll-call deadline and an optional quota', () => {
    const form = { ...emptyForm(now), name: ' 暴雨叫应 ', template: 'household_visit:2', mode: 'roll_call' as const }
    expect(() => campaignBody(form)).toThrow('campaign.new.hoursRequired')
    const body = campaignBody({ ...form, deadlineHours: '6', quota: '20' })
    expect(body).toMatchObject({
      name: '暴雨叫应',
      template: { key: 'household_visit', version: 2 },
      starts_at: '2027-01-01T02:30:00+08:00',
      close_out_time: '17:30',
      mode: 'roll_call',
      deadline_hours: 6,
      daily_quota: 20,
    })
    expect(() => campaignBody({ ...form, name: '' })).toThrow('campaign.new.nameRequired')
    expect(() => campaignBody({ ...form, template: '' })).toThrow('campaign.new.templateRequired')
    expect(() => campaignBody({ ...form, deadlineHours: '6', quota: 'x' })).toThrow('campaign.new.quotaWhole')
  })
})
