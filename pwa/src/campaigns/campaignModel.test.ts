import { describe, expect, it } from 'vitest'
import {
  answerSubmission,
  checklistOrder,
  isLive,
  isRunning,
  normalizeCampaign,
  normalizeTarget,
} from './campaignModel'

const target = (id: string, careTier: string, buildingId: string | null, extra: object = {}) =>
  normalizeTarget({ id, campaign_id: 1, household_id: 'h', care_tier: careTier, building_id: buildingId, ...extra })

describe('the checklist', () => {
  it('orders by care tier, then building name', () => {
    const names: Record<string, string> = { b1: '2栋', b2: '1栋' }
    const sorted = checklistOrder(
      [target('a', 'general', 'b1'), target('b', 'high', 'b1'), target('c', 'general', 'b2')],
      (id) => (id ? names[id] : ''),
    )
    expect(sorted.map((t) => t.id)).toEqual(['b', 'c', 'a'])
  })

  it('brings an attempted target back on its retry day', () => {
    const tried = target('a', 'none', null, { status: 'attempted', retry_on: '2026-12-06' })
    expect(isLive(tried, '2026-12-05')).toBe(false)
    expect(isLive(tried, '2026-12-06')).toBe(true)
    expect(isLive(target('b', 'none', null, { status: 'done' }), '2026-12-06')).toBe(false)
  })
})

describe('an answer', () => {
  it('is a campaign_answer item; an attempt needs its reason', () => {
    expect(answerSubmission('t1', 'reached').payload).toEqual({ target_id: 't1', outcome: 'reached' })
    expect(() => answerSubmission('t1', 'not_met', ' ')).toThrow('campaign.reasonRequired')
    expect(answerSubmission('t1', 'no_entry', '门锁着').payload.reason).toBe('门锁着')
  })
})

describe('我的专项', () => {
  it('drops a campaign once it has ended or its end has passed', () => {
    const now = new Date('2026-12-05T08:00:00Z')
    const running = normalizeCampaign({ id: 1, status: 'active', ends_at: '2026-12-06T00:00:00+08:00' })
    expect(isRunning(running, now)).toBe(true)
    expect(isRunning({ ...running, endsAt: '2026-12-05T15:59:00+08:00' }, now)).toBe(false)
    expect(isRunning({ ...running, status: 'ended' }, now)).toBe(false)
  })
})
