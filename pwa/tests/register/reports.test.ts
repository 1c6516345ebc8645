// 我的上报: outbox items and pulled review results merged, one row per submission.
import { describe, expect, it } from 'vitest'
import { myReports, needsWorker, prefillFromItem, prefillFromServer, resubmitSource } from '../../src/register/reports'
import type { QueuedItem, SubmissionState } from '../../src/register/types'
import { serverKinds } from '../support/formKinds'

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
      {
        id: 'bb',
        kind: 'hazard_report',
        review_status: 'received',
        case_state: 'filed',
        created_at: '2026-11-27T09:02:00+08:00',
      },
      {
        id: 'old',
        kind: 'welfare_visit',
        review_status: 'returned',
        review_comment: '请补充照片',
        created_at: '2026-11-01T09:00:00+08:00',
        resident_id: 'r1',
      },
      { id: 'acc', kind: 'city_case', review_status: 'accepted', created_at: '2026-11-02T09:00:00+08:00' },
    ]
    const rows = myReports(items, submissions, serverKinds)
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
    const rows = myReports(
      items,
      [{ id: 'old', kind: 'hazard_report', review_status: 'returned', created_at: '2026-11-01T00:00:00+08:00' }],
      serverKinds,
    )
    expect(rows.find((r) => r.id === 'a')).toMatchObject({ state: 'received', caseState: 'reported' })
    const old = rows.find((r) => r.id === 'old')!
    expect(old.resubmittedBy).toBe('fix')
    expect(old.state).toBe('resubmitted')
    expect(needsWorker(old)).toBe(false)
  })

  it('takes the server word for rejected and resubmitted', () => {
    const rows = myReports(
      [],
      [
        {
          id: 'r',
          kind: 'city_case',
          review_status: 'rejected',
          review_comment: '不属于城管范围',
          created_at: '2026-11-02T00:00:00+08:00',
        },
        { id: 's', kind: 'city_case', review_status: 'resubmitted', created_at: '2026-11-01T00:00:00+08:00' },
      ],
      serverKinds,
    )
    expect(rows.map((r) => r.state)).toEqual(['rejected', 'resubmitted'])
    expect(rows.every((r) => !needsWorker(r))).toBe(true)
  })

  it('lists a kind only the pulled catalogue names, and goes by the template before it is pulled', () => {
    const noise = { ...serverKinds.get('household_visit')!, code: 'noise_check' }
    const items = [
      item('n', 'pending', { kind: 'noise_check', template: { key: 'noise_check', version: 1 } }),
      item('x', 'pending', { kind: 'household_upsert', template: null }),
    ]
    expect(myReports(items, [], new Map([['noise_check', noise]])).map((r) => r.id)).toEqual(['n'])
    expect(myReports(items, [], serverKinds)).toEqual([])
    expect(myReports(items, [], null).map((r) => r.id)).toEqual(['n'])
  })
})

describe('resubmitting a returned report', () => {
  const answers = { category: 'ebike', description: '楼道充电', scene_photos: ['a1'] }
  const local = {
    owner: 'worker',
    payload: { grid_id: 3, answers, household_id: 'h1' },
    location: { lat: 28.6, lng: 115.8, accuracy: 9 },
  }

  it("starts from the phone's copy whenever it is there, online or not", () => {
    expect(resubmitSource(local, 'worker', false)).toBe('phone')
    expect(resubmitSource(local, 'worker', true)).toBe('phone')
    expect(prefillFromItem(local)).toMatchObject({
      answers,
      gridId: 3,
      householdId: 'h1',
      residentId: null,
      location: local.location,
    })
  })

  it("asks the server when the phone's copy is gone, and says offline when it cannot", () => {
    expect(resubmitSource(undefined, 'worker', true)).toBe('server')
    expect(resubmitSource(null, 'worker', false)).toBe('offline')
    // Someone else's item on a shared phone, or one without answers, is no copy of this one.
    expect(resubmitSource({ ...local, owner: 'other' }, 'worker', true)).toBe('server')
    expect(resubmitSource({ owner: 'worker', payload: { grid_id: 3 } }, 'worker', false)).toBe('offline')
  })

  it("reads the server's copy with its comment, and refuses a body without answers", () => {
    const server = {
      id: 's1',
      kind: 'hazard_report',
      grid_id: 3,
      answers,
      photos: ['a1'],
      location: { lat: 28.6, lng: 115.8, accuracy: 9 },
      building_id: 'b1',
      review_status: 'returned',
      review_comment: '照片看不清',
    }
    expect(prefillFromServer(server)).toEqual({
      answers,
      gridId: 3,
      householdId: null,
      residentId: null,
      buildingId: 'b1',
      location: server.location,
      comment: '照片看不清',
    })
    expect(prefillFromServer({ error: { code: 'not_found' } })).toBeNull()
    expect(prefillFromServer(null)).toBeNull()
  })
})
