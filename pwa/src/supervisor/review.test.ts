import { describe, expect, it } from 'vitest'
import { defaultReviewFilters, isReviewable, reviewBody, reviewQuery } from './review'

describe('reviewQuery', () => {
  it('starts with the received records only', () => {
    expect(reviewQuery(defaultReviewFilters())).toEqual({ review_status: 'received' })
  })
  it('sends every filter set, and dates only when well formed and in order', () => {
    const q = reviewQuery({
      community_id: 2,
      grid_id: 5,
      kind: 'city_case',
      review_status: '',
      from: '2026-11-10',
      to: '2026-11-01',
    })
    expect(q).toEqual({
      community_id: '2',
      grid_id: '5',
      kind: 'city_case',
      from: '2026-11-10T00:00:00+08:00',
      to: '2026-11-11T00:00:00+08:00',
    })
    expect(reviewQuery({ ...defaultReviewFilters(), to: '2026-12-31' }).to).toBe('2027-01-01T00:00:00+08:00')
    expect(reviewQuery({ ...defaultReviewFilters(), from: '11/10/2026' }).from).toBeUndefined()
  })
})

describe('reviewBody', () => {
  it('approves without a comment, returns and rejects only with one', () => {
    expect(reviewBody('approve', '  ')).toEqual({ action: 'approve' })
    expect(() => reviewBody('return', ' ')).toThrow()
    expect(reviewBody('reject', ' 重复上报 ')).toEqual({ action: 'reject', comment: '重复上报' })
  })
  it('waits for a decision only on received records', () => {
    expect(isReviewable('received')).toBe(true)
    expect(isReviewable('resubmitted')).toBe(false)
    expect(isReviewable('accepted')).toBe(false)
  })
})
