// What each entry job sends: the links (resubmits, task_id) the server needs to tie it to its origin.
import { describe, expect, it } from 'vitest'
import { serverKind } from '../support/formKinds'
import { draftKeyFor, fixedPayload, newEntryJob, newEntryPayload } from '../../src/entry/jobs'
import { newEntryProps } from '../../src/entry/route'

const context = { grid_id: 3, answers: { note: '楼道堆物' }, household_id: 'h1', building_id: 'b1' }

describe('which job a new-form route is', () => {
  it('is a plain new form without resubmits or task', () => {
    expect(newEntryJob({ templateKey: 'household_visit', householdId: 'h1' })).toEqual({
      job: 'new',
      templateKey: 'household_visit',
      subject: { householdId: 'h1' },
    })
  })

  it('reads the links from the URL (我的任务 adds ?task=, 我的上报 ?resubmits=)', () => {
    expect(newEntryJob(newEntryProps('household_visit', { household: 'h1', task: 't7' }))).toEqual({
      job: 'task',
      templateKey: 'household_visit',
      subject: { householdId: 'h1' },
      taskId: 't7',
    })
    expect(newEntryJob(newEntryProps('city_case', { resubmits: ['s9', 's8'], resident: null }))).toEqual({
      job: 'resubmit',
      templateKey: 'city_case',
      subject: {},
      resubmits: 's9',
    })
  })

  it('is task-linked with ?task= and a resubmission with ?resubmits=', () => {
    expect(newEntryJob({ templateKey: 'welfare_visit', residentId: 'r1', taskId: 't7' })).toMatchObject({
      job: 'task',
      taskId: 't7',
      subject: { residentId: 'r1' },
    })
    expect(newEntryJob({ templateKey: 'city_case', resubmits: 's9' })).toMatchObject({
      job: 'resubmit',
      resubmits: 's9',
    })
  })
})

describe('payload of each job', () => {
  it('a new form: the kind keys only, no link', () => {
    const job = newEntryJob({ templateKey: 'hazard_inspection' })
    expect(newEntryPayload(job, serverKind('hazard_report'), context)).toEqual({
      grid_id: 3,
      household_id: 'h1',
      building_id: 'b1',
      answers: { note: '楼道堆物' },
    })
  })

  it('a form from 我的专项 names the campaign target it closes, and keeps it when fixed', () => {
    const job = newEntryJob(newEntryProps('household_visit', { household: 'h1', campaign_target: 'ct1' }))
    const payload = newEntryPayload(job, serverKind('household_visit'), context)
    expect(payload.campaign_target_id).toBe('ct1')
    const fixed = fixedPayload(serverKind('household_visit'), context, { campaign_target_id: 'ct1' })
    expect(fixed.campaign_target_id).toBe('ct1')
  })

  it('a task-linked form names the task it fulfils', () => {
    const job = newEntryJob({ templateKey: 'household_visit', householdId: 'h1', taskId: 't7' })
    const payload = newEntryPayload(job, serverKind('household_visit'), context)
    expect(payload.task_id).toBe('t7')
    expect(payload).not.toHaveProperty('resubmits')
  })

  it('a resubmission names the returned submission it replaces', () => {
    const job = newEntryJob({ templateKey: 'city_case', resubmits: 's9' })
    const payload = newEntryPayload(job, serverKind('city_case'), context)
    expect(payload.resubmits).toBe('s9')
    expect(payload).not.toHaveProperty('task_id')
  })

  it('a resubmission opened with its task keeps both links', () => {
    const job = newEntryJob({ templateKey: 'hazard_inspection', resubmits: 's9', taskId: 't7' })
    expect(newEntryPayload(job, serverKind('hazard_report'), context)).toMatchObject({
      resubmits: 's9',
      task_id: 't7',
    })
  })

  it('a stray resubmits in the form context does not make a new form a resubmission', () => {
    const job = newEntryJob({ templateKey: 'city_case' })
    expect(newEntryPayload(job, serverKind('city_case'), { ...context, resubmits: 's9' })).not.toHaveProperty(
      'resubmits',
    )
  })

  it('a fixed outbox item keeps the links it was queued with and takes the rest from the form', () => {
    const queued = { grid_id: 1, answers: { note: '旧' }, resubmits: 's9', task_id: 't7' }
    expect(fixedPayload(serverKind('city_case'), context, queued)).toEqual({
      grid_id: 3,
      household_id: 'h1',
      building_id: 'b1',
      answers: { note: '楼道堆物' },
      resubmits: 's9',
      task_id: 't7',
    })
    const plain = fixedPayload(serverKind('household_visit'), context, { grid_id: 1, answers: {} })
    expect(plain).not.toHaveProperty('resubmits')
    expect(plain).not.toHaveProperty('task_id')
  })
})

describe('draft of a new form', () => {
  it('is kept per subject, and per original for a resubmission', () => {
    const key = (props: Parameters<typeof newEntryJob>[0]) => draftKeyFor(newEntryJob(props))
    expect(key({ templateKey: 'welfare_visit', residentId: 'r1' })).not.toBe(
      key({ templateKey: 'welfare_visit', residentId: 'r2' }),
    )
    expect(key({ templateKey: 'household_visit', householdId: 'h1' })).toBe('household_visit@h:h1')
    expect(key({ templateKey: 'city_case', resubmits: 's9', householdId: 'h1' })).toBe('city_case@re:s9')
    expect(key({ templateKey: 'city_case' })).toBe('city_case')
  })
})
