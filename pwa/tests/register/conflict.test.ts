// The conflict screen's rows, and the edit queueing rules that keep one item per record.
import { describe, expect, it } from 'vitest'
import { compareRows, serverSide } from '../../src/register/conflict'
import { baseVersionFor, priorEdit } from '../../src/register/upsert'
import type { OutboxItem } from '../../src/outbox'

function outboxItem(extra: Partial<OutboxItem>): OutboxItem {
  return {
    id: 'i1',
    owner: 'wang',
    kind: 'household_upsert',
    template: null,
    payload: {},
    photos: [],
    location: null,
    created_at: '2026-11-27T09:00:00.000+08:00',
    status: 'pending',
    errors: null,
    error: null,
    server_result: null,
    attempts: 0,
    updated_at: '2026-11-27T09:00:00.000+08:00',
    ...extra,
  }
}

describe('conflict rows', () => {
  const conflict = outboxItem({
    status: 'conflict',
    payload: {
      household: { id: 'h1', head_name: '王秀英', room: '302', phone: '13912345678', notes: null },
      base_version: 3,
    },
    server_result: {
      id: 'i1',
      status: 'conflict',
      server: {
        entity: 'household',
        op: 'upsert',
        id: 'h1',
        version: 5,
        data: { id: 'h1', head_name: '王秀英', room: '301', phone_masked: '138****5678', unit: '2' },
      },
    },
  })

  it('sets mine beside the server field by field, numbers masked on both sides', () => {
    const rows = new Map(compareRows(conflict).map((r) => [r.field, r]))
    expect(rows.get('head_name')).toMatchObject({ mine: '王秀英', server: '王秀英', same: true })
    expect(rows.get('room')).toMatchObject({ mine: '302', server: '301', same: false })
    expect(rows.get('phone')).toMatchObject({ mine: '139****5678', server: '138****5678', same: false })
    expect(rows.get('unit')).toMatchObject({ untouched: true, same: true, mine: '2' })
    expect(rows.get('notes')).toMatchObject({ mine: null, server: null, same: true })
    expect(serverSide(conflict)?.version).toBe(5)
  })

  it('has no rows without a server side', () => {
    expect(compareRows({ ...conflict, server_result: { id: 'i1', status: 'conflict' } })).toEqual([])
  })

  it('compares resident tags as sets and reads an absent status as present', () => {
    const rows = compareRows({
      kind: 'resident_upsert',
      payload: { resident: { id: 'r1', tags: ['empty_nest', 'aged'], status: 'present' }, base_version: 1 },
      server_result: { server: { entity: 'resident', id: 'r1', version: 2, data: { tags: ['aged', 'empty_nest'] } } },
    })
    const byField = new Map(rows.map((r) => [r.field, r]))
    expect(byField.get('tags')!.same).toBe(true)
    expect(byField.get('status')!.same).toBe(true)
  })
})

describe('edit queueing', () => {
  it('finds the newest edit of the same record', () => {
    const items = [
      outboxItem({ id: 'a', payload: { household: { id: 'h1' } }, status: 'done' }),
      outboxItem({ id: 'b', payload: { household: { id: 'h2' } } }),
      outboxItem({ id: 'c', payload: { household: { id: 'h1' } }, status: 'needs_fix' }),
    ]
    expect(priorEdit(items, 'household_upsert', 'h1')?.id).toBe('c')
    expect(priorEdit(items, 'resident_upsert', 'h1')).toBeUndefined()
  })

  it('bases a new edit on a delivered version the pull has not brought back yet', () => {
    const delivered = outboxItem({
      status: 'done',
      updated_at: '2026-11-27T09:05:00.000+08:00',
      server_result: { id: 'i1', status: 'accepted', version: 6 },
    })
    expect(baseVersionFor(delivered, 5, '2026-11-27T09:00:00.000+08:00')).toBe(6)
    expect(baseVersionFor(delivered, 6, '2026-11-27T09:06:00.000+08:00')).toBe(6)
    expect(baseVersionFor(delivered, 7, '2026-11-27T09:06:00.000+08:00')).toBe(7)
    expect(baseVersionFor(undefined, undefined, null)).toBeNull()
  })
})
