// The replica with the worker's own outbox laid over it: offline edits, new records, visits, conflicts.
import { describe, expect, it } from 'vitest'
import { DEFAULT_INTERVAL_DAYS, derivedTier, dueAfterVisit, effectiveTier, intervalsFrom } from '../../src/register/care'
import { addDays, ageOn, shanghaiDate, shanghaiDateOf } from '../../src/register/dates'
import { dueLists, overlayRegister } from '../../src/register/overlay'
import type { Replica } from '../../src/register/overlay'
import type { Household, QueuedItem, Resident } from '../../src/register/types'

const TODAY = '2026-11-27'
const options = { today: TODAY, intervals: { ...DEFAULT_INTERVAL_DAYS } }

const household: Household = { id: 'h1', grid_id: 3, head_name: '王秀英', address: '示例路1号', unit: '2', room: '301', version: 4 }
const aged: Resident = {
  id: 'r1',
  household_id: 'h1',
  grid_id: 3,
  name: '王秀英',
  gender: 'female',
  birth_date: '1940-03-02',
  relation: 'head',
  tags: ['living_alone'],
  care_tier: 'high',
  next_visit_due: TODAY,
  version: 2,
}
const overdue: Resident = { ...aged, id: 'r2', name: '李建国', gender: 'male', care_tier: 'key', next_visit_due: '2026-11-01', relation: 'spouse' }
const young: Resident = { id: 'r3', household_id: 'h1', grid_id: 3, name: '王磊', gender: 'male', birth_date: '1990-05-05', version: 1 }

function replica(): Replica {
  return { buildings: [], households: [household], residents: [aged, overdue, young] }
}

let n = 0
function item(kind: string, payload: Record<string, unknown>, extra: Partial<QueuedItem> = {}): QueuedItem {
  n += 1
  return { id: `item-${n}`, kind, status: 'pending', payload, created_at: '2026-11-27T09:30:00.000+08:00', ...extra }
}

function visit(residentId: string, how = 'home', extra: Partial<QueuedItem> = {}, answers: Record<string, unknown> = {}): QueuedItem {
  return item('welfare_visit', { grid_id: 3, household_id: 'h1', resident_id: residentId, answers: { how_contacted: how, major_change: false, ...answers } }, extra)
}

describe('dates and tiers', () => {
  it('counts Shanghai days whatever the phone zone', () => {
    expect(shanghaiDate(Date.parse('2026-11-26T16:30:00Z'))).toBe('2026-11-27')
    expect(shanghaiDateOf('2026-11-27T00:10:00+08:00')).toBe('2026-11-27')
    expect(addDays('2026-12-28', 7)).toBe('2027-01-04')
    expect(ageOn('1946-11-28', TODAY)).toBe(79)
    expect(ageOn('1946-11-27', TODAY)).toBe(80)
  })

  it('derives tiers by the default rules and honours an override', () => {
    expect(derivedTier(82, ['living_alone'])).toBe('high')
    expect(derivedTier(40, ['critical_illness'])).toBe('high')
    expect(derivedTier(65, ['disabled'])).toBe('key')
    expect(derivedTier(30, ['lost_only_child'])).toBe('key')
    expect(derivedTier(61, [])).toBe('general')
    expect(derivedTier(30, ['low_income'])).toBe('general')
    expect(derivedTier(30, [])).toBe('none')
    expect(effectiveTier('1940-01-01', ['living_alone'], 'deceased', null, TODAY)).toBe('none')
    expect(effectiveTier('1990-01-01', [], 'present', 'key', TODAY)).toBe('key')
  })

  it('moves the due date by the tier interval, or to within 24 h after a major change', () => {
    expect(dueAfterVisit('high', '2026-11-27T09:30:00+08:00', false, options.intervals)).toBe('2026-12-04')
    expect(dueAfterVisit('key', '2026-11-27T09:30:00+08:00', false, options.intervals)).toBe('2026-12-27')
    expect(dueAfterVisit('general', '2026-11-27T09:30:00+08:00', false, options.intervals)).toBe('2027-02-25')
    expect(dueAfterVisit('general', '2026-11-27T09:30:00+08:00', true, options.intervals)).toBe('2026-11-28')
    expect(dueAfterVisit('none', '2026-11-27T09:30:00+08:00', false, options.intervals)).toBeNull()
  })

  it('reads intervals from the pulled care_tiers catalogue', () => {
    const intervals = intervalsFrom([{ id: 'care_tiers', items: [{ code: 'high', label: { zh: '', en: '' }, interval_days: 3 }] }])
    expect(intervals).toEqual({ high: 3, key: 30, general: 90 })
  })
})

describe('due lists', () => {
  it('lists due today and overdue, the highest tier first, nobody off the list', () => {
    const gone: Resident = { ...overdue, id: 'r9', status: 'moved_out' }
    const lists = dueLists([young, overdue, aged, gone], TODAY)
    expect(lists.today.map((r) => r.id)).toEqual(['r1'])
    expect(lists.overdue.map((r) => r.id)).toEqual(['r2'])
  })

  it('takes a resident off the lists the moment a visit is saved on the phone', () => {
    const data = overlayRegister(replica(), [visit('r1'), visit('r2', 'phone')], options)
    expect(data.residents.get('r1')!.next_visit_due).toBe('2026-12-04')
    expect(data.residents.get('r2')!.next_visit_due).toBe('2026-12-27')
    const lists = dueLists(data.residents.values(), TODAY)
    expect(lists.today).toEqual([])
    expect(lists.overdue).toEqual([])
    expect(data.visits.get('r1')).toMatchObject({ reached: true, status: 'pending' })
  })

  it('keeps a resident not reached on the list, and one with a major change due tomorrow', () => {
    const data = overlayRegister(replica(), [visit('r1', 'not_reached'), visit('r2', 'home', {}, { major_change: true })], options)
    expect(data.residents.get('r1')!.next_visit_due).toBe(TODAY)
    expect(data.visits.get('r1')!.reached).toBe(false)
    expect(data.residents.get('r2')!.next_visit_due).toBe('2026-11-28')
  })

  it('counts a delivered visit until a pull has run after it, then trusts the pull', () => {
    const delivered = visit('r1', 'home', { status: 'done', updated_at: '2026-11-27T09:31:00.000+08:00' })
    const before = overlayRegister(replica(), [delivered], { ...options, lastPullAt: '2026-11-27T08:00:00.000+08:00' })
    expect(before.residents.get('r1')!.next_visit_due).toBe('2026-12-04')
    const after = overlayRegister(replica(), [delivered], { ...options, lastPullAt: '2026-11-27T09:31:05.000+08:00' })
    expect(after.residents.get('r1')!.next_visit_due).toBe(TODAY)
  })

  it('still counts a visit sent back for fixing: the worker did visit', () => {
    const data = overlayRegister(replica(), [visit('r1', 'home', { status: 'needs_fix' })], options)
    expect(data.residents.get('r1')!.next_visit_due).toBe('2026-12-04')
  })
})

describe('offline register edits', () => {
  it('shows a household edit at once, with the phone masked and the record marked', () => {
    const edit = item('household_upsert', {
      household: { id: 'h1', grid_id: 3, head_name: '王秀英', address: '示例路1号', room: '302', phone: '13912345678', notes: null },
      base_version: 4,
    })
    const data = overlayRegister(replica(), [edit], options)
    const h = data.households.get('h1')!
    expect(h.room).toBe('302')
    expect(h.phone_masked).toBe('139****5678')
    expect(h.version).toBe(4)
    expect(data.marks.get('h1')).toEqual({ mark: 'pending', itemId: edit.id })
  })

  it('adds a household made offline in a new building, and its residents with a derived tier due today', () => {
    const newHousehold = item('household_upsert', {
      household: { id: 'h2', grid_id: 3, head_name: '赵桂兰', unit: '1', room: '101', building_id: 'b9', building: { id: 'b9', name: '新建9栋', address: '新路9号' } },
      base_version: null,
    })
    const newResident = item('resident_upsert', {
      resident: { id: 'r7', household_id: 'h2', name: '赵桂兰', gender: 'female', birth_date: '1941-01-05', tags: ['living_alone'], id_number: '36010319410105002X', phone: '13812345678', status: 'present' },
      base_version: null,
    })
    const data = overlayRegister(replica(), [newHousehold, newResident], options)
    expect(data.buildings.get('b9')).toMatchObject({ name: '新建9栋', grid_id: 3 })
    expect(data.householdsByBuilding.get('b9')!.map((h) => h.id)).toEqual(['h2'])
    const r = data.residents.get('r7')!
    expect(r).toMatchObject({ grid_id: 3, care_tier: 'high', next_visit_due: TODAY, age: 85, phone_masked: '138****5678' })
    expect(r.id_number_masked).toBe('3601**********002X')
    expect(data.residentsByHousehold.get('h2')!.map((x) => x.id)).toEqual(['r7'])
    expect(dueLists(data.residents.values(), TODAY).today.map((x) => x.id)).toEqual(['r1', 'r7'])
  })

  it('moves the due date when an edit changes the tier, and drops it when the resident died', () => {
    const tagged = item('resident_upsert', { resident: { ...young, tags: ['disabled'], care_tier_override: 'key', care_tier_reason: '行动不便' }, base_version: 1 })
    const died = item('resident_upsert', { resident: { ...aged, status: 'deceased' }, base_version: 2 })
    const data = overlayRegister(replica(), [tagged, died], options)
    expect(data.residents.get('r3')).toMatchObject({ care_tier: 'key', next_visit_due: TODAY })
    expect(data.residents.get('r1')!.care_tier).toBeUndefined()
    expect(data.residents.get('r1')!.next_visit_due).toBeUndefined()
  })

  it('keeps the masked number when the masked value is echoed back', () => {
    const echo = item('resident_upsert', { resident: { id: 'r1', household_id: 'h1', name: '王秀英', id_number: '3601**********1234' }, base_version: 2 })
    const data = overlayRegister({ ...replica(), residents: [{ ...aged, id_number_masked: '3601**********1234' }] }, [echo], options)
    expect(data.residents.get('r1')!.id_number_masked).toBe('3601**********1234')
  })

  it('shows the server copy for a conflict, marked, and a rejected edit marked to fix', () => {
    const conflict = item('household_upsert', { household: { id: 'h1', grid_id: 3, head_name: '改名' }, base_version: 3 }, { status: 'conflict' })
    const rejected = item('resident_upsert', { resident: { ...young, name: '王小磊' }, base_version: 1 }, { status: 'needs_fix' })
    const data = overlayRegister(replica(), [conflict, rejected], options)
    expect(data.households.get('h1')!.head_name).toBe('王秀英')
    expect(data.marks.get('h1')).toEqual({ mark: 'conflict', itemId: conflict.id })
    expect(data.residents.get('r3')!.name).toBe('王小磊')
    expect(data.marks.get('r3')!.mark).toBe('needs_fix')
  })

  it('drops a delivered edit once a pull ran after it (the record may have left the grid)', () => {
    const moved = item('household_upsert', { household: { id: 'h5', grid_id: 3, head_name: '某', address: 'x' }, base_version: null }, {
      status: 'done',
      updated_at: '2026-11-27T09:31:00.000+08:00',
    })
    expect(overlayRegister(replica(), [moved], { ...options, lastPullAt: null }).households.has('h5')).toBe(true)
    expect(overlayRegister(replica(), [moved], { ...options, lastPullAt: '2026-11-27T09:32:00.000+08:00' }).households.has('h5')).toBe(false)
  })
})
