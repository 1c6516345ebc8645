import { describe, expect, it } from 'vitest'
import {
  ACTION_LABELS,
  ActionInputError,
  actionBody,
  actionsFor,
  allowedFrom,
  byDeadline,
  caseActionSubmission,
  caseLoopFrom,
  caseQuery,
  countLights,
  estimateDeadline,
  groupByState,
  lightFor,
  listOf,
  normalizeCase,
} from './caseModel'

const T0 = Date.parse('2026-11-23T01:00:00Z') // Monday 09:00 Beijing
const H = 3600_000

describe('lightFor', () => {
  it('is green under 80 % of the limit, yellow from 80 %, red after the deadline', () => {
    const start = new Date(T0).toISOString()
    const end = new Date(T0 + 10 * H).toISOString()
    expect(lightFor(start, end, T0 + 7.9 * H)).toBe('green')
    expect(lightFor(start, end, T0 + 8 * H)).toBe('yellow')
    expect(lightFor(start, end, T0 + 10 * H)).toBe('yellow')
    expect(lightFor(start, end, T0 + 10 * H + 1)).toBe('red')
  })
  it('has no light without a deadline', () => {
    expect(lightFor(null, null, T0)).toBe('none')
    expect(lightFor(null, 'garbage', T0)).toBe('none')
  })
})

describe('normalizeCase', () => {
  it('takes the server light, events, before and after photos', () => {
    const view = normalizeCase({
      id: 'c1',
      state: 'handled',
      category: 'ebike',
      lights: { case: 'yellow', step: 'green' },
      before_photos: ['a'],
      events: [
        {
          id: 1,
          action: 'report',
          from_state: null,
          to_state: 'reported',
          photos: ['a'],
          at: '2026-11-20T01:00:00Z',
          actor: { display_name: '张三' },
        },
        { id: 2, action: 'dispatch', from_state: 'filed', to_state: 'dispatched', at: '2026-11-21T01:00:00Z' },
        {
          id: 3,
          action: 'handle',
          from_state: 'dispatched',
          to_state: 'handled',
          photos: ['b'],
          at: '2026-11-22T01:00:00Z',
        },
      ],
    })
    expect(view.light).toBe('yellow')
    expect(view.beforePhotos).toEqual(['a'])
    expect(view.afterPhotos).toEqual(['b'])
    expect(view.dispatchedAt).toBe('2026-11-21T01:00:00Z')
    expect(view.events[0].actor).toBe('张三')
  })
  it('computes a light from the deadline when the copy has none, only while the clock runs', () => {
    const open = normalizeCase(
      {
        id: 'c',
        state: 'dispatched',
        dispatched_at: new Date(T0).toISOString(),
        deadline: new Date(T0 + H).toISOString(),
      },
      T0 + 2 * H,
    )
    expect(open.light).toBe('red')
    const closed = normalizeCase({ id: 'c', state: 'closed', deadline: new Date(T0).toISOString() }, T0 + 2 * H)
    expect(closed.light).toBe('none')
  })
  it("reads the server's clocks: the handling clock while dispatched, the whole-case clock after", () => {
    const clocks = {
      handle: { deadline: '2026-11-24T01:00:00Z', light: 'red', running: true },
      case: { deadline: '2026-11-30T01:00:00Z', light: 'green', running: true },
    }
    const dispatched = normalizeCase({ id: 'c', state: 'dispatched', clocks, department_id: 2 })
    expect(dispatched).toMatchObject({ light: 'red', deadline: '2026-11-24T01:00:00Z', departmentId: 2 })
    const checked = normalizeCase({ id: 'c', state: 'checked', clocks, check_photos: ['k'] })
    expect(checked).toMatchObject({ light: 'green', deadline: '2026-11-30T01:00:00Z', checkPhotos: ['k'] })
  })
  it('reads events with from/to and the allowed_actions list', () => {
    const view = normalizeCase({
      id: 'c',
      state: 'reported',
      allowed_actions: ['file', 'void'],
      events: [{ id: 1, action: 'report', from: null, to: 'reported', at: 'x' }],
    })
    expect(view.events[0]).toMatchObject({ to_state: 'reported', from_state: null })
    expect(actionsFor(view, 'supervisor', null)).toEqual(['file', 'void'])
  })
  it('names a category without the catalogue', () => {
    expect(normalizeCase({ category: 'ebike' }).categoryLabel).toBe('电动车火灾')
    expect(normalizeCase({ category: 'x', category_label: { zh: '甲', en: 'A' } }, 0, 'en').categoryLabel).toBe('A')
  })
  it('falls back to reported for an unknown state', () => {
    expect(normalizeCase({ state: 'weird' }).state).toBe('reported')
  })
})

// A served loop as the pull carries it (catalogue case_loop); the real one is in caseActions.server.test.ts.
const LOOP = caseLoopFrom([
  { id: 'hazard_categories', items: [] },
  {
    id: 'case_loop',
    items: [
      {
        code: 'reported',
        label: { zh: '待受理', en: 'reported' },
        actions: [
          { action: 'file', to: 'filed', roles: ['supervisor', 'admin'] },
          { action: 'return', to: 'returned', roles: ['supervisor', 'admin', 'janitor'] },
          { action: 'fly', to: 'moon', roles: ['supervisor'] },
        ],
      },
      { code: 'dispatched', actions: [{ action: 'handle', to: 'handled', roles: ['handler', 'worker'] }] },
      { code: 'nowhere', actions: [] },
    ],
  },
])

describe('actionsFor', () => {
  it("offers the served loop's steps for the role when the case copy has no allowed_actions", () => {
    expect(actionsFor({ state: 'reported', allowed: null }, 'supervisor', LOOP)).toEqual(['file', 'return'])
    expect(actionsFor({ state: 'reported', allowed: null }, 'worker', LOOP)).toEqual([])
    expect(actionsFor({ state: 'dispatched', allowed: null }, 'handler', LOOP)).toEqual(['handle'])
    expect(actionsFor({ state: 'filed', allowed: null }, 'supervisor', LOOP)).toEqual([])
  })
  it('reads only known states, actions and roles from the catalogue', () => {
    expect([...(LOOP?.keys() ?? [])]).toEqual(['reported', 'dispatched'])
    expect(LOOP?.get('reported')?.[1].roles).toEqual(['supervisor', 'admin'])
  })
  it("prefers the case's allowed_actions, the server's word for this user", () => {
    expect(actionsFor({ state: 'reported', allowed: ['void'] }, 'supervisor', LOOP)).toEqual(['void'])
    expect(actionsFor({ state: 'reported', allowed: [] }, 'supervisor', LOOP)).toEqual([])
  })
  it('offers nothing without the served loop: the phone keeps no copy', () => {
    expect(caseLoopFrom([{ id: 'resident_tags', items: [] }])).toBeNull()
    expect(actionsFor({ state: 'reported', allowed: null }, 'supervisor', null)).toEqual([])
  })
  it('keeps the stable button words', () => {
    expect(Object.values(ACTION_LABELS)).toEqual([
      '立案',
      '退回',
      '作废',
      '合并',
      '派遣',
      '处置完成',
      '核查通过',
      '返工',
      '结案',
    ])
  })
})

describe('actionBody', () => {
  it('needs a reason to void and sends it', () => {
    expect(() => actionBody({ action: 'void', comment: ' ' })).toThrow(ActionInputError)
    expect(actionBody({ action: 'void', reason: '重复' })).toEqual({ action: 'void', reason: '重复' })
  })
  it('needs a comment to return', () => {
    expect(() => actionBody({ action: 'return' })).toThrow(ActionInputError)
  })
  it('dispatches to a department before a person', () => {
    expect(actionBody({ action: 'dispatch', departmentId: 3, assigneeId: 9 })).toEqual({
      action: 'dispatch',
      department_id: 3,
    })
    expect(actionBody({ action: 'dispatch', assigneeId: 9, deadline: 'x' })).toEqual({
      action: 'dispatch',
      assignee_id: 9,
      deadline: 'x',
    })
    expect(() => actionBody({ action: 'dispatch' })).toThrow(/assignee/)
  })
  it('merges only into a named case', () => {
    expect(() => actionBody({ action: 'merge' })).toThrow(ActionInputError)
    expect(actionBody({ action: 'merge', intoCaseId: 'c2' })).toEqual({ action: 'merge', into_case_id: 'c2' })
  })
  it('passes photos on handle and check, nothing extra on file', () => {
    expect(actionBody({ action: 'check', photos: ['p'], comment: 'ok' })).toEqual({
      action: 'check',
      comment: 'ok',
      photos: ['p'],
    })
    expect(actionBody({ action: 'file', photos: ['p'] })).toEqual({ action: 'file' })
  })
})

describe('outbox and 409', () => {
  it('builds the case_action record of the contract', () => {
    expect(caseActionSubmission('c1', 'handle', ' 已清理 ', ['s1'])).toEqual({
      kind: 'case_action',
      template: null,
      payload: { case_id: 'c1', action: 'handle', comment: '已清理', photos: ['s1'] },
      photos: ['s1'],
    })
  })
  it('reads error.allowed, ignoring unknown names', () => {
    expect(allowedFrom({ allowed: ['file', 'fly', 'void'] })).toEqual(['file', 'void'])
    expect(allowedFrom({})).toEqual([])
  })
})

describe('lists', () => {
  const mk = (id: string, state: string, deadline: string | null, light: string) =>
    normalizeCase({ id, state, deadline, light })
  it('sorts by deadline, none last', () => {
    const list = [
      mk('a', 'dispatched', null, 'green'),
      mk('b', 'dispatched', '2026-11-25T00:00:00Z', 'green'),
      mk('c', 'dispatched', '2026-11-24T00:00:00Z', 'red'),
    ]
    expect(list.sort(byDeadline).map((c) => c.id)).toEqual(['c', 'b', 'a'])
  })
  it('groups by state and counts lights', () => {
    const list = [
      mk('a', 'filed', null, 'green'),
      mk('b', 'dispatched', null, 'red'),
      mk('c', 'dispatched', null, 'yellow'),
    ]
    const groups = groupByState(list)
    expect(groups.get('dispatched')?.length).toBe(2)
    expect(groups.get('closed')).toEqual([])
    expect(countLights(list)).toEqual({ green: 1, yellow: 1, red: 1, none: 0 })
  })
  it('reads list answers and filters', () => {
    expect(listOf({ cases: [1] }, 'cases')).toEqual([1])
    expect(listOf([2])).toEqual([2])
    expect(listOf(null)).toEqual([])
    expect(caseQuery({ state: 'filed', grid_id: '', overdue: true })).toEqual({ state: 'filed', overdue: '1' })
  })
})

describe('estimateDeadline', () => {
  it('counts working days over a weekend', () => {
    const friday = Date.parse('2026-11-27T02:00:00Z') // Friday 10:00 Beijing
    expect(new Date(estimateDeadline(friday, { value: 1, unit: 'working_days' })).toISOString()).toBe(
      '2026-11-30T02:00:00.000Z',
    )
  })
  it('counts working hours within 9–17 and carries to the next working day', () => {
    const friday4pm = Date.parse('2026-11-27T08:00:00Z') // Friday 16:00 Beijing
    // 1 h on Friday, 3 h on Monday from 9:00 → Monday 12:00 Beijing.
    expect(new Date(estimateDeadline(friday4pm, { value: 4, unit: 'working_hours' })).toISOString()).toBe(
      '2026-11-30T04:00:00.000Z',
    )
  })
})
