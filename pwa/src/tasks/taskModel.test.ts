import { describe, expect, it } from 'vitest'
import { fromShanghaiLocal, normalizeTask, openTasks, taskBody, taskRoute } from './taskModel'

const NOW = Date.parse('2026-11-27T04:00:00Z')

describe('tasks on the phone', () => {
  it('flags an open task past its due time as overdue, never a done one', () => {
    expect(normalizeTask({ id: 't', status: 'open', due_at: '2026-11-27T03:00:00Z' }, NOW).overdue).toBe(true)
    expect(normalizeTask({ id: 't', status: 'done', due_at: '2026-11-27T03:00:00Z' }, NOW).overdue).toBe(false)
    expect(normalizeTask({ id: 't', status: 'open', due_at: '2026-11-28T03:00:00Z' }, NOW).overdue).toBe(false)
  })
  it('lists open tasks, overdue first, then by due time', () => {
    const list = [
      normalizeTask({ id: 'late', due_at: '2026-11-30T00:00:00Z' }, NOW),
      normalizeTask({ id: 'over', due_at: '2026-11-26T00:00:00Z' }, NOW),
      normalizeTask({ id: 'soon', due_at: '2026-11-28T00:00:00Z' }, NOW),
      normalizeTask({ id: 'done', status: 'done' }, NOW),
    ]
    expect(openTasks(list).map((t) => t.id)).toEqual(['over', 'soon', 'late'])
  })
  it('opens the right form with the task id, and a case check on the case', () => {
    expect(taskRoute(normalizeTask({ id: 't1', kind: 'visit_household', household_id: 'h1' }))).toEqual({
      name: 'visit-new',
      query: { task: 't1', household: 'h1' },
    })
    expect(
      taskRoute(normalizeTask({ id: 't2', kind: 'welfare_visit', target: { type: 'resident', id: 'r1' } })),
    ).toEqual({
      name: 'form-new',
      params: { key: 'welfare_visit' },
      query: { task: 't2', resident: 'r1' },
    })
    expect(taskRoute(normalizeTask({ id: 't3', kind: 'check_case', case_id: 'c1' }))).toEqual({
      name: 'case',
      params: { id: 'c1' },
      query: { task: 't3' },
    })
  })
})

describe('taskBody', () => {
  const base = { assigneeId: 4, kind: 'check_case', targetId: 'c1', dueAt: '2026-11-28T01:00:00Z', note: '' }
  it('builds the POST /tasks body', () => {
    expect(taskBody(base, NOW)).toEqual({
      assignee_id: 4,
      kind: 'check_case',
      due_at: '2026-11-28T01:00:00.000Z',
      case_id: 'c1',
    })
  })
  it('refuses no worker, no due time, a due time in the past', () => {
    expect(() => taskBody({ ...base, assigneeId: null }, NOW)).toThrow('task.workerRequired')
    expect(() => taskBody({ ...base, dueAt: '' }, NOW)).toThrow('task.dueRequired')
    expect(() => taskBody({ ...base, targetId: ' ' }, NOW)).toThrow('task.targetRequired')
    expect(taskBody({ ...base, kind: 'welfare_visit', targetId: 'r1' }, NOW)).toMatchObject({ resident_id: 'r1' })
    expect(() => taskBody({ ...base, dueAt: '2026-11-26T00:00:00Z' }, NOW)).toThrow('task.duePast')
  })
  it('reads the datetime-local value as Beijing time', () => {
    expect(fromShanghaiLocal('2026-11-28T09:00')).toBe('2026-11-28T01:00:00.000Z')
    expect(fromShanghaiLocal('')).toBe('')
  })
})
