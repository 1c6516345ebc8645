// The 待同步 screen's wording and order: groups, what may be fixed or deleted, error labels.
import { describe, expect, it } from 'vitest'
import type { FormTemplate } from '../src/forms/types'
import { t } from '../src/i18n'
import type { OutboxItem, OutboxStatus, SyncStatus } from '../src/outbox'
import { canDiscard, canFix, caseMovedOn, describeState, errorLines, groupItems, kindName } from '../src/outboxItems'

function item(id: string, status: OutboxStatus, extra: Partial<OutboxItem> = {}): OutboxItem {
  return {
    id,
    owner: 'worker',
    kind: 'household_visit',
    template: { key: 'household_visit', version: 1 },
    payload: { grid_id: 1, household_id: null, answers: {} },
    photos: [],
    location: null,
    created_at: '2026-11-27T09:30:00.000+08:00',
    status,
    errors: null,
    error: null,
    server_result: null,
    attempts: 0,
    updated_at: '2026-11-27T09:30:00.000+08:00',
    ...extra,
  }
}

const TEMPLATE: FormTemplate = {
  key: 'household_visit',
  version: 1,
  kind: 'household_visit',
  title: { zh: '入户走访', en: 'Household visit' },
  fields: [
    { name: 'visit_date', type: 'date', label: { zh: '走访日期', en: 'Visit date' } },
    { name: 'people_met', type: 'number', label: { zh: '见到的人数', en: 'People met' } },
  ],
}

function status(state: SyncStatus['state'], counts: Partial<SyncStatus['counts']> = {}): SyncStatus {
  return {
    state,
    progress: { itemsDone: 0, itemsTotal: 0, photoBytesSent: 0, photoBytesTotal: 0 },
    lastSuccessAt: null,
    nextRetryAt: null,
    counts: {
      pending: 0,
      sending: 0,
      needs_fix: 0,
      conflict: 0,
      done: 0,
      forbidden: 0,
      total: 0,
      attention: 0,
      ...counts,
    },
    lastError: { code: 'http_500', message: '服务器出错' },
  }
}

describe('groupItems', () => {
  it('puts what needs the worker first, the queue in push order, and the delivered newest first', () => {
    const groups = groupItems([
      item('1', 'done'),
      item('2', 'pending'),
      item('3', 'needs_fix'),
      item('4', 'sending'),
      item('5', 'done'),
      item('6', 'conflict'),
      item('7', 'forbidden'),
    ])
    expect(groups.attention.map((i) => i.id)).toEqual(['3', '6', '7'])
    expect(groups.waiting.map((i) => i.id)).toEqual(['2', '4'])
    expect(groups.done.map((i) => i.id)).toEqual(['5', '1'])
  })
})

describe('what the worker may do', () => {
  it('fixes form items that are sent back, out of scope or not sent yet', () => {
    expect(['pending', 'needs_fix', 'forbidden'].every((s) => canFix(item('x', s as OutboxStatus)))).toBe(true)
    expect(['sending', 'conflict', 'done'].some((s) => canFix(item('x', s as OutboxStatus)))).toBe(false)
    expect(canFix(item('x', 'needs_fix', { template: null }))).toBe(false)
  })

  it('deletes only what the server will not take as it is', () => {
    expect(['needs_fix', 'conflict', 'forbidden'].every((s) => canDiscard(item('x', s as OutboxStatus)))).toBe(true)
    expect(['pending', 'sending', 'done'].some((s) => canDiscard(item('x', s as OutboxStatus)))).toBe(false)
  })
})

describe('names and labels', () => {
  it('names an item by its form title, else by its kind', () => {
    const known = new Map([['household_visit:1', TEMPLATE]])
    expect(kindName(item('x', 'pending'), known, 'en', t)).toBe('Household visit')
    expect(kindName(item('x', 'pending', { kind: 'hazard_report', template: null }), new Map(), 'zh', t)).toBe(
      '安全隐患排查',
    )
    expect(kindName(item('x', 'pending', { kind: 'something_new', template: null }), new Map(), 'zh', t)).toBe('记录')
  })

  it('labels the server’s field errors, record keys first, then the form’s order', () => {
    const lines = errorLines(
      { people_met: ['不能小于 1'], visit_date: ['没有这一天'], grid_id: ['请选择网格'], extra: ['未知字段'] },
      TEMPLATE,
      'zh',
      t,
    )
    expect(lines.map((l) => `${l.label}:${l.messages[0]}`)).toEqual([
      '网格:请选择网格',
      'extra:未知字段',
      '走访日期:没有这一天',
      '见到的人数:不能小于 1',
    ])
  })
})

describe('describeState', () => {
  it('says what the engine is doing, and when it tries again', () => {
    expect(describeState(status('idle'), '').map((l) => l.key)).toEqual(['outbox.stateIdle'])
    expect(describeState(status('idle', { pending: 2 }), '').map((l) => l.key)).toEqual(['outbox.stateWaiting'])
    expect(describeState(status('idle', { attention: 1 }), '')[0]).toMatchObject({
      key: 'outbox.stateAttention',
      params: { n: 1 },
    })
    expect(describeState(status('offline'), '')[0].key).toBe('outbox.stateOffline')
    expect(describeState(status('error'), '09:31:00')).toEqual([
      { key: 'outbox.stateError', params: { message: '服务器出错' }, tone: 'bad' },
      { key: 'outbox.retryAt', params: { time: '09:31:00' }, tone: 'warn' },
    ])
  })
})

describe('a case action the case outran', () => {
  const action = (status: OutboxStatus, server: unknown) =>
    item('a1', status, {
      kind: 'case_action',
      template: null,
      payload: { case_id: 'c-1', action: 'handle', comment: '已清理' },
      server_result: {
        id: 'a1',
        status: 'conflict',
        error: { code: 'stale_case', message: '案件状态已变化' },
        server,
      } as never,
    })

  it('names the case to open and its state now, in words', () => {
    const moved = caseMovedOn(action('conflict', { id: 'c-1', state: 'closed' }))
    expect(moved).toEqual({ caseId: 'c-1', state: 'caseState.closed' })
    expect(t(moved!.state!)).toBe('已结案')
    expect(t('outbox.caseMovedHelp', { state: t(moved!.state!) })).toContain('现为“已结案”')
  })

  it("still offers the case when the server sent no state, and keeps the item deletable only on the worker's word", () => {
    expect(caseMovedOn(action('conflict', null))).toEqual({ caseId: 'c-1', state: null })
    expect(canDiscard(action('conflict', null))).toBe(true)
  })

  it('is not about anything else', () => {
    expect(caseMovedOn(action('pending', null))).toBeNull()
    expect(caseMovedOn(item('v1', 'conflict'))).toBeNull()
  })
})
