import { describe, expect, it } from 'vitest'
import { answerSummary, defaultReviewFilters, isReviewable, photoHashes, reviewBody, reviewQuery } from './review'

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

describe('answerSummary', () => {
  const template = {
    fields: [
      {
        name: 'how_contacted',
        type: 'select_one',
        label: { zh: '巡访方式', en: 'How' },
        choices: [{ value: 'home', label: { zh: '上门探访', en: 'home visit' } }],
      },
      { name: 'major_change', type: 'yes_no', label: { zh: '是否有重大变化', en: 'Change' } },
      { name: 'visit_photos', type: 'photo', label: { zh: '照片' } },
    ],
  }
  const yesNo = { yes: '是', no: '否' }

  it('shows labels and choice words, never the raw codes', () => {
    const line = answerSummary(template, { how_contacted: 'home', major_change: false }, 'zh', yesNo)
    expect(line).toBe('巡访方式：上门探访 · 是否有重大变化：否')
    expect(line).not.toContain('home')
  })

  it("prefers a report's own description", () => {
    expect(answerSummary(template, { description: ' 楼道堆物 ', how_contacted: 'home' }, 'zh', yesNo)).toBe('楼道堆物')
  })

  it('finds the photos of photo fields only', () => {
    expect(photoHashes(template, { visit_photos: ['a', 'b'], how_contacted: 'home' })).toEqual(['a', 'b'])
    expect(photoHashes(null, { visit_photos: ['a'] })).toEqual([])
  })
})
