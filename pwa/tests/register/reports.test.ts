// 我的上报: outbox items and pulled review results merged, one row per submission.
import { describe, expect, it } from 'vitest'
import { myReports, needsWorker } from '../../src/register/reports'
import type { QueuedItem, SubmissionState } from '../../src/register/types'

function item(id: string, status: string, extra: Partial<QueuedItem> = {}): QueuedItem {
  return {
    id,
    kind: 'hazard_report',
    status,
    payload: { grid_id: 1, answers: {} },
    created_at: `2026-11-27T09:0${id.length}:00.000+08:00`,
    template: { key: 'hazard_inspection', version: 1 },
    ...extra,
  }
}

describe('my reports', () => {
  it('merges waiting items, delivered items and server review states, newest first', () => {
    const items = [
      item('a', 'pending'),
      item('bb', 'done', { server_result: { id: 'bb', status: 'accepted', case_id: 'c1', case_state: 'reported' } }),
      item('ccc', 'needs_fix'),
      item('x', 'done', { kind: 'household_upsert' }),
    ]
    const submissions: SubmissionState[] = [
      { id: 'bb', kind: 'hazard_report', review_status: 'received', case_state: 'filed', created_at: '2026-11-27T09:02:00+08:00' },
      { id: 'old', kind: 'welfare_visit', review_status: 'returned', review_comment: '请补充照片', created_at: '2026-11-01T09:00:00+08:00', resident_id: 'r1' },
      { id: 'acc', kind: 'city_case', review_status: 'accepted', created_at: '2026-11-02T09:00:00+08:00' },
    ]
    const rows = myReports(items, submissions)
    expect(rows.map((r) => [r.id, r.state])).toEqual([
      ['ccc', 'needs_fix'],
      ['bb', 'received'],
      ['a', 'waiting'],
      ['acc', 'accepted'],
      ['old', 'returned'],
    ])
    expect(rows.find((r) => r.id === 'bb')!.caseState).toBe('filed')
    const returned = rows.find((r) => r.id === 'old')!
    expect(returned.comment).toBe('请补充照片')
    expect(returned.residentId).toBe('r1')
    expect(needsWorker(returned)).toBe(true)
  })

  it('shows a delivered item as received until the pull says more, and notes a resubmission', () => {
    const items = [
      item('a', 'done', { server_result: { id: 'a', status: 'accepted', case_state: 'reported' } }),
      item('fix', 'pending', { payload: { grid_id: 1, answers: {}, resubmits: 'old' } }),
    ]
    const rows = myReports(items, [{ id: 'old', kind: 'hazard_report', review_status: 'returned', created_at: '2026-11-01T00:00:00+08:00' }])
    expect(rows.find((r) => r.id === 'a')).toMatchObject({ state: 'received', caseState: 'reported' })
    const old = rows.find((r) => r.id === 'old')!
    expect(old.resubmittedBy).toBe('fix')
    expect(old.state).toBe('resubmitted')
    expect(needsWorker(old)).toBe(false)
  })

  it('takes the server word for rejected and resubmitted', () => {
    const rows = myReports([], [
      { id: 'r', kind: 'city_case', review_status: 'rejected', review_comment: '不属于城管范围', created_at: '2026-11-02T00:00:00+08:00' },
      { id: 's', kind: 'city_case', review_status: 'resubmitted', created_at: '2026-11-01T00:00:00+08:00' },
    ])
    expect(rows.map((r) => r.state)).toEqual(['rejected', 'resubmitted'])
    expect(rows.every((r) => !needsWorker(r))).toBe(true)
  })
})
